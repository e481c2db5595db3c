"""The patrol sheet's route map as printed: stop numbers large enough to read on paper and
inside their circles, and no village name hidden under a stop."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.crs import METRIC_CRS
from geo.patrol.sheet import STOP_AREA, Sheet, Stop, font_path, route_map_figure

MIN_PT = 7.0  # the smallest text a patrol officer reads on an office print

# Two villages side by side, about 2.2 km by 2.2 km each, near Cẩm Tân.
LAT, LON, SIDE = 20.12, 105.50, 0.02
VILLAGES = gpd.GeoDataFrame(
    {"code": ["T01", "T02"], "name": ["Thôn 1", "Thôn 2"]},
    geometry=[box(LON, LAT, LON + SIDE, LAT + SIDE),
              box(LON + SIDE, LAT, LON + 2 * SIDE, LAT + SIDE)], crs="EPSG:4326")


def _sheet() -> Sheet:
    """Stops right on each village's middle (where its name went) and ten more, so that
    two-digit numbers are drawn."""
    middles = [v.representative_point() for v in VILLAGES.geometry]
    stops = [Stop(1, middles[0].y, middles[0].x), Stop(2, middles[1].y, middles[1].x)]
    stops += [Stop(n, LAT + 0.002 + 0.0015 * n, LON + 0.003) for n in range(3, 13)]
    return Sheet(title="", header=[], columns=[], rows=[], start_label="Điểm xuất phát",
                 villages=VILLAGES, start=(LAT + 0.001, LON + 0.001), stops=stops)


@pytest.fixture(scope="module")
def drawn():
    pytest.importorskip("matplotlib")
    try:
        font_path()
    except RuntimeError as missing:
        pytest.skip(str(missing))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = route_map_figure(_sheet())
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    texts = fig.axes[0].texts
    return fig, renderer, texts


def test_the_map_prints_at_the_size_it_is_drawn():
    """The PDF places the map 190 mm wide (geo.patrol.sheet.sheet_pdf): the figure is
    drawn 190 mm wide, so its points are points on paper."""
    fig = route_map_figure(Sheet(title="", header=[], columns=[], rows=[]))
    assert fig.get_size_inches()[0] * 25.4 == pytest.approx(190)


def test_every_text_of_the_route_map_is_large_enough_to_read(drawn):
    _fig, _renderer, texts = drawn
    assert {t.get_text() for t in texts} >= {"Thôn 1", "Thôn 2", "Điểm xuất phát", "12"}
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < MIN_PT]
    assert small == []


def test_each_stop_number_fits_inside_its_circle(drawn):
    fig, renderer, texts = drawn
    diameter_px = math.sqrt(STOP_AREA) * fig.dpi / 72
    numbers = [t for t in texts if t.get_gid() and t.get_gid().startswith("stop-")]
    assert len(numbers) == 12
    for number in numbers:
        extent = number.get_window_extent(renderer)
        assert max(extent.width, extent.height) < diameter_px, number.get_text()


def test_no_village_name_lies_under_a_stop(drawn):
    """The stops sit where the names would go: the names move aside, within their
    village, clear of every stop's circle."""
    fig, renderer, texts = drawn
    ax = fig.axes[0]
    radius_px = math.sqrt(STOP_AREA) * fig.dpi / 72 / 2
    stops = ax.transData.transform([t.xy for t in texts if (t.get_gid() or "").startswith(
        "stop-")])
    for name in ("Thôn 1", "Thôn 2"):
        label = next(t for t in texts if t.get_text() == name)
        box_px = label.get_window_extent(renderer)
        for x, y in stops:
            nearest_x = min(max(x, box_px.x0), box_px.x1)
            nearest_y = min(max(y, box_px.y0), box_px.y1)
            assert math.hypot(x - nearest_x, y - nearest_y) > radius_px, name
        village = VILLAGES.to_crs(METRIC_CRS).geometry[int(name == "Thôn 2")]
        assert village.contains(Point(*label.xy)), name

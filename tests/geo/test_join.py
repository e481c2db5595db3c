"""Points to villages: inside, on a border, in a sliver, outside."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.join import assign_villages, lonlat_from_xy, natural_key

# Three villages in a row, 0.01° wide, with a 0.0002° sliver gap between T2 and T10.
VILLAGES = gpd.GeoDataFrame(
    {"code": ["T10", "T2", "T1"]},
    geometry=[box(105.5202, 20.1, 105.53, 20.11), box(105.51, 20.1, 105.52, 20.11),
              box(105.50, 20.1, 105.51, 20.11)],
    crs="EPSG:4326")
OUTLINE = box(105.50, 20.1, 105.53, 20.11)


def _assign(lon, lat):
    return assign_villages(pd.DataFrame({"lon": lon, "lat": lat}), VILLAGES, OUTLINE)


def test_inside_each_village():
    result = _assign([105.505, 105.515, 105.525], [20.105] * 3)
    assert result["village_code"].tolist() == ["T1", "T2", "T10"]
    assert result["rule"].tolist() == ["inside"] * 3


def test_a_point_on_a_shared_border_goes_to_the_first_code():
    # T1 | T2 border at 105.51: "T1" sorts before "T2" whatever the row order.
    result = _assign([105.51, 105.51], [20.105, 20.1])
    assert result["village_code"].tolist() == ["T1", "T1"]
    assert result["rule"].tolist() == ["border", "border"]


def test_natural_order_puts_t2_before_t10():
    assert sorted(["T10", "T2", "T1"], key=natural_key) == ["T1", "T2", "T10"]


def test_a_point_in_a_sliver_goes_to_the_nearest_village():
    result = _assign([105.52015], [20.105])  # 0.00015° from T2, 0.00005° from T10
    assert (result["village_code"].iloc[0], result["rule"].iloc[0]) == ("T10", "nearest")


def test_a_point_outside_is_refused_with_its_distance():
    result = _assign([105.54], [20.105])  # 0.01° east of the outline: about 1,045 m
    assert result["village_code"].iloc[0] is None
    assert result["rule"].iloc[0] == "outside"
    assert 1000 < result["outside_m"].iloc[0] < 1100


def test_keeps_the_index_of_the_input():
    points = pd.DataFrame({"lon": [105.525, 105.505], "lat": [20.105, 20.105]},
                          index=[7, 3])
    result = assign_villages(points, VILLAGES, OUTLINE)
    assert result.loc[7, "village_code"] == "T10" and result.loc[3, "village_code"] == "T1"


def test_vn2000_xy_to_lonlat():
    lon, lat = lonlat_from_xy([555000.0], [2226000.0], 5897)
    assert abs(lon[0] - 105.527910) < 1e-6 and abs(lat[0] - 20.123394) < 1e-6


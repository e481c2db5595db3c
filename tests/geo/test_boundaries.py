"""Reading and checking village boundary files, as real Vietnamese files come."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from geo.errors import InvalidBoundary
from geo.readers import vnencodings
from geo.readers.boundaries import read_villages
from tests.factories import (
    demo_outline,
    demo_villages,
    make_villages,
    write_geojson,
    write_shapefile,
)


def _codes(problems, severity=None):
    return [p.code for p in problems if severity is None or p.severity == severity]


def _max_shift_m(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> float:
    """Largest distance between matching vertices, in metres."""
    ma, mb = a.to_crs(32648), b.to_crs(32648)
    return max(ga.hausdorff_distance(gb) for ga, gb in zip(ma.geometry, mb.geometry,
                                                             strict=True))


@pytest.mark.parametrize("epsg", [5897, 3405])
def test_vn2000_shapefile_without_prj_is_placed_by_fitting_the_outline(tmp_path, epsg):
    villages = demo_villages()
    path = write_shapefile(villages.to_crs(epsg), tmp_path / "thon.shp", prj=False)
    assert not path.with_suffix(".prj").exists()

    result = read_villages(path, outline=demo_outline(), province_epsg=5897)

    assert result.crs.crs == f"EPSG:{epsg}"
    assert result.crs.reason == "best_fit"
    assert result.crs.fit > 0.95
    # The runner-up (TM-3 vs UTM 48N: ~600 m apart here) fits clearly worse.
    assert result.crs.others[0][1] < result.crs.fit - 0.05
    assert _max_shift_m(result.villages, villages) < 1.0
    assert list(result.villages["name"]) == list(villages["name"])
    assert "crs_used" in _codes(result.problems, "note")


def test_vn2000_without_outline_assumes_the_province_zone(tmp_path):
    path = write_shapefile(demo_villages().to_crs(5897), tmp_path / "thon.shp", prj=False)
    result = read_villages(path, outline=None, province_epsg=5897)
    assert (result.crs.crs, result.crs.reason) == ("EPSG:5897", "assumed")


def test_crs_option_overrides_the_file(tmp_path):
    villages = demo_villages()
    path = write_shapefile(villages.to_crs(5897), tmp_path / "thon.shp", prj=False)
    result = read_villages(path, outline=demo_outline(), crs="EPSG:5897")
    assert result.crs.reason == "given"
    assert _max_shift_m(result.villages, villages) < 1.0


def test_metric_coordinates_far_from_the_commune_are_refused(tmp_path):
    far = make_villages(["Thôn A", "Thôn B"], x0=107.0, y0=16.0).to_crs(5897)
    path = write_shapefile(far, tmp_path / "far.shp", prj=False)
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(path, outline=demo_outline())
    assert _codes(caught.value.problems) == ["unknown_crs"]


def test_tcvn3_names_in_dbf_are_decoded(tmp_path):
    names = ["Thôn Đồng Tâm", "Làng Chiềng", "Xóm Mường Khời"]
    frame = make_villages(names)
    frame["name"] = [vnencodings.encode(n, "tcvn3").decode("latin1") for n in names]
    path = write_shapefile(frame, tmp_path / "tcvn3.shp", cpg=False, encoding="latin1")
    raw = path.with_suffix(".dbf").read_bytes()
    assert vnencodings.encode("Đồng Tâm", "tcvn3") in raw  # really legacy bytes on disk

    result = read_villages(path)

    assert list(result.villages["name"]) == names
    assert result.encoding == "tcvn3"
    assert "encoding" in _codes(result.problems, "note")


def test_cpg_file_wins_over_detection(tmp_path):
    names = ["Thôn Liên Hưng", "Khu phố Ngọc Trạo"]
    path = write_shapefile(make_villages(names), tmp_path / "utf8.shp", encoding="UTF-8")
    assert path.with_suffix(".cpg").exists()
    result = read_villages(path)
    assert list(result.villages["name"]) == names
    assert result.encoding.lower().replace("-", "") == "utf8"


def test_invalid_polygon_is_repaired_and_reported(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"])
    x0, y0 = 105.52, 20.12  # a bow-tie over the first square: self-intersecting
    frame.loc[0, "geometry"] = Polygon([(x0, y0), (x0 + 0.01, y0 + 0.01),
                                        (x0 + 0.01, y0), (x0, y0 + 0.01)])
    assert not frame.geometry.iloc[0].is_valid
    result = read_villages(write_geojson(frame, tmp_path / "bowtie.geojson"))
    repaired = [p for p in result.problems if p.code == "repaired"]
    assert len(repaired) == 1 and repaired[0].feature == 1
    assert "Self-intersection" in repaired[0].params["reason"]
    assert result.villages.geometry.is_valid.all()
    assert result.villages.geometry.iloc[0].area > 0


def test_overlapping_villages_are_rejected_with_their_area(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"])
    frame.loc[1, "geometry"] = frame.geometry.iloc[1].buffer(0.003, join_style="mitre")
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(write_geojson(frame, tmp_path / "overlap.geojson"))
    overlap = [p for p in caught.value.problems if p.code == "overlap"]
    assert len(overlap) == 1
    params = overlap[0].params
    assert {params["a"], params["b"]} == {"Thôn 1", "Thôn 2"}
    # a strip 0.003° wide (314 m at 20.12° N) along Thôn 1's 0.01° side (1,106 m)
    assert 330_000 < params["area_m2"] < 365_000


def test_a_sliver_overlap_is_a_warning(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"])
    frame.loc[1, "geometry"] = frame.geometry.iloc[1].buffer(0.00005, join_style="mitre")
    result = read_villages(write_geojson(frame, tmp_path / "sliver.geojson"))
    assert [p.severity for p in result.problems if p.code == "overlap"] == ["warning"]


def test_gaps_and_parts_outside_the_commune_are_reported(tmp_path):
    outline = demo_outline()
    villages = demo_villages()
    villages = villages.drop(index=3).reset_index(drop=True)  # a hole where Thôn 4 was
    shifted = villages.copy()
    shifted.loc[0, "geometry"] = villages.geometry.iloc[0].buffer(0.002)
    shifted.loc[0, "geometry"] = shifted.geometry.iloc[0].difference(
        villages.geometry.iloc[1:].union_all())
    result = read_villages(write_geojson(shifted, tmp_path / "gaps.geojson"), outline=outline)
    gaps = [p for p in result.problems if p.code == "gaps"]
    outside = [p for p in result.problems if p.code == "outside"]
    assert gaps and gaps[0].params["area_m2"] > 100_000
    assert [p.params["name"] for p in outside] == ["Thôn 1"]
    assert outside[0].params["area_m2"] > 1000


def test_missing_name_field_lists_the_fields_there_are(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"]).rename(columns={"name": "label"})
    path = write_shapefile(frame, tmp_path / "noname.shp")
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(path)
    problem = caught.value.problems[0]
    assert (problem.code, problem.severity) == ("missing_field", "error")
    assert "label" in problem.params["available"]
    assert caught.value.file == "noname.shp"


def test_a_named_field_is_used_and_a_wrong_one_refused(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"]).rename(columns={"name": "TEN_THON_1"})
    path = write_shapefile(frame, tmp_path / "named.shp")
    result = read_villages(path, name_field="ten_thon_1")
    assert list(result.villages["name"]) == ["Thôn 1", "Thôn 2"]
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(path, name_field="TENXOM")
    assert caught.value.problems[0].params["field"] == "TENXOM"


def test_duplicate_names_and_codes_are_rejected_at_once(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2", "thôn 1"])
    frame.loc[2, "code"] = "T02"
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(write_geojson(frame, tmp_path / "dup.geojson"))
    dups = {p.params["field"]: p.params["features"] for p in caught.value.problems
            if p.code == "duplicate"}
    assert dups == {"name": "1, 3", "code": "2, 3"}


def test_points_empty_names_and_bad_counts_are_each_reported(tmp_path):
    frame = make_villages(["Thôn 1", "", "Thôn 3"])
    frame["households"] = frame["households"].astype(object)
    frame.loc[2, "households"] = "nhiều"
    frame.loc[0, "geometry"] = Point(105.5, 20.1)
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(write_geojson(frame, tmp_path / "bad.geojson"))
    found = {(p.code, p.feature) for p in caught.value.problems}
    assert {("not_polygon", 1), ("empty_value", 2), ("not_a_count", 3)} <= found


def test_zipped_shapefile_is_read(tmp_path):
    path = write_shapefile(make_villages(["Thôn 1"]), tmp_path / "thon.shp")
    archive = tmp_path / "thon.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("thon.*"):
            if part.suffix != ".zip":
                zf.write(part, f"ranh_gioi/{part.name}")
    assert path.exists()
    assert list(read_villages(archive).villages["name"]) == ["Thôn 1"]


def test_zip_with_a_path_climbing_out_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../etc/thon.geojson", "{}")
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(archive)
    assert _codes(caught.value.problems) == ["zip_unsafe_name"]
    assert not (tmp_path.parent.parent / "etc" / "thon.geojson").exists()


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("thon.geojson", b"0" * 50_000_000)
    assert archive.stat().st_size < 200_000
    from geo.readers.boundaries import Limits
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(archive, limits=Limits(max_unzipped_bytes=10_000_000))
    assert _codes(caught.value.problems) == ["zip_too_large"]


def test_unsupported_and_broken_files(tmp_path):
    (tmp_path / "thon.xlsx").write_bytes(b"PK")
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(tmp_path / "thon.xlsx")
    assert _codes(caught.value.problems) == ["unsupported_format"]
    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidBoundary) as caught:
        read_villages(tmp_path / "broken.geojson")
    assert _codes(caught.value.problems) == ["unreadable"]


def test_vn2000_is_shifted_to_wgs84_with_the_datum_transformation(tmp_path):
    # A vertex at VN-2000 / TM-3 105° (555000, 2226000). With the VN-2000 → WGS 84 Helmert
    # shift (EPSG:6960) it lies at 105.527910 E, 20.123394 N; read on the bare ellipsoid
    # it would be about 230 m away (105.526037 E, 20.124380 N).
    square = Polygon([(555000, 2226000), (555500, 2226000), (555500, 2226500),
                      (555000, 2226500)])
    frame = gpd.GeoDataFrame({"name": ["Thôn 1"]}, geometry=[square])
    path = write_shapefile(frame, tmp_path / "one.shp", prj=False)
    result = read_villages(path, crs="EPSG:5897")
    lon, lat = result.villages.geometry.iloc[0].exterior.coords[0]
    assert abs(lon - 105.527910) < 1e-6 and abs(lat - 20.123394) < 1e-6


@pytest.mark.parametrize(("suffix", "driver"), [(".gpkg", "GPKG"), (".kml", "KML")])
def test_geopackage_and_kml_are_read(tmp_path, suffix, driver):
    frame = make_villages(["Thôn Liên Hưng", "Thôn Đồng Tâm"])
    path = tmp_path / f"thon{suffix}"
    if driver == "KML":
        frame = frame.rename(columns={"name": "Name"})[["Name", "geometry"]]
    frame.to_file(path, driver=driver)
    result = read_villages(path)
    assert list(result.villages["name"]) == ["Thôn Liên Hưng", "Thôn Đồng Tâm"]
    assert result.crs.crs == "EPSG:4326"


def test_a_blank_count_is_a_warning_naming_the_village_not_an_error(tmp_path):
    frame = make_villages(["Thôn 1", "Thôn 2"])
    frame["population"] = pd.array([400, None], dtype="Int64")
    result = read_villages(write_geojson(frame, tmp_path / "blank.geojson"))
    found = [(p.code, p.severity, p.feature, p.params) for p in result.problems
             if p.code == "count_not_known"]
    assert found == [("count_not_known", "warning", 2, {"field": "population"})]
    assert result.villages["population"].isna().tolist() == [False, True]

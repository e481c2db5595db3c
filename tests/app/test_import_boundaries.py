"""Boundary import through the command line: stored all or nothing, messages in Vietnamese."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from app import store
from app.cli.main import main
from geo.readers import vnencodings
from tests.conftest import snapshot
from tests.factories import demo_villages, write_geojson, write_shapefile


@pytest.fixture
def cli(demo, settings, monkeypatch):
    """Run ``xkmt`` against the test database (settings come from the environment)."""
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    return lambda *args: main(list(map(str, args)))


def _split_demo(tmp_path):
    """The demo villages with Thôn 1 split in two halves: a real boundary change."""
    villages = demo_villages()
    first = villages.geometry.iloc[0]
    minx, miny, maxx, maxy = first.bounds
    west = Polygon([(minx, miny), ((minx + maxx) / 2, miny), ((minx + maxx) / 2, maxy),
                    (minx, maxy)])
    villages.loc[0, "geometry"] = first.intersection(west)
    extra = villages.iloc[[0]].copy()
    extra["geometry"] = [first.difference(west)]
    extra["code"], extra["name"] = "T11", "Thôn 11"
    import pandas as pd
    return pd.concat([villages, extra], ignore_index=True)


def test_vn2000_file_without_prj_is_imported_and_stored_in_wgs84(cli, demo, tmp_path, capsys):
    villages = demo_villages()
    villages["population"] = villages["population"] + 1
    path = write_shapefile(villages.to_crs(5897), tmp_path / "thon_vn2000.shp", prj=False)

    assert cli("boundaries", "import", path, "--commune", "15178") == 0

    out = capsys.readouterr().out
    assert "Đã nhập thon_vn2000.shp: thêm 0 thôn, sửa 10" in out
    assert "hệ tọa độ: EPSG:5897" in out and "không có .prj" in out
    with demo() as session:
        stored = store.load_villages(session, "15178")
    assert len(stored) == 10
    assert stored.crs.to_epsg() == 4326
    assert stored.geometry.iloc[0].distance(villages.geometry.iloc[0].centroid) == 0
    # T10's blank population stays blank (not 0)
    assert stored["population"].astype("Int64").equals(villages["population"].astype("Int64"))
    assert stored["population"].isna().sum() == 1


def test_reimporting_the_same_file_changes_no_village(cli, demo, tmp_path, capsys):
    path = write_geojson(_split_demo(tmp_path), tmp_path / "split.geojson")
    assert cli("boundaries", "import", path, "--commune", "15178") == 0
    assert "thêm 1 thôn, sửa 1, giữ nguyên 9" in capsys.readouterr().out
    before = snapshot(demo)["village"]
    assert cli("boundaries", "import", path, "--commune", "15178") == 0
    assert "thêm 0 thôn, sửa 0, giữ nguyên 11" in capsys.readouterr().out
    assert snapshot(demo)["village"] == before


def _rejected_files(tmp_path):
    villages = demo_villages()
    overlap = villages.copy()
    overlap.loc[1, "geometry"] = overlap.geometry.iloc[1].union(overlap.geometry.iloc[0])
    bowtie_dup = villages.copy()
    bowtie_dup.loc[2, "name"] = "Thôn 1"
    no_name = villages.rename(columns={"name": "label"})
    tcvn3 = villages.copy()
    tcvn3["name"] = [vnencodings.encode(n, "tcvn3").decode("latin1") for n in villages["name"]]
    tcvn3.loc[4, "geometry"] = None
    return {
        "overlap.geojson": (write_geojson(overlap, tmp_path / "overlap.geojson"),
                            "thôn “Thôn 1” và thôn “Thôn 2” chồng lấn nhau"),
        "dup.geojson": (write_geojson(bowtie_dup, tmp_path / "dup.geojson"),
                        "tên “Thôn 1” bị trùng ở nhiều thôn (đối tượng số 1, 3)"),
        "no_name.shp": (write_shapefile(no_name, tmp_path / "no_name.shp"),
                        "không có trường tên"),
        "tcvn3.shp": (write_shapefile(tcvn3, tmp_path / "tcvn3.shp", cpg=False,
                                      encoding="latin1"),
                      "tcvn3.shp, đối tượng số 5: thôn không có hình ranh giới"),
    }


@pytest.mark.parametrize("name", ["overlap.geojson", "dup.geojson", "no_name.shp",
                                  "tcvn3.shp"])
def test_a_rejected_file_changes_nothing_and_says_why(cli, demo, tmp_path, capsys, name):
    path, expected = _rejected_files(tmp_path)[name]
    before = snapshot(demo)

    assert cli("boundaries", "import", path, "--commune", "15178") == 1

    err = capsys.readouterr().err
    assert f"Tệp {name} chưa được nhập: không có gì bị thay đổi." in err
    assert expected in err
    assert snapshot(demo) == before


def test_messages_in_english_on_request(cli, tmp_path, capsys):
    path, _ = _rejected_files(tmp_path)["overlap.geojson"]
    assert cli("--lang", "en", "boundaries", "import", path, "--commune", "15178") == 1
    err = capsys.readouterr().err
    assert "The file overlap.geojson was not imported: nothing has been changed." in err
    assert "Error: overlap.geojson, feature 2: villages “Thôn 1” and “Thôn 2” overlap by" in err


def test_unknown_commune_is_refused(cli, tmp_path, capsys):
    path = write_geojson(demo_villages(), tmp_path / "v.geojson")
    assert cli("boundaries", "import", path, "--commune", "99999") == 1
    assert "Không có xã nào mang mã 99999." in capsys.readouterr().err


def test_demo_load_if_empty_leaves_a_filled_database_alone(cli, demo, capsys):
    before = snapshot(demo)
    assert cli("demo", "load", "--if-empty") == 0
    assert "đã có dữ liệu" in capsys.readouterr().out
    assert snapshot(demo) == before

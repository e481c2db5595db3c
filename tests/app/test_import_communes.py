"""``xkmt communes import FILE``: the fields found by their usual names (the shipped
district file has ``gso_code``), a missing one said in a sentence (Vietnamese, English with
--lang en), exit 1 and nothing stored; never a traceback."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli.main import main
from app.models import Commune
from tests.conftest import snapshot
from tests.factories import ROOT

DISTRICT = ROOT / "boundaries" / "cam_thuy_communes_2019.geojson"
WITHOUT_CODE = ("Cẩm Phong", "Cẩm Sơn", "Phúc Do")  # merged away in 2019: no GSO code


@pytest.fixture
def cli(sessions, settings, monkeypatch):
    """Run ``xkmt`` against the test database (settings come from the environment)."""
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    return lambda *args: main(list(map(str, args)))


def write_geojson(frame: gpd.GeoDataFrame, path):
    frame.to_file(path, driver="GeoJSON")
    return path


def _communes(sessions) -> dict[str, Commune]:
    with sessions() as session:
        session: Session
        return {c.code: c for c in session.scalars(select(Commune))}


def test_the_shipped_district_file_is_imported(cli, sessions, capsys):
    assert cli("communes", "import", DISTRICT) == 0
    out = capsys.readouterr().out
    assert "Đã nhập cam_thuy_communes_2019.geojson: thêm 17 xã, cập nhật 0 xã." in out
    for number, name in zip((8, 11, 20), WITHOUT_CODE, strict=True):
        assert (f"Cảnh báo: cam_thuy_communes_2019.geojson, đối tượng số {number}: “{name}” "
                "không có mã trong trường “gso_code”: bỏ qua") in out
    assert "mã được đọc từ trường “gso_code”" in out
    stored = _communes(sessions)
    assert len(stored) == 17
    town = stored["15127"]
    assert (town.name, town.unit_type, town.district, town.province) == (
        "Cẩm Thủy", "Thị trấn", "Cẩm Thủy", "Thanh Hóa")
    assert stored["15142"].name == "Cẩm Thạch"
    assert stored["15142"].population is None  # "population_pkg" is a 2004 figure: not read
    assert not set(WITHOUT_CODE) & {c.name for c in stored.values()}
    assert cli("--lang", "en", "communes", "import", DISTRICT) == 0
    english = capsys.readouterr().out
    assert "Imported cam_thuy_communes_2019.geojson: 0 commune(s) added, 17 updated." in english
    assert "feature 20: “Phúc Do” has no code in the field “gso_code”: left out" in english


def test_a_file_without_a_field_keeps_what_is_stored(cli, demo, capsys):
    assert cli("communes", "import", DISTRICT) == 0
    tan = _communes(demo)["15178"]
    assert (tan.population, tan.province_code) == (5991, "38")  # the file has neither


def test_a_file_without_a_code_field_is_refused_in_a_sentence(cli, sessions, tmp_path,
                                                             capsys):
    frame = gpd.read_file(DISTRICT).drop(columns=["commune_2025_gso_code"]).rename(
        columns={"gso_code": "ma_so"})
    path = write_geojson(frame, tmp_path / "xa.geojson")
    before = snapshot(sessions)
    assert cli("communes", "import", path) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Tệp xa.geojson chưa được nhập: không có gì bị thay đổi." in captured.err
    assert ("Lỗi: xa.geojson: không có trường mã: không có trường nào tên là code, gso_code, "
            "ma_xa") in captured.err
    assert "các trường trong tệp là: name, name_full," in captured.err
    assert "Hãy chỉ rõ trường bằng --code-field" in captured.err
    assert cli("--lang", "en", "communes", "import", path) == 1
    english = capsys.readouterr().err
    assert "The file xa.geojson was not imported: nothing has been changed." in english
    assert "Error: xa.geojson: there is no code field: none of code, gso_code" in english
    assert snapshot(sessions) == before
    assert cli("--lang", "en", "communes", "import", path, "--code-field", "ma_so") == 0
    assert "the code is read from the field “ma_so”" in capsys.readouterr().out
    assert len(_communes(sessions)) == 17


def _district(**changes):
    frame = gpd.read_file(DISTRICT)
    for key, change in changes.items():
        frame = change(frame) if callable(change) else frame.assign(**{key: change})
    return frame


BAD_FILES = {
    "no name field": (lambda: _district().drop(columns=["name"]),
                      "there is no name field: none of name, ten"),
    "a name missing": (lambda: _district(name=[""] + ["X"] * 19),
                       "feature 1: the field “name” is empty"),
    "a code twice": (lambda: _district(gso_code=["15178"] * 2 + [str(i) for i in range(18)]),
                     "the code “15178” is used by several communes (features 1, 2)"),
    "a code too long": (lambda: _district(gso_code=["1" * 11] + [str(i) for i in range(19)]),
                        "feature 1: the field “gso_code” holds “11111111111”, longer than 10"),
    "a bad metric CRS": (lambda: _district(metric_epsg=["4326"] * 20),
                         "the field “metric_epsg” holds “4326”, not the EPSG code of a "
                         "coordinate system in metres"),
    "a point": (lambda: _district(geometry=lambda f: f.set_geometry(
        f.to_crs(5897).centroid.to_crs(4326))),
                "feature 1: the shape is a Point, not an area (polygon)"),
    "no commune": (lambda: _district().iloc[0:0], "the file holds no commune"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_problem_and_nothing_stored(cli, sessions, tmp_path,
                                                                   capsys, case):
    build, message = BAD_FILES[case]
    frame = build()
    path = tmp_path / "xa.geojson"
    if frame.empty:
        path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    else:
        write_geojson(frame, path)
    before = snapshot(sessions)
    assert cli("--lang", "en", "communes", "import", path) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert snapshot(sessions) == before


def test_a_bad_crs_or_a_missing_file_is_said(cli, sessions, tmp_path, capsys):
    assert cli("--lang", "en", "communes", "import", DISTRICT, "--crs", "EPSG:nonsense") == 1
    assert "“EPSG:nonsense” is not a coordinate system" in capsys.readouterr().err
    assert cli("--lang", "en", "communes", "import", tmp_path / "none.geojson") == 1
    assert "the file does not exist" in capsys.readouterr().err
    metric = tmp_path / "vn2000.geojson"  # metres in a GeoJSON, which means degrees
    data = json.loads(gpd.read_file(DISTRICT).drop(columns="valid_to").to_crs(5897).to_json())
    data.pop("crs", None)
    metric.write_text(json.dumps(data), encoding="utf-8")
    assert cli("--lang", "en", "communes", "import", metric) == 1
    assert "match no known coordinate system" in capsys.readouterr().err
    assert _communes(sessions) == {}

"""Latitude and longitude typed in each other's column: when the swapped point lies in the
commune, one message says so for the pair; a cell never gets two messages.

Workbooks are the app's template filled with openpyxl (coordinates as number cells);
forms go through the page. All data is synthetic.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box
from sqlalchemy import select

from app.models import Commune, Venue
from app.records.schema import BY_NAME
from app.records.service import Context, check_rows
from tests.app.test_import_records import rejected, run, workbook
from tests.app.test_impossible_rows import cells, where
from tests.app.test_impossible_values import _form, _refused
from tests.conftest import snapshot
from tests.factories import make_villages

T06 = (20.125, 105.535)  # a point of Thôn 6
SWAPPED = "vĩ độ và kinh độ có vẻ bị đổi chỗ: nếu đổi lại, vị trí nằm ở Thôn 6"


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def venue(code: str, lat=None, lon=None) -> list:
    return cells("venues", code=code, name=f"Cơ sở {code} (giả lập)", kind="karaoke",
                 lat=lat, lon=lon, active="có")


def test_a_swapped_point_in_a_file_is_one_message_for_the_pair(commune):
    before = snapshot(commune)
    data = workbook(commune, {
        "venues": [venue("CS01", T06[1], T06[0]),          # swapped: lies in Thôn 6
                   venue("CS02", 105.9, 21.5),             # swapped, but not in the commune
                   venue("CS03", "abc", T06[1]),           # unreadable, the other given
                   venue("CS04", "abc", None),             # unreadable, the other blank
                   venue("CS05", *T06)],                   # the good neighbour
        "tips": [cells("tips", code="NT01", received="12/11/2024", channel="VNeID",
                       village="Thôn 6", lat=T06[1], lon=T06[0], status="mới tiếp nhận")],
    })
    assert rejected(commune, data) == [
        where("venues", 2, "lat", f"{T06[1]}, {T06[0]}") + SWAPPED,
        where("venues", 3, "lat", 105.9) + "không phải vĩ độ (từ −90 đến 90)",
        where("venues", 4, "lat", "abc") + "không phải số",
        where("venues", 5, "lat", "abc") + "không phải số",
        "trang tính “Cơ sở kinh doanh có nguy cơ”, dòng 5, cột “Kinh độ”: hãy ghi đủ cả vĩ "
        "độ và kinh độ (hoặc cả X và Y)",
        where("tips", 2, "lat", f"{T06[1]}, {T06[0]}") + SWAPPED,
    ]
    assert rejected(commune, data, locale="en")[0].endswith(
        ": latitude and longitude seem to be swapped: swapped back, the point lies in Thôn 6")
    assert snapshot(commune) == before
    run(commune, workbook(commune, {"venues": [venue("CS01", *T06), venue("CS05", *T06)]}))
    with commune() as session:
        assert session.scalars(select(Venue.village_code)).all() == ["T06", "T06"]


@pytest.mark.parametrize("typed", [{"lat": str(T06[1]), "lon": str(T06[0])},
                                   {"lat": f"{T06[1]}, {T06[0]}", "lon": ""}],
                         ids=["two boxes", "pasted in one"])
def test_a_swapped_point_in_a_form_is_one_message_beside_the_latitude(client, demo, typed):
    before = snapshot(demo)
    form = _form(client, "venues", code="V01", name="Karaoke", kind="karaoke", **typed)
    assert _refused(client, "venues", form) == {
        "lat": f"Giá trị “{T06[1]}, {T06[0]}”: {SWAPPED}"}
    assert snapshot(demo) == before
    form.update(lat=str(T06[0]), lon=str(T06[1]))
    response = client.post("/communes/15178/records/venues/new", data=form,
                           follow_redirects=False)
    assert response.status_code == 303


def test_a_swapped_point_both_in_range_is_found_by_placing_it(sessions):
    """Where latitude and longitude are alike (here villages near 20°N 20°E, drawn in the
    test), the typed point is outside the commune and the swapped one inside: the pair is
    said to be swapped, not outside."""
    villages = make_villages(["Thôn A", "Thôn B"], x0=20.0, y0=20.3, size=0.1)
    outline = box(20.0, 20.3, 20.2, 20.4)
    keys = {"thon a": "T01", "thon b": "T02"}
    ctx = Context(Commune(code="99999", name="Xã thử"), villages, outline, keys,
                  {"person": {}, "venue": {}, "school": {}})
    rows = [(2, {"code": "V1", "name": "A", "kind": "karaoke", "lat": 20.05, "lon": 20.35}),
            (3, {"code": "V2", "name": "B", "kind": "karaoke", "lat": 20.35, "lon": 20.05}),
            (4, {"code": "V3", "name": "C", "kind": "karaoke", "lat": 20.05, "lon": 20.55})]
    clean, problems = check_rows(BY_NAME["venues"], rows, ctx)
    assert [(p.row, p.field, p.value, p.code) for p in problems] == [
        (2, "lat", "20.05, 20.35", "swapped_point"),
        (4, "lat", "20.05, 20.55", "outside_commune"),  # swapped, outside too
    ]
    assert problems[0].params == {"village": "Thôn A"}
    assert clean[1]["village"] == "T01"

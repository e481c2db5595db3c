"""Values impossible in a row: a date after today in any date column, a tip handled
before it was received, more households signed than the village has, a negative count
(a number cell as well as text), an inspection without violation that found drugs.

Each is refused in a file (the app's template filled with openpyxl, numbers written as
number cells) naming sheet, row and column, and in a form beside its field; nothing is
stored, and the good neighbour of each case passes. All data is synthetic.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import select

from app import store
from app.i18n import gettext_for
from app.models import Inspection, OutreachEvent, Pledge, Tip
from app.records import excel
from app.records.schema import BY_NAME, RECORD_TYPES
from tests.app.test_excel import FILLED, filled_workbook
from tests.app.test_import_records import rejected, run, workbook
from tests.app.test_impossible_values import _form, _refused
from tests.app.test_routes_villages import _save as save_village
from tests.conftest import snapshot
from tests.factories import save_records

TODAY = store.today()
TOMORROW = TODAY + dt.timedelta(days=1)
VI = gettext_for("vi")
NEGATIVE = "không được là số âm"


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def cells(type_name: str, /, **values) -> list:
    """A row of the sheet of ``type_name`` in the template's column order, from field
    keys."""
    return [values.get(f.key) for f in BY_NAME[type_name].fields]


def where(name: str, row: int, key: str, value) -> str:
    """How a problem of a template sheet starts: sheet, row, column, value."""
    rt = BY_NAME[name]
    return (f"trang tính “{excel.sheet_title(rt, 'vi')}”, dòng {row}, cột "
            f"“{VI(rt.field(key).label)}”, giá trị “{value}”: ")


# -- dates after today, in every date column ----------------------------------------------

DATE_FIELDS = [(rt.name, f.key) for rt in RECORD_TYPES for f in rt.fields if f.kind == "date"]


@pytest.mark.parametrize(("name", "key"), DATE_FIELDS, ids=[f"{n}.{k}" for n, k in DATE_FIELDS])
def test_a_date_after_today_is_refused_in_every_date_column(commune, name, key):
    """Every date of the schema, each as a real Excel date cell in an otherwise good
    filled template; a planned date (management end) past its five years."""
    field = BY_NAME[name].field(key)
    rows = copy.deepcopy(FILLED)
    index = [f.key for f in BY_NAME[name].fields].index(key)
    if field.ahead_years:
        late = dt.datetime(TODAY.year + field.ahead_years + 1, 1, 1)
        said = f"ngày sau 31/12/{TODAY.year + field.ahead_years}: hãy kiểm tra lại năm"
    else:
        late = dt.datetime.combine(TOMORROW, dt.time())
        said = f"ngày sau hôm nay ({day(TODAY)}): hãy kiểm tra lại ngày"
    rows[name][0][index] = late
    before = snapshot(commune)
    assert rejected(commune, filled_workbook(commune, rows)) == [
        where(name, 2, key, day(late)) + said]
    assert snapshot(commune) == before


# -- a tip handled before it was received ------------------------------------------------

def tip(code: str, received: str, status: str, **dates) -> list:
    return cells("tips", code=code, received=received, channel="VNeID", village="Thôn 4",
                 status=status, **dates)


def test_a_tip_handled_before_it_was_received_is_refused_naming_both_columns(commune):
    before = snapshot(commune)
    data = workbook(commune, {"tips": [
        tip("NT01", "12/11/2024", "đã xác minh", verified_date="11/11/2024"),
        tip("NT02", "12/11/2024", "đã giải quyết", verified_date="12/11/2024",
            settled_date="01/11/2024"),
        tip("NT03", "12/11/2024", "không có căn cứ", unfounded_date="30/10/2024"),
        tip("NT04", "12/11/2024", "đã giải quyết", verified_date="12/11/2024",
            settled_date="12/11/2024"),  # the good neighbour: all on one day
    ]})
    said = "sớm hơn “Ngày tiếp nhận” (12/11/2024): hãy kiểm tra lại ngày"
    assert rejected(commune, data) == [
        where("tips", 2, "verified_date", "11/11/2024") + said,
        where("tips", 3, "settled_date", "01/11/2024") + said,
        where("tips", 4, "unfounded_date", "30/10/2024") + said,
    ]
    assert rejected(commune, data, locale="en")[0].endswith(
        ": earlier than “Received on” (12/11/2024): check the dates")
    assert snapshot(commune) == before
    run(commune, workbook(commune, {"tips": [tip("NT04", "12/11/2024", "đã giải quyết",
                                                 verified_date="12/11/2024",
                                                 settled_date="12/11/2024")]}))
    with commune() as session:
        assert session.scalars(select(Tip.code)).all() == ["NT04"]


def test_a_tip_box_checked_before_it_was_installed_is_refused(commune):
    box = cells("tip_boxes", code="HT01", lat=20.1491619, lon=105.5397662,
                installed="01/11/2024", status="hỏng", last_checked="31/10/2024")
    assert rejected(commune, workbook(commune, {"tip_boxes": [box]})) == [
        where("tip_boxes", 2, "last_checked", "31/10/2024")
        + "sớm hơn “Ngày lắp đặt” (01/11/2024): hãy kiểm tra lại ngày"]


# -- more households signed than the village has -----------------------------------------

def test_more_households_signed_than_the_village_has_is_refused_naming_its_figure(commune):
    """Thôn 1 has 210 households, Thôn 2 130 (the demo villages' figures)."""
    before = snapshot(commune)
    data = workbook(commune, {"pledges": [["Thôn 1", "14/12/2024", 211],
                                          ["Thôn 2", "14/12/2024", 5000],
                                          ["Thôn 1", "30/11/2024", 210]]})
    assert rejected(commune, data) == [
        where("pledges", 2, "households_signed", 211) + "nhiều hơn 210 hộ của Thôn 1: nếu "
        "số hộ của thôn đã cũ, hãy sửa ở trang “Các thôn”",
        where("pledges", 3, "households_signed", 5000) + "nhiều hơn 130 hộ của Thôn 2: nếu "
        "số hộ của thôn đã cũ, hãy sửa ở trang “Các thôn”",
    ]
    assert rejected(commune, data, locale="en")[0].endswith(
        ": more than the 210 households of Thôn 1: if the village's figure is out of date, "
        "correct it on the “Villages” page")
    assert snapshot(commune) == before
    run(commune, workbook(commune, {"pledges": [["Thôn 1", "30/11/2024", 210]]}))


def test_households_signed_follow_the_villages_page_and_an_unknown_figure_takes_any(
        client, demo):
    """The police correct Thôn 10's figure on the villages page: the pledge form checks
    against the new figure; with the figure blanked (not known), any count is taken."""
    assert save_village(client, households="150", population="600").status_code == 303
    form = _form(client, "pledges", village="T10", as_of=day(TODAY), households_signed="151")
    assert _refused(client, "pledges", form) == {
        "households_signed": "Giá trị “151”: nhiều hơn 150 hộ của Thôn 10: nếu số hộ của "
                             "thôn đã cũ, hãy sửa ở trang “Các thôn”"}
    assert save_village(client, households="", population="600").status_code == 303
    response = client.post("/communes/15178/records/pledges/new", data=form,
                           follow_redirects=False)
    assert response.status_code == 303
    with demo() as session:
        assert session.scalars(select(Pledge.households_signed)).all() == [151]


# -- negative counts -----------------------------------------------------------------------

def test_negative_counts_are_refused_from_number_cells_and_text_alike(commune):
    """-5 written by openpyxl as a number cell (not text), and "-5" / "−5" as text."""
    before = snapshot(commune)
    data = workbook(commune, {
        "outreach": [["phát thanh trên loa", "04/11/2024", -5, None, None, None, None],
                     ["phát thanh trên loa", "05/11/2024", "-5", None, None, None, None]],
        "pledges": [["Thôn 1", "14/12/2024", -1], ["Thôn 2", "14/12/2024", "\u221212"]],
        "incidents": [cells("incidents", code="VV01", kind="bắt giữ", date="23/11/2024",
                            village="Thôn 3", persons=-2, plants=-120, area_m2=-35.5)],
        "baselines": [["Thôn 1", "người nghiện ma túy", "01/01/2024", -3]],
    })
    problems = rejected(commune, data)
    assert problems == [
        where("outreach", 2, "count", -5) + NEGATIVE,
        where("outreach", 3, "count", -5) + NEGATIVE,
        where("pledges", 2, "households_signed", -1) + NEGATIVE,
        where("pledges", 3, "households_signed", "\u221212") + NEGATIVE,
        where("incidents", 2, "persons", -2) + NEGATIVE,
        where("incidents", 2, "plants", -120) + NEGATIVE,
        where("incidents", 2, "area_m2", -35.5) + NEGATIVE,
        where("baselines", 2, "count", -3) + NEGATIVE,
    ]
    assert rejected(commune, data, locale="en")[0].endswith(": must not be negative")
    assert snapshot(commune) == before
    zero = workbook(commune, {"incidents": [cells(
        "incidents", code="VV01", kind="bắt giữ", date="23/11/2024", village="Thôn 3",
        persons=0, plants=0, area_m2=0.0)]})
    assert run(commune, zero).sheets[0].summary.created == 1


def test_a_number_that_is_no_number_is_refused():
    from app.records.values import BadValue, read_amount, read_count

    assert read_count(" 12 ") == 12
    for reader, value, code in [(read_count, "-5", "negative"), (read_count, -5.0, "negative"),
                                (read_count, "-5.5", "bad_int"), (read_amount, "nan", "bad_number"),
                                (read_amount, "inf", "bad_number"),
                                (read_amount, float("inf"), "bad_number"),
                                (read_amount, "-0,5", "negative")]:
        with pytest.raises(BadValue) as caught:
            reader(value)
        assert caught.value.code == code, value


# -- an inspection without violation that found drugs -------------------------------------

def inspection(venue: str, date: str, result: str, drugs: str) -> list:
    return cells("inspections", venue=venue, date=date, result=result, drug_finding=drugs)


def test_drugs_found_without_violation_is_refused_naming_both_columns(commune):
    venues = FILLED["venues"][:1]
    before = snapshot(commune)
    data = workbook(commune, {"venues": venues, "inspections": [
        inspection("CS01", "18/11/2024", "không vi phạm", "có"),
        inspection("CS01", "19/11/2024", "có vi phạm", "có"),      # good neighbours
        inspection("CS01", "20/11/2024", "không vi phạm", "không"),
    ]})
    assert rejected(commune, data) == [
        "trang tính “Kiểm tra cơ sở”, dòng 2, cột “Phát hiện ma túy”: có phát hiện ma túy "
        "nhưng “Kết quả kiểm tra” là “không vi phạm”: hãy sửa một trong hai"]
    assert rejected(commune, data, locale="en") == [
        "sheet “Kiểm tra cơ sở”, row 2, column “Phát hiện ma túy”: drugs found, but "
        "“Inspection result” is “no violation”: correct one of the two"]
    assert snapshot(commune) == before
    good = workbook(commune, {"venues": venues, "inspections": [
        inspection("CS01", "19/11/2024", "có vi phạm", "có"),
        inspection("CS01", "20/11/2024", "không vi phạm", "không")]})
    run(commune, good)
    with commune() as session:
        assert session.execute(select(Inspection.result, Inspection.drug_finding).order_by(
            Inspection.date)).all() == [("violation", True), ("ok", False)]


# -- the same in forms ---------------------------------------------------------------------

FORMS = {
    "tips": ({"code": "NT01", "received": "12/11/2024", "channel": "vneid", "village": "T04",
              "status": "verified", "verified_date": "11/11/2024"},
             {"verified_date": "12/11/2024"}, "verified_date",
             "Giá trị “11/11/2024”: sớm hơn “Ngày tiếp nhận” (12/11/2024): hãy kiểm tra lại "
             "ngày"),
    "pledges": ({"village": "T01", "as_of": "14/12/2024", "households_signed": "211"},
                {"households_signed": "210"}, "households_signed",
                "Giá trị “211”: nhiều hơn 210 hộ của Thôn 1: nếu số hộ của thôn đã cũ, hãy "
                "sửa ở trang “Các thôn”"),
    "outreach": ({"kind": "broadcast", "date": "04/11/2024", "count": "-5"}, {"count": "0"},
                 "count", f"Giá trị “-5”: {NEGATIVE}"),
    "incidents": ({"code": "VV01", "kind": "arrest", "date": "23/11/2024", "village": "T03",
                   "area_m2": "-35,5"}, {"area_m2": "35,5"}, "area_m2",
                  f"Giá trị “-35,5”: {NEGATIVE}"),
    "inspections": ({"venue": "V1", "date": "18/11/2024", "result": "ok",
                     "drug_finding": "on"}, {"result": "violation"}, "drug_finding",
                    "Có phát hiện ma túy nhưng “Kết quả kiểm tra” là “không vi phạm”: hãy "
                    "sửa một trong hai"),
}


@pytest.mark.parametrize("name", FORMS)
def test_impossible_rows_in_a_form_are_refused_beside_the_field(client, demo, name):
    typed, fixed, key, message = FORMS[name]
    assert save_records(demo, "venues", [{"code": "V1", "name": "Karaoke", "kind": "karaoke",
                                          "lat": 20.125, "lon": 105.535}]) == []
    before = snapshot(demo)
    assert _refused(client, name, _form(client, name, **typed)) == {key: message}
    assert snapshot(demo) == before
    response = client.post(f"/communes/15178/records/{name}/new",
                           data=_form(client, name, **{**typed, **fixed}),
                           follow_redirects=False)
    assert response.status_code == 303
    model = BY_NAME[name].model
    with demo() as session:
        assert session.scalar(select(model).limit(1)) is not None


def test_a_negative_count_in_a_form_is_refused_by_the_server_too(client, demo):
    """The form's number box says min=0 to the browser; the server refuses on its own,
    a typographic minus sign too."""
    form = _form(client, "outreach", kind="broadcast", date="04/11/2024", count="\u22121")
    assert _refused(client, "outreach", form) == {"count": f"Giá trị “\u22121”: {NEGATIVE}"}
    with demo() as session:
        assert session.scalars(select(OutreachEvent)).all() == []

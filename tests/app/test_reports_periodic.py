"""The six-month review, the final report and the yearly self-assessment: month-by-month
tables equal to each month's frame, a chart per key indicator, the plan's sections left
blank; each national criterion with its evidence and villages; periods checked."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db import make_engine, session_factory
from app.frame import loading
from app.params import BadParameter
from app.reports import service
from tests.app.reports_helpers import (
    docx_of,
    docx_table,
    docx_text,
    full_demo_file,
    vi,
    xlsx_of,
)
from tests.conftest import settings_for

CODE = "15178"
MONTHS = ["2025-08", "2025-09"]


@pytest.fixture(scope="module")
def world(full_database, tmp_path_factory):
    path = full_demo_file(full_database, tmp_path_factory.mktemp("periodic"))
    settings = settings_for(path)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    with sessions() as session:
        frames = {m: loading.compute(session, CODE, m) for m in (*MONTHS, "2025-11")}
    yield settings, sessions, None, frames  # (no cache of our own: app.frame.caching)
    engine.dispose()


def make(world, kind: str, fmt: str, role: str = "police", **period) -> bytes:
    settings, sessions, _cache, _frames = world
    with sessions() as session:
        asked = service.read(kind, fmt, CODE, latest="2025-12", **period)
        content, _name = service.make(sessions, session, settings, CODE, asked,
                                      role=role, locale="vi", actor="test",
                                      day=dt.date(2025, 10, 5))
    return content


@pytest.fixture(scope="module")
def review(world):
    return {fmt: make(world, "semiannual", fmt, start=MONTHS[0], end=MONTHS[1])
            for fmt in ("docx", "xlsx")}


def test_review_month_by_month_tables_equal_each_months_frame(world, review):
    frames = world[3]
    document = docx_of(review["docx"])
    villages = docx_table(document, ["Mã", "Chỉ tiêu", "08/2025"])
    for row in villages[1:]:
        for cell, month in zip(row[2:], MONTHS, strict=True):
            statuses = frames[month].villages[f"{row[0]}_status"]
            assert cell == vi((statuses == "met").sum()), (row[0], month)
    commune = docx_table(document, ["Mã", "Chỉ tiêu", "Mức cần đạt", "08/2025"])
    assert len(commune) > 3
    for row in commune[1:]:
        for cell, month in zip(row[3:], MONTHS, strict=True):
            assert cell == vi(frames[month].commune[f"{row[0]}_value"]), (row[0], month)
    book = xlsx_of(review["xlsx"])
    sheet = book["Số thôn đạt theo tháng"]
    for row in sheet.iter_rows(min_row=3, values_only=True):
        for value, month in zip(row[2:], MONTHS, strict=True):
            assert value == (frames[month].villages[f"{row[0]}_status"] == "met").sum()
    scores = book["Tỷ lệ đạt theo tháng"]
    assert list(scores.iter_rows(min_row=3, values_only=True))[0][1:] == tuple(
        round(frames[m].commune["score"] * 100, 1) for m in MONTHS)


def test_review_has_a_chart_per_key_indicator_and_the_plans_sections_blank(review, world):
    document = docx_of(review["docx"])
    commune_level = [i for i in world[3][MONTHS[1]].indicators if "commune" in i["levels"]]
    assert len(document.inline_shapes) == 1 + len(commune_level)
    paragraphs = [p.text for p in document.paragraphs]
    for heading in ("1. Hạn chế, nguyên nhân", "2. Bài học kinh nghiệm",
                    "3. Đề xuất, kiến nghị", "Đánh giá chung"):
        index = paragraphs.index(heading)
        assert paragraphs[index + 1] == ""  # for the officials to write
    assert "Sơ kết 6 tháng thực hiện Kế hoạch xây dựng “xã không ma túy” từ tháng 8/2025 " \
           "đến tháng 9/2025" in paragraphs
    assert "Nơi nhận:" in docx_text(document)


def test_self_assessment_gives_each_criterion_its_evidence_and_villages(world):
    frame = world[3]["2025-11"]
    document = docx_of(make(world, "selfassessment", "docx", role="leader", year="2025"))
    text = docx_text(document)
    assert "Năm đánh giá từ ngày 15/12/2024 đến ngày 14/12/2025" in text
    assert "30/11/2025" in text
    rows = docx_table(document, ["Mã", "Tiêu chí", "Xã", "Đánh giá", "Căn cứ"])
    assert [r[0] for r in rows[1:]] == ["N1", "N2", "N3"]
    for row in rows[1:]:
        ident = row[0]
        assert row[2] == vi(frame.commune[f"{ident}_value"])
        failing = frame.villages.index[frame.villages[f"{ident}_status"] == "not_met"]
        assert row[5] == ", ".join(frame.villages.loc[failing, "name"])
        assert row[4]  # the evidence, counted
    per_village = docx_table(document, ["Thôn", "Kết quả", "Đánh giá", "Căn cứ"])
    assert [r[1] for r in per_village[1:]] == [vi(v) for v in frame.villages["N1_value"]]


def test_default_periods_come_from_the_plan():
    assert service.read("semiannual", "docx", CODE).months == [
        "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    final = service.read("final", "xlsx", CODE)
    assert (final.months[0], final.months[-1], len(final.months)) == ("2024-11", "2025-12", 14)
    year = service.read("selfassessment", "docx", CODE, year="2025")
    assert (year.months[0], year.months[-1]) == ("2024-12", "2025-11")
    assert service.read("monthly", "docx", CODE, latest="2025-12").months == ["2025-12"]


@pytest.mark.parametrize(("kind", "fmt", "period", "message"), [
    ("weekly", "docx", {}, "không phải là loại báo cáo"),
    ("monthly", "pdf", {}, "không phải là định dạng báo cáo"),
    ("monthly", "docx", {"month": "2025-13"}, "không phải là một tháng"),
    ("final", "docx", {"start": "2025-06", "end": "2025-01"}, "không hợp lệ"),
    ("final", "docx", {"start": "2020-01", "end": "2025-01"}, "không quá 24 tháng"),
    ("selfassessment", "docx", {"year": "1899"}, "không phải là năm đánh giá"),
    ("selfassessment", "docx", {"year": "２０２５"}, "không phải là năm đánh giá"),
])
def test_bad_requests_are_refused_with_a_message(kind, fmt, period, message):
    from app.i18n import gettext_for

    with pytest.raises(BadParameter) as refused:
        service.read(kind, fmt, CODE, **period)
    text = gettext_for("vi")(refused.value.message).format(**refused.value.values)
    assert message in text

"""Plans as data: the shipped plans, plans in force, and refusing broken plan files."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from geo.engine.criteria import METRICS
from geo.engine.plans import PLANS_DIR, load_plan, plans_in_force, shipped_plans
from geo.errors import InvalidPlan

CAM_TAN = PLANS_DIR / "cam_tan_2024_2025.toml"
QD_28 = PLANS_DIR / "qd_28_2025.toml"

# CRITERIA.md's table: id -> (levels, comparison, target, period)
CAM_TAN_TABLE = {
    "P01": (("village",), ">=", 2, "iso_weeks"),
    "P02": (("village",), ">=", 100, "month"),
    "P03": (("commune",), ">=", 2, "iso_weeks"),
    "P04": (("school",), ">=", 2, "semester"),
    "P05": (("village",), None, None, "month"),
    "P06": (("village",), ">=", 100, "cumulative"),
    "P07": (("commune",), ">=", 1, "cumulative"),
    "P08": (("commune",), ">=", 1, "cumulative"),
    "P09": (("village",), ">=", 1, "at_date"),
    "P10": (("village",), "==", 0, "month"),
    "P11": (("village", "commune"), ">=", 100, "month"),
    "P12": (("village",), ">=", 100, "month"),
    "P13": (("village",), ">=", 100, "at_date"),
    "P14": (("village",), ">=", 100, "month"),
    "P15": (("village",), "==", 0, "month"),
    "P16": (("village",), ">=", 100, "at_date"),
    "P17": (("village",), "==", 0, "at_date"),
    "P18": (("village", "commune"), "<", 0, "at_date"),
    "P19": (("commune",), "<", 10, "at_date"),
    "P20": (("village",), ">=", 100, "rolling_3_months"),
    "P21": (("village",), ">=", 100, "cumulative"),
}


def test_the_cam_tan_plan_is_p01_to_p21_as_in_the_criteria():
    plan = load_plan(CAM_TAN)
    assert [i.id for i in plan.indicators] == [f"P{n:02d}" for n in range(1, 22)]
    for ind in plan.indicators:
        assert (ind.levels, ind.comparison, ind.target, ind.period) == CAM_TAN_TABLE[ind.id]
        assert ind.metric in METRICS
    assert plan.indicator("P06").deadline == dt.date(2024, 12, 14)
    assert plan.indicator("P07").deadline == dt.date(2025, 2, 28)
    assert plan.indicator("P04").param == {"levels": ("primary", "lower_secondary")}
    assert (plan.valid_from, plan.valid_to, plan.communes) == (
        dt.date(2024, 11, 20), dt.date(2025, 12, 31), ("15178",))


def test_the_cam_tan_plan_settings_tasks_and_reporting():
    plan = load_plan(CAM_TAN)
    s = plan.settings
    assert (s.tip_deadline_days, s.user_management_months, s.post_rehab_months,
            s.post_rehab_months_after_compulsory) == (20, 12, 12, 24)
    assert s.intervals["karaoke"] == 30 and s.intervals["guesthouse"] == 90
    assert s.held_count_as_residing is False and s.on_drug_route is False
    assert {t.id: t.due for t in plan.tasks} == {
        "T1": dt.date(2024, 11, 15), "T2": dt.date(2024, 11, 20),
        "T3": dt.date(2024, 11, 15), "T4": dt.date(2024, 11, 20),
        "T5": dt.date(2024, 12, 14), "T6": dt.date(2025, 2, 28),
        "T7": dt.date(2025, 12, 31)}
    assert [t.indicator for t in plan.tasks if t.done_when == "indicator"] == [
        "P06", "P07", "P08"]
    assert plan.reporting.monthly_day == 15
    assert {r.id: r.due for r in plan.reporting.reports} == {
        "R-6M": dt.date(2025, 6, 15), "R-FINAL": dt.date(2026, 1, 15)}


def test_labels_are_vietnamese_nfc_with_diacritics():
    for plan in shipped_plans():
        texts = [plan.title_vi] + [i.label_vi for i in plan.indicators] + [
            t.label_vi for t in plan.tasks]
        for text in texts:
            assert unicodedata.normalize("NFC", text) == text
        assert all(i.label_en and i.label_vi != i.label_en for i in plan.indicators)
    cam_tan = load_plan(CAM_TAN)
    assert "loa phát thanh" in cam_tan.indicator("P01").label_vi
    assert "“ngáo đá”" in cam_tan.indicator("P17").label_vi


def test_the_national_criteria_and_hotspot_levels_as_data():
    plan = load_plan(QD_28)
    assert [(i.id, i.comparison, i.target) for i in plan.indicators] == [
        ("N1", "==", 0), ("N2", "==", 0), ("N3", "==", 0)]
    assert plan.recognition == ("N1", "N2", "N3")
    assert plan.communes == ("*",) and plan.valid_from == dt.date(2025, 8, 24)
    levels = {lvl.id: lvl for lvl in plan.hotspot.levels}
    assert [lvl.id for lvl in plan.hotspot.levels] == ["I", "II", "III"]
    assert [lvl.at_least for lvl in plan.hotspot.levels] == [3, 3, 1]
    people = {lid: next(c for c in lvl.conditions if c.id == "people")
              for lid, lvl in levels.items()}
    assert (people["I"].ge, people["I"].lt) == (0.5, None)
    assert (people["II"].ge, people["II"].lt) == (0.1, 0.5)
    assert (people["III"].gt, people["III"].lt) == (0, 0.1)
    plants = next(c for c in levels["I"].conditions if c.id == "plants")
    assert [(o.measure, o.ge) for o in plants.any] == [("plants", 3000), ("area_m2", 750)]
    route = next(c for c in levels["I"].conditions if c.id == "route")
    assert (route.lower_level, route.lower_at_least) == ("II", 2)


@pytest.mark.parametrize(("commune", "day", "expected"), [
    ("15178", dt.date(2024, 11, 19), []),
    ("15178", dt.date(2024, 11, 20), ["cam-tan-2024-2025"]),
    ("15178", dt.date(2025, 8, 24), ["cam-tan-2024-2025", "qd-28-2025"]),
    ("15178", dt.date(2026, 1, 1), ["qd-28-2025"]),
    ("99999", dt.date(2025, 9, 1), ["qd-28-2025"]),
])
def test_plans_in_force(commune, day, expected):
    assert [p.id for p in plans_in_force(shipped_plans(), commune, day)] == expected


BROKEN = """\
id = "broken"
title_vi = "Kế hoạch hỏng"
title_en = "A broken plan"
communes = ["15178"]
valid_from = 2025-01-01

[[indicator]]
id = "X1"
label_vi = "Loa phát thanh"
label_en = "Broadcasts"
level = "village"
metric = "loudspeakers"
params = { kind = "broadcast" }
period = "iso_weeks"
comparison = ">="
target = "two"

[[indicator]]
id = "X2"
label_vi = ""
level = "hamlet"
metric = "addicts_tested_pct"
period = "fortnight"
comparison = "=>"
target = 120

[[indicator]]
id = "X1"
label_vi = "Trùng mã"
label_en = "Duplicate"
level = "village"
metric = "relapses"
period = "month"
comparison = "=="
target = -1
"""


def _problems(tmp_path, text: str, name: str = "plan.toml") -> list[tuple]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidPlan) as caught:
        load_plan(path)
    assert caught.value.file == name
    return [(p.line, p.code, p.params) for p in caught.value.problems]


def test_a_broken_plan_is_refused_with_every_problem_and_its_line(tmp_path):
    found = [(line, code) for line, code, _ in _problems(tmp_path, BROKEN)]
    assert found == [
        (12, "unknown_metric"),      # metric = "loudspeakers"
        (16, "target_not_number"),   # target = "two"
        (18, "missing_label"),       # X2 has no label_en: its [[indicator]] line
        (20, "missing_label"),       # label_vi = ""
        (21, "bad_level"),           # level = "hamlet"
        (23, "bad_period"),          # period = "fortnight"
        (24, "bad_comparison"),      # comparison = "=>"
        (25, "target_over_100"),     # a percentage of 120
        (28, "duplicate_id"),        # X1 again
        (35, "target_negative"),     # target = -1
    ]


def test_problem_parameters_name_the_indicator_and_value(tmp_path):
    problems = {(line, code): params for line, code, params in _problems(tmp_path, BROKEN)}
    assert problems[(12, "unknown_metric")]["metric"] == "loudspeakers"
    assert problems[(12, "unknown_metric")]["id"] == "X1"
    assert problems[(18, "missing_label")] == {"key": "label_en", "id": "X2"}
    assert problems[(28, "duplicate_id")] == {"id": "X1", "first_line": 8}


def test_a_toml_syntax_error_gives_its_line(tmp_path):
    text = 'id = "x"\ntitle_vi = "y"\ntitle_en = \n'
    [(line, code, params)] = _problems(tmp_path, text)
    assert (line, code) == (3, "toml_syntax")
    assert params["detail"] == "Invalid value"


PARTS = """\
id = "parts"
title_vi = "Thử"
title_en = "Test"
communes = ["15178"]
valid_from = 2025-01-01
valid_until = 2025-12-31

[settings]
tip_deadline_days = "twenty"

[settings.inspection_interval_days]
karaoke = 0

[[indicator]]
id = "A1"
label_vi = "Buổi học"
label_en = "Sessions"
level = "school"
metric = "outreach_events"
period = "at_date"
targt = 2

[indicator.params]
colour = "red"

[[task]]
id = "K1"
label_vi = "Việc"
label_en = "Task"
due = 2025-02-30
done_when = "indicator"
indicator = "A9"
"""


def test_settings_params_tasks_and_typos_are_checked(tmp_path):
    found = [(line, code) for line, code, _ in _problems(tmp_path, PARTS.replace(
        "due = 2025-02-30", "due = 2025-02-28"))]
    assert found == [
        (6, "unknown_key"),            # valid_until
        (9, "bad_setting"),            # tip_deadline_days = "twenty"
        (12, "bad_setting"),           # karaoke = 0 days
        (18, "level_not_supported"),   # outreach_events has no school level
        (20, "period_not_supported"),  # nor an at_date period
        (21, "unknown_key"),           # targt
        (23, "missing_param"),         # outreach_events needs a kind
        (24, "unknown_param"),         # colour, in [indicator.params]
        (32, "unknown_indicator"),     # A9
    ]


def test_an_impossible_date_is_a_syntax_error(tmp_path):
    [(line, code, _)] = _problems(tmp_path, PARTS)
    assert (line, code) == (30, "toml_syntax")


def test_the_error_message_lists_lines(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(InvalidPlan, match=r"broken.toml: line 12: unknown_metric, line 16"):
        load_plan(path)


HOTSPOT = """\
id = "h"
title_vi = "Thử"
title_en = "Test"
communes = ["*"]
valid_from = 2025-01-01

[hotspot]
period = "evaluation_year"
fallback = "IV"

[[hotspot.level]]
id = "I"
label_vi = "Loại I"
label_en = "Type I"
at_least = 3

[[hotspot.level.condition]]
id = "people"
measure = "users_per_1000"
ge = 0.5

[[hotspot.level.condition]]
id = "route"
lower_level = "II"
lower_at_least = 2
"""


def test_hotspot_levels_are_checked(tmp_path):
    found = [(line, code) for line, code, _ in _problems(tmp_path, HOTSPOT)]
    assert found == [
        (9, "unknown_level"),      # fallback "IV"
        (19, "unknown_measure"),   # users_per_1000
        (24, "unknown_level"),     # no level II below I
    ]


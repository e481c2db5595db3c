"""``xkmt plans check`` and ``xkmt plans list``: every problem of a plan file with its
line, in Vietnamese (English with --lang en)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli.main import main
from app.plan_problem_texts import PLAN_PROBLEMS, plan_problem_text
from geo.errors import PlanProblem

ROOT = Path(__file__).resolve().parents[2]

# Line numbers are written beside the lines that are wrong.
BROKEN = """\
id = "broken"
title_vi = "Kế hoạch hỏng"
title_en = "A broken plan"
communes = ["15178"]
valid_from = 2025-01-01

[[indicator]]
id = "A1"
label_vi = "Loa phát thanh"
label_en = "Broadcasts"
level = "village"
metric = "loudspeakers"
period = "iso_weeks"
comparison = ">="
target = 2

[[indicator]]
id = "A2"
label_vi = "Thăm hỏi người được quản lý"
label_en = "Managed people visited"
level = "village"
metric = "managed_visited_pct"
period = "month"
comparison = ">="
target = 150

[[indicator]]
id = "A3"
label_en = "Posts"
level = "commune"
metric = "outreach_events"
params = { kind = "post" }
period = "iso_weeks"
comparison = ">="
target = 2
"""
UNKNOWN_METRIC_LINE = 12  # metric = "loudspeakers"
TARGET_LINE = 25          # target = 150, a percentage
MISSING_LABEL_LINE = 27   # the third [[indicator]] header: its label_vi is missing


@pytest.fixture
def cli():
    return lambda *args: main(list(map(str, args)))


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_the_line_numbers_in_the_test_are_right():
    lines = BROKEN.splitlines()
    assert lines[UNKNOWN_METRIC_LINE - 1] == 'metric = "loudspeakers"'
    assert lines[TARGET_LINE - 1] == "target = 150"
    assert lines[MISSING_LABEL_LINE - 1] == "[[indicator]]"
    assert lines[MISSING_LABEL_LINE] == 'id = "A3"'


def test_check_prints_every_problem_with_its_line_in_vietnamese(cli, broken, capsys):
    assert cli("plans", "check", broken) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Tệp kế hoạch broken.toml có 3 lỗi:"
    assert out[1].startswith(
        "  broken.toml, dòng 12: chỉ tiêu A1: không có cách tính “loudspeakers”; các cách "
        "tính có sẵn: ")
    assert "managed_visited_pct" in out[1] and "outreach_events" in out[1]
    assert out[2] == ("  broken.toml, dòng 25: chỉ tiêu A2: mức cần đạt 150 là tỷ lệ phần trăm "
                      "lớn hơn 100 (tỷ lệ phần trăm ghi từ 0 đến 100)")
    assert out[3] == "  broken.toml, dòng 27: A3 thiếu nhãn “label_vi”"
    assert len(out) == 4


def test_check_speaks_english_on_request(cli, broken, capsys):
    assert cli("--lang", "en", "plans", "check", broken) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "The plan file broken.toml has 3 problem(s):"
    assert out[1].startswith("  broken.toml, line 12: indicator A1: unknown metric "
                             "“loudspeakers”; the known metrics are: ")
    assert out[2] == ("  broken.toml, line 25: indicator A2: the target 150 is a percentage "
                      "above 100 (percentages are written 0–100)")
    assert out[3] == "  broken.toml, line 27: A3 lacks its label “label_vi”"


def test_a_good_file_prints_ok_and_a_summary(cli, broken, capsys):
    fixed = (BROKEN.replace('"loudspeakers"', '"outreach_events"\nparams = { kind = '
                            '"broadcast" }')
             .replace("target = 150", "target = 100")
             .replace('id = "A3"\n', 'id = "A3"\nlabel_vi = "Bài viết"\n'))
    broken.write_text(fixed, encoding="utf-8")
    assert cli("plans", "check", broken) == 0
    out = capsys.readouterr().out
    assert out == ("ok: broken: Kế hoạch hỏng; có hiệu lực từ 01/01/2025, không có ngày kết "
                   "thúc; xã 15178; 3 chỉ tiêu, 0 nhiệm vụ\n")


def test_a_missing_file_is_said_so(cli, tmp_path, capsys):
    assert cli("plans", "check", tmp_path / "nothing.toml") == 1
    assert "không tồn tại" in capsys.readouterr().err


def test_a_syntax_error_names_its_line(cli, broken, capsys):
    broken.write_text(BROKEN.replace("target = 2\n", "target = = 2\n", 1), encoding="utf-8")
    assert cli("plans", "check", broken) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Tệp kế hoạch broken.toml có 1 lỗi:"
    assert out[1].startswith("  broken.toml, dòng 15: tệp không đúng cú pháp TOML (")


def test_list_shows_the_shipped_plans_and_their_validity(cli, capsys):
    assert cli("plans", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["cam_tan_2024_2025.toml", "ok"], ["qd_28_2025.toml", "ok"]]
    assert lines[0].split("\t")[2].startswith(
        "cam-tan-2024-2025: Kế hoạch xây dựng “xã không ma túy” giai đoạn 2024 - 2025 (xã Cẩm "
        "Tân); có hiệu lực từ 20/11/2024 đến 31/12/2025; xã 15178;")
    assert "mọi xã" in lines[1]


def test_every_problem_code_of_the_checker_has_a_sentence():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "geo").rglob("*.py"))
    codes = set(re.findall(r'\.add\(\s*"(\w+)"', source))
    codes |= set(re.findall(r'PlanProblem\("(\w+)"', source))
    codes |= set(re.findall(r'"(missing_\w+)"\s*,\s*(?:section|id)=', source))
    assert {"unknown_metric", "target_over_100", "missing_label", "toml_syntax"} <= codes
    assert codes <= set(PLAN_PROBLEMS)


def test_a_problem_without_a_line_names_only_the_file():
    text = plan_problem_text(PlanProblem("bad_section", None, {"section": "reporting"}), "vi",
                             "k.toml")
    assert text == "k.toml: mục reporting không được viết dưới dạng bảng"

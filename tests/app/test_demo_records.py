"""The demo's synthetic records go through the import checks and are saved idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from app import imports
from app.cli.main import main
from app.models import (
    Baseline,
    ChangeLog,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    OutreachVillage,
    Person,
    PersonState,
    Pledge,
    PreventionModel,
    School,
    Tip,
    TipBox,
    Venue,
)
from app.records.messages import cell_problem_text
from app.records.schema import BY_NAME, RECORD_TYPES
from app.records.service import Context, check_rows
from geo.demo.records import demo_records
from tests.conftest import snapshot

MODELS = {"persons": Person, "drug_tests": DrugTest, "schools": School,
          "outreach": OutreachEvent, "pledges": Pledge, "models": PreventionModel,
          "tip_boxes": TipBox, "tips": Tip, "venues": Venue, "inspections": Inspection,
          "incidents": Incident, "baselines": Baseline}


def _frames(sessions):
    with sessions() as session:
        ctx = Context.load(session, imports.DEMO_COMMUNE)
    return ctx, demo_records(ctx.villages, ctx.outline, seed=imports.DEMO_SEED)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_load_demo_fills_every_record_table(full):
    _ctx, frames = _frames(full)
    assert set(frames) == {rt.name for rt in RECORD_TYPES}
    with full() as session:
        for name, frame in frames.items():
            expected = frame["code"].nunique() if name == "persons" else len(frame)
            assert _count(session, MODELS[name]) == expected > 0, name
        assert _count(session, PersonState) == len(frames["persons"])
        listed = frames["outreach"]["villages"].dropna().str.count(";") + 1
        assert _count(session, OutreachVillage) == listed.sum() > 0
        everywhere = session.scalar(select(func.count()).where(
            OutreachEvent.all_villages, OutreachEvent.kind == "broadcast"))
        outreach = frames["outreach"]
        assert everywhere == (outreach["villages"].isna() & (outreach["kind"] == "broadcast")
                              ).sum() > 0


def test_a_person_keeps_every_state_and_shows_the_latest(full):
    _ctx, frames = _frames(full)
    persons = frames["persons"]
    code = persons.groupby("code").size().idxmax()
    states = persons[persons["code"] == code]
    with full() as session:
        person = session.scalars(select(Person).where(Person.code == code)).one()
        history = [(s.valid_from, s.category, s.status) for s in person.states]
        assert history == list(zip(states["status_date"], states["category"], states["status"],
                                   strict=True))
        assert (person.status, person.status_date) == (states["status"].iloc[-1],
                                                      states["status_date"].iloc[-1])
        assert len(person.tests) == (frames["drug_tests"]["person"] == code).sum()


def test_every_demo_row_passes_the_import_checks(full):
    ctx, frames = _frames(full)
    for name, frame in frames.items():
        rt = BY_NAME[name]
        keys = {f.key for f in rt.fields}
        assert set(frame.columns) <= keys, name
        assert {f.key for f in rt.fields if f.required} <= set(frame.columns), name
        for batch in imports._demo_batches(rt, frame):
            _rows, problems = check_rows(rt, batch, ctx)
            assert problems == [], name


def test_the_checks_are_real_a_venue_moved_out_of_the_commune_is_refused(full):
    ctx, frames = _frames(full)
    venues = frames["venues"].copy()
    venues.loc[0, "lon"] = venues.loc[0, "lon"] + 0.2  # about 21 km east
    rt = BY_NAME["venues"]
    _rows, problems = check_rows(rt, imports._demo_batches(rt, venues)[0], ctx)
    assert [(p.row, p.code) for p in problems] == [(2, "outside_commune")]
    assert problems[0].params["metres"] > 15_000
    text = cell_problem_text(problems[0], rt, "vi", sheet="Cơ sở")
    assert text.startswith("trang tính “Cơ sở”, dòng 2, cột “Vĩ độ”")
    assert "vị trí nằm ngoài địa giới xã, cách ranh giới xã" in text


def test_loading_again_changes_nothing(full, settings):
    before = snapshot(full)
    summaries = imports.load_demo_records(full, imports.DEMO_COMMUNE, imports.DEMO_SEED)
    assert sum(s.unchanged for s in summaries.values()) > 1000
    assert all(s.created == s.updated == 0 for s in summaries.values())
    assert snapshot(full) == before
    imports.load_demo(full, settings)  # the whole full again: only the boundary import is new
    after = snapshot(full)
    assert [t for t in before if before[t] != after[t]] == ["boundary_import"]


def test_the_change_log_has_one_entry_per_demo_row(full):
    _ctx, frames = _frames(full)
    persons = frames["persons"]
    rows = sum(len(frame) for frame in frames.values())
    with full() as session:
        log = session.execute(select(ChangeLog.actor, ChangeLog.source, ChangeLog.action)).all()
    assert len(log) == rows
    assert {(actor, source) for actor, source, _a in log} == {("demo", "synthetic demo")}
    updates = sum(1 for *_x, action in log if action == "update")
    assert updates == len(persons) - persons["code"].nunique()  # later states of a person


def test_make_run_path_loads_the_records_once(settings, sessions, monkeypatch, capsys):
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    assert main(["demo", "load", "--if-empty"]) == 0
    with sessions() as session:
        people, logged = _count(session, Person), _count(session, ChangeLog)
    assert 40 <= people <= 80
    capsys.readouterr()
    assert main(["demo", "load", "--if-empty"]) == 0
    assert "không nạp dữ liệu mẫu" in capsys.readouterr().out
    with sessions() as session:
        assert _count(session, ChangeLog) == logged


def test_the_demo_shows_every_risk_level_and_every_status(full):
    """Over the full months the map's legends are all used: risk levels I, II, III and
    none from 09/2025 (QĐ 28/2025 in force), every status of N1-N3 and of the plan.
    The frames as the app gets them (``app.frame.caching``: the tables read once, a month
    another test of the worker computed from the same records not computed again)."""
    from app.frame import caching

    months = [f"2024-{m:02d}" for m in (11, 12)] + [f"2025-{m:02d}" for m in range(1, 13)]
    risks: dict[str, set] = {}
    statuses: dict[str, set] = {}
    with full() as session:
        for month in months:
            result = caching.frame(session, imports.DEMO_COMMUNE, month).result
            villages = result.villages
            if month >= "2025-09":
                risks[month] = set(villages["risk_level"])
            for ind in result.indicators:
                if "village" in ind["levels"]:
                    statuses.setdefault(ind["id"], set()).update(villages[f"{ind['id']}_status"])
    assert set().union(*risks.values()) == {"I", "II", "III", "none"}
    # in one month, even: 10/2025 has T07 at type I and T04 at type II
    assert risks["2025-10"] == {"I", "II", "III", "none"}
    for ident in ("N1", "N2", "N3"):
        assert statuses[ident] == {"met", "not_met"}, ident
    assert set().union(*statuses.values()) == {"met", "not_met", "no_data", "not_applicable"}
    for ident in ("P14", "P20"):  # tests of addicts and of post-rehab people: all four
        assert statuses[ident] == {"met", "not_met", "no_data", "not_applicable"}, ident

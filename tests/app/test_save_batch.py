"""Saving a batch of rows: the same records, states, links and change log as row by row,
in a number of SQL statements that does not grow with the number of rows."""

from __future__ import annotations

import json

from sqlalchemy import event, select

from app.db import transaction
from app.models import ChangeLog, DrugTest, OutreachEvent, Person
from app.records import writers
from app.records.schema import BY_NAME
from app.records.service import Context, check_rows
from app.records.writers import SaveSummary, save_rows


def person(code: str, **values) -> dict:
    return {"code": code, "village": "T01", "category": "addict", "status": "no_treatment",
            "status_date": "01/11/2024", **values}


def save(sessions, name: str, rows: list[dict]) -> SaveSummary:
    """Check and save raw rows in one transaction, as an import does."""
    with transaction(sessions) as session:
        ctx = Context.load(session, "15178")
        clean, problems = check_rows(BY_NAME[name], list(enumerate(rows, 2)), ctx)
        assert problems == []
        return save_rows(session, BY_NAME[name], clean, ctx, actor="tester", source="f.xlsx")


def change_log(sessions) -> list[tuple]:
    with sessions() as session:
        return [(c.record_type, c.record_id, c.record_code, c.action, c.actor, c.source,
                 json.loads(c.changes))
                for c in session.scalars(select(ChangeLog).order_by(ChangeLog.id))]


def history(sessions) -> dict[str, list[tuple]]:
    """Each person's states, and current status, by code."""
    with sessions() as session:
        return {p.code: [(s.valid_from.isoformat(), s.village_code, s.status)
                         for s in p.states] + [(p.status_date.isoformat(), p.status)]
                for p in session.scalars(select(Person))}


def ids(sessions) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(select(Person.code, Person.id)).all())


def state(valid_from: str, status: str) -> list:
    return [valid_from, "T01", "addict", status, False]


def test_a_mixed_batch_saves_and_logs_each_row(demo):
    assert save(demo, "persons", [person("P1"), person("P2"), person("P3")]) == SaveSummary(3)
    rows = [person("P1", birth_year=1980),  # a plain update
            person("P2"),  # unchanged
            person("P4"),  # new
            person("P3", status="methadone", status_date="01/02/2025"),  # a new state
            person("P4", status="methadone", status_date="01/02/2025")]  # of a new person
    assert save(demo, "persons", rows) == SaveSummary(created=1, updated=3, unchanged=1)
    known = ids(demo)
    logged = change_log(demo)[3:]
    assert [entry[:6] for entry in logged] == [
        ("persons", known[code], code, action, "tester", "f.xlsx")
        for code, action in (("P1", "update"), ("P4", "create"), ("P3", "update"),
                             ("P4", "update"))]
    assert logged[0][6] == {"birth_year": [None, 1980]}
    assert logged[1][6]["history"] == [None, [state("2024-11-01", "no_treatment")]]
    assert logged[2][6] == logged[3][6] == {
        "status": ["no_treatment", "methadone"], "status_date": ["2024-11-01", "2025-02-01"],
        "history": [[state("2024-11-01", "no_treatment")],
                    [state("2024-11-01", "no_treatment"), state("2025-02-01", "methadone")]]}
    two_states = [("2024-11-01", "T01", "no_treatment"), ("2025-02-01", "T01", "methadone"),
                  ("2025-02-01", "methadone")]
    assert history(demo) == {
        "P1": [("2024-11-01", "T01", "no_treatment"), ("2024-11-01", "no_treatment")],
        "P2": [("2024-11-01", "T01", "no_treatment"), ("2024-11-01", "no_treatment")],
        "P3": two_states, "P4": two_states}


def test_saving_the_same_rows_again_changes_nothing(demo):
    rows = [person("P1"), person("P1", status="methadone", status_date="01/02/2025")]
    save(demo, "persons", rows)
    save(demo, "drug_tests", [{"person": "P1", "date": "03/02/2025", "result": "positive"}])
    before = change_log(demo)
    assert save(demo, "persons", rows) == SaveSummary(unchanged=2)
    assert save(demo, "drug_tests", [{"person": "P1", "date": "03/02/2025",
                                      "result": "positive"}]) == SaveSummary(unchanged=1)
    assert change_log(demo) == before


def test_new_tests_and_outreach_reach_the_right_people_and_villages(demo):
    save(demo, "persons", [person(f"P{i}") for i in range(1, 6)])
    save(demo, "drug_tests", [{"person": f"P{i}", "date": f"0{i}/12/2024",
                               "result": "positive" if i % 2 else "negative"}
                              for i in (5, 3, 1, 4, 2)])
    save(demo, "outreach", [
        {"kind": "meeting", "date": "02/12/2024", "villages": "T03; T01"},
        {"kind": "individual_visit", "date": "02/12/2024", "villages": "T02", "person": "P4"},
        {"kind": "broadcast", "date": "02/12/2024", "count": 3},
        {"kind": "meeting", "date": "05/12/2024", "villages": "T10"}])
    known = ids(demo)
    code = {ident: code for code, ident in known.items()}
    with demo() as session:
        tests = session.execute(select(DrugTest.id, DrugTest.person_id, DrugTest.date,
                                       DrugTest.result).order_by(DrugTest.person_id)).all()
        events = [(e.id, e.kind, e.date.day, e.count, e.all_villages, e.person_id,
                   sorted(v.village_code for v in e.villages))
                  for e in session.scalars(select(OutreachEvent).order_by(OutreachEvent.id))]
    assert [(p, d.day, r) for _id, p, d, r in tests] == [
        (known[f"P{i}"], i, "positive" if i % 2 else "negative") for i in range(1, 6)]
    assert [event[1:] for event in events] == [
        ("meeting", 2, 1, False, None, ["T01", "T03"]),
        ("individual_visit", 2, 1, False, known["P4"], ["T02"]),
        ("broadcast", 2, 3, True, None, []),
        ("meeting", 5, 1, False, None, ["T10"])]
    logged = {(entry[0], entry[1]): entry[2] for entry in change_log(demo)}
    assert all(logged["drug_tests", i] == f"{code[p]} {d.isoformat()}"
               for i, p, d, _result in tests)
    assert [logged["outreach", event[0]] for event in events] == [
        "meeting 2024-12-02 T01;T03", "individual_visit 2024-12-02 T02  P4",
        "broadcast 2024-12-02", "meeting 2024-12-05 T10"]


def statements(engine, work) -> int:
    """How many statements the database receives while ``work()`` runs."""
    sent = []

    def count(*_args):
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def mixed_batches(sessions, n: int, prefix: str, year: int) -> int:
    """Statements to save ``n`` people of each kind (new, updated, unchanged), as many new
    and updated drug tests, and new outreach events (``prefix`` and ``year`` keep them
    apart from those of another call). The updated people keep their state: a new state
    of a stored person is still one INSERT each on SQLite (see app.records.writers)."""
    def tested(code: str, result: str) -> dict:
        return {"person": code, "date": f"01/12/{year}", "result": result}

    old = [f"{prefix}U{i}" for i in range(2 * n)]
    new = [f"{prefix}N{i}" for i in range(n)]
    save(sessions, "persons", [person(code) for code in old])
    save(sessions, "drug_tests", [tested(code, "negative") for code in old[:n]])
    # an event already saved: its villages are read in the same query as the others'
    save(sessions, "outreach", [{"kind": "post", "date": f"01/01/{year}", "villages": "T03"}])
    persons = ([person(code) for code in new] + [person(code) for code in old[n:]]
               + [person(code, birth_year=1980) for code in old[:n]])
    tests = ([tested(code, "positive") for code in old[:n]]
             + [tested(code, "negative") for code in new])
    outreach = [{"kind": "meeting", "date": f"{1 + i % 28:02d}/{1 + i // 28:02d}/{year}",
                 "villages": "T01; T02"} for i in range(n)]
    return statements(sessions.kw["bind"], lambda: (
        save(sessions, "persons", persons), save(sessions, "drug_tests", tests),
        save(sessions, "outreach", outreach)))


def test_the_statements_sent_do_not_grow_with_the_rows(demo):
    assert mixed_batches(demo, 40, "B", 2024) == mixed_batches(demo, 3, "A", 2023)


def test_finding_a_communes_tests_binds_no_parameter_per_person(demo):
    """One parameter per person would outgrow the database's limit in a large commune
    (32,766 on SQLite): the people of the commune come in a subquery."""
    def bound(n: int) -> int:
        save(demo, "persons", [person(f"Q{n}-{i:03d}") for i in range(n)])
        seen = []
        engine = demo.kw["bind"]

        def record(_conn, _cursor, statement, parameters, *_args):
            if "drug_test" in statement:
                seen.append(len(parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            with demo() as session:
                writers.existing(session, BY_NAME["drug_tests"], Context.load(session, "15178"))
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return max(seen)

    assert bound(3) == bound(60) <= 2

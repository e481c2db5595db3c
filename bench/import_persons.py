"""Time the import of a 5,000-row person sheet (and optionally 20,000 drug tests).

Builds the workbook from the template (synthetic codes P00001..., the demo villages),
imports it into a fresh temporary SQLite database with the demo commune, and prints the
time and the number of SQL statements sent. In the same run it times two baselines:
reading the same file with openpyxl (read-only, no checking or saving) and a plain
``executemany`` insert of the same rows, and prints the ratios. The requirement: 5,000
people in under 10 s on a 2-core machine.

    .venv/bin/python bench/import_persons.py [--persons 5000] [--tests 20000] [--reimport]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import imports  # noqa: E402
from app.db import make_engine, session_factory, upgrade  # noqa: E402
from app.records import excel, importer  # noqa: E402
from app.records.schema import BY_NAME  # noqa: E402
from app.records.service import Context  # noqa: E402
from app.settings import Settings  # noqa: E402

CATEGORIES = ("người nghiện ma túy", "người sử dụng trái phép chất ma túy",
              "người đang quản lý sau cai nghiện")
STATUSES = ("chưa tham gia cai nghiện, điều trị", "điều trị thay thế (methadone)",
            "cai nghiện tự nguyện tại gia đình, cộng đồng")


def build_workbook(sessions, persons: int, tests: int) -> bytes:
    """The template filled with synthetic rows (codes only: no person exists)."""
    types = [BY_NAME["persons"]] + ([BY_NAME["drug_tests"]] if tests else [])
    with sessions() as session:
        ctx = Context.load(session, "15178")
        wb = excel.template_workbook(ctx, types, "vi")
    names = list(ctx.villages["name"])
    ws = wb[excel.sheet_title(BY_NAME["persons"], "vi")]
    start = dt.date(2024, 11, 15)
    for i in range(persons):
        ws.append([f"P{i + 1:05d}", names[i % len(names)], CATEGORIES[i % 3],
                   STATUSES[i % 3], start - dt.timedelta(days=i % 300), "không",
                   "có", start, start, None, None, None, 1970 + i % 40, "MF"[i % 2]])
    if tests:
        ws = wb[excel.sheet_title(BY_NAME["drug_tests"], "vi")]
        for j in range(tests):
            ws.append([f"P{j % persons + 1:05d}", start + dt.timedelta(days=j // persons),
                       "âm tính" if j % 7 else "dương tính"])
    return excel.workbook_bytes(wb)


def read_only_baseline(data: bytes) -> float:
    begin = time.perf_counter()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for ws in wb.worksheets for _row in ws.iter_rows(values_only=True))
    wb.close()
    assert count
    return time.perf_counter() - begin


def executemany_baseline(folder: Path, persons: int) -> float:
    """Insert the same number of plain rows with sqlite3 executemany, one transaction."""
    connection = sqlite3.connect(folder / "plain.db")
    connection.execute("CREATE TABLE person (code TEXT, village TEXT, category TEXT, "
                       "status TEXT, status_date TEXT, birth_year INTEGER)")
    rows = [(f"P{i:05d}", "T01", "addict", "methadone", "2024-11-15", 1980)
            for i in range(persons)]
    begin = time.perf_counter()
    with connection:
        connection.executemany("INSERT INTO person VALUES (?, ?, ?, ?, ?, ?)", rows)
    connection.close()
    return time.perf_counter() - begin


def timed_import(sessions, data: bytes) -> tuple[float, int, importer.ImportResult]:
    """Seconds and SQL statements the import takes, and its result."""
    sent = []

    def count(*_args):
        sent.append(1)

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        begin = time.perf_counter()
        with sessions() as session:
            result = importer.import_file(session, "15178", "bench.xlsx", data, actor="bench")
        return time.perf_counter() - begin, len(sent), result
    finally:
        event.remove(engine, "before_cursor_execute", count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--tests", type=int, default=0, help="drug tests (e.g. 20000)")
    parser.add_argument("--reimport", action="store_true", help="also time a re-import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        imports.load_demo(sessions, Settings(database_url=url))
        data = build_workbook(sessions, args.persons, args.tests)
        print(f"workbook: {args.persons} people, {args.tests} drug tests, "
              f"{len(data) / 1e6:.2f} MB")
        read = read_only_baseline(data)
        plain = executemany_baseline(folder, args.persons)
        seconds, statements, result = timed_import(sessions, data)
        for sheet in result.sheets:
            print(f"  {sheet.sheet}: {sheet.summary}")
        print(f"import:               {seconds:7.2f} s  (limit for 5,000 people: 10 s), "
              f"{statements} SQL statements")
        print(f"openpyxl read only:   {read:7.2f} s  → import is {seconds / read:.1f}× this")
        print(f"sqlite executemany:   {plain:7.3f} s  → import is {seconds / plain:.0f}× this")
        if args.reimport:
            again, statements, result = timed_import(sessions, data)
            print(f"re-import (no change): {again:6.2f} s, {statements} SQL statements  "
                  f"{[s.summary for s in result.sheets]}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

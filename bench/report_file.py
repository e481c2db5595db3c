"""Time the monthly report (.docx) and the patrol sheet (PDF) as their routes make them.

Loads the full synthetic demo (villages and every record) into a temporary SQLite
database, then makes the monthly .docx of the latest month N times for the police and
for a leader (``app.reports.service.make``, audit included) and the patrol sheet of every
due venue N times (``app.patrol.plan`` + ``sheet`` + ``geo.patrol.sheet.sheet_pdf``), and
prints the first and the mean of the repeated times.

    .venv/bin/python bench/report_file.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CODE = "15178"
DAY = dt.date(2025, 12, 15)  # a day of the demo's patrols


def _timed(label: str, make, repeat: int) -> None:
    start = time.perf_counter()
    make()
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(repeat):
        make()
    mean = (time.perf_counter() - start) / repeat
    print(f"{label}: first {first:.3f} s, then {mean:.3f} s each (mean of {repeat})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    from app import imports, patrol, store
    from app.db import make_engine, session_factory, upgrade
    from app.frame import loading
    from app.reports import service
    from app.settings import Settings
    from geo.patrol.sheet import sheet_pdf

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", tiles="none",
                            secret_key="bench")
        upgrade(settings.database_url)
        sessions = session_factory(make_engine(settings.database_url))
        imports.load_demo(sessions, settings, records=True)
        with sessions() as session:
            months = loading.record_months(session, CODE, store.today())
            asked = service.read("monthly", "docx", CODE, latest=months[-1])
            for role in ("police", "leader"):
                _timed(f"monthly report {asked.period} .docx, {role}", lambda role=role:
                       service.make(sessions, session, settings, CODE, asked, role=role,
                                    locale="vi", actor="bench"), repeat)

            def sheet() -> bytes:
                plan = patrol.plan(session, settings, CODE, DAY)
                return sheet_pdf(patrol.sheet(session, settings, CODE, DAY, plan, "vi"))

            _timed(f"patrol sheet PDF of {DAY:%d/%m/%Y}", sheet, repeat)


if __name__ == "__main__":
    main()

"""Time the check of free text for people's names, ID and phone numbers.

Checks N inspection rows with a note each (synthetic notes of about 80 characters: places,
dates, amounts, no person) through ``service.check_rows`` against the demo commune in a
temporary SQLite database, once as the app does and once with the notes not screened,
and prints both times and ``find_personal``'s rate on the notes alone.

    .venv/bin/python bench/free_text.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST = dt.date(2024, 11, 30)  # the rows' dates go back one day each: no duplicates
DAYS = 40_000  # dates of a venue's inspections, all after 1900
NOTES = (
    "Kiểm tra quán Hoàng Gia lúc 22h ngày 05/11/2024, có 3 phòng hát đang hoạt động",
    "Tuần tra đường Lê Lợi và khu vực chợ; không phát hiện vi phạm",
    "Phát hiện 2 khách dương tính với ma túy trong phòng hát; đã lập biên bản",
    "Thu giữ 0,5 gam ma túy đá và 2.500.000 đồng; chuyển hồ sơ lên Công an huyện",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows

    from app import imports
    from app.db import make_engine, session_factory, transaction, upgrade
    from app.records import schema
    from app.records.personal import Places, find_personal
    from app.records.service import Context, check_rows
    from app.records.writers import save_rows
    from app.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", tiles="none")
        upgrade(settings.database_url)
        sessions = session_factory(make_engine(settings.database_url))
        imports.import_communes(sessions, settings.boundaries_dir
                                / "cam_tan_15178_commune.geojson")
        imports.import_boundaries(sessions, settings, settings.boundaries_dir
                                  / "cam_tan_15178_villages.geojson", "15178")
        venues = [(n + 2, {"code": f"CS-{n + 1:02d}", "name": f"Karaoke Hoàng Gia {n + 1}",
                           "kind": "karaoke", "lat": 20.125, "lon": 105.535})
                  for n in range(rows // DAYS + 1)]
        with transaction(sessions) as session:
            ctx = Context.load(session, "15178")
            clean, _ = check_rows(schema.BY_NAME["venues"], venues, ctx)
            save_rows(session, schema.BY_NAME["venues"], clean, ctx, actor="bench",
                      source="bench")
        raw = [(n + 2, {"venue": f"CS-{n // DAYS + 1:02d}",
                        "date": (FIRST - dt.timedelta(days=n % DAYS)).isoformat(),
                        "team": "Tổ công tác", "result": "không vi phạm",
                        "note": NOTES[n % len(NOTES)]}) for n in range(rows)]
        rt = schema.BY_NAME["inspections"]
        plain = dataclasses.replace(rt, fields=tuple(
            dataclasses.replace(f, screened=False) for f in rt.fields))
        for label, kind in (("screened (as the app does)", rt), ("not screened", plain)):
            with sessions() as session:
                ctx = Context.load(session, "15178")
                start = time.perf_counter()
                _clean, problems = check_rows(kind, raw, ctx)
                took = time.perf_counter() - start
            print(f"check_rows, {rows:,} inspections, {label}: {took:.2f} s "
                  f"({len(problems)} problems)")
    notes = [NOTES[n % len(NOTES)] for n in range(rows)]
    places = Places()
    start = time.perf_counter()
    found = sum(len(find_personal(note, places)) for note in notes)
    took = time.perf_counter() - start
    print(f"find_personal alone: {rows:,} notes in {took:.2f} s, {rows / took:,.0f} notes/s "
          f"({found} findings)")


if __name__ == "__main__":
    main()

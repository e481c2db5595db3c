"""Benchmark the printed maps: the meeting atlas of the demo commune (10 villages) and of a
40-village commune (the demo outline split by ``geo.demo.villages.synthetic_villages``, with
the demo's synthetic records), and one A4 map sheet (PDF, PNG 150 and 300 dpi).

Run: .venv/bin/python bench/print_atlas.py [--month 2025-10]

Each atlas starts in a new database, so with nothing cached for the police's first atlas
(the six months of its trend are computed), as a first ``xkmt atlas`` does; the time and
the file size are printed. Target: under 15 s for the demo.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import imports, store  # noqa: E402
from app.db import make_engine, session_factory, upgrade  # noqa: E402
from app.i18n import gettext_for  # noqa: E402
from app.prints import map_sheets, meeting_atlas  # noqa: E402
from app.settings import Settings  # noqa: E402
from geo.demo.villages import synthetic_villages  # noqa: E402


def database(folder: Path, villages: int) -> tuple:
    url = f"sqlite:///{folder / f'bench_{villages}.db'}"
    upgrade(url)
    settings = Settings(database_url=url, tiles="none")
    sessions = session_factory(make_engine(url))
    if villages == 10:
        imports.load_demo(sessions, settings)
        return settings, sessions
    imports.import_communes(sessions, settings.boundaries_dir /
                            "cam_tan_15178_commune.geojson",
                            limits=imports.limits_of(settings))
    with sessions() as session:
        outline = store.commune_outline(store.get_commune(session, imports.DEMO_COMMUNE))
    split = synthetic_villages(outline, n=villages, seed=villages)
    path = folder / f"villages_{villages}.geojson"
    split.to_file(path, driver="GeoJSON")
    imports.import_boundaries(sessions, settings, path, imports.DEMO_COMMUNE)
    imports.load_demo_records(sessions, imports.DEMO_COMMUNE, imports.DEMO_SEED)
    return settings, sessions


def atlas(settings, sessions, month: str, role: str) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of one atlas (the CPU time tells a loaded machine from a
    slow atlas), and its size in bytes."""
    _ = gettext_for("vi")
    start, cpu = time.perf_counter(), time.process_time()
    with sessions() as session:
        content = meeting_atlas.atlas(session, settings,
                                    imports.DEMO_COMMUNE, month, role=role, user="bench",
                                    _=_, locale="vi", log=sessions)
    return time.perf_counter() - start, time.process_time() - cpu, len(content)


def sheets(settings, sessions, month: str) -> None:
    _ = gettext_for("vi")
    for fmt, dpi in (("pdf", 150), ("png", 150), ("png", 300)):
        options = map_sheets.read_options(month, fmt=fmt, dpi=dpi)
        start = time.perf_counter()
        with sessions() as session:
            sheet = map_sheets.print_sheet(session, settings, imports.DEMO_COMMUNE,
                                         options, role="police", user="bench", _=_,
                                         locale="vi", log=sessions)
        print(f"  sheet A4 landscape {fmt} {dpi} dpi: {time.perf_counter() - start:5.2f} s, "
              f"{len(sheet.content) / 1024:7.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2025-10")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for villages in (10, 40):
            settings, sessions = database(Path(folder), villages)
            print(f"commune of {villages} villages, month {args.month}:")
            for role in ("police", "viewer"):
                seconds, cpu, size = atlas(settings, sessions, args.month, role)
                print(f"  atlas ({role}): {seconds:5.1f} s ({cpu:5.1f} s CPU), "
                      f"{size / 1024:7.0f} KB")
            if villages == 10:
                sheets(settings, sessions, args.month)


if __name__ == "__main__":
    main()

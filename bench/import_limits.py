"""Time refusing a 1,000,000-row workbook, against reading it once with openpyxl.

Writes a person sheet of synthetic rows (codes only: no person exists) below the template's
headers, the sheet's XML written directly (openpyxl would take minutes to write it), then
measures, each in a fresh Python process so that the peak memory is its own:

- baseline: openpyxl read-only, every row of the file iterated (values only, nothing kept);
- refusal: ``import_file`` with the default limits (50,000 rows): refused with a message;
- with ``--bad-rows N``: a file of N drug tests whose three cells are all wrong, imported
  (every row checked, the first ``max_import_problems`` problems listed).

It prints wall and CPU seconds and the peak resident memory (``resource.getrusage``, the
process's maximum), with the peak before reading (the interpreter with the app's libraries
loaded, about 200 MB).

    .venv/bin/python bench/import_limits.py [--rows 1000000] [--bad-rows 50000]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
CELL = '<c r="{column}{{r}}" t="inlineStr"><is><t>{text}</t></is></c>'
STRINGS = ("Thôn 1", "người nghiện ma túy", "điều trị thay thế (methadone)", "15/11/2024")


def person_workbook(rows: int) -> bytes:
    """A one-sheet workbook: the person headers, then ``rows`` rows (as openpyxl writes
    strings: inline)."""
    import openpyxl

    from app.records import excel
    from app.records.schema import BY_NAME

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = excel.sheet_title(BY_NAME["persons"], "vi")
    ws.append([excel.header_text(f, "vi") for f in BY_NAME["persons"].fields][:5])
    ws.append(["P1", *STRINGS])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    template = '<row r="{r}">' + CELL.format(column="A", text="P{r}") + "".join(
        CELL.format(column=column, text=text) for column, text in zip(
            "BCDE", STRINGS, strict=True)) + "</row>"
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    head = sheet[:sheet.index('<row r="2"')]
    head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:E{rows + 1}"', head)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(item.filename, "w") as part:
                part.write(head.encode())
                for start in range(2, rows + 2, 10_000):
                    part.write("".join(template.format(r=r) for r in range(
                        start, min(start + 10_000, rows + 2))).encode())
                part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def bad_tests_workbook(rows: int) -> bytes:
    import openpyxl

    from app.records import excel
    from app.records.schema import BY_NAME

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(excel.sheet_title(BY_NAME["drug_tests"], "vi"))
    ws.append([excel.header_text(f, "vi") for f in BY_NAME["drug_tests"].fields])
    for i in range(rows):
        ws.append([f"X{i}", "31/02/2024", "chưa rõ"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measure(kind: str, path: Path, database: str) -> dict:
    """Run in a fresh process: time one thing, report it with the peak memory."""
    import openpyxl

    from app.db import make_engine, session_factory
    from app.records.importer import ImportRejected, import_file

    data = path.read_bytes()
    base_mb = _peak_mb()
    begin, cpu = time.perf_counter(), time.process_time()
    if kind == "baseline":
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = 0
        for ws in wb.worksheets:
            ws.reset_dimensions()  # as the import does: read every row the sheet holds
            rows += sum(1 for _row in ws.iter_rows(values_only=True))
        wb.close()
        said = f"{rows:,} rows read"
    else:
        engine = make_engine(database)
        try:
            with session_factory(engine)() as session:
                import_file(session, "15178", path.name, data, actor="bench")
            said = "imported (not expected)"
        except ImportRejected as exc:
            said = (f"refused, {exc.total:,} problem(s), {len(exc.problems)} listed: "
                    f"{exc.problems[-1].text('en')[:110]}")
        engine.dispose()
    seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "base_mb": base_mb,
            "said": said}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(kind: str, path: Path, database: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", kind, str(path), database],
                            check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def _report(name: str, figures: dict) -> None:
    print(f"  {name:34} {figures['seconds']:7.2f} s ({figures['cpu']:.2f} s CPU), peak "
          f"{figures['peak_mb']:.0f} MB ({figures['base_mb']:.0f} MB before reading)")
    print(f"  {'':34} {figures['said']}")


def prepare_database(folder: Path) -> str:
    from app import imports
    from app.db import make_engine, session_factory, upgrade
    from app.settings import Settings

    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    imports.load_demo(session_factory(engine), Settings(database_url=url), records=False)
    engine.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-rows", type=int, default=0,
                        help="also import a file of this many wrong drug tests")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, path, database = args.measure
        print(json.dumps(measure(kind, Path(path), database)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = prepare_database(folder)
        path = folder / "nguoi_1m.xlsx"
        path.write_bytes(person_workbook(args.rows))
        print(f"workbook: {args.rows:,} person rows, {path.stat().st_size / 1e6:.2f} MB")
        baseline = run("baseline", path, database)
        refusal = run("import", path, database)
        for name, figures in (("openpyxl read-only, every row", baseline),
                              ("import refused at the row cap", refusal)):
            _report(name, figures)
        print(f"  refusal / baseline: {refusal['seconds'] / baseline['seconds']:.3f} of the "
              f"time, {refusal['cpu'] / baseline['cpu']:.3f} of the CPU time")
        if args.bad_rows:
            bad = folder / "xet_nghiem_sai.xlsx"
            bad.write_bytes(bad_tests_workbook(args.bad_rows))
            print(f"workbook: {args.bad_rows:,} drug-test rows, all three cells wrong, "
                  f"{bad.stat().st_size / 1e6:.2f} MB")
            _report("import refused, every row checked", run("import", bad, database))
    return 0


if __name__ == "__main__":
    sys.exit(main())

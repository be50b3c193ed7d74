"""Import throughput: generate a roster of N scale units, export it as GBK CSV, import it, print timings.

    python scripts/import_benchmark.py [--scale 4] [--work DIR]

Scale 4 is 114,140 households (Qingdao's roster four times over) with their persons, measures and events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.cubes import build_cubes  # noqa: E402
from roster.export import export_tables, write_files  # noqa: E402
from roster.generate import generate  # noqa: E402
from roster.ingest import known_in  # noqa: E402
from roster.snapshot import write_snapshot  # noqa: E402
from roster.validate import validate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--work", type=Path, default=Path("bench_out/import"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"scale{args.scale}.duckdb"
    if not db.exists():
        generate(2017, args.scale, db, derive=build_cubes)
    files = sorted((args.work / "csv").glob("*.csv"))
    if not files:
        with duckdb.connect(str(db), read_only=True) as con:
            files = write_files(export_tables(con, dt.date(2017, 9, 1)), args.work / "csv", "csv", "gb18030")
    as_of = dt.date(2017, 9, 1)
    started = time.perf_counter()
    result = validate(files, known_in(db, as_of))
    validated = time.perf_counter()
    snapshot = write_snapshot(db, result, as_of, files, "benchmark", derive=build_cubes)
    written = time.perf_counter()
    rows = {table: len(frame) for table, frame in result.tables.items()}
    size = sum(f.stat().st_size for f in files)
    print(f"files: {len(files)} CSV, {size / 1e6:.1f} MB; rows: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    print(f"errors {result.errors}, warnings {result.warnings}")
    print(
        f"validate {validated - started:.1f} s, write snapshot {written - validated:.1f} s, total "
        f"{written - started:.1f} s"
    )
    print(
        f"throughput: {sum(rows.values()) / (written - started):,.0f} rows/s, "
        f"{rows['household'] / (written - started):,.0f} households/s"
    )
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB; snapshot {snapshot.path} "
        f"{snapshot.path.stat().st_size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()

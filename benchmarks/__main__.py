"""``python -m benchmarks [--quick] [NAME...]``: run the benchmarks, print a table, write results/*.json."""

from __future__ import annotations

import argparse
import importlib
import json
import math
import pkgutil
import sys
from dataclasses import asdict
from pathlib import Path

from benchmarks import Measure

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny iteration counts: checks that they run")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of the JSON results")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    package = Path(__file__).resolve().parent
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(package)]) if info.name.startswith("bench_")
    )
    chosen = [name for name in names if not args.names or name.removeprefix("bench_") in args.names]
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[Measure] = []
    for name in chosen:
        measures: list[Measure] = importlib.import_module(f"benchmarks.{name}").run(args.quick)
        rows += measures
        payload = {"quick": args.quick, "python": sys.version.split()[0], "measures": []}
        payload["measures"] = [
            {**asdict(m), "ratio": None if math.isnan(m.ratio) else m.ratio} for m in measures
        ]
        (args.out / f"{name.removeprefix('bench_')}.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(table(rows, args.quick))
    return 0


def table(rows: list[Measure], quick: bool) -> str:
    head = ("measure", "value", "baseline", "ratio", "goal", "met")
    body = [
        (
            row.name,
            f"{row.value:,.1f} {row.unit}",
            f"{row.baseline:,.1f} {row.unit} ({row.baseline_name})",
            f"{row.ratio:.3f}",
            row.goal,
            "-" if row.met is None else ("yes" if row.met else "NO"),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in (head, *body)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if quick:
        lines.append("(--quick: tiny iteration counts, the figures mean nothing)")
    for row in rows:
        lines += [f"  {row.name}: {key} = {value}" for key, value in row.notes.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

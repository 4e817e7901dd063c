"""How the weekly run scales with the size of the shop, stage by stage.

For each size the deterministic sample shop (:mod:`forecaster.sample_shop`,
about 2.8 years of daily sales) is generated and written in a subprocess, then
planned and written by :func:`forecaster.pipeline.run` in a fresh subprocess,
so that the peak memory (``ru_maxrss``) of each size is its own. A
:class:`StageTimer` passed as the run's ``Progress`` records the wall time of
every stage the pipeline reports; the table printed at the end has one row per
size::

    python bench/run_scale.py                       # 1,000, 10,000 and 30,000 SKUs
    python bench/run_scale.py --sizes 100000 --keep /tmp/scale

The shop is written chunk by chunk (:func:`forecaster.sample_shop.write_shop`).
``others`` is the mean number of cores the rest of the machine used while the
run's child ran (the machine may be shared). Generation is timed but not
counted in the run. A size whose generation or run would obviously not fit in
the available memory is skipped with a message (``--force`` tries it anyway).
The script prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness import describe, failure, parse_sizes
from harness import run_child as harness_run_child
from speed import machine_busy_seconds

DEFAULT_SIZES = (1000, 10000, 30000)
#: Seed of the generated shops (the sample shop's own).
SEED = 20261018
#: Peak memory of generating and writing a shop chunk by chunk (``sample_shop.write_shop``):
#: one chunk's per-day arrays, MiB, plus the shop-wide catalogue, order and receipt lines,
#: MiB per 1,000 SKUs (measured: 1,510 MiB at 30k SKUs; before the chunks 3,876 MiB at 10k
#: and 11,159 MiB at 30k).
GENERATE_CHUNK_MIB = 1300.0
GENERATE_MIB_PER_1K = 25.0
#: Peak memory of one run, MiB per 1,000 SKUs (measured: 2,118 MiB at 10k, 5,566 MiB at 30k).
RUN_MIB_PER_1K = 190.0
#: Memory assumed taken by the interpreter and the imports of a child, MiB.
BASE_MIB = 250.0
#: Share of the available memory a child may be expected to use before a size is skipped.
MEMORY_HEADROOM = 0.9
#: Short column labels of the pipeline's stages (other stages show their first word).
STAGE_LABELS = {
    "Reading and validating tables": "read",
    "Forecasting demand": "forecast",
    "Inventory health, alerts and grades": "health",
    "Replenishment": "replen",
    "Writing workbooks": "write",
}
#: Column label of the run's time outside every stage (moving the files into place).
OTHER = "other"


@dataclass
class SizeResult:
    """Figures of one shop size (filled partly by the generator child, partly by the run child)."""

    skus: int
    sales_rows: int | None = None
    generate_s: float | None = None
    generate_rss_mb: float | None = None
    units: int | None = None
    stages: dict[str, float] = field(default_factory=dict)
    total_s: float | None = None
    base_rss_mb: float | None = None
    peak_rss_mb: float | None = None
    workbook_mb: float | None = None
    cells: int | None = None
    others: float | None = None
    note: str = ""


# --------------------------------------------------------------------------- children


class StageTimer:
    """A :class:`forecaster.progress.Progress` that records the wall time of every stage."""

    def __init__(self, echo: Callable[[str], None] | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self._echo = echo

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """Time the stage ``description``; the yielded ``advance`` does nothing."""

        def advance(steps: int = 1) -> None:
            """Ignore progress within a stage."""

        began = time.perf_counter()
        try:
            yield advance
        finally:
            elapsed = time.perf_counter() - began
            self.seconds[description] = self.seconds.get(description, 0.0) + elapsed
            if self._echo is not None:
                peak = peak_rss_mb()
                self._echo(f"    {description}: {elapsed:.2f} s (peak RSS so far {peak:,.0f} MiB)")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_generate(n_skus: int, data_dir: Path, result_file: Path) -> None:
    """Generate and write a shop of ``n_skus`` SKUs; save its time, rows and peak memory."""
    from forecaster import sample_shop

    began = time.perf_counter()
    rows = sample_shop.write_shop(data_dir, n_skus=n_skus, seed=SEED)
    figures = {
        "generate_s": time.perf_counter() - began,
        "sales_rows": rows["sales"],
        "generate_rss_mb": peak_rss_mb(),
    }
    result_file.write_text(json.dumps(figures), encoding="utf-8")


def child_run(data_dir: Path, out_dir: Path, result_file: Path) -> None:
    """Plan the shop in ``data_dir`` with the library, timing each stage; save the figures."""
    from forecaster.config import Settings
    from forecaster.pipeline import run

    base = peak_rss_mb()
    settings = Settings().with_overrides(data_dir=data_dir, out_dir=out_dir)
    timer = StageTimer(echo=lambda line: print(line, flush=True))
    began = time.perf_counter()
    result = run(settings, timer)
    total = time.perf_counter() - began
    workbook = next(p for p in result.files if p.parent == out_dir)
    figures = {
        "units": len(result.plan.units),
        "stages": timer.seconds,
        "total_s": total,
        "base_rss_mb": base,
        "peak_rss_mb": peak_rss_mb(),
        "workbook_mb": workbook.stat().st_size / 2**20,
        "workbook": str(workbook),
    }
    result_file.write_text(json.dumps(figures), encoding="utf-8")


# --------------------------------------------------------------------------- parent


def available_mib() -> float:
    """``MemAvailable`` of ``/proc/meminfo`` in MiB (infinite where it cannot be read)."""
    try:
        text = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return float("inf")
    match = re.search(r"^MemAvailable:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("inf")


def too_big(what: str, n_skus: int, mib_per_1k: float, fixed_mib: float = 0.0) -> str | None:
    """A message if ``what`` for ``n_skus`` SKUs would obviously exhaust the memory, else None."""
    need = BASE_MIB + fixed_mib + mib_per_1k * n_skus / 1000
    have = available_mib()
    if need <= MEMORY_HEADROOM * have:
        return None
    return (
        f"{what} of {n_skus:,} SKUs needs about {need / 1024:,.1f} GiB "
        f"(~{mib_per_1k:.0f} MiB per 1,000 SKUs) but only {have / 1024:,.1f} GiB is available"
    )


def count_cells(workbook: Path) -> int:
    """Cells written in an xlsx file: the ``<c`` elements of its sheets, streamed."""
    cells = 0
    pattern = re.compile(rb"<c[ >]")
    with zipfile.ZipFile(workbook) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            tail = b""
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    text = tail + chunk
                    cells += len(pattern.findall(text))
                    # two bytes cannot hold a whole 3-byte match: nothing is counted twice
                    tail = text[-2:]
    return cells


def run_child(args: Sequence[str]) -> tuple[int, str]:
    """Run this script with ``args`` in a fresh interpreter (see :func:`harness.run_child`)."""
    return harness_run_child(__file__, args)


def children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's reaped children so far."""
    times = os.times()
    return times.children_user + times.children_system


def run_child_watched(args: Sequence[str]) -> tuple[int, str, float]:
    """:func:`run_child`, also returning the mean cores other processes used meanwhile."""
    busy, own, began = machine_busy_seconds(), children_cpu_seconds(), time.perf_counter()
    code, err = run_child(args)
    wall = time.perf_counter() - began
    used = machine_busy_seconds() - busy - (children_cpu_seconds() - own)
    return code, err, max(used, 0.0) / wall if wall > 0 else 0.0


def measure(n_skus: int, root: Path, force: bool) -> SizeResult:
    """Generate (or reuse) the shop of ``n_skus`` SKUs and time its run; never raises on failure."""
    result = SizeResult(n_skus)
    data_dir, out_dir = root / f"shop_{n_skus}", root / f"out_{n_skus}"
    generated, run_json = root / f"generated_{n_skus}.json", root / f"run_{n_skus}.json"
    print(f"\n== {n_skus:,} SKUs ({data_dir})", flush=True)
    if generated.is_file():
        print("  reusing the shop generated before", flush=True)
    else:
        problem = (
            None
            if force
            else too_big("generating a shop", n_skus, GENERATE_MIB_PER_1K, GENERATE_CHUNK_MIB)
        )
        if problem:
            run_problem = too_big("the run", n_skus, RUN_MIB_PER_1K)
            also = f"; {run_problem}" if run_problem else ""
            result.note = f"skipped: {problem}{also}"
            print(f"  {result.note}", flush=True)
            return result
        print("  generating ...", flush=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        code, err = run_child(
            ["--generate", str(n_skus), "--data", str(data_dir), "--json", str(generated)]
        )
        if code != 0:
            result.note = failure("generation", code, err)
            print(f"  {result.note}", flush=True)
            return result
    figures = json.loads(generated.read_text(encoding="utf-8"))
    result.sales_rows, result.generate_s = figures["sales_rows"], figures["generate_s"]
    result.generate_rss_mb = figures["generate_rss_mb"]
    print(
        f"  generated in {result.generate_s:.1f} s, {result.sales_rows:,} sales rows, "
        f"peak RSS {result.generate_rss_mb:,.0f} MiB",
        flush=True,
    )

    problem = None if force else too_big("the run", n_skus, RUN_MIB_PER_1K)
    if problem:
        result.note = f"skipped: {problem}"
        print(f"  {result.note}", flush=True)
        return result
    print("  running ...", flush=True)
    paths = ["--data", str(data_dir), "--out", str(out_dir), "--json", str(run_json)]
    code, err, result.others = run_child_watched(["--one", str(n_skus), *paths])
    if code != 0:
        result.note = failure("the run", code, err)
        print(f"  {result.note}", flush=True)
        return result
    figures = json.loads(run_json.read_text(encoding="utf-8"))
    for key in ("units", "stages", "total_s", "base_rss_mb", "peak_rss_mb", "workbook_mb"):
        setattr(result, key, figures[key])
    result.cells = count_cells(Path(figures["workbook"]))
    return result


def machine() -> list[str]:
    """Lines describing the machine and the versions of the libraries that matter."""
    names = ("numpy", "pandas", "openpyxl", "pyarrow", "scipy")
    return describe(names, f" ({available_mib() / 1024:.1f} GiB available)")


def stage_label(description: str) -> str:
    """Short column label of a stage."""
    return STAGE_LABELS.get(description, description.split()[0].lower())


def table(results: Sequence[SizeResult]) -> list[str]:
    """The results as a plain text table, one row per size, with a legend and notes."""
    stages = list(STAGE_LABELS)
    for result in results:
        stages += [s for s in result.stages if s not in stages]
    headers = ["SKUs", "units", "sales rows", "gen s"]
    headers += [f"{stage_label(s)} s" for s in stages]
    headers += [f"{OTHER} s", "total s", "ms/SKU", "base MiB", "peak MiB", "xlsx MiB", "cells"]
    headers.append("others")

    def num(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    rows = []
    for r in results:
        other = None if r.total_s is None else r.total_s - sum(r.stages.values())
        row = [num(r.skus, ","), num(r.units, ","), num(r.sales_rows, ",")]
        row.append(num(r.generate_s, ".1f"))
        row += [num(r.stages.get(s), ".2f") for s in stages]
        row += [
            num(other, ".2f"),
            num(r.total_s, ".2f"),
            num(None if r.total_s is None else 1000 * r.total_s / r.skus, ".2f"),
            num(r.base_rss_mb, ",.0f"),
            num(r.peak_rss_mb, ",.0f"),
            num(r.workbook_mb, ".1f"),
            num(r.cells, ","),
            num(r.others, ".2f"),
        ]
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append("")
    lines.append("units: planning units (SKU x warehouse); gen s: generating and writing the shop")
    lines.append("(not part of the run); stages as reported by the pipeline's Progress:")
    lines += [f"  {stage_label(s)}: {s}" for s in stages]
    lines.append(f"  {OTHER}: run time outside every stage (moving the files into place)")
    lines.append("base MiB: RSS after the imports; peak MiB: peak RSS of the run's process;")
    lines.append("xlsx MiB, cells: the planner's workbook (supplier POs not counted).")
    cores = os.cpu_count()
    lines.append(f"others: mean cores used by other processes during the run ({cores} in all).")
    lines += [f"{r.skus:,} SKUs: {r.note}" for r in results if r.note]
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line arguments of the parent and of the children."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help=f"comma-separated SKU counts (default: {','.join(map(str, DEFAULT_SIZES))})",
    )
    parser.add_argument("--keep", type=Path, help="keep the shops and outputs in this folder")
    parser.add_argument("--force", action="store_true", help="try sizes that look too big")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every size (or, as a child, generate one shop or run one size)."""
    args = parse_args(argv)
    if args.generate is not None:
        child_generate(args.generate, args.data, args.json)
        return 0
    if args.one is not None:
        child_run(args.data, args.out, args.json)
        return 0
    print("\n".join(machine()))
    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="forecaster-scale-") as temp:
        root = args.keep if args.keep is not None else Path(temp)
        root.mkdir(parents=True, exist_ok=True)
        for n_skus in args.sizes:
            results.append(measure(n_skus, root, args.force))
    print()
    print("\n".join(table(results)))
    fitted = [r.skus for r in results if r.total_s is not None]
    if len(fitted) < len(results):
        largest = f"{max(fitted):,} SKUs" if fitted else "none"
        print(f"largest size that ran: {largest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the run history costs: archive size, time added to a run, tracking report time.

The deterministic sample shop (:mod:`forecaster.sample_shop`) is planned once, in full,
as of its last sales date: that run's wall time is the yardstick. Then 20 weekly runs
are archived into a fresh DuckDB file, each as of one week later than the one before
(the oldest 19 weeks before the last sales date). Planning 20 weeks of a 10,000-SKU
shop in full would take most of an hour on two cores, so each week archives *the one
plan*, re-dated to its as-of date (its forecast starting the day after), against the
real sales up to that date: the rows, their number and the work of the archive are a
real run's (the review of the earlier runs: accuracy, tracking signal, changes; the
rows; the append), only the forecast numbers repeat week to week. Timed per week:

* ``review``: :func:`~forecaster.history.review.read_earlier_runs`,
  :func:`~forecaster.history.review.review_run` and the FORECAST_BIAS alerts;
* ``append``: building the run's rows and appending them in one transaction;
* ``sheets``: writing the Tracking and Changes sheets into a workbook of their own.

``added`` is their sum against the full run, as if done one after the other. A real
run reads the earlier runs in a background thread while it plans, so at the end the
full run is timed again with the history on the 20-run archive (it replaces the last
archived run: the same review, rows and append as a new week's, plus a delete) and
without, ``--repeats`` times each, alternating: the difference of the medians is the
time the history adds to a run (goal: at most 5%). The runs vary by a few seconds on
an idle machine, so the figure from the inside is printed too: the main thread's time on
the history (``archive_seconds`` of the runs table: the waits for the second thread, the
rest of the review, the append) plus the two sheets. Then the ``forecaster history``
report (the runs, the accuracy by week, one SKU through time) is timed on the archive,
and its size on disk printed. Every figure says how many cores other processes used
meanwhile (``others``): on a shared machine read the seconds as upper bounds.

    python bench/history.py                      # 10,000 SKUs, 20 weeks
    python bench/history.py --skus 1000 --weeks 8 --keep /tmp/hist
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path
from statistics import median

import pandas as pd
from harness import describe
from openpyxl import Workbook
from speed import Stopwatch

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.history.overview import accuracy_by_week, sku_through_time
from forecaster.history.record import Timings, run_rows
from forecaster.history.review import bias_alerts, read_earlier_runs, review_run
from forecaster.history.sheets import changes_sheet, tracking_sheet
from forecaster.history.store import open_history
from forecaster.pipeline import run
from forecaster.plan import Plan

#: Seed of the generated shop (the sample shop's own).
SEED = 20261018


def redated(plan: Plan, as_of: pd.Timestamp) -> Plan:
    """``plan`` as if made on ``as_of``: its dataset's and forecast's dates moved."""
    dataset = replace(plan.dataset, as_of=as_of)
    forecast = replace(plan.forecast, start=as_of + pd.Timedelta(days=1))
    return replace(plan, dataset=dataset, forecast=forecast, history=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skus", type=int, default=10_000, help="SKUs of the sample shop")
    parser.add_argument("--weeks", type=int, default=20, help="weekly runs archived")
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the shop in")
    parser.add_argument(
        "--repeats", type=int, default=2, help="full runs with and without the history each"
    )
    args = parser.parse_args()
    for line in describe(["duckdb", "pandas", "numpy", "openpyxl"]):
        print(line)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        data = root / f"shop_{args.skus}"
        if not (data / "sales.csv").is_file():
            watch = Stopwatch().start()
            sample_shop.write(sample_shop.generate(n_skus=args.skus, seed=SEED), data)
            print(f"generated {args.skus:,} SKUs in {watch.stop().wall:.1f} s")
        settings = Settings().with_overrides(data_dir=data, out_dir=root / "out")
        watch = Stopwatch().start()
        full = run(settings, history=False).plan
        watch.stop()
        print(
            f"full run (plan and workbooks, no history): {watch.wall:.1f} s, "
            f"others {watch.others:.2f} cores; {len(full.units):,} units, "
            f"{len(full.dataset.sales):,} sales rows"
        )
        run_seconds = watch.wall
        path = settings.history.file(root / "out")
        path.unlink(missing_ok=True)
        last = full.as_of
        rows = []
        with open_history(path) as archive:
            for week in range(args.weeks):
                as_of = last - pd.Timedelta(weeks=args.weeks - 1 - week)
                plan = redated(full, as_of)
                limit = settings.history.tracking_limit
                review_watch = Stopwatch().start()
                earlier = read_earlier_runs(archive, plan.dataset.sales, as_of)
                review = review_run(plan, archive, limit, earlier)
                plan = replace(plan, history=review, alerts=bias_alerts(review, plan, limit, "en"))
                review_watch.stop()
                sheets_watch = Stopwatch().start()
                wb = Workbook(write_only=True)
                tracking_sheet(wb, review, as_of, limit, plan.dataset.per_warehouse, "en")
                changes_sheet(wb, review, plan.dataset.per_warehouse, "en")
                wb.save(root / "sheets.xlsx")
                sheets_watch.stop()
                append_watch = Stopwatch().start()
                previous = review.previous_as_of
                archive.append(run_rows(plan, Timings(0.0, 0.0), previous), "replace")
                append_watch.stop()
                added = review_watch.wall + sheets_watch.wall + append_watch.wall
                others = max(w.others for w in (review_watch, sheets_watch, append_watch))
                rows.append((as_of, review_watch.wall, sheets_watch.wall, append_watch.wall, added))
                print(
                    f"week {week + 1:2d} as of {as_of:%Y-%m-%d}: review {review_watch.wall:5.2f} s"
                    f"  sheets {sheets_watch.wall:5.2f} s  append {append_watch.wall:5.2f} s"
                    f"  added {added:5.2f} s = {added / run_seconds:5.1%} of the run"
                    f"  (others up to {others:.2f} cores)",
                    flush=True,
                )
        with_history, without = [], []
        for _ in range(args.repeats):
            for seconds, history in ((without, False), (with_history, True)):
                watch = Stopwatch().start()
                run(settings, history=history)
                seconds.append(watch.stop().wall)
                print(
                    f"full run {'with' if history else 'without'} the history: "
                    f"{watch.wall:.1f} s, others {watch.others:.2f} cores",
                    flush=True,
                )
        size = path.stat().st_size / 2**20
        watch = Stopwatch().start()
        with open_history(path, create=False) as archive:
            runs = archive.runs()
            weeks = accuracy_by_week(archive)
            sku = str(full.units["sku"].iloc[0])
            one = sku_through_time(archive, sku)
        watch.stop()
        added = [r[4] for r in rows]
        print()
        print(
            f"archive after {len(runs)} runs: {size:,.1f} MiB on disk "
            f"({size / len(runs):.2f} per run)"
        )
        print(
            f"steps one after the other: mean {sum(added) / len(added):.2f} s, last "
            f"{added[-1]:.2f} s = {added[-1] / run_seconds:.1%} of the {run_seconds:.1f} s run"
        )
        base, full_run = median(without), median(with_history)
        print(
            f"time added to a run: {full_run:.1f} - {base:.1f} s = {full_run - base:.2f} s = "
            f"{(full_run - base) / base:.1%} (medians of {args.repeats}; goal <= 5%)"
        )
        inside = float(runs["archive_seconds"].dropna().iloc[-1]) + rows[-1][2]
        print(
            f"from the inside: the last run's archive_seconds (its main thread's time on the "
            f"history) plus the last week's sheets = {inside:.2f} s = {inside / base:.1%}"
        )
        print(
            f"tracking report (forecaster history --sku): {watch.wall:.2f} s, "
            f"{len(weeks)} weeks, {len(one)} rows for {sku}, others {watch.others:.2f} cores"
        )


if __name__ == "__main__":
    main()

"""The forecast on a Dask LocalCluster of 1, 2 and 4 workers against the local engine.

    python bench/dask_engine.py [--skus 30000] [--workers 1,2,4] [--chunk 10000] [--keep DIR]

Generates the deterministic sample shop of ``--skus`` SKUs
(:func:`forecaster.sample_shop.write_shop`; reused from ``--keep DIR``), reads it
once, then plans it (:func:`forecaster.pipeline.plan_dataset`: forecast, health,
replenishment; no workbooks) with ``[engine] kind = "local"`` and with
``kind = "dask"`` on a ``LocalCluster`` of each worker count (one thread per
worker, worker processes started before the clock starts). It prints each
plan's seconds, the forecast stage's seconds, and whether the forecast (mean and
variance of every unit and day, model names) and the order lines are identical
to the local engine's, to the bit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import describe, parse_sizes

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.io.dataset import load_dataset
from forecaster.parallel import DaskRunner, reporting
from forecaster.pipeline import plan_dataset
from forecaster.plan import Plan

SEED = 7


class Timed:
    """A Progress that keeps the seconds of each stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        began = time.perf_counter()
        yield lambda _steps=1: None
        self.seconds[description] = time.perf_counter() - began


def identical(a: Plan, b: Plan) -> bool:
    same = all(
        np.array_equal(getattr(a.forecast, k), getattr(b.forecast, k), equal_nan=True)
        for k in ("mean", "cum_var")
    )
    same &= bool((a.forecast.model == b.forecast.model).all())
    try:
        pd.testing.assert_frame_equal(a.replenishment, b.replenishment)
    except AssertionError:
        return False
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=30_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--chunk", type=int, default=10_000, help="forecast.chunk_units")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    print("\n".join(describe(["numpy", "pandas", "dask", "distributed"])))
    with tempfile.TemporaryDirectory() as tmp:
        folder = (args.keep or Path(tmp)) / f"shop_{args.skus}"
        if not (folder / "sales.csv").exists():
            began = time.perf_counter()
            sample_shop.write_shop(folder, n_skus=args.skus, seed=SEED)
            print(f"generated {args.skus:,} SKUs in {time.perf_counter() - began:.0f} s")
        base = Settings().with_overrides(data_dir=folder)
        settings = base.model_copy(
            update={"forecast": base.forecast.model_copy(update={"chunk_units": args.chunk})}
        )
        ds = load_dataset(settings)
        rows: list[tuple[str, float, float, str]] = []
        progress = Timed()
        began = time.perf_counter()
        local = plan_dataset(ds, settings, progress)
        total = time.perf_counter() - began
        rows.append(("local", total, progress.seconds["Forecasting demand"], "reference"))
        print(f"local: {total:.1f} s", flush=True)
        for workers in parse_sizes(args.workers):
            with DaskRunner(workers=workers) as cluster:
                cluster.client.wait_for_workers(workers)
                engine = _RunOn(cluster)
                progress = Timed()
                began = time.perf_counter()
                plan = plan_dataset(ds, settings, progress, engine)
                total = time.perf_counter() - began
            same = "identical" if identical(local, plan) else "DIFFERENT"
            rows.append(
                (f"dask, {workers} worker(s)", total, progress.seconds["Forecasting demand"], same)
            )
            print(f"dask {workers}: {total:.1f} s, {same}", flush=True)
    units = len(local.units)
    print(f"\n{args.skus:,} SKUs, {units:,} planning units, chunks of {args.chunk:,} units")
    print(f"{'engine':<20} {'plan s':>8} {'forecast s':>11}  outputs")
    for name, total, fc, same in rows:
        print(f"{name:<20} {total:>8.1f} {fc:>11.1f}  {same}")


class _RunOn:
    """The engine with its chunks on an open cluster (the plan's own ``[engine]`` would start
    and stop a cluster inside the timing)."""

    def __init__(self, cluster: DaskRunner) -> None:
        self._cluster = cluster

    def __call__(self, *args: object, runner: object = None) -> object:
        from forecaster.models.engine import forecast_units

        return forecast_units(*args, runner=reporting(lambda _d, _t: None, self._cluster))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()

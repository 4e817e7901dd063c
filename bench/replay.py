"""Replay forecaster's weekly plan on real shops beside the planner's rule of thumb.

Two real shops from ``../shared/data`` (built by ``bench/shops.py``, read in
place, never copied):

* ``online_retail``: Online Retail II order lines, the 200 products with the
  most selling days, units per day: a lumpy wholesale giftware shop. 20
  weekly reviews ending on the last day of the file (2010-11-30).
* ``walmart``: Walmart weekly department sales of stores 1-20, each store x
  department one SKU, weekly dollars / 20 as units spread over the week's days;
  ``--walmart-series`` of the regular series (every k-th in code order, from
  the ``--walmart-offset``-th: offsets 1 .. k-1 give disjoint shops the
  defaults were not measured on), 20 weekly reviews from 2011-10-28 so that
  Thanksgiving and Christmas fall inside.

Each replay is ``forecaster.simulation`` (the code behind ``forecaster
simulate``) with the default settings, except that the Chinese shopping
festivals are off (these are a UK and a US shop). It prints, per shop, fill
rate against target per ABC class, forecaster's stock at cost, the rule's
stock at the same fill (interpolated on the rule's exchange curve over
``k`` = 0 .. 84 days), the ratio, and the bias of the protection-period
forecast; then the exchange curve.

    python bench/replay.py [--data ../shared/data] [--shops online_retail,walmart]
                           [--weeks 20] [--walmart-series 200] [--walmart-offset 0]
                           [--keep DIR] [--backorder]
    python bench/replay.py --generated 1000 [--weeks 20]     # speed: replay vs one run
    ... [--refit-weeks K]   # full engine fits every K weeks (default: simulation.refit_weeks)
    ... [--allocation overall]  # replenishment.allocation (default: class)

``--generated N`` instead times the replay on the generated sample shop of
``N`` SKUs (``forecaster.sample_shop``) against one plan of the same shop
(``forecaster.pipeline.plan``: the run without its workbooks), and prints
both and their ratio.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import describe
from shops import online_retail_shop, walmart_shop

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.pipeline import plan
from forecaster.simulation.outcome import Outcome, summarise, verdict
from forecaster.simulation.replay import Replay, simulate

ROOT = Path(__file__).resolve().parent.parent
#: First review of each shop; None: ``--weeks`` weeks before the last sale.
STARTS: dict[str, date | None] = {"online_retail": None, "walmart": date(2011, 10, 28)}


def thin_walmart(folder: Path, series: int, offset: int = 0) -> None:
    """Keep ``series`` of the shop's SKUs, every k-th in code order from the ``offset``-th
    (all when fewer)."""
    skus = pd.read_csv(folder / "skus.csv", dtype={"sku": str})
    if len(skus) <= series:
        return
    keep = skus.sort_values("sku").iloc[offset :: len(skus) // series].head(series)["sku"]
    for name in ("skus", "inventory", "sales"):
        table = pd.read_csv(folder / f"{name}.csv", dtype={"sku": str})
        table[table["sku"].isin(keep)].to_csv(folder / f"{name}.csv", index=False)


def build(shop: str, data: Path, root: Path, walmart_series: int, offset: int = 0) -> Path:
    folder = root / (f"{shop}_{offset}" if shop == "walmart" and offset else shop)
    if (folder / "sales.csv").exists():
        return folder
    if shop == "online_retail":
        return online_retail_shop(data, folder)
    walmart_shop(data, folder)
    thin_walmart(folder, walmart_series, offset)
    return folder


def settings_for(
    folder: Path, refit_weeks: int | None = None, allocation: str | None = None
) -> Settings:
    base = with_refit(Settings(), refit_weeks)
    terms = base.replenishment
    if allocation is not None:
        terms = terms.model_copy(update={"allocation": allocation})
    return base.model_copy(
        update={
            "data": base.data.model_copy(update={"dir": folder}),
            "promotions": base.promotions.model_copy(update={"market": "none"}),
            "replenishment": terms,
        }
    )


def with_refit(settings: Settings, refit_weeks: int | None) -> Settings:
    """``settings`` with ``simulation.refit_weeks`` set (None: as configured)."""
    if refit_weeks is None:
        return settings
    sim = settings.simulation.model_copy(update={"refit_weeks": refit_weeks})
    return settings.model_copy(update={"simulation": sim})


def report(shop: str, outcome: Outcome, seconds: float, replay: Replay) -> None:
    print(
        f"\n== {shop}: {len(replay.units)} SKUs, replay {seconds:.0f} s "
        f"({replay.full_fits} of {replay.reviews} reviews fitted in full)"
    )
    c = outcome.classes
    print(
        f"{'class':>5} {'SKUs':>5} {'target':>7} {'fill':>7} {'gap pt':>7} {'stock':>11} "
        f"{'rule stock':>11} {'ratio':>6} {'bias P':>7} {'rule bias':>9}"
    )
    for row in c.itertuples(index=False):
        print(
            f"{row.abc_class:>5} {row.units:>5} {row.fill_rate_target:>7.1%} {row.fill_rate:>7.2%} "
            f"{row.gap * 100:>+7.2f} {row.stock_value:>11,.0f} {row.rule_stock_value:>11,.0f} "
            f"{row.stock_ratio:>6.2f} {row.bias_p:>+7.1%} {row.rule_bias_p:>+9.1%}"
        )
    p = outcome.policies
    print(
        "exchange curve: "
        + "; ".join(
            f"{r.policy} {r.fill_rate:.2%} @ {r.stock_value:,.0f}"
            for r in p.itertuples(index=False)
        )
    )
    print(verdict(outcome))


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the fit workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def speed(n_skus: int, weeks: int, root: Path, refit_weeks: int | None) -> None:
    """Seconds (wall and CPU) of one plan and of a ``weeks``-week replay of the generated shop."""
    folder = root / f"generated_{n_skus}"
    if not (folder / "sales.csv").exists():
        sample_shop.write(sample_shop.generate(n_skus=n_skus), folder)
    settings = with_refit(Settings().with_overrides(data_dir=folder), refit_weeks)
    began, cpu = time.perf_counter(), cpu_seconds()
    one = plan(settings)
    run_s, run_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    began, cpu = time.perf_counter(), cpu_seconds()
    replay = simulate(settings, None, weeks)
    replay_s, replay_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    print(
        f"\n== generated shop: {n_skus:,} SKUs, {len(one.units):,} planning units, "
        f"refit every {settings.simulation.refit_weeks} weeks\n"
        f"one plan (the run without workbooks): {run_s:,.1f} s ({run_cpu:,.1f} s CPU)\n"
        f"replay of {replay.reviews} reviews, {replay.full_fits} full fits: {replay_s:,.1f} s "
        f"({replay_cpu:,.1f} s CPU; {replay_s / replay.reviews:,.1f} s a review, "
        f"{replay_s / run_s:,.1f}x one plan, CPU {replay_cpu / run_cpu:,.1f}x)"
    )
    print(verdict(summarise(replay)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--shops", default="online_retail,walmart")
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--walmart-series", type=int, default=200)
    parser.add_argument("--walmart-offset", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="folder to build shops in, reused")
    parser.add_argument("--backorder", action="store_true")
    parser.add_argument("--generated", type=int, default=0, help="time a generated shop instead")
    parser.add_argument(
        "--refit-weeks", type=int, default=None, help="weeks between full engine fits"
    )
    parser.add_argument(
        "--allocation", choices=["class", "overall", "sku"], default=None,
        help="replenishment.allocation (default: the configured one)",
    )  # fmt: skip
    args = parser.parse_args()
    print("\n".join(describe(["numpy", "pandas", "statsmodels"])))
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        if args.generated:
            speed(args.generated, args.weeks, root, args.refit_weeks)
            return
        for shop in args.shops.split(","):
            folder = build(shop, args.data, root, args.walmart_series, args.walmart_offset)
            began = time.perf_counter()
            settings = settings_for(folder, args.refit_weeks, args.allocation)
            replay = simulate(settings, STARTS[shop], args.weeks, args.backorder)
            outcome = summarise(replay)
            report(shop, outcome, time.perf_counter() - began, replay)
            if args.keep:
                outcome.skus.to_csv(root / f"{shop}_skus.csv", index=False)
                np.save(root / f"{shop}_totals.npy", replay.totals.demand)


if __name__ == "__main__":
    main()

"""Fill rate on real intermittent demand: the spread from own forecast errors against normal.

Online Retail II order lines (``../shared/data``, 10 non-UK countries,
2009-12-01 .. 2010-11-30; real data, read in place, never copied) give the
daily units of every product, cleaned as in ``bench/accuracy.py`` (product
codes only; cancellations, and the order lines a later cancellation took back
in full, dropped), on a complete calendar (a day without lines sells 0).

The file holds one year (365 days), so the first ``--history-days`` (182,
26 weeks) are the initial history and the other 183 days the hold-out. The
SKUs replayed are the intermittent ones of the initial history: at least 8 days
with a sale, and ADI (days since the first sale / days with a sale) above 1.32.

Walk-forward replay per lead time (14 d, then 7 d), review period 7 d, as in
``tests/test_policy_simulation.py``: every 7th hold-out day :func:`replenish`
sees the stock on hand and on order and suggests an order, which arrives a lead
time later at the start of the day; demand that finds no stock is backordered.
At each review the forecast is rebuilt from the days before it only:

* mean: each SKU's mean daily demand over the trailing 365 days (since its first
  sale when that is later), flat over a 400-day horizon, for both methods;
* ``normal``: the variance of a total is the trailing daily sample variance
  times its days (independent days); no history, so the normal loss applies;
* ``empirical``: the same forecast, demand class ``lumpy`` and the trailing 365
  days as history (NaN before the first sale), so the spread comes from the
  SKUs' own forecast errors over the protection period
  (:mod:`forecaster.inventory.span_errors`).

Every SKU starts with ``ceil(mean x (lead + review))`` on hand. After a 28-day
warm-up the script measures, for fill-rate targets 90%, 95% and 98%, the share
of demand served from stock on hand (pooled over SKUs, and its median per SKU
over SKUs with demand), the share of SKUs more than 5 points below the target,
and the mean units left on hand per SKU-day, also relative to ``normal``::

    python bench/intermittent_fill.py [--data ../shared/data] [--history-days 182]

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from accuracy import DEFAULT_DATA, RETAIL_FILE, dense, retail_lines
from harness import describe

from forecaster.config import ReplenishmentSettings
from forecaster.inventory.replenishment import replenish
from forecaster.models.forecast import Forecast

Matrix = npt.NDArray[np.float64]

AS_OF = pd.Timestamp("2010-06-01")  # fixed: replenish only dates its suggestions with it
REVIEW = 7
WARM_UP = 28
HORIZON = 400
WINDOW = 365
MIN_DEMAND_DAYS = 8
ADI_CUT = 1.32
TARGETS = (0.90, 0.95, 0.98)
#: Higher targets for the normal loss only: its fill rate against stock beyond the 98% point.
NORMAL_ONLY = (0.99, 0.995, 0.999, 0.9999)
LEADS = (14, 7)


@dataclass(frozen=True)
class Outcome:
    """What one replay served and held."""

    served: Matrix  # units served from stock per SKU, after the warm-up
    wanted: Matrix  # units demanded per SKU, after the warm-up
    stock: float  # mean units on hand at the end of a day, per SKU-day
    empirical_share: float  # share of review lines whose level came from the empirical loss


def daily_demand(data: Path) -> tuple[list[str], Matrix, pd.Timestamp]:
    """Units per product and calendar day from the first day of the data to the last."""
    lines = retail_lines(data)
    start = lines["day"].min()
    day = (lines["day"] - start).dt.days
    codes, y = dense(lines["code"], day, lines["qty"], int(day.max()) + 1)
    return codes, y, start


def first_sale(y: Matrix) -> npt.NDArray[np.intp]:
    """Index of each row's first day with a sale (the row length when it never sells)."""
    sold = y > 0
    first: npt.NDArray[np.intp] = np.where(sold.any(axis=1), sold.argmax(axis=1), y.shape[1])
    return first


def intermittent(y: Matrix, history_days: int) -> npt.NDArray[np.intp]:
    """Rows that are intermittent over the first ``history_days`` (see the module docstring)."""
    head = y[:, :history_days]
    demand_days = (head > 0).sum(axis=1)
    on_sale = history_days - first_sale(head)
    adi = np.divide(on_sale, demand_days, out=np.zeros(len(y)), where=demand_days > 0)
    return np.flatnonzero((demand_days >= MIN_DEMAND_DAYS) & (adi > ADI_CUT))


def trailing(y: Matrix, first: npt.NDArray[np.intp], day: int) -> Matrix:
    """The ``WINDOW`` days before ``day`` (fewer at the start), NaN before the first sale."""
    lo = max(day - WINDOW, 0)
    window = y[:, lo:day].copy()
    before = np.arange(lo, day)[None, :] < first[:, None]
    window[before] = np.nan
    return window


def forecast_at(window: Matrix, empirical: bool) -> Forecast:
    """The flat forecast of the module docstring from the trailing ``window``."""
    n = len(window)
    mean = np.nanmean(window, axis=1)
    variance = np.nanvar(window, axis=1, ddof=1)
    cum_var = np.zeros((n, HORIZON + 1))
    cum_var[:, 1:] = variance[:, None] * np.arange(1, HORIZON + 1)
    return Forecast(
        AS_OF + pd.Timedelta(days=1),
        np.repeat(mean[:, None], HORIZON, axis=1),
        cum_var,
        np.full(n, "trailing mean", dtype=object),
        np.full(n, "lumpy", dtype=object),
        window if empirical else None,
    )


def units_frame(n: int, lead: int) -> pd.DataFrame:
    """Planning units without MOQ, case pack or lead-time spread (as the policy test)."""
    return pd.DataFrame(
        {
            "sku": [f"S{i:04d}" for i in range(n)],
            "name": "",
            "supplier": "SUP",
            "warehouse": "",
            "status": "active",
            "lead_time_days": float(lead),
            "review_period_days": float(REVIEW),
            "lead_time_std_days": 0.0,
            "moq": 0.0,
            "case_pack": 1.0,
            "unit_cost": 1.0,
            "allocated": 0.0,
        }
    )


def replay(y: Matrix, start: int, lead: int, target: float, method: str) -> Outcome:
    """Replay days ``start..`` of ``y`` under the policy (see the module docstring)."""
    n, end = y.shape
    days = end - start
    first = first_sale(y)
    units = units_frame(n, lead)
    stage = np.full(n, "maturity", dtype=object)
    abc = np.full(n, "A", dtype=object)
    settings = ReplenishmentSettings(
        fill_rate={"A": target, "B": target, "C": target}, unmet_demand="backorder"
    )
    on_hand = np.zeros(n)
    arriving = np.zeros((n, days + lead + 1))
    served, wanted = np.zeros(n), np.zeros(n)
    held = 0.0
    reviews = empirical_lines = 0
    for day in range(days):
        on_hand += arriving[:, day]
        if day % REVIEW == 0:
            forecast = forecast_at(trailing(y, first, start + day), method == "empirical")
            if day == 0:
                on_hand = np.ceil(forecast.mean[:, 0] * (lead + REVIEW))
            state = units.assign(on_hand=on_hand, on_order=arriving[:, day + 1 :].sum(axis=1))
            lines = replenish(state, forecast, stage, abc, settings, AS_OF)
            arriving[:, day + lead] += lines["suggested_order"].to_numpy()
            reviews += 1
            empirical_lines += int((lines["error_spans"] > 0).sum())
        today = y[:, start + day]
        if day >= WARM_UP:
            served += np.minimum(today, np.maximum(on_hand, 0.0))
            wanted += today
            held += float(np.maximum(on_hand - today, 0.0).sum())
        on_hand -= today
    stock = held / (n * (days - WARM_UP))
    return Outcome(served, wanted, stock, empirical_lines / (reviews * n))


def fill(out: Outcome) -> float:
    """Units served from stock / units demanded, pooled over SKUs, in %."""
    return 100.0 * float(out.served.sum() / out.wanted.sum())


def row(lead: int, target: float, method: str, out: Outcome, normal: Outcome) -> dict[str, object]:
    """One line of the table; ``normal`` is the normal loss at the same target."""
    sold = out.wanted > 0
    per_sku = out.served[sold] / out.wanted[sold]
    return {
        "lead": lead,
        "target": f"{target:.0%}",
        "method": method,
        "fill %": fill(out),
        "SKU median %": 100.0 * float(np.median(per_sku)),
        "SKUs < target-5 %": 100.0 * float((per_sku < target - 0.05).mean()),
        "stock/SKU-day": out.stock,
        "vs normal": out.stock / normal.stock,
        "empirical lines %": 100.0 * out.empirical_share,
    }


def compare(panel: Matrix, split: int, lead: int) -> tuple[list[dict[str, object]], str]:
    """The table rows of one lead time, and the normal loss's fill rate against stock.

    Each row also gets ``normal at stock %``: the normal loss's fill rate at the row's
    stock, interpolated between the normal loss's targets (NaN outside them).
    """
    normal = {t: replay(panel, split, lead, t, "normal") for t in (*TARGETS, *NORMAL_ONLY)}
    curve = sorted((out.stock, fill(out)) for out in normal.values())
    stocks, fills = np.array(curve).T
    rows = []
    for target in TARGETS:
        outcomes = {
            "normal": normal[target],
            "empirical": replay(panel, split, lead, target, "empirical"),
        }
        for method, out in outcomes.items():
            line = row(lead, target, method, out, normal[target])
            inside = stocks[0] <= out.stock <= stocks[-1]
            line["normal at stock %"] = (
                float(np.interp(out.stock, stocks, fills)) if inside else np.nan
            )
            rows.append(line)
    points = ", ".join(
        f"{t:.2%}: {fill(normal[t]):.2f} % at {normal[t].stock:.1f}" for t in NORMAL_ONLY
    )
    return rows, f"normal loss, lead {lead} d, higher targets (fill at stock/SKU-day): {points}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--history-days", type=int, default=182)
    args = parser.parse_args()
    began = time.perf_counter()
    for line in describe(["numpy", "pandas"]):
        print(line)

    codes, y, start = daily_demand(args.data)
    split = int(args.history_days)
    chosen = intermittent(y, split)
    panel = y[chosen]
    hold_out = panel[:, split:]
    day = pd.Timedelta(days=1)
    print(
        f"data    : {args.data / RETAIL_FILE}: {len(codes):,} products x {y.shape[1]} days "
        f"({start:%Y-%m-%d} .. {start + (y.shape[1] - 1) * day:%Y-%m-%d})"
    )
    print(
        f"split   : initial history {split} d, hold-out {y.shape[1] - split} d from "
        f"{start + split * day:%Y-%m-%d} (measured after a {WARM_UP}-day warm-up)"
    )
    demand_days = (panel[:, :split] > 0).sum(axis=1)
    print(
        f"SKUs    : {len(chosen)} intermittent (>= {MIN_DEMAND_DAYS} demand days and ADI > "
        f"{ADI_CUT} in the initial history; median {np.median(demand_days):.0f} demand days); "
        f"{int((hold_out[:, WARM_UP:].sum(axis=1) > 0).sum())} sell in the measured hold-out, "
        f"{hold_out[:, WARM_UP:].sum():,.0f} units"
    )

    rows: list[dict[str, object]] = []
    notes = []
    for lead in LEADS:
        lead_rows, note = compare(panel, split, lead)
        rows.extend(lead_rows)
        notes.append(note)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print()
        print(f"review {REVIEW} d; fill = units served from stock / units demanded, pooled")
        print(table.round(2).to_string(index=False))
    for note in notes:
        print(note)
    print(f"\nwall time: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()

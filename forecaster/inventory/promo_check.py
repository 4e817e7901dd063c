"""Pre-promotion stock check (大促备货): will the stock last through a coming promotion?

For the next occurrence of the promotion named ``--promo`` and each unit in its
scope:

* ``uplift`` -- the promotion's own ``uplift`` when given; otherwise estimated
  from past promotions of the same name, per category: units sold during those
  promotions divided by the units the days before them would predict (mean
  daily demand over ``baseline_days`` before each start, promotion days left
  out, times the promotion's length). A category with no past evidence gets 1.
* ``baseline_demand`` -- forecast units from the day after the as-of date to
  the promotion's last day, without this promotion.
* ``promo_demand`` -- the same with the promotion days multiplied by the uplift.
* ``available`` -- on hand - allocated + open POs arriving before the start.
* ``shortfall`` -- ``promo_demand - available``, never below 0, and the
  ``order`` covering it, raised to the MOQ and rounded up to whole cases.
* ``order_by`` -- start - lead time: the last day to order for the goods to
  arrive before the promotion.
* ``status`` -- OK (no shortfall, or ``order_by`` is after the next review),
  ORDER NOW (``order_by`` within the next review period), TOO LATE
  (``order_by`` already past: expedite).
* ``excess_after`` -- the stock left after the promotion would cover more than
  ``overstock_cover_days`` of baseline demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from forecaster.config import Settings
from forecaster.errors import InputError, InvalidInput
from forecaster.io.dataset import Dataset
from forecaster.models.engine import forecast_units
from forecaster.models.promotions import promotion_days
from forecaster.units import demand_matrix, unit_index

PromoStatus = Literal["OK", "ORDER NOW", "TOO LATE"]
#: Days before a past promotion whose mean daily demand is its baseline.
BASELINE_DAYS = 28

COLUMNS = [
    "sku",
    "warehouse",
    "name",
    "category",
    "supplier",
    "uplift",
    "uplift_source",
    "baseline_demand",
    "promo_demand",
    "available",
    "shortfall",
    "order",
    "order_value",
    "order_by",
    "status",
    "stock_after",
    "excess_after",
]


@dataclass(frozen=True)
class PromoCheck:
    """The promotion checked and one row per unit in its scope (:data:`COLUMNS`)."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    table: pd.DataFrame


def next_promotion(ds: Dataset, name: str) -> pd.DataFrame:
    """The rows of the next occurrence of promotion ``name`` (several when scoped by row).

    Raises
    ------
    InvalidInput
        No promotion of that name, or only past ones.
    """
    file = ds.sources.get("promotions", "promotions.csv")
    rows = ds.promotions[ds.promotions["name"] == name]
    if rows.empty:
        known = ", ".join(sorted(ds.promotions["name"].unique())) or "none"
        raise InvalidInput(
            [
                InputError(
                    file,
                    f"no promotion named {name!r}",
                    column="name",
                    hint=f"Promotions listed: {known}",
                )
            ]
        )
    coming = rows[rows["end"] > ds.as_of]
    if coming.empty:
        last = rows["end"].max()
        raise InvalidInput(
            [
                InputError(
                    file,
                    f"promotion {name!r} is in the past (last ended {last:%Y-%m-%d}, as-of "
                    f"{ds.as_of:%Y-%m-%d})",
                    column="end",
                    hint="Add its next dates to the promotions table",
                )
            ]
        )
    start = coming["start"].min()
    return coming[coming["start"] == start]


def promo_check(ds: Dataset, units: pd.DataFrame, settings: Settings, name: str) -> PromoCheck:
    """Check every unit in the scope of the next promotion ``name``."""
    target = next_promotion(ds, name)
    start, end = target["start"].iloc[0], target["end"].max()
    first_day = max(start, ds.as_of + pd.Timedelta(days=1))
    others = ds.promotions.drop(index=target.index)
    horizon = int((end - ds.as_of).days)
    baseline = forecast_units(
        ds.sales,
        units,
        others,
        ds.as_of,
        settings.forecast,
        horizon + settings.alerts.overstock_cover_days,
    )
    offset = int((first_day - baseline.start).days)
    length = int((end - first_day).days) + 1
    in_scope = promotion_days(target, units, first_day, 1)[:, 0]

    given = _given_uplift(target, units)
    estimated, evidence = _estimated_uplift(ds, units, name, settings)
    uplift = np.where(np.isfinite(given), given, estimated)
    source = np.where(np.isfinite(given), "given", evidence)

    to_end, _ = baseline.total(np.full(len(units), horizon))
    during, _ = baseline.total(np.full(len(units), length), offset)
    promo_demand = to_end + (uplift - 1.0) * during
    before_start = ds.purchase_orders[ds.purchase_orders["eta"] < start]
    rows = unit_index(units, before_start)
    inbound = np.bincount(
        rows[rows >= 0], weights=before_start["qty"].to_numpy()[rows >= 0], minlength=len(units)
    )
    on_hand = units["on_hand"].to_numpy(dtype=float)
    available = np.maximum(on_hand - units["allocated"].to_numpy(dtype=float), 0.0) + inbound
    shortfall = np.maximum(promo_demand - available, 0.0)

    moq = units["moq"].to_numpy(dtype=float)
    pack = np.maximum(units["case_pack"].to_numpy(dtype=float), 1.0)
    need = np.ceil(shortfall - 1e-9)
    order = np.where(need > 0, np.ceil(np.maximum(need, moq) / pack) * pack, 0.0)

    lead = pd.to_timedelta(np.ceil(units["lead_time_days"].to_numpy(dtype=float)), unit="D")
    order_by = pd.Series(start - lead, index=units.index)
    review = pd.to_timedelta(units["review_period_days"].to_numpy(dtype=float), unit="D")
    next_review = pd.Series(ds.as_of + review, index=units.index)
    status = np.select(
        [shortfall <= 0, order_by < ds.as_of, order_by <= next_review],
        ["OK", "TOO LATE", "ORDER NOW"],
        default="OK",
    )
    later_inbound = units["on_order"].to_numpy(dtype=float) - inbound
    stock_after = np.maximum(available - promo_demand, 0.0) + order + later_inbound
    after, _ = baseline.total(
        np.full(len(units), settings.alerts.overstock_cover_days), offset + length
    )
    table = pd.DataFrame(
        {
            "sku": units["sku"],
            "warehouse": units["warehouse"],
            "name": units["name"],
            "category": units["category"],
            "supplier": units["supplier"],
            "uplift": uplift,
            "uplift_source": source,
            "baseline_demand": to_end,
            "promo_demand": promo_demand,
            "available": available,
            "shortfall": shortfall,
            "order": order,
            "order_value": order * units["unit_cost"].to_numpy(dtype=float),
            "order_by": order_by,
            "status": status,
            "stock_after": stock_after,
            "excess_after": stock_after > np.maximum(after, 0.0) + 1e-9,
        }
    )
    active = (units["status"] == "active").to_numpy()
    table = table[in_scope & active].reset_index(drop=True)
    order_rank = table["status"].map({"TOO LATE": 0, "ORDER NOW": 1, "OK": 2})
    table = (
        table.assign(_rank=order_rank)
        .sort_values(["_rank", "shortfall", "sku"], ascending=[True, False, True], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    return PromoCheck(name, start, end, table[COLUMNS])


def _given_uplift(target: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """The uplift given on the promotion rows covering each unit (NaN where none)."""
    out = np.full(len(units), np.nan)
    for row in target.itertuples(index=False):
        if not np.isfinite(row.uplift):
            continue
        scope = promotion_days(pd.DataFrame([row._asdict()]), units, row.start, 1)[:, 0]
        out[scope] = np.fmax(out[scope], row.uplift)
    return out


def _estimated_uplift(
    ds: Dataset, units: pd.DataFrame, name: str, settings: Settings
) -> tuple[np.ndarray, np.ndarray]:
    """Per-category uplift of past promotions named ``name``, and where it came from."""
    past = ds.promotions[(ds.promotions["name"] == name) & (ds.promotions["end"] <= ds.as_of)]
    sold = np.zeros(len(units))
    expected = np.zeros(len(units))
    for row in past.itertuples(index=False):
        days = int((row.end - row.start).days) + 1
        before_end = row.start - pd.Timedelta(days=1)
        history = demand_matrix(ds.sales, units, before_end, BASELINE_DAYS)
        quiet = ~promotion_days(
            ds.promotions, units, row.start - pd.Timedelta(days=BASELINE_DAYS), BASELINE_DAYS
        )
        quiet_days = quiet.sum(axis=1)
        level = np.divide(
            (history * quiet).sum(axis=1),
            quiet_days,
            out=np.zeros(len(units)),
            where=quiet_days > 0,
        )
        scope = promotion_days(pd.DataFrame([row._asdict()]), units, row.start, 1)[:, 0]
        sold += np.where(scope, demand_matrix(ds.sales, units, row.end, days).sum(axis=1), 0.0)
        expected += np.where(scope, level * days, 0.0)
    frame = pd.DataFrame({"category": units["category"], "sold": sold, "expected": expected})
    by_category = frame.groupby("category")[["sold", "expected"]].transform("sum")
    ratio = np.divide(
        by_category["sold"],
        by_category["expected"],
        out=np.ones(len(units)),
        where=by_category["expected"] > 0,
    )
    label = f"estimated from {len(past)} past {name}" if len(past) else f"no past {name}: 1.0"
    source = np.where(by_category["expected"] > 0, label, "no history for the category: 1.0")
    if not len(past):
        source = np.full(len(units), label)
    return ratio, source

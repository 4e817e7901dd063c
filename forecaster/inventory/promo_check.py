"""Pre-promotion stock check (大促备货): will the stock last through a coming promotion?

For the next occurrence of the promotion named ``--promo`` and each unit in its
scope:

* ``uplift`` -- the promotion's own ``uplift`` when given; otherwise learned
  from past promotions of the same name per SKU, shrunk towards the SKU's
  category when its own history is thin (:mod:`forecaster.models.uplift`);
  ``uplift_source`` says which, with the numbers.
* ``baseline_demand`` -- forecast units from the day after the as-of date to
  the promotion's last day, without this promotion.
* ``promo_demand`` -- the same with the promotion days multiplied by the uplift.
* ``available`` -- on hand - allocated + open POs arriving before the start.
* ``shortfall`` -- ``promo_demand - available``, never below 0 (and its value
  at cost), and the ``order`` covering it, raised to the MOQ and rounded up to
  whole cases.
* ``order_by`` -- start - lead time: the last day to order for the goods to
  arrive before the promotion.
* ``status`` -- OK (no shortfall, or ``order_by`` is after the next review),
  ORDER NOW (``order_by`` within the next review period), TOO LATE
  (``order_by`` already past: expedite).
* ``cover_after_days`` -- days of baseline demand that the stock left after the
  promotion (available + order - promotion demand, then the POs due from the
  start on, at their ETA) lasts, capped at ``cover_cap_days``;
  ``excess_after`` when that exceeds ``max_cover_days``.
* ``planned_order``, ``planned_arrival`` -- what this week's run orders (the
  suggested order of the weekly plan) and when it arrives; ``covered_by_plan``
  -- the part of the shortfall it covers (all of the order, up to the
  shortfall, when it arrives before the start; none when it arrives later);
  ``on_top`` -- what is still short after it: to order or expedite on top of
  this week's order, not instead of it.
* ``action`` -- what to do, in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import Lang, Settings
from forecaster.errors import InputError, InvalidInput
from forecaster.glossary import say
from forecaster.inventory.metrics import days_of_cover
from forecaster.io.dataset import Dataset
from forecaster.models.engine import forecast_units
from forecaster.models.promotions import promotion_days
from forecaster.models.uplift import Uplift, estimate_uplift, past_evidence
from forecaster.units import unit_index

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
    "shortfall_value",
    "order",
    "order_value",
    "order_by",
    "planned_order",
    "planned_arrival",
    "covered_by_plan",
    "on_top",
    "status",
    "cover_after_days",
    "excess_after",
    "action",
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


def promo_check(
    ds: Dataset,
    units: pd.DataFrame,
    settings: Settings,
    name: str,
    planned: pd.DataFrame | None = None,
) -> PromoCheck:
    """Check every unit in the scope of the next promotion ``name``.

    ``planned`` holds this week's order lines (``suggested_order``,
    ``expected_arrival``), aligned with ``units``; None: no order this week.
    """
    target = next_promotion(ds, name)
    start, end = target["start"].iloc[0], target["end"].max()
    first_day = max(start, ds.as_of + pd.Timedelta(days=1))
    horizon = int((end - ds.as_of).days)
    cap = settings.planning.cover_cap_days
    # The baseline leaves the target's uplift out (1: no lift) and keeps the rest.
    without = ds.promotions.assign(uplift=ds.promotions["uplift"].astype(float))
    without.loc[target.index, "uplift"] = 1.0
    baseline = forecast_units(ds.sales, units, without, ds.as_of, settings, horizon + cap)
    offset = int((first_day - baseline.start).days)
    length = int((end - first_day).days) + 1
    in_scope = promotion_days(target, units, first_day, 1)[:, 0]

    given = _given_uplift(target, units)
    learned = settings.promotions
    evidence = past_evidence(ds.sales, units, ds.promotions, name, ds.as_of, learned)
    estimate = estimate_uplift(evidence, units, learned.uplift_prior_units)
    uplift = np.where(np.isfinite(given), given, estimate.uplift)
    lang = settings.output.lang
    source = np.where(
        np.isfinite(given), say("promo.given", lang), uplift_sources(estimate, units, name, lang)
    )

    to_end, _ = baseline.total(np.full(len(units), horizon))
    during, _ = baseline.total(np.full(len(units), length), offset)
    promo_demand = to_end + (uplift - 1.0) * during
    pos = ds.purchase_orders.assign(unit=unit_index(units, ds.purchase_orders))
    pos = pos[pos["unit"] >= 0]
    early = (pos["eta"] < start).to_numpy()
    inbound = np.bincount(
        pos["unit"].to_numpy()[early], weights=pos["qty"].to_numpy()[early], minlength=len(units)
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
    # After the promotion: what the order and the available stock leave, then the
    # POs due from the start on, at their ETA, against the baseline forecast.
    stock_after = np.maximum(available + order - promo_demand, 0.0)
    late = pos[~early]
    after_day = (late["eta"] - (end + pd.Timedelta(days=1))).dt.days.clip(lower=0)
    cover_after = days_of_cover(
        stock_after,
        baseline.mean[:, horizon : horizon + cap],
        late["unit"].to_numpy(),
        after_day.to_numpy(),
        late["qty"].to_numpy(dtype=float),
        cap,
    )
    excess = np.nan_to_num(cover_after, nan=0.0) > settings.replenishment.max_cover_days
    if planned is None:
        planned = pd.DataFrame(
            {"suggested_order": 0.0, "expected_arrival": pd.NaT}, index=units.index
        )
    planned_order = planned["suggested_order"].to_numpy(dtype=float)
    planned_arrival = pd.to_datetime(planned["expected_arrival"])
    in_time = (planned_arrival < start).to_numpy()
    covered = np.where(in_time, np.minimum(planned_order, shortfall), 0.0)
    on_top = np.maximum(np.ceil(shortfall - covered - 1e-9), 0.0)
    unit_cost = units["unit_cost"].to_numpy(dtype=float)
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
            "shortfall_value": shortfall * unit_cost,
            "order": order,
            "order_value": order * unit_cost,
            "order_by": order_by,
            "planned_order": planned_order,
            "planned_arrival": planned_arrival.to_numpy(),
            "covered_by_plan": covered,
            "on_top": on_top,
            "status": status,
            "cover_after_days": cover_after,
            "excess_after": excess,
            "action": [
                text + _plan_note(week, arrival, cover, more, start, lang)
                for text, week, arrival, cover, more in zip(
                    _actions(status, shortfall, order, pack, order_by, cover_after, excess, lang),
                    planned_order,
                    planned_arrival,
                    covered,
                    on_top,
                    strict=True,
                )
            ],
        }
    )
    active = (units["status"] == "active").to_numpy()
    covered = in_scope & active
    if not covered.any():
        raise InvalidInput([_covers_nothing(ds, target, name)])
    table = table[covered].reset_index(drop=True)
    order_rank = table["status"].map({"TOO LATE": 0, "ORDER NOW": 1, "OK": 2})
    table = (
        table.assign(_rank=order_rank)
        .sort_values(["_rank", "shortfall", "sku"], ascending=[True, False, True], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    return PromoCheck(name, start, end, table[COLUMNS])


def expedite_lines(check: PromoCheck, units: pd.DataFrame) -> pd.DataFrame:
    """The lines of the expedite orders: what is still short on top of this week's order
    (``on_top``), raised to the MOQ and rounded up to whole cases, to arrive the day before
    the promotion starts; in the columns of
    :func:`forecaster.report.purchase_orders.supplier_lines`, by supplier and SKU."""
    short = check.table[check.table["on_top"] > 0]
    terms = units[["sku", "warehouse", "moq", "case_pack", "unit_cost"]]
    rows = short.merge(terms, on=["sku", "warehouse"], how="left")
    pack = np.maximum(rows["case_pack"].to_numpy(dtype=float), 1.0)
    quantity = np.ceil(np.maximum(rows["on_top"], rows["moq"]).to_numpy(dtype=float) / pack) * pack
    cost = rows["unit_cost"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "supplier": rows["supplier"],
            "sku": rows["sku"],
            "name": rows["name"],
            "warehouse": rows["warehouse"],
            "quantity": quantity,
            "cases": quantity / pack,
            "case_pack": pack,
            "unit_cost": cost,
            "line_value": quantity * cost,
            "requested_delivery": check.start - pd.Timedelta(days=1),
        }
    ).sort_values(["supplier", "warehouse", "sku"], kind="stable")


def _covers_nothing(ds: Dataset, target: pd.DataFrame, name: str) -> InputError:
    """The error for a promotion whose rows cover no active SKU: say what limits them."""
    file = ds.sources.get("promotions", "promotions.csv")
    limits = [
        f"{label} {', '.join(repr(v) for v in sorted(set(target[column]) - {''}))}"
        for column, label in (("sku", "SKU"), ("category", "category"))
        if (target[column] != "").any()
    ]
    column = "sku" if (target["sku"] != "").any() else "category"
    scope = f"it is limited to {' and '.join(limits)}" if limits else "every SKU is discontinued"
    return InputError(
        file,
        f"promotion {name!r} from {target['start'].iloc[0]:%Y-%m-%d} covers no active SKU of "
        f"{ds.sources.get('skus', 'skus.csv')}: {scope}",
        column=column,
        hint="Correct the SKU or category of the promotion rows, or add the SKUs to the master",
    )


def shortfall_by_supplier(check: PromoCheck) -> pd.DataFrame:
    """Per supplier: lines short, units short and their value at cost, and the orders' value."""
    short = check.table[check.table["shortfall"] > 0]
    return (
        short.groupby("supplier")
        .agg(
            lines=("sku", "size"),
            shortfall=("shortfall", "sum"),
            shortfall_value=("shortfall_value", "sum"),
            order_value=("order_value", "sum"),
        )
        .reset_index()
    )


def uplift_sources(
    estimate: Uplift, units: pd.DataFrame, name: str, lang: Lang = "en"
) -> np.ndarray:
    """Where each estimated uplift came from, in words (in ``lang``) with its numbers."""
    n = estimate.occurrences
    if n == 0:
        return np.full(len(units), say("promo.no_past", lang, name=name))
    if np.isnan(estimate.category).all():
        return np.full(len(units), say("promo.no_normal", lang, n=n, name=name))
    past = say("promo.past", lang, n=n, name=name)
    out = []
    for own, weight, category, group in zip(
        estimate.own, estimate.weight, estimate.category, units["category"], strict=True
    ):
        where = say("promo.category", lang, group=group) if group else say("promo.shop", lang)
        if np.isnan(own):
            out.append(say("promo.no_own", lang, group=where, value=category, past=past))
        else:
            out.append(
                say(
                    "promo.own",
                    lang,
                    own=own,
                    past=past,
                    weight=weight,
                    group=where,
                    value=category,
                )
            )
    return np.asarray(out, dtype=object)


def _actions(
    status: np.ndarray,
    shortfall: np.ndarray,
    order: np.ndarray,
    pack: np.ndarray,
    order_by: pd.Series,
    cover_after: np.ndarray,
    excess: np.ndarray,
    lang: Lang,
) -> list[str]:
    """The recommended action per unit, in words (in ``lang``)."""
    out = []
    for st, short, qty, case, by, cover, over in zip(
        status, shortfall, order, pack, order_by, cover_after, excess, strict=True
    ):
        cases = say("promo.cases", lang, cases=qty / case, pack=case) if case > 1 else ""
        values = {"qty": qty, "cases": cases, "short": short, "by": by}
        if st == "TOO LATE":
            text = say("promo.expedite", lang, **values)
        elif st == "ORDER NOW":
            text = say("promo.order_now", lang, **values)
        elif short > 0:
            text = say("promo.order_by", lang, **values)
        else:
            text = say("promo.covered", lang)
        if over:
            text += say("promo.excess", lang, cover=cover)
        out.append(text)
    return out


def _plan_note(
    planned: float,
    arrival: pd.Timestamp,
    covered: float,
    on_top: float,
    start: pd.Timestamp,
    lang: Lang,
) -> str:
    """What this week's order does for the shortfall, in words ("" without one)."""
    if planned <= 0:
        return ""
    if arrival >= start:
        return say("promo.plan_late", lang, qty=planned, at=arrival, more=on_top)
    return say("promo.plan_covers", lang, qty=planned, at=arrival, covered=covered, more=on_top)


def _given_uplift(target: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """The uplift given on the promotion rows covering each unit (NaN where none)."""
    out = np.full(len(units), np.nan)
    for row in target.itertuples(index=False):
        if not np.isfinite(row.uplift):
            continue
        scope = promotion_days(pd.DataFrame([row._asdict()]), units, row.start, 1)[:, 0]
        out[scope] = np.fmax(out[scope], row.uplift)
    return out

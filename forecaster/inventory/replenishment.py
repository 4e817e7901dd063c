"""Suggested orders: a periodic-review order-up-to policy per planning unit.

For each unit, with lead time ``L`` and its supplier's review period ``R``:

1. Protection period ``P = L + R`` days: an order placed today must last
   until the order after next arrives.
2. Demand over ``P`` from the forecast: mean ``mu_P`` and standard deviation
   ``sigma_P``, widened by the lead-time spread: ``sigma_P^2 = var(D_P) +
   (mu_P / P)^2 x lead_time_std_days^2``.
3. Safety stock ``k x sigma_P`` with ``k`` meeting the fill-rate target
   (:mod:`forecaster.inventory.safety_stock`). It is negative when the target
   is low for the spread: the cycle stock alone would serve more than the
   target, and holding it all would over-serve at the cost of stock.
   Intermittent and lumpy units with enough history take their level from the
   empirical loss function instead (:mod:`forecaster.inventory.empirical_loss`):
   the safety stock is that level less ``mu_P``, and ``sigma_P`` the spread
   of the protection-period total built from their daily history.
4. Order-up-to level ``S = mu_P + safety stock``, never below 0.
5. Inventory position = on hand + open POs - allocated.
6. Suggested order = ``S - position`` when positive, rounded up to whole
   units, raised to the MOQ, rounded up to whole cases.

Discontinued SKUs and SKUs in lifecycle decline get no order. An order that
the MOQ or the case pack lifts above ``max_cover_days`` of demand is flagged.
The order is placed on the as-of date and arrives ``L`` days later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import Lang, ReplenishmentSettings
from forecaster.glossary import say
from forecaster.inventory.abc import fill_rate_targets
from forecaster.inventory.empirical_loss import EmpiricalLevels, empirical_order_up_to
from forecaster.inventory.safety_stock import fill_rate_factor
from forecaster.models.forecast import Forecast
from forecaster.units import protection_days

COLUMNS = [
    "sku",
    "name",
    "supplier",
    "warehouse",
    "on_hand",
    "on_order",
    "allocated",
    "position",
    "abc_class",
    "fill_rate_target",
    "protection_days",
    "demand_over_p",
    "demand_sd_p",
    "safety_stock",
    "order_up_to",
    "suggested_order",
    "cases",
    "order_value",
    "order_by",
    "expected_arrival",
    "why",
    "orderable",
    "empirical_days",
]

#: Demand classes whose safety stock comes from their own history when it is long enough.
EMPIRICAL_CLASSES = ("intermittent", "lumpy")


def replenish(
    units: pd.DataFrame,
    forecast: Forecast,
    stage: np.ndarray,
    abc: np.ndarray,
    settings: ReplenishmentSettings,
    as_of: pd.Timestamp,
    lang: Lang = "en",
) -> pd.DataFrame:
    """The suggested order of every unit, with the numbers behind it.

    ``stage`` is each unit's lifecycle stage, ``abc`` its ABC class, which sets
    its fill-rate target (``settings.fill_rate``). The ``why`` column is in ``lang``.

    Returns
    -------
    DataFrame
        Aligned with ``units``; the columns of :data:`COLUMNS`.
    """
    lead = units["lead_time_days"].to_numpy(dtype=float)
    review = units["review_period_days"].to_numpy(dtype=float)
    protection = protection_days(units)
    mu_p, sd_demand = forecast.total(protection)
    daily = np.divide(mu_p, protection, out=np.zeros(len(mu_p)), where=protection > 0)
    sd_lead = units["lead_time_std_days"].to_numpy(dtype=float)
    sigma_p = np.sqrt(sd_demand**2 + (daily * sd_lead) ** 2)
    cycle, _ = forecast.total(np.ceil(review).astype(int), offset=np.ceil(lead).astype(int))
    target = fill_rate_targets(abc, settings.fill_rate)
    safety = fill_rate_factor(target, cycle, sigma_p) * sigma_p
    empirical = _empirical_levels(
        forecast, protection, lead, sd_lead, mu_p, target, cycle, settings
    )
    use = ~np.isnan(empirical.order_up_to)
    safety = np.where(use, empirical.order_up_to - mu_p, safety)
    sigma_p = np.where(use, empirical.sd, sigma_p)
    order_up_to = np.maximum(mu_p + safety, 0.0)

    on_hand = units["on_hand"].to_numpy(dtype=float)
    on_order = units["on_order"].to_numpy(dtype=float)
    allocated = units["allocated"].to_numpy(dtype=float)
    position = on_hand + on_order - allocated
    need = order_up_to - position

    moq = units["moq"].to_numpy(dtype=float)
    pack = np.maximum(units["case_pack"].to_numpy(dtype=float), 1.0)
    blocked = (units["status"] == "discontinued").to_numpy() | (stage == "decline")
    wanted = ~blocked & (need > 1e-9) & (mu_p > 0)
    units_needed = np.where(wanted, np.ceil(need - 1e-9), 0.0)
    after_moq = np.where(wanted, np.maximum(units_needed, moq), 0.0)
    order = np.ceil(after_moq / pack) * pack
    with np.errstate(over="ignore"):  # a vanishing daily demand means an unbounded cover
        cover_after = np.divide(
            position + order, daily, out=np.full(len(daily), np.inf), where=daily > 0
        )

    lead_days = pd.to_timedelta(np.ceil(lead), unit="D")
    frame = pd.DataFrame(
        {
            "sku": units["sku"],
            "name": units["name"],
            "supplier": units["supplier"],
            "warehouse": units["warehouse"],
            "on_hand": on_hand,
            "on_order": on_order,
            "allocated": allocated,
            "position": position,
            "abc_class": abc,
            "fill_rate_target": target,
            "protection_days": protection,
            "demand_over_p": mu_p,
            "demand_sd_p": sigma_p,
            "safety_stock": safety,
            "order_up_to": order_up_to,
            "suggested_order": order,
            "cases": order / pack,
            "order_value": order * units["unit_cost"].to_numpy(dtype=float),
            "order_by": pd.Series(as_of, index=units.index).where(order > 0),
            "expected_arrival": (as_of + lead_days).where(order > 0),
            "orderable": ~blocked & (mu_p > 0),
            "empirical_days": empirical.days,
        }
    )
    frame["why"] = _explain(
        units,
        frame,
        lead,
        review,
        units_needed,
        after_moq,
        cover_after,
        blocked,
        stage,
        settings,
        lang,
    )
    return frame[COLUMNS]


def _empirical_levels(
    forecast: Forecast,
    protection: np.ndarray,
    lead: np.ndarray,
    lead_sd: np.ndarray,
    mu_p: np.ndarray,
    target: np.ndarray,
    cycle: np.ndarray,
    settings: ReplenishmentSettings,
) -> EmpiricalLevels:
    """Empirical order-up-to levels of the intermittent and lumpy units (NaN for the rest)."""
    n = len(mu_p)
    history = forecast.history
    if history is None or forecast.demand_class is None:
        history = np.full((n, 0), np.nan)
        intermittent = np.zeros(n, dtype=bool)
    else:
        intermittent = np.isin(forecast.demand_class, EMPIRICAL_CLASSES)
    return empirical_order_up_to(
        history,
        protection,
        np.ceil(lead),
        lead_sd,
        np.where(intermittent, mu_p, 0.0),  # a zero mean is never eligible
        (1.0 - target) * cycle,
        settings.empirical_window_days,
        settings.empirical_min_demand_days,
    )


def _explain(
    units: pd.DataFrame,
    frame: pd.DataFrame,
    lead: np.ndarray,
    review: np.ndarray,
    units_needed: np.ndarray,
    after_moq: np.ndarray,
    cover_after: np.ndarray,
    blocked: np.ndarray,
    stage: np.ndarray,
    settings: ReplenishmentSettings,
    lang: Lang,
) -> list[str]:
    """One sentence per unit in ``lang``, in numbers, e.g. ``21 d protection (14 lead + 7 review):
    demand 210 ± 38, safety 62 for 98% fill (class A), position 50 → need 222 → MOQ 200 ok →
    10 cases of 24 = 240``."""
    status = units["status"].to_numpy()
    moq = units["moq"].to_numpy(dtype=float)
    pack = np.maximum(units["case_pack"].to_numpy(dtype=float), 1.0)
    protection = frame["protection_days"].to_numpy()
    mu_p = frame["demand_over_p"].to_numpy()
    sigma_p = frame["demand_sd_p"].to_numpy()
    safety = frame["safety_stock"].to_numpy()
    position = frame["position"].to_numpy()
    order_up_to = frame["order_up_to"].to_numpy()
    orders = frame["suggested_order"].to_numpy()
    targets = frame["fill_rate_target"].to_numpy()
    classes = frame["abc_class"].to_numpy()
    history_days = frame["empirical_days"].to_numpy()
    out = []
    for i in range(len(frame)):
        order = orders[i]
        if blocked[i]:
            reason = "discontinued" if status[i] == "discontinued" else "decline"
            out.append(say(f"why.{reason}", lang))
            continue
        if mu_p[i] <= 0:
            out.append(say("why.no_demand", lang, days=protection[i]))
            continue
        basis = say("why.empirical", lang, days=history_days[i]) if history_days[i] else ""
        text = say(
            "why.head",
            lang,
            days=protection[i],
            lead=lead[i],
            review=review[i],
            mean=mu_p[i],
            sd=sigma_p[i],
            safety=safety[i],
            fill=targets[i],
            abc=classes[i],
            basis=basis,
            position=position[i],
        )
        if order <= 0:
            out.append(text + say("why.enough", lang, level=order_up_to[i]))
            continue
        text += say("why.need", lang, need=units_needed[i])
        if moq[i] > 0:
            lifted = units_needed[i] < moq[i]
            text += say(
                "why.moq_raises" if lifted else "why.moq_ok", lang, moq=moq[i], qty=after_moq[i]
            )
        if pack[i] > 1:
            cases = order / pack[i]
            s = "s" if cases != 1 else ""
            text += say("why.cases", lang, cases=cases, s=s, pack=pack[i], qty=order)
        if order > units_needed[i] and cover_after[i] > settings.max_cover_days:
            text += say("why.over_cap", lang, cover=cover_after[i], cap=settings.max_cover_days)
        out.append(text)
    return out


def supplier_orders(lines: pd.DataFrame, suppliers: pd.DataFrame) -> pd.DataFrame:
    """Order totals per supplier, and whether each meets the supplier's minimum order value.

    Returns
    -------
    DataFrame
        ``supplier``, ``name``, ``lines``, ``units``, ``value``, ``min_order_value``,
        ``below_minimum`` (a positive order smaller than the minimum), one row per
        supplier with at least one suggested line.
    """
    ordered = lines[lines["suggested_order"] > 0]
    totals = ordered.groupby("supplier").agg(
        lines=("sku", "size"), units=("suggested_order", "sum"), value=("order_value", "sum")
    )
    totals = totals.reset_index().merge(
        suppliers[["supplier", "name", "min_order_value"]], on="supplier", how="left"
    )
    totals["below_minimum"] = totals["value"] < totals["min_order_value"]
    return totals[
        ["supplier", "name", "lines", "units", "value", "min_order_value", "below_minimum"]
    ]

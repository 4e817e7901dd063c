"""Suggested orders: a periodic-review order-up-to policy per planning unit.

For each unit, with lead time ``L`` and its supplier's review period ``R``:

1. Protection period ``P = L + R`` days: an order placed today must last
   until the order after next arrives.
2. Demand over ``P`` from the forecast: mean ``mu_P`` and standard deviation
   ``sigma_P``, widened by the lead-time spread: ``sigma_P^2 = var(D_P) +
   (mu_P / P)^2 x lead_time_std_days^2``.
3. The distribution of that demand (:mod:`forecaster.inventory.protection_demand`):
   normal for smooth units and those whose forecast follows a season or trend;
   for erratic, intermittent and lumpy units forecast as a flat level the
   sample of their own forecast errors over the span, shrunk towards their
   demand class's, around the recent level those errors were measured on
   (:mod:`forecaster.inventory.span_errors`; the why names that level where
   it differs from the forecast by more than :data:`RECENT_NOTE`). It gives the
   expected units short per cycle at any level ``S``.
   With ``allocation = "class"`` (the default) the levels of each ABC class
   are set together so that the class's expected shortage meets its
   fill-rate target at the least stock value
   (:mod:`forecaster.inventory.allocation`); with ``"overall"`` the whole
   shop is one such group, meeting ``overall_fill_rate`` (or the shortage its
   class targets allow in all); with ``"sku"`` each unit meets
   the target alone. Safety stock is ``S - mu_P``: negative when the cycle
   stock alone would serve more than the target.
4. Order-up-to level ``S``, never below 0. Those levels are the back-order
   levels of the textbook formulas; where demand that finds no stock is lost
   (``unmet_demand = "lost"``, the default: an online shopper buys elsewhere)
   each is lowered by its expected units short a cycle, which stay on the
   shelf for the next cycle (:func:`lost_sales_levels`). On the Walmart replay
   (lost sales) this took class C from 92.75% to 91.57% against its 90%
   target with 6% less of its stock, A from 97.11% to 96.99%, B from 95.69% to
   95.25%; on Online Retail each class moved by less than 0.3 point.
5. Inventory position = on hand + open POs - allocated.
6. Suggested order = ``S - position`` when positive, rounded up to whole
   units, raised to the MOQ, rounded up to whole cases.

Discontinued SKUs get no order. A SKU in lifecycle decline keeps selling, so it
is ordered to cover its forecast (which carries the decline) with no safety
stock: the stock it would hold for service is the stock it risks being left
with. An order that the MOQ or the case pack lifts above ``max_cover_days`` of
demand is flagged.
The order is placed on the as-of date and arrives ``L`` days later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import Lang, ReplenishmentSettings
from forecaster.glossary import label, say
from forecaster.inventory.abc import fill_rate_targets
from forecaster.inventory.allocation import allocate
from forecaster.inventory.protection_demand import protection_demand
from forecaster.inventory.span_errors import LEVEL_DAYS
from forecaster.models.forecast import Forecast
from forecaster.units import protection_days

#: Relative difference between the forecast over the protection period and the recent level a
#: unit's demand sample centres on, above which the why says so.
RECENT_NOTE = 0.05
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
    "over_cover_cap",
    "orderable",
    "error_spans",
    "centre_p",
    "expected_fill",
]


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
    overall = settings.allocation == "overall"
    if overall and settings.overall_fill_rate is not None:
        target = np.full(len(units), settings.overall_fill_rate)
    demand = protection_demand(
        forecast,
        protection,
        np.ceil(lead).astype(int),
        sd_lead,
        mu_p,
        sigma_p,
        settings.error_window_days,
    )
    blocked = (units["status"] == "discontinued").to_numpy()
    declining = stage == "decline"
    allowed = (1.0 - target) * cycle
    pooled = np.zeros(len(units), dtype=bool)
    if settings.allocation != "sku":
        pooled = ~blocked & ~declining & (mu_p > 0)
    # each unit's own level, for the units the class allocation leaves out
    alone = np.flatnonzero(~pooled)
    order_up_to = np.zeros(len(units))
    order_up_to[alone] = demand.subset(alone).level_for(allowed[alone])
    if pooled.any():
        cost = units["unit_cost"].to_numpy(dtype=float)
        groups = np.zeros(len(units), dtype=int) if overall else abc
        order_up_to = np.where(pooled, allocate(demand, cost, groups, allowed, pooled), order_up_to)
    short_units = demand.shortage(order_up_to)  # a cycle, at the back-order levels so far
    order_up_to, lost = lost_sales_levels(order_up_to, short_units, settings.unmet_demand)
    # a declining SKU is ordered to cover its forecast only
    capped = np.flatnonzero(declining & (order_up_to > mu_p))
    order_up_to[capped], lost[capped] = mu_p[capped], 0.0
    short_units[capped] = demand.shortage_of(capped, mu_p[capped])
    with np.errstate(divide="ignore", invalid="ignore"):
        short = np.where(cycle > 0, short_units / cycle, 0.0)
    # a share of the cycle's demand: a model's shortage beyond the whole cycle is no fill
    expected_fill = 1.0 - np.clip(short, 0.0, 1.0)
    safety = order_up_to - mu_p
    sigma_p = demand.spread()

    on_hand = units["on_hand"].to_numpy(dtype=float)
    on_order = units["on_order"].to_numpy(dtype=float)
    allocated = units["allocated"].to_numpy(dtype=float)
    position = on_hand + on_order - allocated
    need = order_up_to - position

    moq = units["moq"].to_numpy(dtype=float)
    pack = np.maximum(units["case_pack"].to_numpy(dtype=float), 1.0)
    wanted = ~blocked & (need > 1e-9) & (mu_p > 0)
    units_needed, after_moq, order = round_order(np.where(wanted, need, 0.0), moq, pack)
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
            "over_cover_cap": (order > units_needed) & (cover_after > settings.max_cover_days),
            "orderable": ~blocked & (mu_p > 0),
            "error_spans": demand.own_spans(),
            "centre_p": demand.centre(),
            "expected_fill": expected_fill,
        }
    )
    categories = units["category"] if "category" in units else pd.Series("", index=units.index)
    borrowed = forecast.basis(categories.to_numpy(), lang)
    frame["why"] = (
        borrowed
        + np.where(borrowed != "", "; ", "")
        + _explain(
            units,
            frame,
            lead,
            review,
            units_needed,
            after_moq,
            cover_after,
            lost,
            blocked,
            stage,
            forecast.demand_class,
            settings,
            lang,
        )
    )
    return frame[COLUMNS]


def lost_sales_levels(
    level: np.ndarray, short: np.ndarray, unmet: str
) -> tuple[np.ndarray, np.ndarray]:
    """The order-up-to levels when demand that finds no stock is lost, and the units taken off.

    ``level`` holds the back-order levels that meet the targets, ``short`` their expected
    units short a cycle. A sale lost leaves its unit on the shelf for the next cycle, where
    a back-order would have taken it from the next arrival: so a level ``S`` under lost
    sales serves like the back-order level ``S + ES`` (Silver, Pyke & Peterson: the stock
    on hand of the lost-sales case is higher by the expected shortage), and the level
    that meets a target is the back-order level less its expected shortage, never below
    0. With back-orders nothing changes.

    >>> level, taken = lost_sales_levels(np.array([100.0, 3.0]), np.array([2.5, 4.0]), "lost")
    >>> level.tolist(), taken.tolist()
    ([97.5, 0.0], [2.5, 3.0])
    """
    if unmet != "lost":
        return level.copy(), np.zeros(len(level))
    lowered = np.maximum(level - short, 0.0)
    return lowered, level - lowered


def round_order(
    need: np.ndarray, moq: np.ndarray, pack: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round a positive need up to whole units, raise it to the MOQ, round up to whole cases.

    A need of 0 or less orders nothing. Returns the units needed, the quantity
    after the MOQ and the order, each shape (n,).

    >>> [a.tolist() for a in round_order(np.array([7.2, 0.0, 130]), np.array([100.0] * 3),
    ...                                   np.array([12.0] * 3))]
    [[8.0, 0.0, 130.0], [100.0, 0.0, 130.0], [108.0, 0.0, 132.0]]
    """
    wanted = need > 1e-9
    units_needed = np.where(wanted, np.ceil(need - 1e-9), 0.0)
    after_moq = np.where(wanted, np.maximum(units_needed, moq), 0.0)
    order = np.ceil(after_moq / np.maximum(pack, 1.0)) * np.maximum(pack, 1.0)
    return units_needed, after_moq, order


def _explain(
    units: pd.DataFrame,
    frame: pd.DataFrame,
    lead: np.ndarray,
    review: np.ndarray,
    units_needed: np.ndarray,
    after_moq: np.ndarray,
    cover_after: np.ndarray,
    lost: np.ndarray,
    blocked: np.ndarray,
    stage: np.ndarray,
    demand_class: np.ndarray | None,
    settings: ReplenishmentSettings,
    lang: Lang,
) -> list[str]:
    """One sentence per unit in ``lang``, in numbers, e.g. ``21 d protection (14 lead + 7 review):
    demand 210 ± 38, safety 62 → expected fill 98.0% (class A target 98%), position 50 → need
    222 → MOQ 200 ok → 10 cases of 24 = 240``; ``lost`` is what :func:`lost_sales_levels`
    took off each level."""
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
    spans = frame["error_spans"].to_numpy()
    centre = frame["centre_p"].to_numpy()
    own_fill = frame["expected_fill"].to_numpy()
    out = []
    for i in range(len(frame)):
        order = orders[i]
        if blocked[i]:
            out.append(say("why.discontinued", lang))
            continue
        if mu_p[i] <= 0:
            out.append(say("why.no_demand", lang, days=protection[i]))
            continue
        basis = ""
        if spans[i] > 0:
            kind = label(str(demand_class[i]), lang) if demand_class is not None else ""
            basis = say("why.errors", lang, spans=spans[i], cls=kind)
            if abs(centre[i] - mu_p[i]) > RECENT_NOTE * mu_p[i]:
                basis += say("why.recent", lang, days=LEVEL_DAYS, recent=centre[i])
        if stage[i] == "decline":
            basis += say("why.decline", lang)
        elif lost[i] >= 0.5:
            basis += say("why.lost", lang, lost=lost[i])
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
            own=own_fill[i],
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
        if frame["over_cover_cap"].iat[i]:
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

"""Alerts with a severity and a recommended action in words.

OUT_OF_STOCK
    Nothing available while demand is forecast. Severity high. Action: expedite
    the open PO, or order now and expedite.
STOCKOUT_RISK
    ``days_of_cover`` below lead time + review period. Severity high when the
    cover is shorter than the lead time (an order placed now arrives too late),
    else medium. Action: order now.
OVERSTOCK
    Stock on hand and ``days_of_cover`` above ``overstock_cover_days``. Severity
    high at the cover cap, else medium. Action: the disposal of the excess (below).
LOW_SELL_THROUGH
    ``sell_through_30d`` below ``low_sell_through`` for stock older than
    ``low_sell_through_min_age_days``. Severity low. Action: promote.
DEAD_STOCK
    Stock on hand and no sale in ``dead_stock_days``. Severity medium. Action:
    the disposal of the excess, ending with the slow-mover grade's action.
FORECAST_BIAS
    The unit's tracking signal (cumulative forecast error / mean absolute error of
    the forecasts made one week ahead) passes ``history.tracking_limit``. Severity
    medium. Action: review the forecast. Raised from the run archive
    (:mod:`forecaster.history.review`), not by :func:`raise_alerts`.

The *excess* of a unit is the stock available now beyond the forecast demand
of the next ``overstock_cover_days`` (less what is on order), never more than
what is available. It is disposed of in this order, each step taking what the
previous left:

1. **transfer** to the warehouse of the same SKU that is shortest (its need is
   the demand over its protection period minus its stock and open POs; several
   donors share that need, the one with the most excess giving first);
2. **return to the supplier** the units received within the supplier's
   ``return_window_days`` (the newest units on hand, FIFO), when it takes returns;
3. the rest: **promote** (OVERSTOCK) or clear as the slow-mover grade says
   (DEAD_STOCK).

An alert implied by a stronger one is not repeated: OUT_OF_STOCK replaces
STOCKOUT_RISK, DEAD_STOCK replaces OVERSTOCK and LOW_SELL_THROUGH. Discontinued
SKUs get no stock-out alerts (they are meant to sell out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from forecaster.config import AlertSettings, Lang
from forecaster.glossary import say
from forecaster.units import protection_days

AlertKind = Literal[
    "OUT_OF_STOCK",
    "STOCKOUT_RISK",
    "OVERSTOCK",
    "LOW_SELL_THROUGH",
    "DEAD_STOCK",
    "FORECAST_BIAS",
]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: dict[Severity, int] = {"high": 0, "medium": 1, "low": 2}

COLUMNS = ["sku", "warehouse", "name", "alert", "severity", "action", "detail"]


@dataclass(frozen=True)
class ForwardDemand:
    """What the forecast says about each unit's coming demand, as the alerts need it.

    Attributes
    ----------
    protection
        Forecast units over each unit's protection period (lead + review).
    overstock_window
        Forecast units over the next ``overstock_cover_days`` days.
    next_eta
        Date of the unit's earliest open PO (NaT: none).
    """

    protection: np.ndarray
    overstock_window: np.ndarray
    next_eta: pd.Series


def raise_alerts(
    units: pd.DataFrame,
    health: pd.DataFrame,
    demand: ForwardDemand,
    settings: AlertSettings,
    cover_cap: int,
    grade_actions: Mapping[str, str] | None = None,
    lang: Lang = "en",
) -> pd.DataFrame:
    """Every alert of every unit, most severe first.

    Parameters
    ----------
    units, health
        The planning units and their health metrics (aligned rows); ``health``
        may carry the slow-mover ``grade`` whose action ends a DEAD_STOCK action.
    demand
        The forecast figures of each unit.
    grade_actions
        Disposal action per slow-mover grade.
    lang
        Language of the action and detail texts.
    """
    lead = units["lead_time_days"].to_numpy(dtype=float)
    review = units["review_period_days"].to_numpy(dtype=float)
    protection = protection_days(units).astype(float)
    demand_daily = demand.protection / np.maximum(protection, 1.0)
    cover = health["days_of_cover"].to_numpy(dtype=float)
    available = health["available"].to_numpy(dtype=float)
    on_hand = health["on_hand"].to_numpy(dtype=float)
    active = (units["status"] == "active").to_numpy()

    out_of_stock = active & (available <= 0) & (demand.protection > 0)
    risk = active & ~out_of_stock & (cover < protection)
    dead = (on_hand > 0) & (health["days_since_last_sale"].to_numpy() >= settings.dead_stock_days)
    overstock = ~dead & (on_hand > 0) & (cover > settings.overstock_cover_days)
    low_sell = (
        ~dead
        & (on_hand > 0)
        & (health["sell_through_30d"].to_numpy() < settings.low_sell_through)
        & (health["inventory_age_days"].to_numpy() > settings.low_sell_through_min_age_days)
    )

    frames = []
    promote = say("alert.promote", lang)
    eta_text = demand.next_eta.dt.strftime("%Y-%m-%d").fillna("")
    on_order = health["on_order"].to_numpy(dtype=float)
    if out_of_stock.any():
        i = np.flatnonzero(out_of_stock)
        action = np.where(
            on_order[i] > 0,
            [
                say("alert.expedite_po", lang, qty=q, eta=e)
                for q, e in zip(on_order[i], eta_text.iloc[i], strict=True)
            ],
            say("alert.order_expedite", lang),
        )
        detail = [say("alert.nothing_available", lang, daily=d) for d in demand_daily[i]]
        frames.append(_frame(units, i, "OUT_OF_STOCK", np.full(len(i), "high"), action, detail))
    if risk.any():
        i = np.flatnonzero(risk)
        severity = np.where(cover[i] < lead[i], "high", "medium")
        action = np.where(
            cover[i] < lead[i],
            say("alert.order_too_late", lang),
            say("alert.order_now", lang),
        )
        detail = [
            say("alert.cover_short", lang, cover=c, days=p, lead=lt, review=r)
            for c, p, lt, r in zip(cover[i], protection[i], lead[i], review[i], strict=True)
        ]
        frames.append(_frame(units, i, "STOCKOUT_RISK", severity, action, detail))
    if overstock.any() or dead.any():
        disposal = _Disposal.plan(units, health, demand)
    if overstock.any():
        i = np.flatnonzero(overstock)
        severity = np.where(cover[i] >= cover_cap, "high", "medium")
        action = disposal.actions(i, np.full(len(i), promote, dtype=object), lang)
        detail = [
            say(
                "alert.overstock",
                lang,
                at_least="≥ " if c >= cover_cap else "",
                cover=c,
                limit=settings.overstock_cover_days,
                qty=q,
                value=v,
            )
            for c, q, v in zip(
                cover[i], on_hand[i], health["stock_value"].to_numpy()[i], strict=True
            )
        ]
        frames.append(_frame(units, i, "OVERSTOCK", severity, action, detail))
    if low_sell.any():
        i = np.flatnonzero(low_sell)
        detail = [
            say("alert.low_sell_through", lang, rate=s, age=a)
            for s, a in zip(
                health["sell_through_30d"].to_numpy()[i],
                health["inventory_age_days"].to_numpy()[i],
                strict=True,
            )
        ]
        frames.append(
            _frame(
                units,
                i,
                "LOW_SELL_THROUGH",
                np.full(len(i), "low"),
                np.full(len(i), promote, dtype=object),
                detail,
            )
        )
    if dead.any():
        i = np.flatnonzero(dead)
        since = health["days_since_last_sale"].to_numpy()[i]
        detail = [
            (
                say("alert.no_sale_in", lang, days=s)
                if np.isfinite(s)
                else say("alert.never_sold", lang)
            )
            + say("alert.stock_worth", lang, qty=q, value=v)
            for s, q, v in zip(since, on_hand[i], health["stock_value"].to_numpy()[i], strict=True)
        ]
        frames.append(
            _frame(
                units,
                i,
                "DEAD_STOCK",
                np.full(len(i), "medium"),
                disposal.actions(i, _clearance(health, i, grade_actions or {}, lang), lang),
                detail,
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return sort_alerts(pd.concat(frames, ignore_index=True))


def sort_alerts(alerts: pd.DataFrame) -> pd.DataFrame:
    """Alerts most severe first, then by kind (:data:`ALERT_KINDS` order), SKU, warehouse."""
    order = alerts.assign(
        _order=alerts["severity"].map(SEVERITY_ORDER),
        _kind=alerts["alert"].map({k: n for n, k in enumerate(ALERT_KINDS)}),
    )
    return (
        order.sort_values(["_order", "_kind", "sku", "warehouse"], kind="stable")
        .drop(columns=["_order", "_kind"])
        .reset_index(drop=True)
    )


def _frame(
    units: pd.DataFrame,
    rows: np.ndarray,
    kind: AlertKind,
    severity: np.ndarray,
    action: np.ndarray,
    detail: list[str],
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": units["sku"].to_numpy()[rows],
            "warehouse": units["warehouse"].to_numpy()[rows],
            "name": units["name"].to_numpy()[rows],
            "alert": kind,
            "severity": severity,
            "action": action,
            "detail": detail,
        }
    )


def _clearance(
    health: pd.DataFrame, rows: np.ndarray, grade_actions: Mapping[str, str], lang: Lang
) -> np.ndarray:
    """The slow-mover grade's disposal action of each unit in ``rows``."""
    grades = health["grade"].to_numpy()[rows] if "grade" in health else np.full(len(rows), "")
    return np.array(
        [
            say("alert.clear_as_grade", lang, grade=g, action=grade_actions[g])
            if g in grade_actions
            else say("alert.clear", lang)
            for g in grades
        ],
        dtype=object,
    )


@dataclass(frozen=True)
class _Disposal:
    """How each unit's excess stock splits into transfer, return and the rest (see module doc)."""

    transfer: np.ndarray  # units to send to ``destination``
    destination: np.ndarray  # warehouse short of the same SKU ("" if none)
    returned: np.ndarray  # units to return to the supplier
    rest: np.ndarray  # excess left for the fallback action
    supplier: np.ndarray
    window: np.ndarray  # the supplier's return window, days

    @classmethod
    def plan(
        cls,
        units: pd.DataFrame,
        health: pd.DataFrame,
        demand: ForwardDemand,
    ) -> _Disposal:
        available = health["available"].to_numpy(dtype=float)
        on_order = health["on_order"].to_numpy(dtype=float)
        excess = np.clip(
            np.minimum(available, available + on_order - demand.overstock_window), 0.0, None
        )
        need = np.maximum(demand.protection - available - on_order, 0.0)
        transfer, destination = _transfers(units, excess, need)
        window = units["return_window_days"].to_numpy(dtype=float)
        returnable = np.where(window > 0, health["returnable"].to_numpy(dtype=float), 0.0)
        returned = np.floor(np.minimum(excess - transfer, returnable))
        return cls(
            transfer=transfer,
            destination=destination,
            returned=returned,
            rest=excess - transfer - returned,
            supplier=units["supplier"].to_numpy(),
            window=window,
        )

    def actions(self, rows: np.ndarray, fallback: np.ndarray, lang: Lang) -> np.ndarray:
        """The action in words of each unit in ``rows``; ``fallback`` handles what is left."""
        out = []
        for k, last in zip(rows, fallback, strict=True):
            parts = []
            if self.transfer[k] >= 1:
                parts.append(
                    say("alert.transfer", lang, qty=self.transfer[k], warehouse=self.destination[k])
                )
            if self.returned[k] >= 1:
                parts.append(
                    say(
                        "alert.return",
                        lang,
                        qty=self.returned[k],
                        supplier=self.supplier[k],
                        days=self.window[k],
                    )
                )
            if not parts:
                parts.append(str(last))
            elif self.rest[k] >= 1:
                parts.append(say("alert.remaining", lang, qty=self.rest[k], action=last))
            out.append(say("sep", lang).join(parts))
        return np.array(out, dtype=object)


def _transfers(
    units: pd.DataFrame, excess: np.ndarray, need: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Units each unit can send to the warehouse of the same SKU that needs most, and where.

    Several donors share that need, the one with the most excess giving first,
    so together they never send more than it needs. Only whole units of at
    least one are moved.
    """
    frame = pd.DataFrame(
        {"sku": units["sku"], "warehouse": units["warehouse"], "need": need, "excess": excess}
    )
    short = frame[frame["need"] >= 1]
    best = short.sort_values("need", ascending=False, kind="stable").drop_duplicates("sku")
    donors = frame[frame["excess"] >= 1].reset_index(names="unit")
    pairs = donors.merge(best[["sku", "warehouse", "need"]], on="sku", suffixes=("", "_to"))
    pairs = pairs[pairs["warehouse"] != pairs["warehouse_to"]]
    pairs = pairs.sort_values(["sku", "excess", "unit"], ascending=[True, False, True])
    given_before = pairs.groupby("sku")["excess"].cumsum() - pairs["excess"]
    sent = np.floor(np.clip(pairs["need_to"] - given_before, 0.0, pairs["excess"]))
    qty = np.zeros(len(units))
    destination = np.full(len(units), "", dtype=object)
    rows = pairs["unit"].to_numpy()
    qty[rows] = sent.to_numpy()
    destination[rows] = np.where(sent >= 1, pairs["warehouse_to"].to_numpy(), "")
    return qty, destination

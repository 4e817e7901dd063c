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
    high at the cover cap, else medium. Action: transfer to a warehouse short of
    the SKU, else promote.
LOW_SELL_THROUGH
    ``sell_through_30d`` below ``low_sell_through`` for stock older than
    ``low_sell_through_min_age_days``. Severity low. Action: promote.
DEAD_STOCK
    Stock on hand and no sale in ``dead_stock_days``. Severity medium. Action:
    clear, following the slow-mover grade.

An alert implied by a stronger one is not repeated: OUT_OF_STOCK replaces
STOCKOUT_RISK, DEAD_STOCK replaces OVERSTOCK and LOW_SELL_THROUGH. Discontinued
SKUs get no stock-out alerts (they are meant to sell out).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from forecaster.config import AlertSettings
from forecaster.units import protection_days

AlertKind = Literal["OUT_OF_STOCK", "STOCKOUT_RISK", "OVERSTOCK", "LOW_SELL_THROUGH", "DEAD_STOCK"]
ALERT_KINDS: tuple[AlertKind, ...] = (
    "OUT_OF_STOCK",
    "STOCKOUT_RISK",
    "OVERSTOCK",
    "LOW_SELL_THROUGH",
    "DEAD_STOCK",
)
Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: dict[Severity, int] = {"high": 0, "medium": 1, "low": 2}

COLUMNS = ["sku", "warehouse", "name", "alert", "severity", "action", "detail"]


def raise_alerts(
    units: pd.DataFrame,
    health: pd.DataFrame,
    demand_protection: np.ndarray,
    demand_daily: np.ndarray,
    next_eta: pd.Series,
    settings: AlertSettings,
    cover_cap: int,
) -> pd.DataFrame:
    """Every alert of every unit, most severe first.

    Parameters
    ----------
    units, health
        The planning units and their health metrics (aligned rows).
    demand_protection
        Forecast units over each unit's protection period (lead + review).
    demand_daily
        Mean forecast units per day over the protection period.
    next_eta
        Date of the unit's earliest open PO (NaT: none).
    """
    lead = units["lead_time_days"].to_numpy(dtype=float)
    review = units["review_period_days"].to_numpy(dtype=float)
    protection = protection_days(units).astype(float)
    cover = health["days_of_cover"].to_numpy(dtype=float)
    available = health["available"].to_numpy(dtype=float)
    on_hand = health["on_hand"].to_numpy(dtype=float)
    active = (units["status"] == "active").to_numpy()

    out_of_stock = active & (available <= 0) & (demand_protection > 0)
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
    eta_text = next_eta.dt.strftime("%Y-%m-%d").fillna("")
    on_order = health["on_order"].to_numpy(dtype=float)
    if out_of_stock.any():
        i = np.flatnonzero(out_of_stock)
        action = np.where(
            on_order[i] > 0,
            [
                f"expedite the open PO ({q:,.0f} units due {e})"
                for q, e in zip(on_order[i], eta_text.iloc[i], strict=True)
            ],
            "order now and expedite",
        )
        detail = [f"nothing available; forecast {d:.1f}/day" for d in demand_daily[i]]
        frames.append(_frame(units, i, "OUT_OF_STOCK", np.full(len(i), "high"), action, detail))
    if risk.any():
        i = np.flatnonzero(risk)
        severity = np.where(cover[i] < lead[i], "high", "medium")
        action = np.where(
            cover[i] < lead[i],
            "order now and expedite: an order today arrives after the stock runs out",
            "order now",
        )
        detail = [
            f"cover {c:.1f} d < {p:g} d protection ({lt:g} lead + {r:g} review)"
            for c, p, lt, r in zip(cover[i], protection[i], lead[i], review[i], strict=True)
        ]
        frames.append(_frame(units, i, "STOCKOUT_RISK", severity, action, detail))
    if overstock.any():
        i = np.flatnonzero(overstock)
        severity = np.where(cover[i] >= cover_cap, "high", "medium")
        transfers = _transfers(units, health, available, demand_daily, protection, settings)
        promote = "promote: the stock covers far more than the coming demand"
        action = np.array([transfers.get(int(k), promote) for k in i], dtype=object)
        detail = [
            f"cover {'≥ ' if c >= cover_cap else ''}{c:.0f} d > {settings.overstock_cover_days} d; "
            f"{q:,.0f} on hand worth {v:,.0f}"
            for c, q, v in zip(
                cover[i], on_hand[i], health["stock_value"].to_numpy()[i], strict=True
            )
        ]
        frames.append(
            _frame(units, i, "OVERSTOCK", severity, np.asarray(action, dtype=object), detail)
        )
    if low_sell.any():
        i = np.flatnonzero(low_sell)
        detail = [
            f"sell-through {s:.0%} over the last 30 d; stock {a:.0f} d old"
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
                np.full(len(i), "promote: discount, bundle or feature it", dtype=object),
                detail,
            )
        )
    if dead.any():
        i = np.flatnonzero(dead)
        since = health["days_since_last_sale"].to_numpy()[i]
        detail = [
            ("never sold" if not np.isfinite(s) else f"no sale in {s:.0f} d")
            + f"; {q:,.0f} on hand worth {v:,.0f}"
            for s, q, v in zip(since, on_hand[i], health["stock_value"].to_numpy()[i], strict=True)
        ]
        frames.append(
            _frame(
                units,
                i,
                "DEAD_STOCK",
                np.full(len(i), "medium"),
                np.full(
                    len(i), "clear: follow the slow-mover grade's disposal action", dtype=object
                ),
                detail,
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    alerts = pd.concat(frames, ignore_index=True)
    alerts["_order"] = alerts["severity"].map(SEVERITY_ORDER)
    alerts["_kind"] = alerts["alert"].map({k: n for n, k in enumerate(ALERT_KINDS)})
    return (
        alerts.sort_values(["_order", "_kind", "sku", "warehouse"], kind="stable")
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


def _transfers(
    units: pd.DataFrame,
    health: pd.DataFrame,
    available: np.ndarray,
    demand_daily: np.ndarray,
    protection: np.ndarray,
    settings: AlertSettings,
) -> dict[int, str]:
    """Transfer actions for overstocked units whose SKU is short in another warehouse.

    The excess is the stock beyond ``overstock_cover_days`` of forecast demand;
    the need of the short warehouse is its demand over its protection period
    minus what it has and has on order. The transfer is the smaller of the two.
    """
    need = np.maximum(demand_daily * protection - available - health["on_order"].to_numpy(), 0.0)
    excess = np.maximum(available - demand_daily * settings.overstock_cover_days, 0.0)
    frame = pd.DataFrame(
        {"sku": units["sku"], "warehouse": units["warehouse"], "need": need, "excess": excess}
    )
    short = frame[frame["need"] >= 1]
    best = short.sort_values("need", ascending=False, kind="stable").drop_duplicates("sku")
    donors = frame[frame["excess"] >= 1].reset_index(names="unit")
    pairs = donors.merge(best[["sku", "warehouse", "need"]], on="sku", suffixes=("", "_to"))
    pairs = pairs[pairs["warehouse"] != pairs["warehouse_to"]]
    qty = np.minimum(pairs["excess"], pairs["need_to"])
    return {
        int(unit): f"transfer {q:,.0f} units to {to}"
        for unit, q, to in zip(pairs["unit"], qty, pairs["warehouse_to"], strict=True)
        if q >= 1
    }

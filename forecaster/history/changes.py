"""Week over week: this run's order and order-up-to per unit against the previous run's,
with the reason for the change in words. Listed are the units whose suggested order
changed and those with a reason other than the stock position (the position moves
nearly every week, as stock sells): the Changes sheet is what a planner reads.

The reasons, each named when it applies (joined by "; "):

* the unit is **new** (not in the previous run);
* the **forecast** over the protection period moved by :data:`FORECAST_MOVE` or more
  ("forecast up 40% (demand over protection 90 → 126)"), followed by what last week
  sold against the previous run's forecast of it when that was off by
  :data:`SURPRISE` or more ("after 150 sold last week against 100 forecast");
* a **PO arrived** (on order fell), or a new PO is on order (on order rose); else the
  stock position moved (the units sold since);
* the **safety stock** moved by :data:`FORECAST_MOVE` or more (the spread of the demand
  over the protection period, or the stock its class's allocation gives the unit);
* the **lead time** changed;
* the **ABC class** changed.

When none of these explains a move of the order-up-to level (the forecast and the safety
stock each moved less than :data:`FORECAST_MOVE`), the move is named with both of them
("order-up-to 2,526 → 2,308: demand over protection 1,800 → 1,690, safety stock 726 →
618"); such a unit is listed only if its order changed.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import say

#: Relative move of the demand over the protection period that counts as a forecast change.
FORECAST_MOVE: Final = 0.10
#: Last week's sales this far (as a share) above or below their forecast are named.
SURPRISE: Final = 0.20
#: Units of change below which a quantity counts as unchanged (rounding).
UNIT: Final = 0.5

#: Columns of :func:`week_over_week`.
CHANGE_COLUMNS: Final = [
    "sku",
    "warehouse",
    "name",
    "previous_order",
    "suggested_order",
    "order_change",
    "previous_order_up_to",
    "order_up_to",
    "order_up_to_change",
    "reason",
]


def week_over_week(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    last_week: pd.DataFrame,
    previous_as_of: pd.Timestamp,
    lang: Lang,
) -> pd.DataFrame:
    """Each unit of ``current`` against its row of ``previous``, largest change first.

    Parameters
    ----------
    current, previous
        Per unit: ``sku``, ``warehouse``, ``abc_class``, ``lead_time_days``, ``on_hand``,
        ``on_order``, ``position``, ``demand_over_p``, ``safety_stock``, ``order_up_to``,
        ``suggested_order``
        (``current`` also ``name``): the ``plans`` rows of this run and the previous one.
    last_week
        ``sku``, ``warehouse``, ``forecast``, ``actual``: the previous run's forecast of
        the week since (lag 1) and what sold (may be empty).
    previous_as_of
        The previous run's as-of date (named for new units).

    Returns
    -------
    pandas.DataFrame
        :data:`CHANGE_COLUMNS`, by absolute order change, then order-up-to change.
    """
    keys = ["sku", "warehouse"]
    before = previous.drop(columns=[c for c in ("name",) if c in previous]).add_suffix("_before")
    before = before.rename(columns={f"{k}_before": k for k in keys})
    surprise = last_week[[*keys, "forecast", "actual"]].rename(
        columns={"forecast": "week_forecast", "actual": "week_actual"}
    )
    frame = current.merge(before, on=keys, how="left").merge(surprise, on=keys, how="left")
    frame = frame[_may_be_listed(frame)].reset_index(drop=True)
    # the text columns as Python objects in bulk: iterating Arrow text goes value by value
    rows = frame.drop(columns=[*keys, "name"])
    rows = rows.astype({c: object for c in rows.columns if rows[c].dtype.kind not in "biuf"})
    said = [_reason(row, previous_as_of, lang) for row in rows.itertuples(index=False)]
    reasons = [text for text, _ in said]
    notable = np.array([named for _, named in said], dtype=bool)
    out = pd.DataFrame(
        {
            "sku": frame["sku"],
            "warehouse": frame["warehouse"],
            "name": frame["name"],
            "previous_order": frame["suggested_order_before"],
            "suggested_order": frame["suggested_order"],
            "order_change": frame["suggested_order"] - frame["suggested_order_before"],
            "previous_order_up_to": frame["order_up_to_before"],
            "order_up_to": frame["order_up_to"],
            "order_up_to_change": frame["order_up_to"] - frame["order_up_to_before"],
            "reason": pd.Series(reasons, dtype="str"),
        }
    )
    out = out[notable | (out["order_change"].abs() >= UNIT).to_numpy()]
    order = np.lexsort(
        (
            out["sku"].to_numpy(),
            -out["order_up_to_change"].abs().fillna(np.inf).to_numpy(),
            -out["order_change"].abs().fillna(np.inf).to_numpy(),
        )
    )
    return out.iloc[order].reset_index(drop=True)[CHANGE_COLUMNS]


def _may_be_listed(frame: pd.DataFrame) -> np.ndarray:
    """The merged rows that can be listed: new units, orders that changed, and those
    where a reason other than the stock position may apply (:func:`_reason` decides).
    The rest (only the position and with it perhaps the order-up-to moved, the order
    the same) are left out before their reasons are put in words."""

    def moved(column: str, share: float = 0.0) -> np.ndarray:
        now, before = frame[column].to_numpy(float), frame[f"{column}_before"].to_numpy(float)
        change = np.abs(now - before)
        return np.asarray((change >= UNIT) & (change >= share * np.abs(before)))

    lead_before = frame["lead_time_days_before"].to_numpy(float)
    class_before = frame["abc_class_before"].astype(object).to_numpy()
    return np.asarray(
        frame["order_up_to_before"].isna().to_numpy()
        | moved("suggested_order")
        | moved("demand_over_p", FORECAST_MOVE)
        | moved("on_order")
        | moved("safety_stock", FORECAST_MOVE)
        | (frame["lead_time_days"].to_numpy(float) != lead_before)
        | (frame["abc_class"].astype(object).to_numpy() != class_before)
    )


def _reason(row: object, previous_as_of: pd.Timestamp, lang: Lang) -> tuple[str, bool]:
    """The reasons of one merged row, in ``lang``, and whether one is more than the stock
    position moving."""
    get = row.__getattribute__
    if pd.isna(get("order_up_to_before")):
        return say("change.new", lang, date=f"{previous_as_of:%Y-%m-%d}"), True
    parts = []
    position = False
    demand, demand_before = float(get("demand_over_p")), float(get("demand_over_p_before"))
    moved = demand - demand_before
    if abs(moved) >= UNIT and abs(moved) >= FORECAST_MOVE * max(demand_before, 0.0):
        key = "change.forecast_up" if moved > 0 else "change.forecast_down"
        share = abs(moved) / demand_before if demand_before > 0 else np.inf
        text = say(key, lang, share=share, before=demand_before, after=demand)
        forecast, actual = get("week_forecast"), get("week_actual")
        if pd.notna(forecast) and abs(actual - forecast) >= SURPRISE * max(forecast, UNIT):
            text += say("change.last_week", lang, actual=actual, forecast=forecast)
        parts.append(text)
    on_order, on_order_before = float(get("on_order")), float(get("on_order_before"))
    on_hand, on_hand_before = float(get("on_hand")), float(get("on_hand_before"))
    if on_order_before - on_order >= UNIT:
        parts.append(
            say(
                "change.po_arrived",
                lang,
                before=on_order_before,
                after=on_order,
                on_hand_before=on_hand_before,
                on_hand=on_hand,
            )
        )
    elif on_order - on_order_before >= UNIT:
        parts.append(say("change.po_placed", lang, before=on_order_before, after=on_order))
    elif abs(float(get("position")) - float(get("position_before"))) >= UNIT:
        position = True
        parts.append(
            say(
                "change.position",
                lang,
                before=float(get("position_before")),
                after=float(get("position")),
            )
        )
    safety, safety_before = float(get("safety_stock")), float(get("safety_stock_before"))
    if abs(safety - safety_before) >= max(UNIT, FORECAST_MOVE * abs(safety_before)):
        parts.append(say("change.safety", lang, before=safety_before, after=safety))
    lead, lead_before = float(get("lead_time_days")), float(get("lead_time_days_before"))
    if lead != lead_before:
        parts.append(say("change.lead_time", lang, before=lead_before, after=lead))
    if get("abc_class") != get("abc_class_before"):
        parts.append(
            say("change.abc_class", lang, before=get("abc_class_before"), after=get("abc_class"))
        )
    named = len(parts) > position
    up_to, up_to_before = float(get("order_up_to")), float(get("order_up_to_before"))
    if len(parts) == position and abs(up_to - up_to_before) >= UNIT:
        # forecast and safety stock each moved less than FORECAST_MOVE, together this much
        parts.append(
            say(
                "change.order_up_to",
                lang,
                before=up_to_before,
                after=up_to,
                demand_before=demand_before,
                demand=demand,
                safety_before=safety_before,
                safety=safety,
            )
        )
    return say("sep", lang).join(parts), named

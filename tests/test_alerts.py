"""Tests of forecaster.inventory.alerts: one unit per alert kind, precedence, severity, actions.

Every unit has lead time 14 d and review 7 d (protection 21 d) unless a test says otherwise;
thresholds are the defaults: overstock above 90 d of cover, low sell-through below 0.2 for
stock older than 30 d, dead stock after 90 d without a sale; the cover cap is 365 d.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from forecaster.config import AlertSettings, Settings
from forecaster.glossary import say
from forecaster.inventory.alerts import ALERT_KINDS, COLUMNS, ForwardDemand, raise_alerts

CAP = 365
GRADE_ACTIONS = {g: a.action for g, a in Settings().slow_movers.grades.items()}

#: A healthy unit: 40 d of cover, selling well, young stock, no alert.
HEALTHY: dict[str, object] = {
    "sku": "A",
    "warehouse": "",
    "name": "Alpha",
    "status": "active",
    "lead_time_days": 14.0,
    "review_period_days": 7.0,
    "on_hand": 80.0,
    "available": 80.0,
    "on_order": 0.0,
    "days_of_cover": 40.0,
    "sell_through_30d": 0.5,
    "inventory_age_days": 20.0,
    "days_since_last_sale": 1.0,
    "stock_value": 400.0,
    "returnable": 0.0,
    "grade": "",
    "supplier": "SUP",
    "return_window_days": 0.0,
    "demand_daily": 2.0,
    "eta": pd.NaT,
}

UNIT_COLUMNS = [
    "sku",
    "warehouse",
    "name",
    "status",
    "lead_time_days",
    "review_period_days",
    "supplier",
    "return_window_days",
]
HEALTH_COLUMNS = [
    "sku",
    "warehouse",
    "on_hand",
    "available",
    "on_order",
    "days_of_cover",
    "sell_through_30d",
    "inventory_age_days",
    "days_since_last_sale",
    "stock_value",
    "returnable",
    "grade",
]

PROMOTE = say("alert.promote", "en")


def alerts_for(*rows: Mapping[str, object], settings: AlertSettings | None = None) -> pd.DataFrame:
    """Run :func:`raise_alerts` on units built from ``rows`` (missing fields from HEALTHY).

    Demand is ``demand_daily`` on every day: over the protection period and over the
    overstock window (90 d by default) alike.
    """
    settings = settings or AlertSettings()
    table = pd.DataFrame([{**HEALTHY, **row} for row in rows])
    daily = table["demand_daily"].to_numpy(dtype=float)
    protection = (table["lead_time_days"] + table["review_period_days"]).to_numpy(dtype=float)
    demand = ForwardDemand(
        daily * protection, daily * settings.overstock_cover_days, pd.to_datetime(table["eta"])
    )
    return raise_alerts(
        table[UNIT_COLUMNS], table[HEALTH_COLUMNS], demand, settings, CAP, GRADE_ACTIONS
    )


def kinds(alerts: pd.DataFrame, sku: str = "A") -> list[str]:
    return sorted(alerts.loc[alerts["sku"] == sku, "alert"])


def only(alerts: pd.DataFrame, sku: str = "A") -> pd.Series:
    rows = alerts[alerts["sku"] == sku]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_healthy_unit_has_no_alert() -> None:
    """40 d cover (>= 21, <= 90), sell-through 0.5, sold yesterday: nothing to say."""
    alerts = alerts_for({})
    assert alerts.empty
    assert list(alerts.columns) == COLUMNS


def test_out_of_stock_without_po() -> None:
    """Nothing available, 2/day forecast: OUT_OF_STOCK, high, order now and expedite."""
    alerts = alerts_for({"on_hand": 0.0, "available": 0.0, "days_of_cover": 0.0})
    alert = only(alerts)
    assert alert["alert"] == "OUT_OF_STOCK"
    assert alert["severity"] == "high"
    assert alert["action"] == "order now and expedite"
    assert alert["detail"] == "nothing available; forecast 2.0/day"


def test_out_of_stock_with_open_po_says_expedite_it() -> None:
    """An open PO of 120 due 2026-04-10: the action names it."""
    alert = only(
        alerts_for(
            {
                "on_hand": 0.0,
                "available": 0.0,
                "days_of_cover": 3.0,
                "on_order": 120.0,
                "eta": "2026-04-10",
            }
        )
    )
    assert alert["alert"] == "OUT_OF_STOCK"
    assert alert["action"] == "expedite the open PO (120 units due 2026-04-10)"


def test_all_stock_allocated_is_out_of_stock() -> None:
    """On hand 30, all 30 allocated: available 0 -> OUT_OF_STOCK."""
    alerts = alerts_for({"on_hand": 30.0, "available": 0.0, "days_of_cover": 0.0})
    assert kinds(alerts) == ["OUT_OF_STOCK"]


def test_no_demand_no_stock_is_not_out_of_stock() -> None:
    """Nothing on hand and no forecast demand: nothing is missing."""
    alerts = alerts_for(
        {"on_hand": 0.0, "available": 0.0, "days_of_cover": np.nan, "demand_daily": 0.0}
    )
    assert alerts.empty


def test_stockout_risk_high_when_cover_below_lead_time() -> None:
    """Cover 10 d < lead 14 d: an order today arrives too late -> high."""
    alert = only(alerts_for({"days_of_cover": 10.0}))
    assert alert["alert"] == "STOCKOUT_RISK"
    assert alert["severity"] == "high"
    assert alert["action"].startswith("order now and expedite")
    assert alert["detail"] == "cover 10.0 d < 21 d protection (14 lead + 7 review)"


def test_stockout_risk_medium_between_lead_time_and_protection() -> None:
    """14 <= cover 18 d < 21 d protection -> medium, order now."""
    alert = only(alerts_for({"days_of_cover": 18.0}))
    assert alert["alert"] == "STOCKOUT_RISK"
    assert alert["severity"] == "medium"
    assert alert["action"] == "order now"


@pytest.mark.parametrize("cover", [21.0, 30.0])
def test_no_stockout_risk_at_or_above_protection(cover: float) -> None:
    """Cover >= 21 d protection: no risk."""
    assert alerts_for({"days_of_cover": cover}).empty


def test_out_of_stock_replaces_stockout_risk() -> None:
    """Cover 0 < 21 would be a risk, but OUT_OF_STOCK is stronger and the only alert."""
    alerts = alerts_for({"on_hand": 0.0, "available": 0.0, "days_of_cover": 0.0})
    assert kinds(alerts) == ["OUT_OF_STOCK"]


def test_discontinued_gets_no_stockout_alerts() -> None:
    """Discontinued SKUs are meant to sell out: neither OUT_OF_STOCK nor STOCKOUT_RISK."""
    alerts = alerts_for(
        {"sku": "A", "status": "discontinued", "on_hand": 0.0, "available": 0.0},
        {"sku": "B", "status": "discontinued", "days_of_cover": 5.0},
    )
    assert alerts.empty


def test_overstock_medium_promotes() -> None:
    """Cover 200 d > 90: OVERSTOCK medium (below the 365 cap), promote."""
    alert = only(alerts_for({"days_of_cover": 200.0, "on_hand": 400.0, "stock_value": 2000.0}))
    assert alert["alert"] == "OVERSTOCK"
    assert alert["severity"] == "medium"
    assert alert["action"] == PROMOTE
    assert alert["detail"] == "cover 200 d > 90 d; 400 on hand worth 2,000"


def test_overstock_at_cap_is_high() -> None:
    """Cover at the 365 d cap -> high, detail says '≥ 365'."""
    alert = only(alerts_for({"days_of_cover": 365.0}))
    assert alert["alert"] == "OVERSTOCK"
    assert alert["severity"] == "high"
    assert alert["detail"].startswith("cover ≥ 365 d > 90 d")


def test_overstock_boundary() -> None:
    """Cover exactly 90 d is not above 90: no alert."""
    assert alerts_for({"days_of_cover": 90.0}).empty


def test_low_sell_through() -> None:
    """Sell-through 0.1 < 0.2 and stock 45 d old > 30: LOW_SELL_THROUGH, low, promote."""
    alert = only(alerts_for({"sell_through_30d": 0.1, "inventory_age_days": 45.0}))
    assert alert["alert"] == "LOW_SELL_THROUGH"
    assert alert["severity"] == "low"
    assert alert["action"].startswith("promote")
    assert alert["detail"] == "sell-through 10% over the last 30 d; stock 45 d old"


@pytest.mark.parametrize("age", [10.0, 30.0, np.nan])
def test_low_sell_through_needs_old_stock(age: float) -> None:
    """Young (10 d), borderline (30 d, not older than 30) or unknown age: no alert."""
    assert alerts_for({"sell_through_30d": 0.1, "inventory_age_days": age}).empty


def test_dead_stock() -> None:
    """No sale in 120 d >= 90: DEAD_STOCK, medium, clear as its slow-mover grade (B) says."""
    alert = only(alerts_for({"days_since_last_sale": 120.0, "days_of_cover": 60.0, "grade": "B"}))
    assert alert["alert"] == "DEAD_STOCK"
    assert alert["severity"] == "medium"
    assert alert["action"] == f"clear as grade B ({GRADE_ACTIONS['B']})"
    assert alert["detail"] == "no sale in 120 d; 80 on hand worth 400"


def test_dead_stock_never_sold() -> None:
    """Never sold (infinite days since the last sale): 'never sold' in the detail."""
    alert = only(alerts_for({"days_since_last_sale": np.inf, "days_of_cover": 60.0}))
    assert alert["alert"] == "DEAD_STOCK"
    assert alert["detail"].startswith("never sold")


def test_dead_stock_replaces_overstock_and_low_sell_through() -> None:
    """Cover 365, sell-through 0, stock 200 d old, no sale in 150 d: only DEAD_STOCK."""
    alerts = alerts_for(
        {
            "days_of_cover": 365.0,
            "sell_through_30d": 0.0,
            "inventory_age_days": 200.0,
            "days_since_last_sale": 150.0,
        }
    )
    assert kinds(alerts) == ["DEAD_STOCK"]


def test_overstock_and_low_sell_through_together_without_dead_stock() -> None:
    """Cover 200 d and sell-through 0.05 on 60 d old stock, sold 20 d ago: both alerts."""
    alerts = alerts_for(
        {
            "days_of_cover": 200.0,
            "sell_through_30d": 0.05,
            "inventory_age_days": 60.0,
            "days_since_last_sale": 20.0,
        }
    )
    assert kinds(alerts) == ["LOW_SELL_THROUGH", "OVERSTOCK"]


def test_no_stock_no_overstock_or_dead_stock() -> None:
    """Nothing on hand: never OVERSTOCK nor DEAD_STOCK (days_of_cover from inbound POs only)."""
    alerts = alerts_for(
        {
            "on_hand": 0.0,
            "available": 0.0,
            "days_of_cover": 200.0,
            "days_since_last_sale": 200.0,
            "demand_daily": 0.0,
        }
    )
    assert alerts.empty


def test_every_alert_has_an_action_and_most_severe_come_first() -> None:
    """One unit per kind; all actions non-empty; order high, medium, low then by kind."""
    alerts = alerts_for(
        {"sku": "OOS", "on_hand": 0.0, "available": 0.0, "days_of_cover": 0.0},
        {"sku": "RISK", "days_of_cover": 18.0},
        {"sku": "OVER", "days_of_cover": 365.0},
        {"sku": "LOW", "sell_through_30d": 0.1, "inventory_age_days": 45.0},
        {"sku": "DEAD", "days_since_last_sale": 100.0},
    )
    assert set(alerts["alert"]) == set(ALERT_KINDS) - {"FORECAST_BIAS"}  # raised from the archive
    assert (alerts["action"].str.len() > 0).all()
    assert (alerts["detail"].str.len() > 0).all()
    assert alerts["sku"].tolist() == ["OOS", "OVER", "RISK", "DEAD", "LOW"]
    assert alerts["severity"].tolist() == ["high", "high", "medium", "medium", "low"]


def test_thresholds_come_from_settings() -> None:
    """overstock_cover_days = 30: a 40 d cover becomes OVERSTOCK."""
    alerts = alerts_for({}, settings=AlertSettings(overstock_cover_days=30))
    assert kinds(alerts) == ["OVERSTOCK"]


# --------------------------------------------------------------------------- transfers


def test_overstock_transfers_to_short_warehouse_need_limited() -> None:
    """SKU X. W1: available 500, 1/day -> excess 500 - 1 x 90 = 410.
    W2: available 20, on order 30, 5/day -> need 5 x 21 - 20 - 30 = 55.
    Transfer min(410, 55) = 55 units to W2."""
    alerts = alerts_for(
        {
            "sku": "X",
            "warehouse": "W1",
            "available": 500.0,
            "on_hand": 500.0,
            "days_of_cover": 365.0,
            "demand_daily": 1.0,
        },
        {
            "sku": "X",
            "warehouse": "W2",
            "available": 20.0,
            "on_hand": 20.0,
            "on_order": 30.0,
            "days_of_cover": 10.0,
            "demand_daily": 5.0,
        },
    )
    over = alerts[alerts["alert"] == "OVERSTOCK"].iloc[0]
    assert over["warehouse"] == "W1"
    assert over["action"] == f"transfer 55 units to W2; the remaining 355: {PROMOTE}"


def test_overstock_transfers_to_short_warehouse_excess_limited() -> None:
    """W1: available 120, 1/day -> excess 120 - 90 = 30. W2: 0 available, 5/day -> need
    5 x 21 = 105. Transfer min(30, 105) = 30 units to W2."""
    alerts = alerts_for(
        {
            "sku": "X",
            "warehouse": "W1",
            "available": 120.0,
            "on_hand": 120.0,
            "days_of_cover": 120.0,
            "demand_daily": 1.0,
        },
        {
            "sku": "X",
            "warehouse": "W2",
            "available": 0.0,
            "on_hand": 0.0,
            "days_of_cover": 0.0,
            "demand_daily": 5.0,
        },
    )
    over = alerts[alerts["alert"] == "OVERSTOCK"].iloc[0]
    assert over["action"] == "transfer 30 units to W2"
    assert only(alerts[alerts["warehouse"] == "W2"], "X")["alert"] == "OUT_OF_STOCK"


def test_two_donors_share_one_need() -> None:
    """W2 needs 5 x 21 = 105. W1: 150 available at 1/day -> excess 60; W3: 140 -> excess 50.
    W1 (more excess) gives its 60, W3 the other 45 (not its whole 50)."""
    alerts = alerts_for(
        {"sku": "X", "warehouse": "W1", "available": 150.0, "on_hand": 150.0,
         "days_of_cover": 150.0, "demand_daily": 1.0},
        {"sku": "X", "warehouse": "W2", "available": 0.0, "on_hand": 0.0,
         "days_of_cover": 0.0, "demand_daily": 5.0},
        {"sku": "X", "warehouse": "W3", "available": 140.0, "on_hand": 140.0,
         "days_of_cover": 140.0, "demand_daily": 1.0},
    )  # fmt: skip
    over = alerts[alerts["alert"] == "OVERSTOCK"].set_index("warehouse")["action"]
    assert over["W1"] == "transfer 60 units to W2"
    assert over["W3"] == f"transfer 45 units to W2; the remaining 5: {PROMOTE}"


def test_no_transfer_to_another_sku_or_a_well_stocked_warehouse() -> None:
    """Y is short but is another SKU; X in W2 has 200 available >= need 105: promote instead."""
    alerts = alerts_for(
        {"sku": "X", "warehouse": "W1", "available": 500.0, "on_hand": 500.0,
         "days_of_cover": 365.0, "demand_daily": 1.0},
        {"sku": "X", "warehouse": "W2", "available": 200.0, "on_hand": 200.0,
         "days_of_cover": 40.0, "demand_daily": 5.0},
        {"sku": "Y", "warehouse": "W2", "available": 0.0, "on_hand": 0.0,
         "days_of_cover": 0.0, "demand_daily": 5.0},
    )  # fmt: skip
    over = alerts[alerts["alert"] == "OVERSTOCK"].iloc[0]
    assert over["sku"] == "X"
    assert over["action"].startswith("promote")


# --------------------------------------------------------------------------- returns to supplier

#: Overstocked: 500 available at 1/day -> excess 500 - 1 x 90 = 410 units.
OVER: dict[str, object] = {
    "available": 500.0,
    "on_hand": 500.0,
    "days_of_cover": 365.0,
    "demand_daily": 1.0,
}


def test_overstock_returns_young_stock_and_promotes_the_rest() -> None:
    """Supplier takes returns within 60 d; 100 units on hand are younger: return 100,
    promote the other 410 - 100 = 310."""
    alert = only(alerts_for({**OVER, "return_window_days": 60.0, "returnable": 100.0}))
    assert alert["action"] == (
        "return 100 units to SUP (received within its 60-day return window); "
        f"the remaining 310: {PROMOTE}"
    )


def test_return_limited_to_the_excess() -> None:
    """All 500 units are returnable but only the excess of 410 goes back."""
    alert = only(alerts_for({**OVER, "return_window_days": 60.0, "returnable": 500.0}))
    assert alert["action"] == "return 410 units to SUP (received within its 60-day return window)"


def test_no_return_when_the_supplier_takes_none() -> None:
    """Return window 0: the supplier takes no returns, whatever the age: promote."""
    alert = only(alerts_for({**OVER, "return_window_days": 0.0, "returnable": 500.0}))
    assert alert["action"] == PROMOTE


def test_open_pos_shrink_the_excess() -> None:
    """Available 200 and 100 on order at 2/day: 300 - 180 = 120 excess (<= 200 available)."""
    alert = only(
        alerts_for(
            {
                **OVER,
                "available": 200.0,
                "on_hand": 200.0,
                "on_order": 100.0,
                "demand_daily": 2.0,
                "return_window_days": 30.0,
                "returnable": 200.0,
            }
        )
    )
    assert alert["action"].startswith("return 120 units to SUP")


def test_transfer_comes_before_return_before_promotion() -> None:
    """W1 excess 410: transfer 55 to W2 (need 5 x 21 - 50), return the 100 young units,
    promote the remaining 410 - 55 - 100 = 255."""
    alerts = alerts_for(
        {"sku": "X", "warehouse": "W1", **OVER, "return_window_days": 45.0, "returnable": 100.0},
        {"sku": "X", "warehouse": "W2", "available": 50.0, "on_hand": 50.0,
         "days_of_cover": 10.0, "demand_daily": 5.0},
    )  # fmt: skip
    over = alerts[alerts["alert"] == "OVERSTOCK"].iloc[0]
    assert over["action"] == (
        "transfer 55 units to W2; "
        "return 100 units to SUP (received within its 45-day return window); "
        f"the remaining 255: {PROMOTE}"
    )


def test_dead_stock_returns_first_then_clears_as_its_grade() -> None:
    """Dead stock of 500 at no demand: excess 500; 120 returnable; the other 380 cleared as C."""
    alert = only(
        alerts_for(
            {
                **OVER,
                "demand_daily": 0.0,
                "days_since_last_sale": 200.0,
                "grade": "C",
                "return_window_days": 90.0,
                "returnable": 120.0,
            }
        )
    )
    assert alert["alert"] == "DEAD_STOCK"
    assert alert["action"] == (
        "return 120 units to SUP (received within its 90-day return window); "
        f"the remaining 380: clear as grade C ({GRADE_ACTIONS['C']})"
    )

"""Tests of forecaster.inventory.minimum_order: topping an order up to the supplier's minimum.

Each line is given by hand: position, suggested order, daily demand (demand over a 10-day
protection period / 10), case pack, MOQ and unit cost. Supplier S has a minimum order value
of 200 unless a test says otherwise; the cover cap is 180 days.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from forecaster.config import ReplenishmentSettings
from forecaster.inventory.minimum_order import top_up_to_minimum
from forecaster.inventory.replenishment import supplier_orders

AS_OF = pd.Timestamp("2026-03-31")
LINE: dict[str, object] = {
    "supplier": "S",
    "position": 0.0,
    "order": 20.0,
    "daily": 2.0,
    "case_pack": 10.0,
    "moq": 0.0,
    "unit_cost": 5.0,
    "orderable": True,
}


def top_up(*rows: Mapping[str, object], minimum: float = 200.0, cap: int = 180) -> pd.DataFrame:
    table = pd.DataFrame([{**LINE, **row} for row in rows])
    ordered = table["order"] > 0
    lines = pd.DataFrame(
        {
            "sku": [f"L{i}" for i in range(len(table))],
            "supplier": table["supplier"],
            "position": table["position"],
            "suggested_order": table["order"],
            "cases": table["order"] / table["case_pack"],
            "order_value": table["order"] * table["unit_cost"],
            "demand_over_p": table["daily"] * 10,
            "protection_days": 10,
            "orderable": table["orderable"],
            "order_by": pd.Series(AS_OF, index=table.index).where(ordered),
            "expected_arrival": pd.Series(AS_OF + pd.Timedelta(days=7), index=table.index).where(
                ordered
            ),
            "why": "base",
        }
    )
    units = table[["case_pack", "moq", "unit_cost"]].assign(lead_time_days=7.0)
    suppliers = pd.DataFrame({"supplier": ["S", "T"], "min_order_value": [minimum, 0.0]})
    return top_up_to_minimum(
        lines, units, suppliers, ReplenishmentSettings(max_cover_days=cap), AS_OF
    )


def test_whole_cases_until_the_minimum() -> None:
    """20 units x 5 = 100 < 200: +10 (150), +10 (200): 40 units, 4 cases."""
    line = top_up({}).iloc[0]
    assert (line["suggested_order"], line["cases"], line["order_value"]) == (40, 4, 200)
    assert line["why"] == "base; topped up by 20 to reach S's minimum order value 200"


def test_the_line_that_runs_out_first_gets_the_cases() -> None:
    """L0 covers (0 + 20) / 2 = 10 d after its order, L1 (60 + 20) / 1 = 80 d: value 200 is
    short by 0; with minimum 300: L0 takes +10 (cover 15), +10 (20) -> 300."""
    lines = top_up({}, {"position": 60.0, "daily": 1.0}, minimum=300)
    assert lines["suggested_order"].tolist() == [40, 20]
    assert lines["why"].tolist()[1] == "base"


def test_a_line_without_order_starts_at_its_moq_in_whole_cases() -> None:
    """L0 has 100 days of cover after its order; L1 orders nothing (position 10, 1/day:
    10 d), MOQ 25 -> its first top-up is 3 cases = 30 units (value 150): 100 + 150 = 250."""
    lines = top_up(
        {"position": 180.0, "daily": 2.0},
        {"position": 10.0, "daily": 1.0, "order": 0.0, "moq": 25.0},
    )
    assert lines["suggested_order"].tolist() == [20, 30]
    assert lines["order_by"].iloc[1] == AS_OF
    assert lines["expected_arrival"].iloc[1] == AS_OF + pd.Timedelta(days=7)


def test_no_line_beyond_the_cover_cap_so_the_order_stays_below() -> None:
    """Cap 30 d at 1/day: 20 -> 30 units (cover 30, value 150); another case would be 40 d.
    The order stays at 150 < 200 and supplier_orders still flags it."""
    lines = top_up({"daily": 1.0}, cap=30)
    assert lines["suggested_order"].tolist() == [30]
    totals = supplier_orders(
        lines.assign(name="", sku=lines["sku"]),
        pd.DataFrame({"supplier": ["S"], "name": [""], "min_order_value": [200.0]}),
    )
    assert bool(totals["below_minimum"].iloc[0])


@pytest.mark.parametrize(
    "rows",
    [
        ({"order": 0.0},),  # nothing ordered from S: no order to top up
        ({"supplier": "T"},),  # T has no minimum
        ({"order": 40.0},),  # 40 x 5 = 200 already meets it
    ],
)
def test_left_alone(rows: tuple[dict[str, object], ...]) -> None:
    lines = top_up(*rows)
    assert lines["suggested_order"].tolist() == [rows[0].get("order", 20.0)]
    assert lines["why"].tolist() == ["base"]


def test_declining_or_discontinued_lines_are_never_topped_up() -> None:
    """Minimum 300, 200 ordered: L0 runs out first but is not orderable; L1 takes two cases."""
    lines = top_up({"orderable": False}, {"position": 40.0}, minimum=300)
    assert lines["suggested_order"].tolist() == [20, 40]

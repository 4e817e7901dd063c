"""`forecaster run` on a tiny shop whose numbers are computed by hand, read back from Excel.

The shop, as of 2026-03-28 (P = lead + review). ABC by revenue over 365 days (units x
price): A 600 x 10 = 6,000, C 91 x 5 = 455, D 20 x 20 = 400, B 3 x 30 = 90 (total 6,945);
revenue above each: A 0% -> class A (98% fill), C 86.4% and D 92.9% -> B (95%), B 98.7% -> C.

A  supplier S1, lead 7, review 7 (P 14), cost 4, MOQ 50, case 12. Sells 5 a day
   for 120 days; 40 on hand; PO of 20 due 2026-03-31; last receipt 5 days ago.
   Forecast 5/day: every model forecasts a constant 35 a week, spread over the
   weekdays by A's own flat profile (the config sets no category prior, whose
   pool here is too small to be flat). No validation error, so the variance of
   a total is its mean (Poisson floor): 5 a day.
   Cover: 40 + 20 arriving on day 3 = 60 units / 5 a day = 12.0 days.
   Turnover 40 / 5 = 8.0 days. Sell-through 150 / (150 + 40) = 0.78947.
   mu_P = 70, sigma_P = sqrt(14 x 5) = 8.3666, mu_L = 35, sigma_L = sqrt(7 x 5), mu_R =
   7 x 5 = 35: the gamma totals' shortage E(D_P - S)+ - E(D_L - S)+ is 0.02 x 35 = 0.7 at
   S = 78.857 (numerical integration, :func:`tests.conftest.gamma_level`; a normal total
   would give 78.35), safety = 8.857, position 60,
   need 18.86 -> 19 -> MOQ 50 -> 5 cases of 12 = 60.
   Alert: cover 12 < 14 (but >= lead 7): STOCKOUT_RISK, medium.
B  supplier S2 (review 14), lead 14, cost 10, price 30. One sale of 3 units 150
   days ago, 30 on hand from lots of 15 (40 d old), 10 (100 d), 10 (200 d):
   FIFO age (15 x 40 + 10 x 100 + 5 x 200) / 30 = 86.667 days. No demand, so
   cover is the 365-day cap, turnover infinite, sell-through 0, movement 0.
   Nothing sold for 112 days: lifecycle decline; no demand forecast, so no order
   (a declining SKU that still sells would be ordered its forecast). Alert DEAD_STOCK
   (it replaces OVERSTOCK and LOW_SELL_THROUGH). Slow mover, grade B (C needs
   age >= 180; movement 0 < 0.1): stock value 300, recovery 0.3 x 300 = 90.
C  supplier S2, discontinued; sold 1 a day until 10 days ago, nothing on hand:
   no stock-out alerts (meant to sell out), no order.
D  supplier S1, lead 7, cost 8, case 6; launched 9 days ago, sells 2 a day;
   nothing on hand. Measured over its 10 days on sale: 2.0 a day, movement 1.0.
   Class B: 95% fill. mu_P = 28, sigma_P = sqrt(14 x 2) = 5.2915, mu_L = 14, sigma_L =
   sqrt(7 x 2), mu_R = 14: shortage 0.05 x 14 = 0.7 at S = 32.267 (gamma, by
   integration; normal: 31.94), safety 4.267, need 32.27 -> 33 -> 6 cases of 6 = 36,
   value 288.
   Alert OUT_OF_STOCK, high.
S1 orders 60 x 4 + 36 x 8 = 528 < its minimum order value 1,000: topped up one case (48 at
cost for both) at a time on the line with the least cover after its order (ties: A first):
D 18 d -> 21 -> 24, A 24 -> 26.4, D 24 -> 27, A -> 28.8, D -> 30, A -> 31.2, D -> 33,
A -> 33.6, D 33 -> 36: 10 cases, 528 + 480 = 1,008 >= 1,000. A orders 108 (9 cases, 432),
D 72 (12 cases, 576).
GIFT is sold but not in the SKU master; A's sale dated after the as-of date is ignored.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.report.excel import INFINITE_DAYS
from tests.conftest import gamma_level, write_tables

AS_OF = pd.Timestamp("2026-03-28")


def _days(first: int, last: int) -> list[str]:
    """ISO dates from as-of minus ``first`` to as-of minus ``last`` days."""
    return [f"{AS_OF - pd.Timedelta(days=d):%Y-%m-%d}" for d in range(first, last - 1, -1)]


def _ago(days: int) -> str:
    return f"{AS_OF - pd.Timedelta(days=days):%Y-%m-%d}"


@pytest.fixture
def tiny_shop(tmp_path: Path) -> Path:
    sales = (
        [{"sku": "A", "date": d, "qty": 5} for d in _days(119, 0)]
        + [{"sku": "A", "date": "2026-03-29", "qty": 100}]  # after the as-of date
        + [{"sku": "B", "date": _ago(150), "qty": 3}]
        + [{"sku": "C", "date": d, "qty": 1} for d in _days(100, 10)]
        + [{"sku": "D", "date": d, "qty": 2} for d in _days(9, 0)]
        + [{"sku": "GIFT", "date": _ago(3), "qty": 1}]
    )
    skus = [
        {"sku": "A", "name": "Alpha", "supplier": "S1", "unit_cost": 4, "unit_price": 10,
         "lead_time_days": 7, "moq": 50, "case_pack": 12, "status": "active"},
        {"sku": "B", "name": "Beta", "supplier": "S2", "unit_cost": 10, "unit_price": 30,
         "lead_time_days": 14, "moq": 0, "case_pack": 1, "status": "active"},
        {"sku": "C", "name": "Gamma", "supplier": "S2", "unit_cost": 3, "unit_price": 5,
         "lead_time_days": 14, "moq": 0, "case_pack": 1, "status": "discontinued"},
        {"sku": "D", "name": "Delta", "supplier": "S1", "unit_cost": 8, "unit_price": 20,
         "lead_time_days": 7, "moq": 0, "case_pack": 6, "status": "active",
         "launch_date": _ago(9)},
    ]  # fmt: skip
    inventory = [
        {"sku": "A", "on_hand": 40, "last_receipt_date": _ago(5)},
        {"sku": "B", "on_hand": 30, "last_receipt_date": _ago(40)},
        {"sku": "C", "on_hand": 0, "last_receipt_date": ""},
        {"sku": "D", "on_hand": 0, "last_receipt_date": ""},
    ]
    receipts = [
        {"sku": "B", "date": _ago(200), "qty": 10},
        {"sku": "B", "date": _ago(100), "qty": 10},
        {"sku": "B", "date": _ago(40), "qty": 15},
    ]
    return write_tables(
        tmp_path / "data",
        {
            "sales": sales,
            "skus": skus,
            "inventory": inventory,
            "purchase_orders": [{"po_id": "P1", "sku": "A", "qty": 20, "eta": "2026-03-31"}],
            "receipts": receipts,
            "suppliers": [
                {
                    "supplier": "S1",
                    "name": "First Co",
                    "review_period_days": 7,
                    "min_order_value": 1000,
                    "contact": "Wang 138",
                },
                {
                    "supplier": "S2",
                    "name": "Second Co",
                    "review_period_days": 14,
                    "min_order_value": 0,
                    "contact": "",
                },
            ],
        },
    )


def records(ws: Worksheet, header_row: int = 1) -> dict[str, dict[str, object]]:
    """Rows of a sheet's table keyed by their first cell, as {header: value}."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    headers = [str(h) for h in rows[0]]
    return {
        str(row[0]): dict(zip(headers, row, strict=True))
        for row in rows[1:]
        if row[0] is not None and row[0] != "Total"
    }


@pytest.fixture
def result(tiny_shop: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    config = tmp_path / "own_weekdays.toml"
    config.write_text("[forecast]\nweekday_prior_units = 0\n", encoding="utf-8")
    args = ["run", "--data", str(tiny_shop), "--out", str(out), "--as-of", "2026-03-28"]
    run = CliRunner().invoke(app, [*args, "--config", str(config)])
    assert run.exit_code == 0, run.output
    return out


def test_writes_the_workbook_and_one_po_per_supplier_with_an_order(result: Path) -> None:
    assert sorted(p.name for p in result.iterdir()) == [
        "history.duckdb",  # the run archive (forecaster.history)
        "replenishment_2026-03-28.xlsx",
        "suppliers",
    ]
    # S2's SKUs have no demand or are discontinued: S2 gets no purchase order.
    assert [p.name for p in (result / "suppliers").iterdir()] == ["PO_S1_2026-03-28.xlsx"]
    wb = load_workbook(result / "replenishment_2026-03-28.xlsx")
    assert wb.sheetnames == [
        "Summary", "Dashboard", "Replenishment", "Inventory health", "Alerts", "Slow movers",
        "Forecast", "Charts", "Tracking", "Changes", "Suppliers", "Data quality",
    ]  # fmt: skip


def live_cells(ws: Worksheet, sku: str) -> tuple[str, str]:
    """The Cases and Order value formulas the row of ``sku`` must hold: over its own Final
    order, Case pack and Unit cost cells."""
    headers = [c.value for c in ws[1]]
    row = next(c.row for c in ws["A"] if c.value == sku)

    def at(name: str) -> str:
        return f"{get_column_letter(headers.index(name) + 1)}{row}"

    final, pack, cost = at("Final order"), at("Case pack"), at("Unit cost")
    return (
        f'=IF(ISNUMBER({final}),{final}/MAX({pack},1),"")',
        f"=IF(ISNUMBER({final}),{final}*{cost},0)",
    )


def test_replenishment_numbers(result: Path) -> None:
    ws = load_workbook(result / "replenishment_2026-03-28.xlsx")["Replenishment"]
    lines = records(ws)
    a, b, c, d = lines["A"], lines["B"], lines["C"], lines["D"]
    assert (a["On hand"], a["On order"], a["Inventory position"]) == (40, 20, 60)
    assert a["Protection days"] == 14
    assert a["Demand over protection"] == pytest.approx(70)
    assert (a["ABC class"], a["Fill-rate target"]) == ("A", 0.98)
    assert gamma_level((70, np.sqrt(70)), (35, np.sqrt(35)), 0.7) == pytest.approx(78.857, abs=1e-3)
    # demand is lost (the default): the 0.7 units expected short a cycle stay on the shelf
    assert a["Safety stock"] == pytest.approx(8.857 - 0.7, abs=0.001)
    assert a["Order-up-to"] == pytest.approx(78.857 - 0.7, abs=0.001)
    assert (a["Suggested order"], a["Final order"], a["Case pack"], a["Unit cost"]) == (
        108,
        108,
        12,
        4,
    )
    assert (a["Cases"], a["Order value"]) == live_cells(ws, "A")  # 9 cases, 432
    assert "topped up by 48 to reach S1's minimum order value 1,000" in str(a["Why"])
    assert a["Order by"] == datetime(2026, 3, 28)
    assert a["Expected arrival"] == datetime(2026, 4, 4)
    assert "need 19 → MOQ 50 raises it to 50 → 5 cases of 12 = 60" in str(a["Why"])

    assert (d["ABC class"], d["Fill-rate target"]) == ("B", 0.95)
    assert gamma_level((28, np.sqrt(28)), (14, np.sqrt(14)), 0.7) == pytest.approx(32.267, abs=1e-3)
    assert d["Safety stock"] == pytest.approx(4.267 - 0.7, abs=0.001)
    assert "safety 4 → expected fill 95.0% (class B target 95%; lost sales leave stock" in str(
        d["Why"]
    )
    assert (d["Suggested order"], d["Final order"], d["Case pack"], d["Unit cost"]) == (
        72,
        72,
        6,
        8,
    )
    assert (d["Cases"], d["Order value"]) == live_cells(ws, "D")  # 12 cases, 576
    assert "→ 6 cases of 6 = 36; topped up by 36 to reach S1's minimum" in str(d["Why"])

    no_demand = "no demand forecast over the 28 d protection period: no order"
    assert b["Suggested order"] == 0 and b["Why"] == no_demand
    assert c["Suggested order"] == 0 and c["Why"] == "discontinued: no new orders"
    assert b["Order by"] is None and b["Expected arrival"] is None


def test_inventory_health_numbers(result: Path) -> None:
    ws = load_workbook(result / "replenishment_2026-03-28.xlsx")["Inventory health"]
    health = records(ws)
    a, b, c, d = health["A"], health["B"], health["C"], health["D"]
    assert a["Avg daily sales 30d"] == pytest.approx(5.0)
    assert a["Turnover days"] == pytest.approx(8.0)
    assert a["Days of cover"] == pytest.approx(12.0)
    assert a["Sell-through 30d"] == pytest.approx(150 / 190)
    assert a["Movement rate 30d"] == pytest.approx(1.0)
    assert a["Inventory age days"] == pytest.approx(5.0)  # from last_receipt_date
    assert a["Gross margin"] == pytest.approx(0.6)
    assert a["Lifecycle"] == "maturity"

    assert b["Turnover days"] == INFINITE_DAYS  # a number, shown as ∞ by its format
    sheet = load_workbook(result / "replenishment_2026-03-28.xlsx")["Inventory health"]
    column = [str(c.value) for c in sheet[1]].index("Turnover days") + 1
    assert sheet.cell(2, column).number_format == '[>=1000000000]"∞";0.0'
    assert b["Days of cover"] == pytest.approx(365)
    assert b["Sell-through 30d"] == 0 and b["Movement rate 30d"] == 0
    assert b["Days since last sale"] == 150
    assert b["Inventory age days"] == pytest.approx(86.667, abs=0.001)
    assert (b["Lifecycle"], b["Grade"]) == ("decline", "B")

    assert c["Days of cover"] == 0 and c["Sell-through 30d"] == pytest.approx(1.0)
    assert c["Lifecycle"] == "decline"
    assert d["Avg daily sales 30d"] == pytest.approx(2.0)
    assert d["Movement rate 30d"] == pytest.approx(1.0)
    assert d["Lifecycle"] == "introduction"


def test_alerts_and_slow_movers(result: Path) -> None:
    wb = load_workbook(result / "replenishment_2026-03-28.xlsx")
    alerts = {(r[0], r[2]): r for r in wb["Alerts"].iter_rows(min_row=2, values_only=True)}
    assert set(alerts) == {("D", "OUT_OF_STOCK"), ("A", "STOCKOUT_RISK"), ("B", "DEAD_STOCK")}
    assert alerts[("D", "OUT_OF_STOCK")][3] == "high"
    assert alerts[("D", "OUT_OF_STOCK")][4] == "order now and expedite"
    assert alerts[("A", "STOCKOUT_RISK")][3] == "medium"
    assert alerts[("A", "STOCKOUT_RISK")][5] == "cover 12.0 d < 14 d protection (7 lead + 7 review)"
    slow = records(wb["Slow movers"])
    assert list(slow) == ["B"]
    assert slow["B"]["Grade"] == "B"
    assert slow["B"]["Stock value"] == pytest.approx(300)
    assert slow["B"]["Expected cash recovery"] == pytest.approx(90)


def test_data_quality_sheet(result: Path) -> None:
    ws = load_workbook(result / "replenishment_2026-03-28.xlsx")["Data quality"]
    found = {row[3]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert found["unknown_sku"][6] == "GIFT"
    assert found["after_as_of"][4] == 1  # A's sale on 2026-03-29


def test_supplier_po_file(result: Path) -> None:
    ws = load_workbook(result / "suppliers" / "PO_S1_2026-03-28.xlsx").active
    assert ws is not None
    cells = {row[0]: row[1] for row in ws.iter_rows(min_row=2, max_row=14, values_only=True)}
    assert cells["Supplier"] == "S1" and cells["Supplier name"] == "First Co"
    assert cells["PO date"] == datetime(2026, 3, 28)
    assert cells["Order total (CNY)"] == pytest.approx(1008)
    assert "Note" not in cells  # the minimum is met
    header_row = next(r for r in range(1, 15) if ws.cell(r, 1).value == "SKU")
    lines = records(ws, header_row)
    assert (lines["A"]["Quantity"], lines["A"]["Line value"]) == (108, 432)
    assert (lines["D"]["Quantity"], lines["D"]["Cases"]) == (72, 12)
    assert lines["A"]["Requested delivery"] == datetime(2026, 4, 4)
    total = next(
        row for row in ws.iter_rows(min_row=header_row, values_only=True) if row[0] == "Total"
    )
    # columns: SKU, Name, Quantity, Cases, Case pack, Unit cost, Line value, Requested delivery
    assert (total[2], total[3], total[6]) == (180, 21, pytest.approx(1008))


def test_summary_sheet(result: Path) -> None:
    ws = load_workbook(result / "replenishment_2026-03-28.xlsx")["Summary"]
    cells = {row[0]: row[1] for row in ws.iter_rows(min_row=1, max_row=14, values_only=True)}
    assert cells["SKUs planned"] == 4
    assert cells["Suggested order lines"] == 2
    assert cells["Suggested order value"] == pytest.approx(1008)
    assert cells["Stock value at cost"] == pytest.approx(40 * 4 + 30 * 10)


def test_as_of_defaults_to_the_last_sales_date(tiny_shop: Path, tmp_path: Path) -> None:
    # Without --as-of, the stray sale of 2026-03-29 is the last sales date.
    run = CliRunner().invoke(app, ["run", "--data", str(tiny_shop), "--out", str(tmp_path / "o")])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "o" / "replenishment_2026-03-29.xlsx").is_file()

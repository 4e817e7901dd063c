"""The planner's workbook as a planner uses it: the decision on the first screen, Final order
an input whose cases, value and totals follow it, flags to filter on, and every sheet set up
to print. Read back from the file; one test recomputes it in LibreOffice after an edit."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.report.excel import INPUT_FILL_COLOR
from forecaster.report.purchase_orders import po_number
from tests.conftest import write_tables
from tests.test_end_to_end import tiny_shop  # noqa: F401  (the hand-computed shop)

BOOK = "replenishment_2026-03-28.xlsx"


def run(data: Path, out: Path, *extra: str, config: str = "") -> Path:
    """``forecaster run`` on ``data`` as of 2026-03-28 (the weekday profiles of the tiny shop's
    hand computation), returning the workbook's path."""
    toml = out.parent / f"{out.name}.toml"
    toml.write_text("[forecast]\nweekday_prior_units = 0\n" + config, encoding="utf-8")
    args = ["run", "--data", str(data), "--out", str(out), "--as-of", "2026-03-28"]
    result = CliRunner().invoke(app, [*args, "--config", str(toml), *extra])
    assert result.exit_code == 0, result.output
    return out / BOOK


@pytest.fixture
def book(tiny_shop: Path, tmp_path: Path) -> Path:  # noqa: F811
    return run(tiny_shop, tmp_path / "out")


def headers(ws: Worksheet) -> list[str]:
    return [str(c.value) for c in ws[1]]


def column_of(ws: Worksheet, name: str) -> str:
    return get_column_letter(headers(ws).index(name) + 1)


def test_the_decision_comes_first_with_sku_and_name_frozen(book: Path) -> None:
    ws = load_workbook(book)["Replenishment"]
    assert headers(ws)[:9] == [
        "SKU", "Name", "Supplier", "Suggested order", "Final order", "Cases", "Order value",
        "Order by", "Over cover cap",
    ]  # fmt: skip
    assert headers(ws).index("Why") < headers(ws).index("On hand")
    assert ws.freeze_panes == "C2"  # SKU and name stay in view, and the header row


def test_final_order_is_an_input_and_cases_value_totals_follow_it(book: Path) -> None:
    ws = load_workbook(book)["Replenishment"]
    final, pack, cost = (column_of(ws, h) for h in ("Final order", "Case pack", "Unit cost"))
    cases, value = column_of(ws, "Cases"), column_of(ws, "Order value")
    rows = [r for r in range(2, ws.max_row + 1) if ws[f"A{r}"].value in ("A", "B", "C", "D")]
    for r in rows:
        assert ws[f"{final}{r}"].fill.fgColor.rgb.endswith(INPUT_FILL_COLOR)
        assert (
            ws[f"{cases}{r}"].value == f'=IF(ISNUMBER({final}{r}),{final}{r}/MAX({pack}{r},1),"")'
        )
        assert ws[f"{value}{r}"].value == f"=IF(ISNUMBER({final}{r}),{final}{r}*{cost}{r},0)"
    total = ws.max_row
    assert ws[f"A{total}"].value == "Total"
    first, last = min(rows), max(rows)
    for col in (column_of(ws, "Suggested order"), final, value):
        assert ws[f"{col}{total}"].value == f"=SUBTOTAL(109,{col}{first}:{col}{last})"


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_row(book: Path) -> None:
    wb = load_workbook(book)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
    for title in ("Replenishment", "Inventory health", "Alerts", "Forecast", "Data quality"):
        assert wb[title].print_title_rows == "$1:$1", title
    ws = wb["Replenishment"]
    why = column_of(ws, "Why")
    assert ws.print_area == f"'Replenishment'!$A$1:${why}${ws.max_row}"  # the decision only


def test_flags_mark_the_lines_to_look_at_and_the_summary_counts_them(
    tiny_shop: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """With a cover cap of 20 days and a promotion of B from 2026-04-01 (inside B's 28 days):

    * A: need 19, the MOQ and cases make it 60, (60 + 60 position) / 5 a day = 24 d > 20:
      over the cap; D: need 32, 6 cases of 6 = 36, 36 / 2 a day = 18 d: under it. No line can
      take S1's top-up within the cap (D's next case: 21 d), so S1's 240 + 288 = 528 stays
      below its minimum of 1,000: both lines say so.
    * With a budget of 300 as well, only one of the two fits: D's (more lost sales avoided per
      unit of money); A is cut, and a line without an order is over no cap.
    """
    write_tables(
        tiny_shop,
        {
            "promotions": [
                {"name": "spring", "start": "2026-04-01", "end": "2026-04-03", "sku": "B"}
            ]
        },
    )
    cap = "[replenishment]\nmax_cover_days = 20\n"
    flags = ["Over cover cap", "New SKU", "Below supplier minimum", "Cut by budget"]

    def read(path: Path) -> pd.DataFrame:
        frame = pd.read_excel(path, sheet_name="Replenishment", dtype={"SKU": str})
        return frame.set_index("SKU").astype(object).fillna("")

    lines = read(run(tiny_shop, tmp_path / "capped", config=cap))
    assert lines.loc["A", flags].tolist() == ["yes", "", "yes", ""]
    assert lines.loc["D", flags].tolist() == ["", "", "yes", ""]
    assert lines["Promotion ahead"].to_dict() == {
        "A": "",
        "B": "spring",
        "C": "",
        "D": "",
        "Total": "",
    }

    path = run(tiny_shop, tmp_path / "budget", "--budget", "300", config=cap)
    lines = read(path)
    assert lines.loc["A", flags].tolist() == ["", "", "", "yes"]
    assert lines.loc["D", flags].tolist() == ["", "", "yes", ""]
    assert (lines.loc["A", "Final order"], lines.loc["D", "Final order"]) == (0, 36)

    summary = load_workbook(path)["Summary"]
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "Flag")
    counts = {r[0]: (r[1], r[2]) for r in rows[start + 1 : start + 6]}
    assert counts == {  # lines, ordered lines
        "Over cover cap": (0, 0),
        "New SKU": (0, 0),
        "Below supplier minimum": (1, 1),
        "Cut by budget": (1, 0),
        "Promotion ahead": (1, 0),
    }


def test_summary_figures_carry_number_formats(book: Path) -> None:
    ws = load_workbook(book)["Summary"]
    formats = {str(r[0].value): r[1].number_format for r in ws.iter_rows(max_col=2) if r[0].value}
    assert formats["Stock value at cost"] == "#,##0.00"
    assert formats["Suggested order value"] == "#,##0.00"
    assert formats["Planning units (SKU x warehouse)"] == "#,##0"
    legend = {str(r[0].value): r[1].value for r in ws.iter_rows(max_col=2) if r[0].value}
    assert "stock-out alert" in legend["Red rows"]
    assert "Final order" in legend["Blue on yellow"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_edited_final_order_recomputes_cases_value_and_total(book: Path, tmp_path: Path) -> None:
    """Final order of A set to 120 (10 cases of 12, 480 at cost 4): LibreOffice recalculates
    the workbook as a planner's spreadsheet would."""
    wb = load_workbook(book)
    ws = wb["Replenishment"]
    row = next(c.row for c in ws["A"] if c.value == "A")
    final = column_of(ws, "Final order")
    ws[f"{final}{row}"] = 120
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    out = tmp_path / "recalculated"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(edited)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = load_workbook(out / "edited.xlsx", data_only=True)["Replenishment"]
    assert ws[f"{column_of(ws, 'Cases')}{row}"].value == 10
    assert ws[f"{column_of(ws, 'Order value')}{row}"].value == 480
    value = column_of(ws, "Order value")
    assert ws[f"{value}{ws.max_row}"].value == 480 + 576  # D's 72 at 8 unchanged


def chart_series(path: Path) -> dict[str, list[list[str]]]:
    """The cell references of every chart's series in the workbook, by sheet: for each
    chart, its ``<f>`` references in order (title, categories, values per series)."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        refs = [re.findall(r"<f>([^<]*)</f>", z.read(n).decode()) for n in names]
    out: dict[str, list[list[str]]] = {}
    for found in refs:
        out.setdefault(found[0].split("!")[0].strip("'"), []).append(found)
    return out


def cell_values(wb: Any, ref: str) -> list[object]:
    sheet, cells = ref.split("!")
    ws = wb[sheet.strip("'")]
    block = ws[cells.replace("$", "")]
    rows = block if isinstance(block, tuple) else ((block,),)
    return [c.value for row in (rows if isinstance(rows[0], tuple) else (rows,)) for c in row]


def test_dashboard_charts_draw_the_summary_tables(book: Path) -> None:
    wb = load_workbook(book)
    charts = chart_series(book)["Dashboard"]
    assert len(charts) == 5
    titles = [cell_values(wb, refs[0])[0] for refs in charts]
    assert titles == ["Stock value", "Stock value", "Count", "Count", "Value"]
    grades = charts[0]
    assert cell_values(wb, grades[1]) == ["S", "A", "B", "C"]
    assert cell_values(wb, grades[2]) == [0, 0, 300, 0]  # B (grade B): 30 units at 10
    cover = charts[3]
    assert cell_values(wb, cover[1])[0] == "0" and len(cell_values(wb, cover[1])) == 8
    assert sum(cell_values(wb, cover[2])) == 2  # A and B hold stock


def test_charts_sheet_shows_history_forecast_and_p90_of_the_top_skus(book: Path) -> None:
    """D (576 ordered) and A (432) are the top two by order value; nothing else is ordered or
    at risk (C is discontinued: meant to sell out). A sold 5 a day for its last 120 days: 35
    in each of the last 17 whole weeks; its forecast is 35 a week."""
    wb = load_workbook(book)
    charts = chart_series(book)["Charts"]
    assert len(charts) == 2
    ws = wb["Charts"]
    assert ws["A2"].value is None and ws["A3"].value == "D Delta (top order value)"
    assert ws["A45"].value == "A Alpha (top order value)"  # after D's 39 weeks and a blank row
    a = charts[1]
    assert [cell_values(wb, r)[0] for r in a[0::3]] == ["Sales", "Forecast", "Forecast p90"]
    weeks = cell_values(wb, a[1])
    assert len(weeks) == 26 + 13 and weeks[26] == datetime(2026, 3, 29)
    sales, forecast, p90 = (cell_values(wb, r) for r in a[2::3])
    assert sales[-13 - 17 : -13] == [35] * 17 and sales[-13:] == [None] * 13
    assert forecast[:26] == [None] * 26
    assert forecast[26:] == pytest.approx([35.0] * 13, rel=1e-6)
    assert all(p > f for p, f in zip(p90[26:], forecast[26:], strict=True))


def po_header(path: Path) -> dict[str, Any]:
    """The label/value block at the top of a supplier PO, and its page setup."""
    ws = load_workbook(path).worksheets[0]
    block: dict[str, Any] = {}
    for row in ws.iter_rows(min_row=2, max_col=2):
        if row[0].value is None:
            break
        block[str(row[0].value)] = (row[1].value, row[1].number_format)
    return {"block": block, "setup": ws.page_setup, "fit": ws.sheet_properties.pageSetUpPr}


def test_supplier_po_carries_number_currency_terms_ship_to_and_prints_one_page_wide(
    tiny_shop: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    suppliers = pd.read_csv(tiny_shop / "suppliers.csv", dtype=str).fillna("")
    suppliers["payment_terms"] = ["net 30 days", ""]
    suppliers["delivery_terms"] = ["FOB Ningbo", ""]
    suppliers.to_csv(tiny_shop / "suppliers.csv", index=False)
    config = '[purchase_orders]\ncurrency = "USD"\nship_to_default = "Warehouse 1, Hangzhou"\n'
    book = run(tiny_shop, tmp_path / "out", config=config)
    po = book.parent / "suppliers" / "PO_S1_2026-03-28.xlsx"
    first = po_header(po)
    block = first["block"]
    assert block["PO number"][0] == po_number("S1", pd.Timestamp("2026-03-28"))
    assert block["PO number"][0].startswith("PO-20260328-S1-")
    assert block["Currency"][0] == "USD"
    assert block["Payment terms"][0] == "net 30 days"
    assert block["Delivery terms"][0] == "FOB Ningbo"
    assert block["Ship to"][0] == "Warehouse 1, Hangzhou"
    assert block["Order total (USD)"] == (1008, "#,##0.00")  # 432 + 576
    assert (first["setup"].orientation, first["setup"].fitToWidth) == ("portrait", 1)
    assert first["fit"].fitToPage

    # po --from the same workbook issues the same PO number and keeps the terms
    again = tmp_path / "again"
    result = CliRunner().invoke(app, ["po", "--from", str(book), "--out", str(again)])
    assert result.exit_code == 0, result.output
    second = po_header(again / "suppliers" / "PO_S1_2026-03-28.xlsx")["block"]
    assert second["PO number"] == block["PO number"]
    assert second["Currency"][0] == "USD"  # the Suppliers sheet states it
    assert second["Payment terms"][0] == "net 30 days"
    assert second["Delivery terms"][0] == "FOB Ningbo"


def test_the_why_says_what_a_promotion_inside_the_protection_period_adds(
    tiny_shop: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A at 5 a day, a promotion ×2 on 2026-04-01 .. 04-03, inside its 14 protection days:
    3 days x 5 x (2 - 1) = 15 more units over the 70 it covers without it."""
    promotion = {"name": "spring", "start": "2026-04-01", "end": "2026-04-03", "uplift": 2}
    write_tables(tiny_shop, {"promotions": [{**promotion, "sku": "A"}]})
    book = run(tiny_shop, tmp_path / "out")
    lines = pd.read_excel(book, sheet_name="Replenishment", dtype={"SKU": str}).set_index("SKU")
    assert lines.loc["A", "Demand over protection"] == pytest.approx(85)
    assert str(lines.loc["A", "Why"]).endswith("; includes spring (up to ×2.0: +15 of the demand)")
    assert lines.loc["A", "Promotion ahead"] == "spring"
    assert "includes" not in str(lines.loc["D", "Why"])

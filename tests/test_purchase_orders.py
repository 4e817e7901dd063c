"""Supplier PO files are safe to send: names from data never become paths or formulas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from tests.conftest import write_tables

HOSTILE_SUPPLIERS = ["../../x", "=cmd|' /C calc'!A0", "a/b:c*?", "CON"]
#: The formulas forecaster writes (Replenishment's cases, value and totals): cell references
#: and fixed text only. Supplier files hold none.
_CELL = r"[A-Z]{1,3}[0-9]+"
OWN_FORMULA = re.compile(
    rf'=IF\(ISNUMBER\({_CELL}\),{_CELL}/MAX\({_CELL},1\),""\)'
    rf"|=IF\(ISNUMBER\({_CELL}\),{_CELL}\*{_CELL},0\)"
    rf"|=SUBTOTAL\(109,{_CELL}:{_CELL}\)"
)


@pytest.fixture
def hostile_shop(tmp_path: Path) -> Path:
    skus = [
        {"sku": f"S{i}", "name": name, "supplier": supplier, "unit_cost": 1, "unit_price": 2,
         "lead_time_days": 3, "case_pack": 1}
        for i, (supplier, name) in enumerate(
            zip(HOSTILE_SUPPLIERS, ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"],
                strict=True)
        )
    ]  # fmt: skip
    sales = [
        {"sku": f"S{i}", "date": f"2026-03-{d:02d}", "qty": 3}
        for i in range(4)
        for d in range(1, 29)
    ]
    return write_tables(
        tmp_path / "data",
        {"sales": sales, "skus": skus, "inventory": [{"sku": "S0", "on_hand": 0}]},
    )


def test_po_files_stay_in_the_supplier_folder_and_data_never_becomes_a_formula(
    hostile_shop: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(hostile_shop), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p for p in tmp_path.rglob("*.xlsx"))
    files = sorted((out / "suppliers").iterdir())
    assert len(files) == 4  # one per supplier, all inside out/suppliers
    assert set(written) == {*files, out / "replenishment_2026-03-28.xlsx"}
    names = {p.name for p in files}
    assert "PO_x_2026-03-28.xlsx" in names and "PO__CON_2026-03-28.xlsx" in names
    texts = set()
    for path in written:
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    where = f"{path.name}!{cell.coordinate}: {cell.value}"
                    if cell.data_type == "f":  # only the planner's own live cells, over cells
                        assert path.parent == out and OWN_FORMULA.fullmatch(cell.value), where
                    if isinstance(cell.value, str):
                        texts.add(cell.value)
    for text in ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"]:
        assert text in texts  # written as the literal text


def test_po_totals_equal_the_sum_of_lines(hostile_shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        CliRunner().invoke(app, ["run", "--data", str(hostile_shop), "--out", str(out)]).exit_code
        == 0
    )
    for path in (out / "suppliers").iterdir():
        rows = list(load_workbook(path).active.iter_rows(values_only=True))  # type: ignore[union-attr]
        header = next(i for i, r in enumerate(rows) if r[0] == "SKU")
        lines = [r for r in rows[header + 1 :] if r[0] not in (None, "Total")]
        total = next(r for r in rows[header + 1 :] if r[0] == "Total")
        quantity, value = rows[header].index("Quantity"), rows[header].index("Line value")
        assert total[quantity] == sum(r[quantity] for r in lines)
        assert total[value] == pytest.approx(sum(r[value] for r in lines))
        order_total = next(r[1] for r in rows[:header] if r[0] == "Order total (CNY)")
        assert order_total == pytest.approx(total[value])

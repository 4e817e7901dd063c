"""Tables too long for a sheet: the whole table goes to Parquet beside the workbook, the sheet
keeps the rows a planner acts on first and says so, and ``po --from`` warns that it reads only
the lines on the sheet. The sheet limit is ``output.sheet_rows``, set small here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.report import workbook
from forecaster.report.excel import (
    HIGHLIGHT_FILL_COLOR,
    Column,
    Overflow,
    new_workbook,
    write_table,
)
from forecaster.report.side_tables import overflow_beside, write_parquet

REPO = Path(__file__).resolve().parent.parent
BOOK = "replenishment_2026-10-18.xlsx"


def table(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"sku": [f"S{i:02d}" for i in range(n)], "qty": np.arange(n) * 1.5, "note": "x"},
        index=np.arange(100, 100 + n),  # not 0..n-1: the flags align by index
    )


COLUMNS = [Column("sku", "SKU"), Column("qty", "Qty", "number")]


def test_a_long_table_keeps_its_flagged_rows_first_and_the_file_holds_all(tmp_path: Path) -> None:
    frame = table(50)
    first = pd.Series(frame["sku"].isin(["S45", "S46", "S47", "S48", "S49"]), index=frame.index)
    red = pd.Series(frame["sku"].isin(["S03", "S46", "S30"]), index=frame.index)
    wb = new_workbook()
    side = overflow_beside("book.xlsx", lambda name: tmp_path / name, 20, "en")
    write_table(wb, "Orders", frame, COLUMNS, first=first, highlight=red, overflow=side)
    wb.save(tmp_path / "book.xlsx")

    ws = load_workbook(tmp_path / "book.xlsx")["Orders"]
    # 20 rows: the note, the header and 18 rows -- the 5 flagged, then the first 13, in order
    assert ws.max_row == 20
    assert ws["A1"].value == (
        "18 of 50 rows shown (what to act on first: orders, alerts, slow movers); "
        "all 50 rows are in book_Orders.parquet, beside this workbook"
    )
    assert [c.value for c in ws[2]] == ["SKU", "Qty"]
    kept = [f"S{i:02d}" for i in [*range(13), 45, 46, 47, 48, 49]]
    assert [ws.cell(r, 1).value for r in range(3, 21)] == kept
    assert [ws.cell(r, 2).value for r in range(3, 21)] == [int(s[1:]) * 1.5 for s in kept]
    flagged = [ws.cell(r, 1).value for r in range(3, 21) if ws.cell(r, 1).fill.fgColor.rgb
               .endswith(HIGHLIGHT_FILL_COLOR)]  # fmt: skip
    assert flagged == ["S03", "S46"]  # S30 is cut; the flags follow their rows
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:B20"

    full = pd.read_parquet(tmp_path / "book_Orders.parquet")
    assert list(full.columns) == ["sku", "qty"]  # the shown columns, by key
    pd.testing.assert_frame_equal(full, frame[["sku", "qty"]].reset_index(drop=True))


def test_a_table_that_fits_is_whole_and_writes_no_file(tmp_path: Path) -> None:
    written: list[str] = []
    side = Overflow(20, lambda sheet, frame: written.append(sheet) or "x", lambda *a: "cut")
    wb = new_workbook()
    # 20 rows: the header and 19 data rows fit exactly
    write_table(wb, "Orders", table(19), COLUMNS, overflow=side)
    wb.save(tmp_path / "book.xlsx")
    ws = load_workbook(tmp_path / "book.xlsx")["Orders"]
    assert ws.max_row == 20 and ws["A1"].value == "SKU" and ws["A20"].value == "S18"
    assert written == []


def test_mixed_words_and_numbers_are_written_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"days": pd.Series([3.0, "never", None], dtype=object), "n": [1, 2, 3]})
    write_parquet(frame, tmp_path / "t.parquet")
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert back["days"].tolist()[:2] == ["3.0", "never"] and pd.isna(back["days"][2])
    assert back["n"].tolist() == [1, 2, 3]


def run(out: Path, rows: int | None) -> None:
    toml = out.parent / f"{out.name}.toml"
    toml.write_text("" if rows is None else f"[output]\nsheet_rows = {rows}\n", encoding="utf-8")
    args = ["run", "--data", str(REPO / "sample_data"), "--out", str(out), "--no-history"]
    result = CliRunner().invoke(app, [*args, "--config", str(toml)])
    assert result.exit_code == 0, result.output


def sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("side")
    run(root / "whole", None)
    run(root / "cut", 60)
    return root / "whole", root / "cut"


def test_a_cut_workbook_keeps_the_orders_and_its_files_hold_the_whole_sheets(
    runs: tuple[Path, Path],
) -> None:
    whole, cut = runs
    assert not list(whole.glob("*.parquet"))
    for sheet in ("Replenishment", "Inventory health", "Alerts", "Slow movers", "Forecast"):
        rows = sheet_rows(whole / BOOK, sheet)
        name = f"replenishment_2026-10-18_{sheet.replace(' ', '_')}.parquet"
        full = pd.read_parquet(cut / name)
        data = rows[1:-1] if sheet in ("Replenishment", "Slow movers") else rows[1:]  # totals
        assert len(full) == len(data) > 60, sheet
        # the file holds the sheet's rows, in the sheet's order
        assert full["sku"].tolist() == [r[0] for r in data], sheet
        shown = sheet_rows(cut / BOOK, sheet)
        assert len(shown) <= 60 and str(shown[0][0]).endswith(f"{name}, beside this workbook")
    replenishment = pd.read_parquet(cut / "replenishment_2026-10-18_Replenishment.parquet")
    ordered = replenishment[replenishment["suggested_order"] > 0]
    shown = sheet_rows(cut / BOOK, "Replenishment")
    # the sheet's lines are the top of the ordered ones (57 = 60 less note, header, total)
    assert [r[0] for r in shown[2:-1]] == ordered["sku"].head(57).tolist()


def test_the_forecast_sheet_keeps_the_skus_acted_on_first(runs: tuple[Path, Path]) -> None:
    _, cut = runs
    full = pd.read_parquet(cut / "replenishment_2026-10-18_Forecast.parquet")
    orders = pd.read_parquet(cut / "replenishment_2026-10-18_Replenishment.parquet")
    alerts = pd.read_parquet(cut / "replenishment_2026-10-18_Alerts.parquet")
    slow = pd.read_parquet(cut / "replenishment_2026-10-18_Slow_movers.parquet")
    acted = {*orders.loc[orders["suggested_order"] > 0, "sku"], *alerts["sku"], *slow["sku"]}
    shown = [r[0] for r in sheet_rows(cut / BOOK, "Forecast")[2:]]
    assert len(shown) == 58 and len(acted) > len(shown) and len(acted) < len(full)
    assert set(shown) <= acted
    assert shown == [s for s in full["sku"] if s in set(shown)]  # in the table's order


def test_po_from_a_cut_workbook_says_it_reads_only_the_sheet(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    _, cut = runs
    result = CliRunner().invoke(app, ["po", "--from", str(cut / BOOK), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "57 of 345 rows shown" in text and "only the lines on the sheet are read" in text


def test_a_run_that_fails_after_a_cut_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the quality sheet failed")

    monkeypatch.setattr(workbook, "write_quality_sheet", broken)
    toml = tmp_path / "c.toml"
    toml.write_text("[output]\nsheet_rows = 60\n", encoding="utf-8")
    args = ["run", "--data", str(REPO / "sample_data"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*args, "--no-history", "--config", str(toml)])
    assert result.exit_code != 0
    out = tmp_path / "out"
    assert not out.exists() or not list(out.rglob("*"))

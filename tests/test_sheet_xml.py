"""Tests of forecaster.report.sheet_xml: the rows written as text read back as openpyxl's own.

Every value type a sheet holds is written twice, once through :class:`SheetWriter`
(rows rendered as SpreadsheetML text) and once through openpyxl's own write-only
cells with the same styles, and both workbooks are read back: every cell must agree in
value, type, number format, font, fill, alignment and quote prefix.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from forecaster.report.cells import clean_value, style_key, styled_cell
from forecaster.report.excel import LIVE_SUM, Column, SheetWriter, new_workbook
from forecaster.report.sheet_xml import (
    CellStyle,
    Formula,
    cell_xml,
    escape,
    number_cells,
    row_xml,
)

EPOCH = datetime(1899, 12, 30)

TEXTS = ["plain", " leading", "trailing ", "a < b & c > d", "=SUM(A1:A2)", "-5", "中文 SKU", "x\ny"]
FRAME = pd.DataFrame(
    {
        "text": TEXTS,
        "whole": [1, -2, 3, 40_000, 0, 7, 8, 9],
        "money": [0.1, 2.5, float("nan"), 1e-7, 123456.789, -3.25, 1 / 3, 2.0],
        "flag": [True, False, True, False, True, False, True, False],
        "day": pd.to_datetime(["2026-06-18", None, "2026-11-11", "2026-12-12"] * 2),
    }
)
COLUMNS = [
    Column("text", "Text", wrap=True, width=12),
    Column("whole", "Whole", "integer"),
    Column("money", "Money", "money"),
    Column("flag", "Flag"),
    Column("day", "Day", "date"),
]


def read(path: Path) -> Any:
    return load_workbook(path)["Sheet"]


def openpyxl_reference(path: Path) -> None:
    """The same header, rows and total written with openpyxl's own cells and styles."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet")
    ws.append([c.header for c in COLUMNS])  # not compared

    def cell(value: object, fmt: Any, role: Any, wrap: bool = False) -> WriteOnlyCell | None:
        clean = clean_value(value)
        key = style_key(clean, fmt, "wrapped" if wrap and role == "body" else role, False)
        if clean is None and key == ("body", "text", False, False):
            return None
        out = styled_cell(ws, key)
        out.value = clean
        if isinstance(clean, str):
            out.data_type = "s"
        return out

    for row in FRAME.itertuples(index=False):
        ws.append(
            [
                cell(value, column.fmt, "body", column.wrap)
                for value, column in zip(row, COLUMNS, strict=True)
            ]
        )
    total = styled_cell(ws, ("total", "integer", False, False))
    total.value = f"=SUBTOTAL(109,B2:B{len(FRAME) + 1})"
    ws.append(
        [cell("Total", "text", "total"), total, *(cell(None, c.fmt, "total") for c in COLUMNS[2:])]
    )
    wb.save(path)


def test_rows_read_back_exactly_as_openpyxls_own_cells(tmp_path: Path) -> None:
    wb = new_workbook()
    with SheetWriter(wb, "Sheet") as sheet:
        sheet.table(FRAME, COLUMNS, totals={"whole": LIVE_SUM}, total_label="Total")
    wb.save(tmp_path / "fast.xlsx")
    openpyxl_reference(tmp_path / "reference.xlsx")
    fast, reference = read(tmp_path / "fast.xlsx"), read(tmp_path / "reference.xlsx")
    assert fast.max_row == reference.max_row == len(FRAME) + 2
    for row in range(2, fast.max_row + 1):  # the header's own text differs in nothing else
        for col in range(1, len(COLUMNS) + 1):
            a, b = fast.cell(row, col), reference.cell(row, col)
            where = f"{a.coordinate}: {a.value!r} vs {b.value!r}"
            assert (a.value, a.data_type) == (b.value, b.data_type), where
            assert a.number_format == b.number_format, where
            assert (a.font.b, a.fill.fgColor.rgb, a.quotePrefix) == (
                b.font.b,
                b.fill.fgColor.rgb,
                b.quotePrefix,
            ), where
            assert (a.alignment.wrap_text, a.alignment.vertical) == (
                b.alignment.wrap_text,
                b.alignment.vertical,
            ), where


def test_every_value_type_reads_back(tmp_path: Path) -> None:
    """Text stays text (a formula-like one too, with its quote prefix), white space and
    markup survive, booleans stay booleans, dates are dates, NaN is an empty cell, and
    the live total is a formula."""
    wb = new_workbook()
    with SheetWriter(wb, "Sheet") as sheet:
        sheet.table(FRAME, COLUMNS, totals={"whole": LIVE_SUM}, total_label="Total")
    wb.save(tmp_path / "book.xlsx")
    ws = read(tmp_path / "book.xlsx")
    assert [ws.cell(r, 1).value for r in range(2, 10)] == TEXTS
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 10))
    assert ws["A6"].quotePrefix and ws["A7"].quotePrefix  # "=SUM(..)" and "-5"
    assert [ws.cell(r, 4).value for r in range(2, 6)] == [True, False, True, False]
    assert ws["E2"].value == datetime(2026, 6, 18) and ws["E3"].value is None
    assert ws["E2"].number_format == "yyyy-mm-dd"
    assert ws["C4"].value is None
    assert ws["C5"].value == pytest.approx(1e-7)
    assert ws["C8"].value == 1 / 3  # %.16g keeps every digit that matters
    assert ws["B10"].value == "=SUBTOTAL(109,B2:B9)"
    # the row with a two-line text is two lines high; a one-line row keeps the default
    assert ws.row_dimensions[9].height == 30
    assert ws.row_dimensions[2].height is None


def test_cell_xml_by_hand() -> None:
    plain = CellStyle("")
    assert cell_xml("C3", True, plain, EPOCH) == '<c r="C3" t="b"><v>1</v></c>'
    assert cell_xml("C3", 40_000, plain, EPOCH) == '<c r="C3" t="n"><v>40000</v></c>'
    assert cell_xml("C3", date(1900, 3, 1), plain, EPOCH) == '<c r="C3" t="n"><v>61</v></c>'
    assert cell_xml("C3", None, CellStyle(' s="2"'), EPOCH) == '<c r="C3" s="2"/>'
    assert (
        cell_xml("C3", Formula('=IF(A3<>"",1,0)'), plain, EPOCH)
        == '<c r="C3"><f>IF(A3&lt;&gt;"",1,0)</f><v></v></c>'
    )
    assert escape("&amp;") == "&amp;amp;"
    with pytest.raises(TypeError, match="clean it first"):
        cell_xml("C3", object(), plain, EPOCH)  # type: ignore[arg-type]


def test_row_xml_skips_missing_cells_and_sets_height() -> None:
    cells = [("a", CellStyle("")), None, (2.0, CellStyle(' s="1"'))]
    assert row_xml(4, cells, ["A", "B", "C"], EPOCH, height=30.0) == (
        '<row r="4" ht="30" customHeight="1"><c r="A4" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="C4" s="1" t="n"><v>2</v></c></row>'
    )


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**60), 2**60)),
        max_size=30,
    ),
    st.integers(1, 1_000_000),
)
def test_number_cells_render_as_cell_by_cell(values: list[float], first: int) -> None:
    """A column of numbers rendered at once is the text of its cells one by one, a missing
    number (NaN, infinite) the empty cell of its style."""
    styles = [CellStyle(' s="4"') if i % 3 else CellStyle("") for i in range(len(values))]
    expected = [
        cell_xml(f"AB{first + i}", clean_value(value), style, EPOCH)
        for i, (value, style) in enumerate(zip(values, styles, strict=True))
    ]
    assert number_cells("AB", first, values, styles) == expected


def test_highlighted_and_subtotal_numbers_keep_their_styles(tmp_path: Path) -> None:
    """Number columns go through the column-at-a-time path: a highlighted row's numbers
    keep the light red fill, a subtotal row's numbers the bold total font, a NaN stays an
    empty cell of the column's format, and the text column beside them is unchanged."""
    frame = pd.DataFrame(
        {"name": ["a", "b", "sub", "d"], "qty": [1.0, float("nan"), 3.0, 4.0], "n": [1, 2, 3, 4]}
    )
    wb = new_workbook()
    with SheetWriter(wb, "Sheet") as sheet:
        sheet.table(
            frame,
            [Column("name", "Name"), Column("qty", "Qty", "money"), Column("n", "N", "integer")],
            highlight=pd.Series([False, True, False, False]),
            subtotal=pd.Series([False, False, True, False]),
        )
    wb.save(tmp_path / "book.xlsx")
    ws = read(tmp_path / "book.xlsx")
    plain, flagged, sub = ws["B2"], ws["B3"], ws["B4"]
    assert (plain.value, plain.number_format) == (1.0, "#,##0.00")
    assert flagged.value is None and flagged.number_format == "#,##0.00"
    assert flagged.fill.fgColor.rgb == ws["A3"].fill.fgColor.rgb != plain.fill.fgColor.rgb
    assert ws["C3"].fill.fgColor.rgb == ws["A3"].fill.fgColor.rgb
    assert sub.value == 3.0 and sub.font.b and ws["C4"].font.b and not plain.font.b
    assert ws["C5"].value == 4 and ws["C5"].number_format == "#,##0"

"""The rows of a write-only sheet rendered as SpreadsheetML text, about ten times faster
than openpyxl's cell-by-cell writer.

openpyxl's write-only worksheet turns every appended value into a ``WriteOnlyCell``
and every cell into lxml elements: about 12 µs a cell, so the planner workbook of a
10,000-SKU shop (1.7 million cells) took 20 s to write. Here a row is one f-string of
``<c>`` elements (about 1 µs a cell to render), written as plain text between the sheet's
``<sheetData>`` tags. Everything around the rows -- column widths, frozen panes, the
auto filter, conditional formats, page setup, charts, the styles -- is still
openpyxl's: :func:`fill_sheet_data` lets openpyxl write the sheet with no rows, then
puts the rows in. That reaches into one private attribute, the path of the sheet's
temporary part (``ws._writer.out``), which is why ``pyproject.toml`` keeps openpyxl at
3.1; a sheet part without the empty ``sheetData`` this expects is an error, not a
silently empty sheet.

The cells are those openpyxl writes (tested by reading workbooks back): text is an
inline string (``t="inlineStr"``, ``xml:space="preserve"`` when it starts or ends with
white space), numbers ``%.16g``, booleans ``t="b"``, dates and times serial days in
the workbook's epoch, formulas ``<f>`` without their ``=``. Values come cleaned
(:func:`forecaster.report.cells.clean_value`): no XML-illegal characters, no NaN, no
time zones.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final, TypeAlias

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forecaster.report.cells import Scalar

#: The empty ``sheetData`` element openpyxl writes for a sheet without rows.
_EMPTY_SHEET_DATA: Final = b"<sheetData></sheetData>"
#: Rows joined into one write to the sheet's file.
_ROWS_PER_WRITE: Final = 2_000


@dataclass(frozen=True)
class CellStyle:
    """A cell style as the rows need it: its ``s`` attribute and whether its text wraps."""

    attr: str  # ' s="7"', or '' for the default style
    wraps: bool = False


@dataclass(frozen=True)
class Formula:
    """One of forecaster's own formulas (``=SUBTOTAL(109,C2:C40)``), never data."""

    text: str


#: One cell of a row: its cleaned value (or :class:`Formula`) and style, or its ``<c>``
#: element already rendered (:func:`number_cells`); None: no cell.
Cell: TypeAlias = tuple[Scalar | Formula, CellStyle] | str | None


def escape(text: str) -> str:
    """``text`` safe inside an XML element.

    >>> escape("a < b & c")
    'a &lt; b &amp; c'
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def cell_xml(ref: str, value: Scalar | Formula, style: CellStyle, epoch: datetime) -> str:
    """The ``<c>`` element of one cell at ``ref`` (``"B7"``).

    >>> cell_xml("A1", 2.5, CellStyle(' s="3"'), datetime(1899, 12, 30))
    '<c r="A1" s="3" t="n"><v>2.5</v></c>'
    >>> cell_xml("B1", " x", CellStyle(""), datetime(1899, 12, 30))
    '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>'
    """
    attrs = f'r="{ref}"{style.attr}'
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c {attrs} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if kind is float or kind is int:
        return f'<c {attrs} t="n"><v>{value:.16g}</v></c>'
    if value is None:
        return f"<c {attrs}/>"
    if kind is bool:
        return f'<c {attrs} t="b"><v>{"1" if value else "0"}</v></c>'
    if isinstance(value, Formula):
        return f"<c {attrs}><f>{escape(value.text.removeprefix('='))}</f><v></v></c>"
    if isinstance(value, date):  # datetime too
        return f'<c {attrs} t="n"><v>{to_excel(value, epoch):.16g}</v></c>'
    raise TypeError(f"a cell cannot hold {kind.__name__} (clean it first)")


def row_xml(
    number: int,
    cells: Sequence[Cell],
    letters: Sequence[str],
    epoch: datetime,
    height: float | None = None,
) -> str:
    """The ``<row>`` element of sheet row ``number``; ``letters[i]`` names column ``i + 1``
    (see :func:`column_letters`) and ``height`` (points) sets a custom row height."""
    attrs = f'r="{number}"'
    if height is not None:
        attrs += f' ht="{height:g}" customHeight="1"'
    inner = "".join(
        cell if isinstance(cell, str) else cell_xml(f"{letters[index]}{number}", *cell, epoch)
        for index, cell in enumerate(cells)
        if cell is not None
    )
    return f"<row {attrs}>{inner}</row>"


def number_cells(
    letter: str, first: int, values: list[float] | list[int], styles: Sequence[CellStyle]
) -> list[str]:
    """The ``<c>`` elements of a run of numbers in column ``letter`` from sheet row
    ``first``, ``styles[i]`` the style of the ``i``-th: the text :func:`cell_xml` gives
    each, a missing number (NaN, infinite) an empty cell of its style, in a third of the
    time.

    >>> number_cells("C", 4, [2.5, float("nan")], [CellStyle(' s="3"'), CellStyle("")])
    ['<c r="C4" s="3" t="n"><v>2.5</v></c>', '<c r="C5"/>']
    """
    finite = math.isfinite
    return [
        f'<c r="{letter}{row}"{style.attr} t="n"><v>{value:.16g}</v></c>'
        if finite(value)
        else f'<c r="{letter}{row}"{style.attr}/>'
        for row, value, style in zip(range(first, first + len(values)), values, styles, strict=True)
    ]


def column_letters(count: int) -> list[str]:
    """The letters of columns ``1..count`` (``A``, ``B``, ..., ``AA``, ...)."""
    return [get_column_letter(index) for index in range(1, count + 1)]


def fill_sheet_data(ws: WriteOnlyWorksheet, rows: Iterable[str]) -> None:
    """Close ``ws`` (to which no row was appended) and put ``rows`` (``<row>`` elements,
    in order) into its sheet data.

    openpyxl writes the sheet to a temporary file when it is closed and copies that file
    into the workbook when it is saved; the file is rewritten here with the rows inside,
    streamed a few thousand rows at a time.
    """
    ws.close()
    part = Path(ws._writer.out)  # the temporary file openpyxl's save copies
    head, marker, tail = part.read_bytes().partition(_EMPTY_SHEET_DATA)
    if not marker:
        raise RuntimeError(f"sheet '{ws.title}': openpyxl wrote no empty sheetData to fill")
    handle, name = tempfile.mkstemp(suffix=".xml", dir=part.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(head + b"<sheetData>")
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= _ROWS_PER_WRITE:
                    out.write("".join(batch).encode("utf-8"))
                    batch.clear()
            out.write("".join(batch).encode("utf-8"))
            out.write(b"</sheetData>" + tail)
        os.replace(name, part)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise

"""Styled, formula-safe Excel sheets written in openpyxl's write-only mode.

Workbooks go to supply planners and, as purchase orders, to suppliers, so two
properties matter more than looks:

* **Data is never a formula.** Every text value, headers and labels
  included, is stored as a string cell; text that a spreadsheet could take for
  a formula when it is edited (first character ``=``, ``+``, ``-``, ``@``, tab,
  line break or their full-width forms) also gets Excel's quote prefix, so
  editing the cell keeps it text. The only formulas are forecaster's own:
  a :attr:`Column.formula` template, which names other columns of the same row
  and is filled in with cell references only, and a :data:`LIVE_SUM` total
  (``SUBTOTAL(109, ...)``, the sum of the rows the filter shows). Nothing read
  from the data ever reaches a formula.
* **Large sheets stay lean.** Column widths, frozen panes, the auto filter
  and data bars must be set on openpyxl's write-only worksheet before any row,
  so :class:`SheetWriter` buffers its blocks (tables by reference, not as
  cells) and writes everything when it is closed. Each style is registered
  with the workbook once per column; the rows themselves are rendered as
  SpreadsheetML text by :mod:`forecaster.report.sheet_xml` (about 2.5 µs a cell
  with its cleaning and styling, against 12-18 µs through openpyxl's cell objects);
  ``bench/`` measures whole runs.

The cells themselves -- cleaned values, quote prefixes, widths, styles -- are
:mod:`forecaster.report.cells`; their names are re-exported here.

Examples
--------
>>> wb = new_workbook()
>>> cols = [Column("sku", "SKU"), Column("qty", "Order qty", "integer")]
>>> write_table(wb, "Orders", pd.DataFrame({"sku": ["A1"], "qty": [12]}), cols)
>>> wb.save(path)  # doctest: +SKIP
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final, Literal, TypeAlias

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart._chart import ChartBase
from openpyxl.formatting.rule import DataBarRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forecaster.errors import OutputError
from forecaster.glossary import NumberFormat
from forecaster.report.cells import (
    DATA_BAR_COLOR,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    EXCEL_MAX_TEXT,
    FILTER_BUTTON_WIDTH,
    HEADER_FILL_COLOR,
    HIGHLIGHT_FILL_COLOR,
    INFINITE_DAYS,
    INPUT_FILL_COLOR,
    LINE_HEIGHT,
    MAX_WIDTH,
    MIN_WIDTH,
    NUMBER_FORMATS,
    CellRole,
    StyleKey,
    clean_text,
    clean_value,
    column_values,
    fit_width,
    needs_quote_prefix,
    series_width,
    sheet_title,
    style_key,
    styled_cell,
    text_width,
    value_width,
    wrapped_lines,
)
from forecaster.report.sheet_xml import (
    Cell,
    CellStyle,
    Formula,
    column_letters,
    fill_sheet_data,
    number_cells,
    row_xml,
)

__all__ = [
    "DATA_BAR_COLOR",
    "EXCEL_MAX_TEXT",
    "HEADER_FILL_COLOR",
    "HIGHLIGHT_FILL_COLOR",
    "INFINITE_DAYS",
    "INPUT_FILL_COLOR",
    "LIVE_SUM",
    "MAX_WIDTH",
    "MIN_WIDTH",
    "NUMBER_FORMATS",
    "CellRole",
    "Column",
    "NumberFormat",
    "Overflow",
    "SheetWriter",
    "clean_text",
    "clean_value",
    "needs_quote_prefix",
    "new_workbook",
    "sheet_title",
    "styled_cell",
    "text_width",
    "write_table",
]

#: Table rows converted to cell values at a time (bounds memory on large tables).
CHUNK_ROWS: Final = 5_000

#: Paper of every sheet's page setup (9 = A4).
PAPER_A4: Final = 9

_PLACEHOLDER_RE: Final = re.compile(r"\{(\w+)\}")


class LiveSum:
    """A total cell that sums its column's data rows as a spreadsheet formula."""

    def __repr__(self) -> str:
        return "LIVE_SUM"


#: In ``totals``: ``SUBTOTAL(109, first:last)`` over the column, live as cells are edited
#: (and over the rows a filter shows).
LIVE_SUM: Final = LiveSum()


@dataclass(frozen=True)
class Column:
    """One column of a table as the planner sees it.

    Attributes
    ----------
    key
        Column of the data frame.
    header
        Header text shown to the planner.
    fmt
        Number format of the column's numbers.
    width
        Width in characters; ``None`` fits header and content within
        [:data:`MIN_WIDTH`, :data:`MAX_WIDTH`].
    wrap
        Long texts wrap onto more lines within the width (sentences a planner
        reads: the Data quality messages), instead of running into the next column.
    formula
        A formula over other columns of the same row, ``{key}`` standing for
        that column's cell (``=IF(ISNUMBER({final_order}),{final_order}*{unit_cost},0)``):
        the cell recomputes when the planner edits the cells it names. The
        frame's values of the column only size it.
    role
        ``"input"`` styles the column as the cell the planner edits.
    """

    key: str
    header: str
    fmt: NumberFormat = "text"
    width: float | None = None
    wrap: bool = False
    formula: str | None = None
    role: Literal["body", "input"] = "body"


# --------------------------------------------------------------------------- sheets


def new_workbook() -> Workbook:
    """An empty write-only workbook created by ``forecaster``."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "forecaster"
    return wb


#: A cell of a small block: its value, role and number format.
_Small: TypeAlias = tuple[object, CellRole, NumberFormat]


@dataclass(frozen=True)
class _Rows:
    """A block of small rows (a heading, key/value rows, a blank row) as (value, role,
    format) cells."""

    first_row: int
    rows: tuple[tuple[_Small, ...], ...]


@dataclass(frozen=True)
class _Table:
    """A buffered table: its own copy of the frame plus everything decided at ``table()``."""

    first_row: int
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    highlight: np.ndarray | None
    subtotal: np.ndarray | None
    totals: Mapping[str, object] | None
    total_label: str

    @property
    def last_data_row(self) -> int:
        """Sheet row of the last data row (the header row when there is none)."""
        return self.first_row + len(self.frame)


@dataclass
class _Layout:
    """Sheet-level settings collected while blocks are added."""

    fitted: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    title_rows: str | None = None
    print_area: str | None = None
    auto_filter: str | None = None
    data_bars: list[str] = field(default_factory=list)

    def fit(self, column: int, content: int) -> None:
        """Widen column ``column`` (1-based) to hold ``content`` characters."""
        self.fitted[column] = max(self.fitted.get(column, 0.0), fit_width(content))

    def fix(self, column: int, width: float) -> None:
        """Give column ``column`` an explicit width (the widest explicit width wins)."""
        self.fixed[column] = max(self.fixed.get(column, 0.0), width)

    def widths(self) -> dict[int, float]:
        """Final width of each column: explicit widths beat fitted ones."""
        return {**self.fitted, **self.fixed}


@dataclass(frozen=True)
class Overflow:
    """Where a table too long for its sheet goes in full, and what the sheet says instead.

    A table whose rows do not fit in ``rows`` (at most Excel's 1,048,576, the
    sheet's other blocks counted) is handed whole to ``write`` -- its shown
    columns, named by their keys -- which writes it to a file beside the
    workbook and returns the file's name; the sheet then shows a row
    ``note(shown, total, file name)`` and, under it, the rows that fit: the
    ones flagged ``first`` (what the planner acts on) before the others, each
    group in the table's order.
    """

    rows: int
    write: Callable[[str, pd.DataFrame], str]
    note: Callable[[int, int, str], str]


class SheetWriter:
    """Buffers the blocks of one sheet and writes them, styled, when closed.

    Use as a context manager; nothing is written if the ``with`` block fails
    (the sheet stays empty). Blocks stack downwards from row 1 in the order
    they are added.

    Parameters
    ----------
    wb
        A write-only workbook from :func:`new_workbook`.
    title
        Sheet name; made valid with :func:`sheet_title`.
    overflow
        Where tables too long for the sheet go (:class:`Overflow`); without it such a
        table raises ``OutputError``.
    """

    def __init__(self, wb: Workbook, title: str, overflow: Overflow | None = None) -> None:
        if not wb.write_only:
            raise ValueError("SheetWriter needs a write-only workbook (see new_workbook)")
        ws = wb.create_sheet(sheet_title(title))
        if not isinstance(ws, WriteOnlyWorksheet):
            raise TypeError("a write-only workbook made a sheet that is not write-only")
        self._ws = ws
        self._styles: dict[tuple[int, StyleKey], CellStyle] = {}
        self._blocks: list[_Rows | _Table] = []
        self._layout = _Layout()
        self._next_row = 1
        self._width = 0  # columns used so far
        self._has_main = False
        self._closed = False
        self._overflow = overflow
        self._max_rows = EXCEL_MAX_ROWS if overflow is None else min(overflow.rows, EXCEL_MAX_ROWS)

    @property
    def title(self) -> str:
        """The sheet's name as written."""
        return str(self._ws.title)

    @property
    def next_row(self) -> int:
        """The sheet row (1-based) the next block starts on; a table's header sits there."""
        return self._next_row

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()

    def heading(self, text: str) -> None:
        """A row with ``text`` in a bold, larger font (not counted in column widths)."""
        self._add_rows(((text, "heading", "text"),))

    def key_values(
        self, rows: Sequence[tuple[str, object] | tuple[str, object, NumberFormat]]
    ) -> None:
        """Rows of a bold label in column A and its value in column B, in the row's number
        format (default: whole numbers ``integer``, other numbers ``number``)."""
        cells: list[tuple[_Small, ...]] = []
        for label, value, *given in rows:
            fmt: NumberFormat = given[0] if given else _default_format(value)
            self._layout.fit(1, value_width(clean_value(label), "text"))
            self._layout.fit(2, value_width(clean_value(value), fmt))
            cells.append(((label, "label", "text"), (value, "value", fmt)))
        self._add_rows(*cells)

    def blank(self) -> None:
        """An empty row."""
        self._add_rows(())

    def table(
        self,
        frame: pd.DataFrame,
        columns: Sequence[Column],
        *,
        highlight: pd.Series | None = None,
        subtotal: pd.Series | None = None,
        data_bar: str | None = None,
        totals: Mapping[str, object] | None = None,
        total_label: str = "Total",
        main: bool = False,
        freeze_columns: int = 0,
        print_columns: int | None = None,
        first: pd.Series | None = None,
    ) -> None:
        """A table: a styled header row, one row per frame row, an optional total row.

        Parameters
        ----------
        frame
            The data; only the columns named by ``columns`` are shown, in their order.
        columns
            What to show and how.
        highlight
            Boolean per frame row, with the frame's index; flagged rows get a
            light red fill (missing flags count as ``False``).
        subtotal
            Boolean per frame row, with the frame's index; flagged rows are
            styled like the total row (bold, a rule above), e.g. a SKU's total
            under its warehouses.
        data_bar
            Key of a numeric column to draw an Excel data bar over.
        totals
            Values of a bold total row under the table, by column key, computed
            by the caller, or :data:`LIVE_SUM` for a live sum of the column. The
            first column holds ``total_label``.
        total_label
            Label of the total row.
        main
            The sheet's main table: panes freeze below its header row, an auto
            filter covers it and its header row repeats on every printed page.
            At most one per sheet.
        freeze_columns
            Columns of a main table that stay in view when it scrolls sideways
            (the SKU and its name).
        print_columns
            The first columns of a main table that print (the decision, not the
            numbers behind it); all of them by default.
        first
            Boolean per frame row, with the frame's index: the rows kept first when
            the table is too long for the sheet and goes in full to the sheet's
            :class:`Overflow` (by default the table's first rows are kept).

        Raises
        ------
        ValueError
            For arguments that do not fit the frame or the columns.
        OutputError
            When the sheet would exceed Excel's size (or its :class:`Overflow`'s
            rows) and has no :class:`Overflow`.
        """
        self._check_open()
        columns = tuple(columns)
        _check_table(frame, columns, data_bar, totals, main and self._has_main)
        kept = self._overflowed(frame, columns, totals, _row_flags(frame, first, "first"))
        if kept is not None:
            frame = frame.iloc[kept]
            highlight = None if highlight is None else highlight.iloc[kept]
            subtotal = None if subtotal is None else subtotal.iloc[kept]
        height = len(frame) + 1 + (totals is not None)
        self._check_size(height, len(columns))
        block = _Table(
            first_row=self._next_row,
            # a copy (lazy under copy-on-write): later changes to the caller's frame are not seen
            frame=frame.loc[:, _shown_keys(columns)],
            columns=columns,
            highlight=_row_flags(frame, highlight, "highlight"),
            subtotal=_row_flags(frame, subtotal, "subtotal"),
            totals=dict(totals) if totals is not None else None,
            total_label=total_label,
        )
        self._measure(block, main)
        if main:
            self._has_main = True
            last = get_column_letter(len(columns))
            self._layout.freeze = f"{get_column_letter(freeze_columns + 1)}{block.first_row + 1}"
            self._layout.title_rows = f"{block.first_row}:{block.first_row}"
            if print_columns is not None:
                last_row = block.last_data_row + (totals is not None)
                self._layout.print_area = f"A1:{get_column_letter(print_columns)}{last_row}"
            self._layout.auto_filter = f"A{block.first_row}:{last}{block.last_data_row}"
        if data_bar is not None and len(frame) > 0:
            index = next(i for i, column in enumerate(columns, 1) if column.key == data_bar)
            letter = get_column_letter(index)
            self._layout.data_bars.append(
                f"{letter}{block.first_row + 1}:{letter}{block.last_data_row}"
            )
        self._blocks.append(block)
        self._next_row += height
        self._width = max(self._width, len(columns))

    def portrait(self) -> None:
        """Print the sheet portrait (a narrow sheet such as a purchase order); the
        default is landscape."""
        self._check_open()
        self._ws.page_setup.orientation = "portrait"  # type: ignore[attr-defined, unused-ignore]

    def chart(self, chart: ChartBase, anchor: str) -> None:
        """Place an openpyxl chart with its top-left corner at cell ``anchor`` (e.g. ``"H2"``).

        Its data references must point at cells of this workbook's tables.
        """
        self._check_open()
        self._ws.add_chart(chart, anchor)  # type: ignore[attr-defined, unused-ignore]

    def close(self) -> None:
        """Write the sheet: column widths, panes, filter, data bars, then every row.

        Calling it again does nothing.

        Raises
        ------
        OutputError
            When the sheet's temporary file cannot be written.
        """
        if self._closed:
            return
        self._closed = True
        ws = self._ws
        _page_setup(ws, self._layout.title_rows)
        if self._layout.print_area is not None:
            ws.print_area = self._layout.print_area
        for index, width in sorted(self._layout.widths().items()):
            ws.column_dimensions[  # type: ignore[attr-defined, unused-ignore]
                get_column_letter(index)
            ].width = width
        if self._layout.freeze is not None:
            ws.freeze_panes = self._layout.freeze
        if self._layout.auto_filter is not None:
            ws.auto_filter.ref = self._layout.auto_filter  # type: ignore[attr-defined, unused-ignore]
        for ref in self._layout.data_bars:
            rule = DataBarRule(  # type: ignore[no-untyped-call, unused-ignore]
                start_type="min", end_type="max", color=DATA_BAR_COLOR
            )
            ws.conditional_formatting.add(ref, rule)  # type: ignore[attr-defined, unused-ignore]
        blocks, self._blocks = self._blocks, []
        fill_sheet_data(ws, self._rows_xml(blocks))  # the workbook's save skips closed sheets

    def _rows_xml(self, blocks: list[_Rows | _Table]) -> Iterator[str]:
        """Every row of ``blocks`` as SpreadsheetML, a wrapping row as tall as its text."""
        widths = self._layout.widths()
        letters = column_letters(self._width)
        epoch = self._ws.parent.epoch
        number = 0
        for block in blocks:
            for row in self._block_rows(block):
                number += 1
                lines = wrapped_lines(
                    [
                        (index, cell[0])
                        for index, cell in enumerate(row, 1)
                        if type(cell) is tuple and cell[1].wraps and type(cell[0]) is str
                    ],
                    widths,
                )
                # Excel and LibreOffice keep a row one line high otherwise
                height = LINE_HEIGHT * lines if lines > 1 else None
                yield row_xml(number, row, letters, epoch, height)

    # ----------------------------------------------------------------- internals

    def _check_open(self) -> None:
        """Refuse new blocks once the sheet is written."""
        if self._closed:
            raise RuntimeError(f"sheet '{self.title}' is already written")

    def _check_size(self, rows: int, columns: int) -> None:
        """Raise ``OutputError`` if ``rows`` more rows or ``columns`` columns do not fit."""
        if columns > EXCEL_MAX_COLUMNS or self._next_row + rows - 1 > self._max_rows:
            raise OutputError(
                f"sheet '{self.title}' would exceed the limit of "
                f"{self._max_rows:,} rows and {EXCEL_MAX_COLUMNS:,} columns"
            )

    def _overflowed(
        self,
        frame: pd.DataFrame,
        columns: tuple[Column, ...],
        totals: Mapping[str, object] | None,
        first: np.ndarray | None,
    ) -> np.ndarray | None:
        """The positions of the frame rows the sheet keeps, or None for all of them.

        A table that does not fit goes whole to the :class:`Overflow` and a note
        row above it says so (see there); without an overflow it is kept whole
        (and :meth:`_check_size` refuses it).
        """
        # rows left under the blocks so far, less the header and the total row
        room = self._max_rows - self._next_row - (totals is not None)
        if len(frame) <= room or self._overflow is None:
            return None
        room = max(room - 1, 0)  # the note row
        name = self._overflow.write(self.title, frame.loc[:, _shown_keys(columns)])
        self._add_rows(((self._overflow.note(room, len(frame), name), "label", "text"),))
        return kept_rows(first, len(frame), room)

    def _add_rows(self, *rows: tuple[_Small, ...]) -> None:
        """Buffer rows of (value, role, format) cells."""
        self._check_open()
        self._check_size(len(rows), max(map(len, rows), default=0))
        self._blocks.append(_Rows(self._next_row, rows))
        self._next_row += len(rows)
        self._width = max([self._width, *map(len, rows)])

    def _measure(self, block: _Table, main: bool) -> None:
        """Record the widths the columns of ``block`` need."""
        extra = FILTER_BUTTON_WIDTH if main else 0
        for index, column in enumerate(block.columns, 1):
            if column.width is not None:
                self._layout.fix(index, column.width)
                continue
            content = max(
                text_width(clean_text(column.header)) + extra,
                series_width(block.frame[column.key], column.fmt),
            )
            if block.totals is not None:
                total = block.total_label if index == 1 else block.totals.get(column.key)
                if total is LIVE_SUM:  # sized as the sum it will show
                    total = float(pd.to_numeric(block.frame[column.key], errors="coerce").sum())
                content = max(content, value_width(clean_value(total), column.fmt))
            self._layout.fit(index, content)

    def _cell(
        self,
        column: int,
        value: object,
        fmt: NumberFormat,
        role: CellRole,
        highlight: bool = False,
    ) -> Cell:
        """The cell for ``value`` in ``column`` (1-based); every cell of a sheet comes from here.

        ``None`` (no cell) for an empty value without a style of its own.
        """
        clean = clean_value(value)
        key = style_key(clean, fmt, role, highlight)
        if clean is None and key == ("body", "text", False, False):
            return None
        return (clean, self._style(column, key))

    def _style(self, column: int, key: StyleKey) -> CellStyle:
        """Style ``key`` in ``column``, registered with the workbook on first use."""
        style = self._styles.get((column, key))
        if style is None:
            cell = styled_cell(self._ws, key)
            attr = f' s="{cell.style_id}"' if cell.has_style else ""
            style = self._styles[(column, key)] = CellStyle(attr, bool(cell.alignment.wrap_text))
        return style

    def _row_styles(
        self,
        column: int,
        fmt: NumberFormat,
        own: CellRole,
        total: CellRole,
        pairs: list[tuple[CellRole, bool]],
    ) -> list[CellStyle]:
        """The style of a number in ``column`` on each row of a chunk (``pairs``: the row's
        role, body or subtotal, and whether it is highlighted)."""
        style = {
            (role, flagged): self._style(
                column, (own if role == "body" else total, fmt, flagged, False)
            )
            for role, flagged in dict.fromkeys(pairs)  # in row order: the same style ids each run
        }
        return [style[pair] for pair in pairs]

    def _formula_cell(
        self, column: int, formula: str, fmt: NumberFormat, role: CellRole, highlight: bool = False
    ) -> Cell:
        """A cell holding one of forecaster's own formulas (never text from the data)."""
        return (Formula(formula), self._style(column, (role, fmt, highlight, False)))

    def _block_rows(self, block: _Rows | _Table) -> Iterator[list[Cell]]:
        """The rows of one block, cell by cell."""
        if isinstance(block, _Rows):
            for cells in block.rows:
                yield [
                    self._cell(index, value, fmt, role)
                    for index, (value, role, fmt) in enumerate(cells, 1)
                ]
            return
        yield [
            self._cell(index, column.header, "text", "header")
            for index, column in enumerate(block.columns, 1)
        ]
        yield from self._data_rows(block)
        if block.totals is not None:
            values = [block.total_label] + [block.totals.get(c.key) for c in block.columns[1:]]
            first, last = block.first_row + 1, block.last_data_row
            yield [
                self._formula_cell(index, live_sum(index, first, last), column.fmt, "total")
                if value is LIVE_SUM
                else self._cell(index, value, column.fmt, "total")
                for index, (value, column) in enumerate(zip(values, block.columns, strict=True), 1)
            ]

    def _data_rows(self, block: _Table) -> Iterator[list[Cell]]:
        """The data rows of a table, converted a chunk of frame rows at a time; the cells of
        a plain number column (no formula, a number format, a numeric dtype) are rendered a
        column at a time (:func:`number_cells`: the same cells, a third of the time)."""
        formulas = row_formulas(block.columns)
        # per column: index, format, role of a body and of a subtotal cell, formula
        specs = [
            (index, c.fmt, _cell_role("body", c), _cell_role("total", c), formulas.get(index))
            for index, c in enumerate(block.columns, 1)
        ]
        numbers = [
            formula is None and fmt != "text" and _number_column(block.frame[c.key])
            for (_, fmt, _, _, formula), c in zip(specs, block.columns, strict=True)
        ]
        letters = column_letters(len(block.columns))
        cell, formula_cell = self._cell, self._formula_cell
        for start in range(0, len(block.frame), CHUNK_ROWS):
            chunk = block.frame.iloc[start : start + CHUNK_ROWS]
            flags = _chunk_flags(block.highlight, start, len(chunk))
            roles: list[CellRole] = [
                "total" if sub else "body"
                for sub in _chunk_flags(block.subtotal, start, len(chunk))
            ]
            number = block.first_row + start
            pairs = list(zip(roles, flags, strict=True))  # what a number's style depends on
            values = [
                number_cells(
                    letters[index - 1],
                    number + 1,
                    chunk[column.key].to_numpy().tolist(),
                    self._row_styles(index, fmt, own, total, pairs),
                )
                if plain
                else column_values(chunk[column.key])
                for column, plain, (index, fmt, own, total, _) in zip(
                    block.columns, numbers, specs, strict=True
                )
            ]
            for flagged, role, row in zip(flags, roles, zip(*values, strict=True), strict=True):
                number += 1
                body = role == "body"
                yield [
                    value
                    if plain
                    else formula_cell(index, formula(number), fmt, own, flagged)
                    if formula is not None and body
                    else cell(index, value, fmt, own if body else total, flagged)
                    for value, plain, (index, fmt, own, total, formula) in zip(
                        row, numbers, specs, strict=True
                    )
                ]


def _number_column(series: pd.Series) -> bool:
    """Whether a column holds plain numpy numbers (not booleans, not pandas' nullable ones)."""
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf"


def _shown_keys(columns: Sequence[Column]) -> list[str]:
    """The frame columns a table shows, each once, in order."""
    return list(dict.fromkeys(column.key for column in columns))


def kept_rows(first: np.ndarray | None, n: int, room: int) -> np.ndarray:
    """Positions of the ``room`` rows of ``n`` that a cut table keeps, in table order: the
    rows flagged ``first`` before the others, each group from its top.

    >>> kept_rows(np.array([False, True, False, True, False]), 5, 3).tolist()
    [0, 1, 3]
    >>> kept_rows(None, 5, 2).tolist()
    [0, 1]
    """
    order = np.arange(n) if first is None else np.argsort(~first, kind="stable")
    return np.sort(order[: max(room, 0)])


def _default_format(value: object) -> NumberFormat:
    """A key/value row's format when none is given: whole numbers with thousands, other
    numbers with one decimal, the rest as they are."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "text"
    return "integer" if isinstance(value, numbers.Integral) else "number"


def _cell_role(role: CellRole, column: Column) -> CellRole:
    """A body cell of an input column is an input, of a wrapping column wraps; totals and
    the rest keep their role."""
    if role != "body":
        return role
    if column.role == "input":
        return "input"
    return "wrapped" if column.wrap else role


def row_formulas(columns: Sequence[Column]) -> dict[int, Callable[[int], str]]:
    """Each formula column's formula for a sheet row, by 1-based column index.

    ``{key}`` becomes the cell of column ``key`` in that row:

    >>> cols = [Column("q", "Qty"), Column("p", "Price"), Column("v", "Value", formula="={q}*{p}")]
    >>> row_formulas(cols)[3](7)
    '=A7*B7'
    """
    letters = {column.key: get_column_letter(i) for i, column in enumerate(columns, 1)}
    out: dict[int, Callable[[int], str]] = {}
    for index, column in enumerate(columns, 1):
        if column.formula is None:
            continue
        pieces = _PLACEHOLDER_RE.split(column.formula)  # literal, key, literal, key, ...
        literal, keys = pieces[0::2], [letters[k] for k in pieces[1::2]]

        def formula(row: int, literal: list[str] = literal, keys: list[str] = keys) -> str:
            return literal[0] + "".join(
                f"{k}{row}{lit}" for k, lit in zip(keys, literal[1:], strict=True)
            )

        out[index] = formula
    return out


def live_sum(column: int, first: int, last: int) -> str:
    """The :data:`LIVE_SUM` formula of column ``column`` over sheet rows ``first..last``.

    >>> live_sum(3, 2, 40)
    '=SUBTOTAL(109,C2:C40)'
    """
    letter = get_column_letter(column)
    return f"=SUBTOTAL(109,{letter}{first}:{letter}{max(first, last)})"


def _page_setup(ws: WriteOnlyWorksheet, title_rows: str | None) -> None:
    """Every sheet prints landscape on A4, one page wide (as tall as it needs), with the
    main table's header row on every page."""
    setup = ws.page_setup  # type: ignore[attr-defined, unused-ignore]
    setup.orientation = setup.orientation or "landscape"
    setup.paperSize = PAPER_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined, unused-ignore]
    ws.print_options.horizontalCentered = True  # type: ignore[attr-defined, unused-ignore]
    if title_rows is not None:
        ws.print_title_rows = title_rows


def _chunk_flags(flags: np.ndarray | None, start: int, size: int) -> list[bool]:
    """``size`` row flags from ``start``; all False when there are none."""
    return flags[start : start + size].tolist() if flags is not None else [False] * size


def _check_table(
    frame: pd.DataFrame,
    columns: tuple[Column, ...],
    data_bar: str | None,
    totals: Mapping[str, object] | None,
    second_main: bool,
) -> None:
    """Raise ``ValueError`` when the arguments of :meth:`SheetWriter.table` do not fit."""
    if not columns:
        raise ValueError("a table needs at least one column")
    if second_main:
        raise ValueError("a sheet has at most one main table")
    if not frame.columns.is_unique:
        raise ValueError("the frame's column names must be unique")
    keys = [column.key for column in columns]
    for column in columns:
        named = _PLACEHOLDER_RE.findall(column.formula or "")
        if any(key not in keys for key in named):
            raise ValueError(f"formula of '{column.key}' names columns not in the table: {named}")
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the frame: {missing}")
    if data_bar is not None:
        if data_bar not in keys:
            raise ValueError(f"data_bar column '{data_bar}' is not one of the table's columns")
        if not pd.api.types.is_numeric_dtype(frame[data_bar]):
            raise ValueError(f"data_bar column '{data_bar}' is not numeric")
    if totals is not None:
        unknown = [key for key in totals if key not in keys]
        if unknown:
            raise ValueError(f"totals for columns not in the table: {unknown}")
        if keys[0] in totals:
            raise ValueError(f"the first column '{keys[0]}' holds the total label, not a total")


def _row_flags(frame: pd.DataFrame, flags: pd.Series | None, name: str) -> np.ndarray | None:
    """Per-row flags (``highlight``, ``subtotal``) as a boolean array in frame row order."""
    if flags is None:
        return None
    if not flags.index.equals(frame.index):
        raise ValueError(f"{name} must have the same index as the frame")
    out: np.ndarray = flags.astype("boolean").fillna(False).to_numpy(dtype=bool)
    return out


def write_table(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    highlight: pd.Series | None = None,
    subtotal: pd.Series | None = None,
    data_bar: str | None = None,
    totals: Mapping[str, object] | None = None,
    total_label: str = "Total",
    freeze_columns: int = 0,
    print_columns: int | None = None,
    first: pd.Series | None = None,
    overflow: Overflow | None = None,
) -> None:
    """A sheet holding one main table (frozen header row, auto filter).

    ``overflow`` is the sheet's (:class:`SheetWriter`); the other keyword arguments
    are those of :meth:`SheetWriter.table`.
    """
    with SheetWriter(wb, title, overflow) as sheet:
        sheet.table(
            frame,
            columns,
            highlight=highlight,
            subtotal=subtotal,
            data_bar=data_bar,
            totals=totals,
            total_label=total_label,
            main=True,
            freeze_columns=freeze_columns,
            print_columns=print_columns,
            first=first,
        )

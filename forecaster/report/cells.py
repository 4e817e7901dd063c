"""The cells of forecaster's sheets: values cleaned for Excel, text that stays text, widths
and styles. :mod:`forecaster.report.excel` lays them out into sheets.

* **Text is never a formula.** Every text value, headers and labels included, is
  stored as a string cell (never a formula cell); text that a spreadsheet could take
  for a formula when it is edited (first character ``=``, ``+``, ``-``, ``@``, tab,
  line break or their full-width forms) also gets Excel's quote prefix
  (:func:`needs_quote_prefix`), so editing the cell keeps it text.
* **Clean text** (:func:`clean_text`): characters XML 1.0 cannot hold (control
  characters other than tab and line feed, lone surrogates, U+FFFE, U+FFFF) are
  removed, carriage returns become line feeds (an XML reader turns a stored CR into
  LF anyway) and text is cut to Excel's 32,767 characters. Empty text is an empty
  cell.
* **Widths** are estimated from the longest value as Excel shows it, counting wide
  (CJK) characters twice.
* **Styles**: one :data:`StyleKey` per role, format and highlight, made once per
  column (:func:`styled_cell`) and reused by every row.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final, Literal, TypeAlias

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forecaster.glossary import NumberFormat

CellRole = Literal["body", "wrapped", "input", "header", "total", "label", "value", "heading"]
"""What a cell is for, which decides its font, fill and border."""

Scalar: TypeAlias = str | int | float | bool | datetime | date | None
"""A value as it goes into a cell, after :func:`clean_value`."""

#: Excel number format of each :data:`NumberFormat`.
NUMBER_FORMATS: Final[Mapping[NumberFormat, str]] = {
    "text": "General",
    "integer": "#,##0",
    "number": "#,##0.0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "days": '[>=1000000000]"∞";0.0',  # INFINITE_DAYS shows as ∞ and stays a number
    "date": "yyyy-mm-dd",
}

#: A number of days too large to be real ("never runs out"), written for infinity in a
#: ``days`` column: it shows as ∞, sorts after every real number and filters as a number.
INFINITE_DAYS: Final = 1_000_000_000

#: Narrowest and widest fitted column, in characters.
MIN_WIDTH: Final = 8.0
MAX_WIDTH: Final = 60.0
#: Points per line of a row whose wrapped text takes several (Excel's default row is 15).
LINE_HEIGHT: Final = 15.0
#: Characters added to the longest content of a fitted column.
WIDTH_PADDING: Final = 2
#: Extra characters for the filter button in the header of a main table.
FILTER_BUTTON_WIDTH: Final = 2

#: Size limits of an Excel sheet and a cell.
EXCEL_MAX_ROWS: Final = 1_048_576
EXCEL_MAX_COLUMNS: Final = 16_384
EXCEL_MAX_TEXT: Final = 32_767
#: Excel's sheet-name limits.
SHEET_TITLE_MAX: Final = 31
_SHEET_TITLE_INVALID_RE: Final = re.compile(r"[\\/*?:\[\]]")

#: First characters that make a spreadsheet read typed text as a formula, with
#: the full-width forms a CJK input method produces; LF stands for CR (see module doc).
FORMULA_TRIGGERS: Final = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
#: Characters an XML 1.0 document cannot contain (openpyxl's ``ILLEGAL_CHARACTERS_RE``
#: plus lone surrogates, U+FFFE and U+FFFF, which it misses and which corrupt the file).
XML_ILLEGAL_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

HEADER_FILL_COLOR: Final = "1F4E78"
#: A cell the planner is meant to edit: blue figures on light yellow (the modeller's convention).
INPUT_FILL_COLOR: Final = "FFF2CC"
INPUT_FONT_COLOR: Final = "1F3FBF"
HEADER_FONT_COLOR: Final = "FFFFFF"
HIGHLIGHT_FILL_COLOR: Final = "FFC7CE"
DATA_BAR_COLOR: Final = "638EC6"
HEADING_FONT_SIZE: Final = 14

_THIN: Final = Side(style="thin")
_DATE_WIDTH: Final = len("yyyy-mm-dd")
_BOOL_WIDTH: Final = len("FALSE")


# --------------------------------------------------------------------------- values


def clean_text(text: str) -> str:
    """Text a cell can hold: no XML-illegal characters, LF line breaks, at most 32,767 characters.

    >>> clean_text("a\\r\\nb\\x00")
    'a\\nb'
    """
    if XML_ILLEGAL_RE.search(text):
        text = XML_ILLEGAL_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:EXCEL_MAX_TEXT]


def needs_quote_prefix(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula when it is edited or typed."""
    return text[:1] in FORMULA_TRIGGERS


def clean_value(value: object) -> Scalar:
    """Turn any value into something a cell holds.

    ``None``, ``NaN``, ``NaT``, ``pd.NA``, infinities and empty text become
    ``None`` (an empty cell); numpy scalars become Python scalars; timestamps
    become naive :class:`~datetime.datetime` (a time zone is dropped, the wall
    clock kept); ``date`` stays a date; durations become days as a float;
    ``Decimal`` and other real numbers become ``float``; text is cleaned with
    :func:`clean_text`; anything else is written as its ``str``.
    """
    if value is None or type(value) is bool or type(value) is int or type(value) is date:
        return value  # type: ignore[return-value, unused-ignore]
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is str:
        return clean_text(value) or None
    if type(value) is datetime:
        return _naive(value)
    return _clean_other(value)


def _naive(moment: datetime) -> datetime:
    """``moment`` without its time zone (Excel has none); the wall-clock time is kept."""
    return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment


def _clean_other(value: object) -> Scalar:
    """:func:`clean_value` for the less common types (subclasses, numpy, pandas)."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else _naive(stamp.to_pydatetime(warn=False))
    if isinstance(value, pd.Timedelta | timedelta | np.timedelta64):
        span = pd.Timedelta(value)
        return None if pd.isna(span) else clean_value(span.total_seconds() / 86_400)
    if isinstance(value, np.generic):
        return clean_value(value.item())
    if isinstance(value, str):
        return clean_value(str(value))
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal | numbers.Real):
        return clean_value(float(value))
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, time):
        return value.isoformat()
    return clean_value(str(value))


def column_values(series: pd.Series) -> list[object]:
    """Python values of a column, converted in bulk where the dtype allows.

    The values still go through :func:`clean_value` one by one; this only
    saves work on plain numeric, datetime and duration columns.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
        dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "biuf":
            return list(series.to_numpy().tolist())
        if dtype.kind == "M":
            return list(series.to_numpy().astype("datetime64[us]").tolist())
        if dtype.kind == "m":
            return list((series.dt.total_seconds() / 86_400).to_numpy().tolist())
    return list(series.to_numpy(dtype=object).tolist())


# --------------------------------------------------------------------------- widths


def text_width(text: str) -> int:
    """Display width of the widest line of ``text``; East Asian wide characters count 2."""
    if text.isascii():
        return max(map(len, text.split("\n"))) if "\n" in text else len(text)
    return max(
        sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
        for line in text.split("\n")
    )


def wrapped_lines(texts: Iterable[tuple[int, str]], widths: Mapping[int, float]) -> int:
    """Lines the tallest of a row's wrapping ``texts`` (column, text) takes at the column
    widths ``widths`` (at least 1).

    A line holds about as many characters as the column is wide (East Asian
    characters count two); each line of a text is wrapped on its own.

    >>> wrapped_lines([(1, "x" * 25)], {1: 11.0})
    3
    """
    lines = 1
    for index, text in texts:
        room = max(widths.get(index, MIN_WIDTH) - 1, 1.0)
        parts = text.split("\n")
        lines = max(lines, sum(math.ceil(max(text_width(part), 1) / room) for part in parts))
    return lines


def value_width(value: Scalar, fmt: NumberFormat) -> int:
    """Characters a cleaned value takes when shown in format ``fmt``."""
    if value is None:
        return 0
    if isinstance(value, str):
        return text_width(value)
    if isinstance(value, bool):
        return _BOOL_WIDTH
    if isinstance(value, date):
        return _DATE_WIDTH
    return len(_format_number(value, fmt))


def _format_number(number: int | float, fmt: NumberFormat) -> str:
    """``number`` roughly as Excel shows it in format ``fmt`` (for widths only)."""
    match fmt:
        case "integer":
            return f"{number:,.0f}"
        case "number":
            return f"{number:,.1f}"
        case "money":
            return f"{number:,.2f}"
        case "percent":
            return f"{number * 100:.1f}%"
        case "days":
            return "∞" if number >= INFINITE_DAYS else f"{number:.1f}"
        case "date":
            return "0" * _DATE_WIDTH
        case "text":
            return str(number) if isinstance(number, int) else f"{number:.10g}"


def series_width(series: pd.Series, fmt: NumberFormat) -> int:
    """Widest cell of a column in characters (0 when it has no values).

    Numeric columns look at their extremes only, other columns at their
    distinct values.
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        values = series.to_numpy()
        if dtype.kind == "f":
            values = values[np.isfinite(values)]
        if values.size == 0:
            return 0
        return max(
            value_width(clean_value(values.min()), fmt),
            value_width(clean_value(values.max()), fmt),
        )
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        return _DATE_WIDTH if bool(series.notna().any()) else 0
    raw = column_values(series)
    try:
        distinct: Iterable[object] = dict.fromkeys(raw)
    except TypeError:  # unhashable objects: look at every value
        distinct = raw
    return max((value_width(clean_value(value), fmt) for value in distinct), default=0)


def fit_width(content: int) -> float:
    """Column width for content ``content`` characters wide."""
    return float(min(MAX_WIDTH, max(MIN_WIDTH, content + WIDTH_PADDING)))


def sheet_title(title: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, no quote at either end, at most 31 characters."""
    title = _SHEET_TITLE_INVALID_RE.sub("_", clean_text(title)).strip("'")
    return title[:SHEET_TITLE_MAX].strip("'") or "Sheet"


# --------------------------------------------------------------------------- cells

StyleKey: TypeAlias = tuple[CellRole, NumberFormat, bool, bool]
"""A cell style: role, number format, highlighted, quote prefix."""


def style_key(value: Scalar, fmt: NumberFormat, role: CellRole, highlight: bool) -> StyleKey:
    """The style of a cleaned value in a column of format ``fmt``.

    Text is General, with the quote prefix when :func:`needs_quote_prefix`;
    dates get the date format and booleans General, whatever ``fmt`` says.
    """
    if isinstance(value, str):
        return (role, "text", highlight, needs_quote_prefix(value))
    if isinstance(value, bool):
        return (role, "text", highlight, False)
    if isinstance(value, date):
        return (role, "date", highlight, False)
    return (role, fmt, highlight, False)


def styled_cell(ws: WriteOnlyWorksheet, key: StyleKey) -> WriteOnlyCell:
    """A write-only cell carrying style ``key``, to be reused for every cell of that style."""
    role, fmt, highlight, quote = key
    cell = WriteOnlyCell(ws)
    if fmt != "text":
        cell.number_format = NUMBER_FORMATS[fmt]
    if role == "header":
        cell.font = Font(bold=True, color=HEADER_FONT_COLOR)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL_COLOR)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    elif role == "body":
        cell.alignment = Alignment(vertical="top")  # level with a wrapped cell of its row
    elif role == "wrapped":
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif role == "input":
        cell.font = Font(color=INPUT_FONT_COLOR)
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        cell.alignment = Alignment(vertical="top")
    elif role == "total":
        cell.font = Font(bold=True)
        cell.border = Border(top=_THIN)
    elif role == "label":
        cell.font = Font(bold=True)
    elif role == "value":  # next to its label, whatever the width of the column
        cell.alignment = Alignment(horizontal="left")
    elif role == "heading":
        cell.font = Font(bold=True, size=HEADING_FONT_SIZE)
    if role == "input":  # stays an input on a highlighted row too
        cell.fill = PatternFill("solid", fgColor=INPUT_FILL_COLOR)
    elif highlight:
        cell.fill = PatternFill("solid", fgColor=HIGHLIGHT_FILL_COLOR)
    if quote:
        cell.quotePrefix = True
    return cell

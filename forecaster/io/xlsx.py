"""Read the sheets of an .xlsx workbook in bounded memory; every failure is an InputError.

Both the input tables (:mod:`forecaster.io.files`) and the planner's edited
workbook (:mod:`forecaster.report.edited_plan`) read Excel through
:func:`read_workbook`, so both get the same guarantees:

* **Bounded memory.** Only the rows that hold something are kept, with their
  sheet row numbers, each cut after its last filled cell. The ``<dimension>``
  a sheet declares is not trusted: a stray cell at XFD1048576 costs one row, not
  a million padded ones. A sheet that uses a column beyond :data:`MAX_COLUMNS`
  or a row beyond Excel's last is refused, naming the cell, and so is one of
  more than :data:`MAX_CELLS` cells, and a workbook that unpacks to more than
  :data:`MAX_UNPACKED` bytes (a zip bomb) is refused before it is parsed.
* **No traceback from a damaged file.** Damaged zip data, malformed XML, an
  XML entity bomb (openpyxl parses through ``defusedxml``, which refuses
  entity declarations), an old ``.xls`` or a password-protected workbook all
  become an :class:`~forecaster.errors.InputError` naming the file.
* **Hidden sheets are never read by accident.** Without sheet names, the first
  *visible* sheet is read; the names of hidden sheets are returned so the
  caller can say so.
* **A formula is read as the value it was saved with.** A formula saved by a tool
  that does not calculate has no saved value and reads as blank; for the sheets
  named in ``formulas`` such cells are listed (:attr:`Sheet.uncached`), so the
  caller can refuse to take them as blank.
"""

from __future__ import annotations

import math
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import pandas as pd
from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from forecaster.errors import ForecasterError, InputError

#: Widest sheet read (column ALL). Tables forecaster reads have a few dozen columns.
MAX_COLUMNS = 1_000
#: Excel's last row.
MAX_ROWS = 1_048_576
#: Most cells kept from one sheet (each row counted up to its last filled cell): a full
#: sheet of a dozen columns, and a few GB of memory at most, whatever the zip inflates to.
MAX_CELLS = 20_000_000
#: Most bytes a workbook may unpack to (its zip members' declared sizes, which unpacking
#: enforces): a full sheet of a dozen columns is a few hundred MB of XML.
MAX_UNPACKED = 2 << 30
#: How an old binary .xls (or an encrypted .xlsx, which Excel stores the same way) begins.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HINT = "Save it from Excel as .xlsx (Excel Workbook), or export CSV"


@dataclass(frozen=True)
class Sheet:
    """The filled rows of one worksheet.

    Attributes
    ----------
    name
        The sheet's name.
    rows
        Sheet row numbers (1 = first row) of the rows holding at least one value,
        ascending.
    cells
        The values of those rows as openpyxl reads them (text, numbers, dates,
        booleans; ``None`` where blank), all :attr:`width` long; a formula cell
        holds the value it was saved with.
    uncached
        Cells (sheet row, column; both from 1) holding a formula saved without its
        value, which ``cells`` shows as blank; listed only for the sheets
        :func:`read_workbook` is asked to look at, else empty.
    """

    name: str
    rows: tuple[int, ...]
    cells: tuple[tuple[object, ...], ...]
    uncached: frozenset[tuple[int, int]] = frozenset()

    @property
    def width(self) -> int:
        """Columns up to the last filled one (0 for an empty sheet)."""
        return len(self.cells[0]) if self.cells else 0

    def frame(self) -> pd.DataFrame:
        """The filled rows as a frame: index = sheet row numbers, columns = 0, 1, …"""
        return pd.DataFrame(
            list(self.cells), index=pd.Index(self.rows), columns=range(self.width), dtype=object
        )


@dataclass(frozen=True)
class Workbook:
    """The sheets read from a workbook.

    Attributes
    ----------
    sheets
        The sheets read, by name, in workbook order.
    hidden
        Names of the workbook's hidden worksheets (read or not).
    """

    sheets: dict[str, Sheet]
    hidden: tuple[str, ...]


def read_workbook(
    path: Path, names: Sequence[str] | None = None, formulas: Sequence[str] = ()
) -> Workbook:
    """Read sheets ``names`` of ``path`` (those that exist), or its first visible sheet.

    The sheets read whose names are in ``formulas`` are read a second time, with
    formulas, to list their formulas saved without a value (:attr:`Sheet.uncached`).

    Raises
    ------
    InputError
        The file is missing, is not a readable .xlsx workbook, has no visible
        worksheet, or a sheet read is absurdly large.
    """
    try:
        # A handle, not the name: the content decides, not the extension (.xlsm reads too).
        with path.open("rb") as handle, warnings.catch_warnings():
            # openpyxl warns about unsupported extensions and styles: not the planner's concern.
            warnings.simplefilter("ignore")
            _refuse_bomb(handle, path.name)
            book = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                worksheets = list(book.worksheets)
                hidden = tuple(ws.title for ws in worksheets if ws.sheet_state != "visible")
                if names is None:
                    chosen = [ws for ws in worksheets if ws.sheet_state == "visible"][:1]
                    if not chosen:
                        raise InputError(path.name, "the workbook has no visible worksheet")
                else:
                    chosen = [ws for ws in worksheets if ws.title in names]
                sheets = {ws.title: _read_sheet(ws, path.name) for ws in chosen}
            finally:
                book.close()
            looked_at = [name for name in sheets if name in formulas]
            if looked_at:
                handle.seek(0)
                sheets |= _with_uncached(handle, {name: sheets[name] for name in looked_at})
    except ForecasterError:
        raise
    except FileNotFoundError:
        raise InputError(path.name, "file not found") from None
    except Exception as exc:  # a damaged file can raise almost anything inside openpyxl
        raise _unreadable(path, exc) from exc
    return Workbook(sheets, hidden)


def _refuse_bomb(handle: BinaryIO, file: str) -> None:
    """Stop before parsing when the zip members would unpack to more than MAX_UNPACKED."""
    with zipfile.ZipFile(handle) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    handle.seek(0)
    if unpacked > MAX_UNPACKED:
        raise InputError(
            file,
            f"it unpacks to {unpacked / (1 << 30):,.1f} GiB, more than the "
            f"{MAX_UNPACKED / (1 << 30):,.0f} GiB a table may take",
            hint="Export the table as CSV",
        )


def _unreadable(path: Path, exc: BaseException) -> InputError:
    """The error for a file that is not a readable workbook, saying why in words."""
    return InputError(
        path.name, f"cannot be read as an Excel workbook ({_reason(path, exc)})", hint=_HINT
    )


def _reason(path: Path, exc: BaseException) -> str:
    """Why a workbook cannot be read, from the innermost exception (openpyxl wraps some)."""
    while (exc.__cause__ or exc.__context__) is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    detail = _first_line(exc)
    if isinstance(exc, DefusedXmlException):
        return "it declares XML entities, which are refused as a possible XML bomb"
    if isinstance(exc, zipfile.BadZipFile) and not zipfile.is_zipfile(path):
        if _starts_with(path, _OLE2_MAGIC):
            return "it is an old .xls workbook or protected by a password"
        if not _starts_with(path, b"PK"):
            return "it is not an .xlsx workbook"
        return "the file is damaged or incomplete: its zip directory is missing"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return f"the file is damaged: its zip data cannot be unpacked: {detail}"
    if isinstance(exc, ParseError | ExpatError) or type(exc).__module__.startswith("lxml"):
        return f"the file is damaged: its XML is malformed: {detail}"
    if isinstance(exc, UnicodeError):
        return f"the file is damaged: text that is not valid Unicode: {detail}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"the file is damaged ({type(exc).__name__}: {detail})"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


def _read_sheet(ws: Any, file: str) -> Sheet:
    """The filled rows of a read-only worksheet, refusing cells beyond the bounds."""
    ws.reset_dimensions()  # the declared <dimension> may lie
    title = str(ws.title)
    rows: list[int] = []
    cells: list[tuple[object, ...]] = []
    kept = 0
    # Gaps between filled rows come out of openpyxl as empty rows: cheap, and not kept.
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise _too_large(file, title, f"rows beyond row {MAX_ROWS:,}, Excel's last row")
        used = _used_width(values)
        if used == 0:
            continue
        if used > MAX_COLUMNS:
            cell = f"{get_column_letter(used)}{number}"
            raise _too_large(
                file, title, f"cell {cell} is beyond column {get_column_letter(MAX_COLUMNS)}"
            )
        kept += used
        if kept > MAX_CELLS:
            raise _too_large(file, title, f"more than {MAX_CELLS:,} cells by row {number:,}")
        rows.append(number)
        cells.append(tuple(values[:used]))
    width = max((len(c) for c in cells), default=0)
    padded = tuple(c + (None,) * (width - len(c)) for c in cells)
    return Sheet(title, tuple(rows), padded)


def _with_uncached(handle: BinaryIO, sheets: dict[str, Sheet]) -> dict[str, Sheet]:
    """``sheets`` (read with saved values) with the cells listed that hold a formula but
    read blank: no value was saved with it. The sheets passed the bounds already."""
    book = load_workbook(handle, read_only=True, data_only=False, keep_links=False)
    try:
        out = {}
        for name, sheet in sheets.items():
            ws = book[name]
            ws.reset_dimensions()
            saved = dict(zip(sheet.rows, sheet.cells, strict=True))
            uncached = set()
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    break
                row = saved.get(number, ())
                for column, value in enumerate(values[:MAX_COLUMNS], start=1):
                    kept = row[column - 1] if column <= len(row) else None
                    if value is not None and kept is None and _is_formula(value):
                        uncached.add((number, column))
            out[name] = replace(sheet, uncached=frozenset(uncached))
        return out
    finally:
        book.close()


def _is_formula(value: object) -> bool:
    """A cell value as openpyxl reads it with formulas: ``=...`` text, or an array or
    data-table formula object."""
    if isinstance(value, str):
        return value.startswith("=")
    return not isinstance(value, int | float | datetime | date | time | bool)


def _too_large(file: str, sheet: str, problem: str) -> InputError:
    return InputError(
        f"{file}, sheet {sheet}",
        f"the sheet is too large to be a table: {problem}",
        hint="Delete the stray cells (select the empty rows and columns past the table, "
        "Delete) or export CSV",
    )


def _used_width(values: Sequence[object]) -> int:
    """Columns up to and including the last filled cell."""
    for i in range(len(values) - 1, -1, -1):
        if not is_blank(values[i]):
            return i + 1
    return 0


def is_blank(value: object) -> bool:
    """An empty cell: ``None`` or text of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as text, the way it reads in Excel's formula bar.

    ``None`` (or NaN, NaT) is ``""``; a whole number stored as a float loses its
    ``.0`` (a SKU 1001 stays ``"1001"``); a date-time is ISO ``2026-03-01 00:00:00``.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)

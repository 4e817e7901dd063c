"""Find an input table in the data folder and read it, whatever its format.

CSV files may be UTF-8, UTF-8 with a byte-order mark, UTF-16 (Excel's "Unicode
text") or GBK/GB18030 (Chinese Excel); the encoding and the delimiter are
detected, never asked for; UTF-16 without a byte-order mark is recognised by
its zero bytes. XLSX files are read from their first visible sheet, in bounded
memory (:mod:`forecaster.io.xlsx`); Parquet files keep their column types.

CSV text is read columnar by pyarrow's CSV reader, straight into Arrow string
columns (no Python object per cell: a few bytes per cell instead of about 60).
A file that reader refuses (another encoding than UTF-8, a row with too few or
too many cells) is read again by pandas' parser, whose messages are the ones
the planner sees; a UTF-8 file gives the same frame either way (blank lines
stay rows of blanks in both, so that row numbers match the file).

Readers return the table's columns as written in the file, with only the
columns forecaster uses (found via :mod:`forecaster.io.columns`) renamed to
their canonical names. Two headers of the same column (``qty`` twice, or
``qty`` and ``数量``) must agree, see :func:`_check_duplicates`. CSV and XLSX
values stay text here; parsing into numbers and dates happens in
:mod:`forecaster.io.parse`, where bad cells can be named.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from forecaster.errors import InputError
from forecaster.io.columns import (
    ColumnMap,
    column_label,
    normalise_header,
    resolve_columns,
)
from forecaster.io.parse import ARROW_TEXT, to_date, to_number, to_text
from forecaster.io.quality import QualityReport
from forecaster.io.schema import EXTENSIONS, TableSpec
from forecaster.io.xlsx import cell_text, read_workbook

#: Bytes inspected to detect the encoding and the delimiter of a CSV file.
_SNIFF_BYTES = 1 << 20
_DELIMITERS = (",", "\t", ";", "|")
#: How each detected encoding is named to the planner.
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE (without byte-order mark)",
    "utf-16-be": "UTF-16 BE (without byte-order mark)",
    "gb18030": "GBK/GB18030",
}
#: Bytes inspected for the zero bytes of UTF-16 text without a byte-order mark.
_UTF16_SNIFF = 4096
#: What a binary file saved under a .csv name really is, by its first bytes.
_NOT_TEXT = {
    b"PK\x03\x04": ("an Excel workbook (or another zip file)", "Rename it to .xlsx"),
    b"\xd0\xcf\x11\xe0": ("an old .xls workbook", "Save it from Excel as CSV UTF-8"),
    b"PAR1": ("a Parquet file", "Rename it to .parquet"),
}


@dataclass(frozen=True)
class RawTable:
    """A table as read, before its values are parsed.

    Attributes
    ----------
    spec
        The table's specification.
    path
        The file it came from.
    frame
        Canonical columns present in the file (text for CSV/XLSX, typed for Parquet).
    columns
        Which header of the file each canonical column came from.
    encoding
        The detected text encoding (CSV only).
    first_row
        Row number, as the user sees it, of ``frame`` index 0: ``frame.index +
        first_row`` are the rows of the file (2 for CSV and XLSX, whose header is
        row 1; 1 for Parquet).
    sheet
        The sheet read (XLSX only).
    quality
        What reading noticed (hidden sheets, duplicate columns), for the
        data-quality report.
    """

    spec: TableSpec
    path: Path
    frame: pd.DataFrame
    columns: ColumnMap
    encoding: str | None
    first_row: int
    sheet: str | None = None
    quality: QualityReport = field(default_factory=QualityReport)

    @property
    def file(self) -> str:
        return self.path.name


def find_table(data_dir: Path, name: str) -> Path | None:
    """The file holding table ``name`` in ``data_dir`` (``sales.csv``, ``sales.xlsx``, …).

    The extension is matched case-insensitively. Returns ``None`` when there is
    no such file; raises :class:`InputError` when there are several.
    """
    matches = sorted(
        p
        for p in data_dir.iterdir()
        if p.is_file() and p.stem.casefold() == name and p.suffix.casefold() in EXTENSIONS
    )
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches)
        raise InputError(
            matches[0].name,
            f"several files hold the table '{name}' ({names})",
            hint="Keep one of them in the data folder",
        )
    return matches[0] if matches else None


def read_table(
    path: Path,
    spec: TableSpec,
    aliases: dict[str, list[str]],
    table_aliases: dict[str, list[str]],
) -> RawTable:
    """Read ``path`` as table ``spec``, keeping and renaming the columns it uses.

    Raises
    ------
    InputError
        The file is empty, cannot be decoded or parsed, or lacks a required column.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path.name, f"cannot be read ({exc.strerror})") from exc
    if size == 0:
        raise InputError(path.name, "the file is empty")
    suffix = path.suffix.casefold()
    try:
        if suffix == ".csv":
            return _read_csv(path, spec, aliases, table_aliases)
        if suffix == ".xlsx":
            return _read_xlsx(path, spec, aliases, table_aliases)
        return _read_parquet(path, spec, aliases, table_aliases)
    except OSError as exc:  # unreadable after all: permissions, a disk or network error
        raise InputError(path.name, f"cannot be read ({exc.strerror or exc})") from exc


# --------------------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """Detect the text encoding of a CSV file.

    A byte-order mark decides (UTF-8 or UTF-16); then zero bytes in every
    other position mark UTF-16 without one (ASCII letters, digits and commas
    are two bytes there, one of them zero); otherwise the first MiB must decode
    as UTF-8, else GB18030 (a superset of GBK, what Chinese Excel writes) is used.

    Returns
    -------
    str
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-16-le``,
        ``utf-16-be`` or ``gb18030``.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head[:_UTF16_SNIFF])
    if utf16 is not None:
        return utf16
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when zero bytes sit on one side of the byte pairs.

    In UTF-16 every ASCII character (digits, commas, line ends) has a zero high
    byte; text in an 8-bit encoding has no zero bytes at all. An eighth of the
    pairs with their zero on one side, and at most an eighth as many on the other
    (a Chinese character such as 一, U+4E00, has a zero low byte), is UTF-16.
    """
    pairs = len(head) // 2
    if pairs == 0 or b"\x00" not in head:
        return None
    even = head[0 : 2 * pairs : 2].count(0)
    odd = head[1 : 2 * pairs : 2].count(0)
    if odd >= pairs / 8 and even <= odd / 8:
        return "utf-16-le"
    if even >= pairs / 8 and odd <= even / 8:
        return "utf-16-be"
    return None


def _refuse_binary(path: Path) -> None:
    """Stop on a workbook or Parquet file saved under a .csv name."""
    with path.open("rb") as handle:
        head = handle.read(8)
    for magic, (what, hint) in _NOT_TEXT.items():
        if head.startswith(magic):
            raise InputError(path.name, f"is {what}, not CSV text", hint=hint)


def _first_line(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        return handle.readline()


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(
    path: Path, spec: TableSpec, aliases: dict[str, list[str]], table_aliases: dict[str, list[str]]
) -> RawTable:
    _refuse_binary(path)
    encoding = detect_encoding(path)
    header_line = _first_line(path, encoding)
    if not header_line.strip():
        raise InputError(path.name, "the first line is blank: expected a header row")
    sep = _delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=sep))
    columns = resolve_columns(headers, spec, aliases, table_aliases, file=path.name)
    positions = columns.read_positions()
    utf8 = encoding == "utf-8-sig"
    frame = _read_csv_columnar(path, sep, len(headers), positions) if utf8 else None
    # A UTF-8 sample may hide GBK bytes further on; other encodings were certain.
    attempts = (encoding, "gb18030") if utf8 else (encoding,)
    for attempt in attempts if frame is None else ():
        try:
            frame = pd.read_csv(
                path,
                sep=sep,
                encoding=attempt,
                dtype=str,
                keep_default_na=False,
                usecols=positions,
                # Blank lines stay rows so that row numbers in messages match the file.
                skip_blank_lines=False,
            )
            encoding = attempt
            break
        except UnicodeDecodeError as exc:
            if attempt == attempts[-1]:
                tried = " and ".join(ENCODING_LABELS.get(a, a) for a in attempts)
                raise InputError(
                    path.name,
                    f"cannot decode the text (tried {tried}: {exc.reason})",
                    hint="Save the file as CSV UTF-8",
                ) from exc
        except (pd.errors.ParserError, ValueError, OverflowError, csv.Error) as exc:
            raise InputError(path.name, f"cannot be read as CSV ({_first_sentence(exc)})") from exc
    assert frame is not None
    # usecols keeps the file's column order; label the columns by position.
    frame = frame.set_axis(positions, axis=1)
    return _finish(path, spec, frame, columns, encoding=encoding, first_row=2, text=True)


def _read_csv_columnar(
    path: Path, sep: str, n_columns: int, positions: list[int]
) -> pd.DataFrame | None:
    """The columns ``positions`` of a UTF-8 CSV file as text, read by pyarrow; None if refused.

    Every cell stays text (``""`` where empty; a blank line a row of blanks), as
    with pandas' reader. pyarrow refuses invalid UTF-8 and a row whose cell count
    differs from the header's: the caller then reads the file with pandas, which
    words the errors (or tries GB18030).
    """
    names = [str(i) for i in range(n_columns)]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string: what pandas keeps its Arrow text in (string would be copied)
                column_types=dict.fromkeys(names, pa.large_string()),
                include_columns=[names[p] for p in positions],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    frame = table.to_pandas(types_mapper={pa.large_string(): ARROW_TEXT}.get)
    return frame.set_axis(positions, axis=1)


# --------------------------------------------------------------------------- XLSX and Parquet


def _read_xlsx(
    path: Path, spec: TableSpec, aliases: dict[str, list[str]], table_aliases: dict[str, list[str]]
) -> RawTable:
    book = read_workbook(path)
    [sheet] = book.sheets.values()
    if not sheet.rows:
        raise InputError(path.name, f"sheet '{sheet.name}' is empty")
    # The header is the first filled row; row numbers stay the sheet's own.
    header_row, *data_rows = sheet.rows
    headers = [cell_text(v) for v in sheet.cells[0]]
    columns = resolve_columns(headers, spec, aliases, table_aliases, file=path.name)
    positions = columns.read_positions()
    data = sheet.cells[1:]
    frame = pd.DataFrame(
        {p: [cell_text(row[p]) for row in data] for p in positions},
        index=pd.Index([r - header_row - 1 for r in data_rows], dtype="int64"),
        columns=positions,
        dtype="str",
    )
    raw = _finish(path, spec, frame, columns, encoding=None, first_row=header_row + 1, text=True)
    if book.hidden:
        names = ", ".join(f"'{name}'" for name in book.hidden)
        raw.quality.add(
            "warning",
            path.name,
            "hidden_sheet",
            len(book.hidden),
            f"the first visible sheet '{sheet.name}' is read, hidden sheet(s) {names} "
            "skipped: if the data is on a hidden sheet, unhide it and move it first",
        )
    return replace(raw, sheet=sheet.name)


def _read_parquet(
    path: Path, spec: TableSpec, aliases: dict[str, list[str]], table_aliases: dict[str, list[str]]
) -> RawTable:
    import pyarrow.parquet as pq

    try:
        headers = list(pq.read_schema(path).names)
        columns = resolve_columns(headers, spec, aliases, table_aliases, file=path.name)
        positions = columns.read_positions()
        frame = pd.read_parquet(path, columns=[headers[p] for p in positions])
        frame = frame.set_axis(positions, axis=1)
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise InputError(path.name, f"cannot be read as Parquet ({_first_sentence(exc)})") from exc
    return _finish(path, spec, frame, columns, encoding=None, first_row=1, text=False)


def _finish(
    path: Path,
    spec: TableSpec,
    frame: pd.DataFrame,
    columns: ColumnMap,
    *,
    encoding: str | None,
    first_row: int,
    text: bool,
) -> RawTable:
    """Check duplicate columns, keep the mapped ones under their canonical names.

    ``frame`` holds the columns of ``columns.read_positions()``, labelled by position.
    """
    quality = QualityReport()
    _check_duplicates(path.name, frame, columns, spec, first_row, quality)
    frame = frame[[columns.positions[c] for c in columns.source]].copy()
    frame.columns = list(columns.source.keys())
    if text and len(frame.columns):
        # Rows whose every used cell is blank are spreadsheet leftovers, not data.
        # The index keeps each remaining row's position, from which messages number rows.
        blank = (frame == "").all(axis=1).to_numpy()
        if blank.any():
            frame = frame[~blank]
    return RawTable(spec, path, frame, columns, encoding, first_row, quality=quality)


def _check_duplicates(
    file: str,
    frame: pd.DataFrame,
    columns: ColumnMap,
    spec: TableSpec,
    first_row: int,
    quality: QualityReport,
) -> None:
    """Two headers of one column must agree; which one wins must never be a silent guess.

    Values that agree (as numbers or dates where the column is one: ``2`` and
    ``2.0`` agree) give a note. Values that disagree stop the run when the two
    headers are the same name, or one is the canonical name (the file cannot
    say which is meant), and give a warning when both are aliases, where the
    first alias listed in the config wins (ERP exports often carry two: an
    order and a payment date, a merchant and a platform code).

    Raises
    ------
    InputError
        Naming both headers and the rows where they disagree.
    """
    kinds = {c.name: c.kind for c in spec.columns}
    for duplicate in columns.ignored:
        canonical = duplicate.canonical
        header, position = columns.source[canonical], columns.positions[canonical]
        both = (
            f"{column_label(header, position)} and "
            f"{column_label(duplicate.header, duplicate.position)}"
        )
        differ = _disagree(frame[position], frame[duplicate.position], kinds[canonical])
        rows = (frame.index[differ] + first_row).tolist()
        if not rows:
            quality.add(
                "note",
                file,
                "alias_ignored",
                1,
                f"columns {both} both hold '{canonical}', with the same values: '{header}' is used",
                column=duplicate.header,
            )
            continue
        names = {normalise_header(header), normalise_header(duplicate.header)}
        if len(names) == 1 or normalise_header(canonical) in names:
            raise InputError(
                file,
                f"columns {both} both hold '{canonical}' but disagree",
                rows=rows,
                hint="Delete one of them, or rename it so it matches no column name",
            )
        quality.add(
            "warning",
            file,
            "alias_conflict",
            len(rows),
            f"columns {both} both hold '{canonical}' but disagree: '{header}' is used "
            "(the first alias listed in the config's [columns.aliases]); delete or rename "
            "the other column if it is the right one",
            column=duplicate.header,
            sample=rows,
        )


def _disagree(first: pd.Series, second: pd.Series, kind: str) -> np.ndarray:
    """Cells where two columns hold different values, compared as ``kind`` where they parse."""
    differ = (to_text(first) != to_text(second)).to_numpy()
    if kind != "text" and differ.any():
        (a, bad_a), (b, bad_b) = _parsed(first, kind), _parsed(second, kind)
        same = (a == b).to_numpy() & ~bad_a & ~bad_b
        differ = differ & ~same
    return np.asarray(differ, dtype=bool)


def _parsed(values: pd.Series, kind: str) -> tuple[pd.Series, np.ndarray]:
    """Values parsed as numbers or dates, and the mask of cells that do not parse."""
    if kind == "number":
        return to_number(values)[:2]
    return to_date(values)[:2]


def _first_sentence(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

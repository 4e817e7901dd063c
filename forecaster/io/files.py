"""Find an input table in the data folder and read it, whatever its format.

CSV files may be UTF-8, UTF-8 with a byte-order mark, UTF-16 (Excel's "Unicode
text") or GBK/GB18030 (Chinese Excel); the encoding and the delimiter are
detected, never asked for. XLSX files are read from their first sheet; Parquet
files keep their column types.

Readers return the table's columns as written in the file, with only the
columns forecaster uses (found via :mod:`forecaster.io.columns`) renamed to
their canonical names. CSV and XLSX values stay text here; parsing into numbers
and dates happens in :mod:`forecaster.io.parse`, where bad cells can be named.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecaster.errors import InputError
from forecaster.io.columns import ColumnMap, resolve_columns
from forecaster.io.schema import EXTENSIONS, TableSpec

#: Bytes inspected to detect the encoding and the delimiter of a CSV file.
_SNIFF_BYTES = 1 << 20
_DELIMITERS = (",", "\t", ";", "|")


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
        Row number, as the user sees it, of ``frame``'s first row: 2 for CSV and
        XLSX (header is row 1), 1 for Parquet.
    """

    spec: TableSpec
    path: Path
    frame: pd.DataFrame
    columns: ColumnMap
    encoding: str | None
    first_row: int

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
    if suffix == ".csv":
        return _read_csv(path, spec, aliases, table_aliases)
    if suffix == ".xlsx":
        return _read_xlsx(path, spec, aliases, table_aliases)
    return _read_parquet(path, spec, aliases, table_aliases)


# --------------------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """Detect the text encoding of a CSV file.

    A byte-order mark decides (UTF-8 or UTF-16); otherwise the first MiB must
    decode as UTF-8, else GB18030 (a superset of GBK, what Chinese Excel writes)
    is used.

    Returns
    -------
    str
        A Python codec name: ``utf-8-sig``, ``utf-16`` or ``gb18030``.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


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
    encoding = detect_encoding(path)
    header_line = _first_line(path, encoding)
    if not header_line.strip():
        raise InputError(path.name, "the first line is blank: expected a header row")
    sep = _delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=sep))
    columns = resolve_columns(headers, spec, aliases, table_aliases, file=path.name)
    frame = None
    for attempt in (encoding, "gb18030"):
        try:
            frame = pd.read_csv(
                path,
                sep=sep,
                encoding=attempt,
                dtype=str,
                keep_default_na=False,
                usecols=list(columns.source.values()),
                # Blank lines stay rows so that row numbers in messages match the file.
                skip_blank_lines=False,
            )
            encoding = attempt
            break
        except UnicodeDecodeError as exc:
            # The sample was UTF-8 but a later byte is not: a GBK file with an ASCII start.
            if attempt == "gb18030":
                raise InputError(
                    path.name,
                    f"cannot decode the text (tried {encoding} and GBK: {exc.reason})",
                    hint="Save the file as CSV UTF-8",
                ) from exc
        except (pd.errors.ParserError, ValueError, csv.Error) as exc:
            raise InputError(path.name, f"cannot be read as CSV ({_first_sentence(exc)})") from exc
    assert frame is not None
    return _finish(path, spec, frame, columns, encoding=encoding, first_row=2, text=True)


# --------------------------------------------------------------------------- XLSX and Parquet


def _read_xlsx(
    path: Path, spec: TableSpec, aliases: dict[str, list[str]], table_aliases: dict[str, list[str]]
) -> RawTable:
    try:
        frame = pd.read_excel(
            path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl"
        )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            path.name,
            f"cannot be read as an Excel workbook ({_first_sentence(exc)})",
            hint="Save it from Excel as .xlsx (Excel Workbook) or export CSV",
        ) from exc
    frame.columns = [str(c) for c in frame.columns]
    columns = resolve_columns(list(frame.columns), spec, aliases, table_aliases, file=path.name)
    return _finish(path, spec, frame, columns, encoding=None, first_row=2, text=True)


def _read_parquet(
    path: Path, spec: TableSpec, aliases: dict[str, list[str]], table_aliases: dict[str, list[str]]
) -> RawTable:
    import pyarrow.parquet as pq

    try:
        headers = list(pq.read_schema(path).names)
        columns = resolve_columns(headers, spec, aliases, table_aliases, file=path.name)
        frame = pd.read_parquet(path, columns=list(columns.source.values()))
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
    frame = frame[list(columns.source.values())].copy()
    frame.columns = list(columns.source.keys())
    frame.index = pd.RangeIndex(len(frame))
    if text and len(frame.columns):
        # Rows whose every used cell is blank are spreadsheet leftovers, not data.
        # The index keeps each remaining row's position, from which messages number rows.
        blank = (frame == "").all(axis=1).to_numpy()
        if blank.any():
            frame = frame[~blank]
    return RawTable(spec, path, frame, columns, encoding, first_row)


def _first_sentence(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

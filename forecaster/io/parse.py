"""Parse cells into text, numbers and dates, marking the cells that are not.

Each parser takes a column as read (text from CSV/XLSX, typed from Parquet) and
returns the parsed values with a boolean mask of cells that hold something but
could not be parsed. Blank cells are not bad: they come back as missing values
and the caller decides whether a blank is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from forecaster.io.schema import FIRST_DATE, LAST_DATE

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_CURRENCY = re.compile(r"^[¥￥$]\s*")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_FIRST, _LAST = pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE)
#: Arrow string columns as pandas' ``str`` dtype (the dtype pandas' own CSV reader gives).
ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def to_text(values: pd.Series) -> pd.Series:
    """Trimmed text; missing cells become ``""``.

    Whole numbers that a typed source (Parquet, Excel) stored as floats lose
    their ``.0`` (a SKU 1001 stays ``"1001"``). A long Arrow column of few distinct
    values (:func:`_by_distinct`: a sales table's SKU and warehouse codes) comes back
    categorical, its categories the distinct trimmed texts: a 32-bit code a row instead
    of the text.
    """
    distinct = _by_distinct(values, lambda uniques: (to_text(uniques),), categorical=True)
    if distinct is not None:
        return distinct[0]
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == np.floor(values.fillna(0)))
        text = values.astype(object).where(~whole, values.fillna(0).astype("int64"))
        values = pd.Series(text, index=values.index)
    # pandas' "str" dtype keeps text in Arrow buffers: a fraction of the memory of objects.
    return values.astype("str").fillna("").str.strip()


def constant_text(value: str, n: int) -> pd.Series:
    """``n`` cells of text ``value`` (a column the file lacks), built in Arrow, not as objects.

    >>> constant_text("", 3).tolist()
    ['', '', '']
    """
    taken = pa.array([value], pa.large_string()).take(pa.array(np.zeros(n, dtype=np.int64)))
    return pd.Series(taken.to_pandas(types_mapper={pa.large_string(): ARROW_TEXT}.get))


def _arrow_text(values: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array behind a text column kept in Arrow (pandas' ``str``), else None."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pa.chunked_array(pa.array(values.array))
    return None


def empty_text(values: pd.Series) -> np.ndarray:
    """Cells of a text column (as :func:`to_text` gives it) that are ``""``, computed in Arrow
    for an Arrow column (one byte a cell, no temporary as long as the column).

    >>> empty_text(to_text(pd.Series(["a", " ", None]))).tolist()
    [False, True, True]
    """
    arrow = _arrow_text(values)
    if arrow is not None:
        equal = pc.fill_null(pc.equal(arrow, ""), False)
        return np.asarray(equal.to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray((values == "").to_numpy(), dtype=bool)


def blank_mask(values: pd.Series) -> np.ndarray:
    """Cells that are empty (missing, or only whitespace)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return np.asarray(values.isna().to_numpy(dtype=bool))
    text = values.astype("string")
    return np.asarray((text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool))


def to_number(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers; accept ``1,234.5`` thousands separators and a leading ``¥``/``$``.

    Returns
    -------
    parsed
        float64 values, NaN where blank or bad.
    bad
        True where the cell holds text that is not a finite number.
    """
    distinct = _by_distinct(values, to_number)
    if distinct is not None:
        return distinct[0], distinct[1]
    blank = blank_mask(values)
    if pd.api.types.is_bool_dtype(values):
        parsed = values.astype("float64")
        return parsed, np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values):
        parsed = values.astype("float64")
        bad = ~np.isfinite(parsed.to_numpy()) & ~blank
        return parsed.where(~pd.Series(bad, index=values.index)), bad
    plain = _plain_numbers(values)
    if plain is not None:
        parsed = pd.Series(plain, index=values.index)
        bad = ~np.isfinite(plain) & ~blank
        return parsed.where(~bad), bad
    text = values.astype("string").str.strip()
    parsed = pd.to_numeric(text, errors="coerce").astype("float64")
    failed = parsed.isna().to_numpy() & ~blank
    if failed.any():
        retry = text[failed].str.replace(_CURRENCY, "", regex=True)
        thousands = retry.str.match(_THOUSANDS).fillna(False).astype(bool)
        retry = retry.where(~thousands, retry.str.replace(",", "", regex=False))
        parsed[failed] = pd.to_numeric(retry, errors="coerce").astype("float64").to_numpy()
    finite = np.isfinite(parsed.to_numpy())
    bad = ~finite & ~blank
    parsed = parsed.where(finite)
    return parsed, bad


#: Cells of a text column below which it is parsed cell by cell (no gain in the distinct values).
DISTINCT_MIN_CELLS = 100_000


def _by_distinct(
    values: pd.Series,
    parse: Callable[[pd.Series], tuple[pd.Series | np.ndarray, ...]],
    categorical: bool = False,
) -> tuple[pd.Series | np.ndarray, ...] | None:
    """``parse`` of each distinct text of a long Arrow text column, spread back over its rows;
    None for another column, or one of mostly distinct cells (``parse`` it whole).

    A sales table of millions of rows holds a few hundred dates, a few dozen
    quantities and a SKU code per thousand rows or so: parsing and trimming the
    distinct values (Arrow's dictionary encoding) and taking the results by each
    row's code needs a small array of codes beside the results, where parsing
    every cell made several temporaries as long as the column. A missing cell is
    parsed as one more distinct value, so blanks come out as they would. The
    results are the same as ``parse(values)``'s: each one, a Series (with
    ``values``' index) or an array, taken row by row; with ``categorical``, a Series
    result is categorical (its categories the distinct results, sorted; int32 codes).
    """
    n = len(values)
    arrow = _arrow_text(values) if n >= DISTINCT_MIN_CELLS else None
    if arrow is None:
        return None
    encoded = pc.dictionary_encode(arrow)
    combined = encoded.combine_chunks() if encoded.num_chunks != 1 else encoded.chunk(0)
    dictionary = combined.dictionary
    if len(dictionary) > n // 4:
        return None
    # a missing cell is the extra value after the distinct ones
    codes = pc.fill_null(combined.indices, len(dictionary)).to_numpy()
    with_blank = pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)])
    uniques = pd.Series(with_blank.to_pandas(types_mapper=lambda _type: ARROW_TEXT))
    out: list[pd.Series | np.ndarray] = []
    for result in parse(uniques):
        if isinstance(result, pd.Series) and categorical:
            # sorted categories: a categorical column sorts as its text would
            result_codes, categories = pd.factorize(result, sort=True)  # no NaN in text
            taken = pd.Categorical.from_codes(
                result_codes.astype(np.int32)[codes], categories=categories
            )
            out.append(pd.Series(taken, index=values.index, name=values.name))
        elif isinstance(result, pd.Series):
            taken = result.array.take(codes)
            out.append(pd.Series(taken, index=values.index, name=values.name))
        else:
            out.append(np.asarray(result)[codes])
    return tuple(out)


def _plain_numbers(values: pd.Series) -> np.ndarray | None:
    """float64 of text cells that all hold plain numbers (blank: NaN), parsed by Arrow; else None.

    The fast path of :func:`to_number` for a column of millions of quantities: one
    vectorised cast, no Python object per cell. A column with any other cell
    (``1,234``, ``¥5``, a word) returns None and goes the cell-by-cell way, which
    names the bad cells.
    """
    arrow = _arrow_text(values)
    if arrow is None:
        return None
    trimmed = pc.utf8_trim_whitespace(arrow)
    try:
        numbers = pc.cast(pc.if_else(pc.equal(trimmed, ""), None, trimmed), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.float64)


def to_date(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse calendar dates (the time of day is dropped), bounded to the dates forecaster plans.

    Accepted: ISO ``2024-03-05`` (with or without a time), ``2024/3/5``,
    ``2024.03.05``, ``20240305``, ``2024年3月5日``, Excel serial day numbers
    (``45356``) and typed date cells. Day-first or month-first dates such as
    ``05/03/2024`` are ambiguous and rejected. Dates before
    :data:`~forecaster.io.schema.FIRST_DATE` or after
    :data:`~forecaster.io.schema.LAST_DATE` (the ERP placeholders 0001-01-01,
    1900-01-01, 9999-12-31 for "no date") are marked ``outside``.

    Returns
    -------
    parsed
        ``datetime64[ns]`` values at midnight, NaT where blank, bad or outside.
    bad
        True where the cell holds something that is not such a date.
    outside
        True where the cell holds a date outside ``FIRST_DATE .. LAST_DATE``.
    """
    distinct = _by_distinct(values, to_date)
    if distinct is not None:
        return distinct[0], distinct[1], distinct[2]
    blank = blank_mask(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        typed = pd.Series(values)
        if getattr(typed.dt, "tz", None) is not None:
            typed = typed.dt.tz_localize(None)
        wide = typed.dt.normalize().astype("datetime64[s]")
    else:
        # Dates repeat a lot (one per day across thousands of SKUs): parse each distinct value once.
        codes, uniques = pd.factorize(values.astype("string").str.strip(), use_na_sentinel=True)
        parsed_uniques = _parse_date_strings(pd.Series(uniques, dtype="string")).to_numpy()
        # a NaT after the distinct dates stands for every blank cell (all of them may be)
        lookup = np.append(parsed_uniques.astype("datetime64[s]"), np.datetime64("NaT", "s"))
        taken = lookup[np.where(codes >= 0, codes, len(parsed_uniques))]
        wide = pd.Series(taken, index=values.index, dtype="datetime64[s]")
    found = wide.notna().to_numpy()
    bad = ~found & ~blank
    outside = found & ~wide.between(_FIRST, _LAST).to_numpy()
    parsed = wide.where(~outside).astype("datetime64[ns]")
    return parsed, bad, outside


def _parse_date_strings(text: pd.Series) -> pd.Series:
    """Dates of distinct date strings, at a resolution of seconds (any year, NaT where none)."""
    cleaned = (
        text.str.replace(r"\s*[年月]\s*", "-", regex=True)
        .str.replace(r"\s*日", "", regex=True)
        .str.replace("T", " ", regex=False)
        # Keep the local wall-clock date of a time-zoned timestamp: drop the offset.
        .str.replace(
            r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$", r"\1", regex=True
        )
    )
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    serial = cleaned.str.match(_SERIAL).fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(cleaned[serial], errors="coerce")
        parsed[serial] = (_EXCEL_EPOCH + pd.to_timedelta(np.floor(days), unit="D")).to_numpy()
    rest = ~serial
    if rest.any():
        as_dates = pd.to_datetime(cleaned[rest], format="ISO8601", errors="coerce")
        parsed[rest] = as_dates.dt.normalize().astype("datetime64[s]").to_numpy()
    return parsed

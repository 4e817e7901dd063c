"""Tables too long for a sheet, written in full to Parquet files beside the workbook.

Excel holds 1,048,576 rows a sheet (``output.sheet_rows`` sets fewer). A shop
with more planning units than that still gets its workbook: each table that
does not fit goes whole to ``<workbook name>_<sheet>.parquet`` in the same
folder, and its sheet says so in a row above the table and keeps the rows the
planner acts on first (:class:`forecaster.report.excel.Overflow`). The files are
staged with the workbook, so a failed run leaves none of them behind.

A Parquet column is named by the table column's key (``suggested_order``,
``days_of_cover``) and holds the sheet's values unformatted: numbers as
computed, flags, lifecycle stages and alert names in the sheet's words; a column
mixing numbers and words (``never`` for a SKU that never sold) holds text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from forecaster.config import Lang
from forecaster.glossary import say
from forecaster.report.excel import Overflow
from forecaster.report.staging import safe_filename


def side_table_name(workbook: str, sheet: str) -> str:
    """``<workbook stem>_<sheet>.parquet``, a safe file name.

    >>> side_table_name("replenishment_2026-12-01.xlsx", "Forecast")
    'replenishment_2026-12-01_Forecast.parquet'
    """
    return safe_filename(f"{Path(workbook).stem}_{sheet}.parquet")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` to the Parquet file ``path``, without its index.

    A text column that Arrow cannot type as one kind (numbers and words mixed)
    is written as text, its blanks kept as nulls.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "t.parquet"
    >>> write_parquet(pd.DataFrame({"days": [3.0, "never"], "n": [1, 2]}), target)
    >>> pd.read_parquet(target)["days"].tolist()
    ['3.0', 'never']
    """
    arrays = {}
    for name, values in frame.items():
        try:
            arrays[str(name)] = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            text = values.map(lambda v: v if pd.isna(v) else str(v))
            arrays[str(name)] = pa.array(text, type=pa.string(), from_pandas=True)
    pq.write_table(pa.table(arrays), path)


def overflow_beside(
    workbook: str, side_path: Callable[[str], Path], rows: int, lang: Lang
) -> Overflow:
    """The :class:`Overflow` of the sheets of ``workbook``: a table too long for ``rows``
    rows goes to :func:`side_table_name` at ``side_path(name)`` (a path of the run's
    output stage)."""

    def write(sheet: str, frame: pd.DataFrame) -> str:
        name = side_table_name(workbook, sheet)
        write_parquet(frame, side_path(name))
        return name

    def note(shown: int, total: int, file: str) -> str:
        return say("sheet_cut", lang, shown=shown, total=total, file=file)

    return Overflow(rows, write, note)

"""A long text column is parsed once per distinct value (forecaster.io.parse): the results are
those of parsing every cell, blanks, bad cells and dates out of range included, and a bad cell
in a long sales file is still named by its row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecaster.config import Settings
from forecaster.errors import InvalidInput
from forecaster.io import parse
from forecaster.io.dataset import load_dataset
from tests.conftest import write_tables

CELLS = {
    "date": ["2024-01-01", " 2024-01-02", "2024/01/03", "bad", "", "0001-01-01", "2024年3月5日",
             "45356", "9999-12-31", "2024-01-01T10:00+08:00"],
    "number": ["1", " 2", "1,234", "¥5", "x", "", "3.5", "inf", "-0", "1e3"],
    "text": [" A1", "B2 ", "C3", "", "1001", "  ", "SKU-7"],
}  # fmt: skip
PARSERS: dict[str, Callable[[pd.Series], object]] = {
    "date": parse.to_date,
    "number": parse.to_number,
    "text": parse.to_text,
}


def arrow_text(cells: list[str | None]) -> pd.Series:
    return pd.Series(
        pa.array(cells, pa.string()).to_pandas(types_mapper=lambda _t: parse.ARROW_TEXT)
    )


def both_ways(kind: str, values: pd.Series, monkeypatch: pytest.MonkeyPatch) -> tuple:
    fast = PARSERS[kind](values)
    with monkeypatch.context() as m:
        m.setattr(parse, "DISTINCT_MIN_CELLS", 10**12)  # cell by cell
        slow = PARSERS[kind](values)
    return (fast if isinstance(fast, tuple) else (fast,)), (
        slow if isinstance(slow, tuple) else (slow,)
    )


def assert_same(fast: tuple, slow: tuple) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        if isinstance(a, pd.Series):
            if isinstance(a.dtype, pd.CategoricalDtype):  # text by distinct values
                assert a.cat.categories.is_unique and not a.isna().any()
                a = a.astype(b.dtype)
            pd.testing.assert_series_equal(a, b, check_names=False)
        else:
            np.testing.assert_array_equal(a, b)


@settings(max_examples=15, deadline=None)
@given(
    kind=st.sampled_from(sorted(CELLS)),
    seed=st.integers(0, 2**31),
    missing=st.booleans(),
)
def test_distinct_values_parse_as_every_cell(kind: str, seed: int, missing: bool) -> None:
    rng = np.random.default_rng(seed)
    pool = CELLS[kind]
    cells: list[str | None] = [pool[i] for i in rng.integers(0, len(pool), 120_000)]
    if missing:  # a cell with no value at all (not an empty text)
        for i in rng.integers(0, len(cells), 50):
            cells[i] = None
    values = arrow_text(cells)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(kind, values, monkeypatch)
    assert_same(fast, slow)
    if kind == "text":  # "", "  " and a missing cell: one category, ""
        assert isinstance(fast[0].dtype, pd.CategoricalDtype)


def test_a_column_of_mostly_distinct_cells_is_parsed_cell_by_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real = parse.to_text

    def counted(values: pd.Series) -> pd.Series:
        calls.append(len(values))
        return real(values)

    monkeypatch.setattr(parse, "to_text", counted)
    values = arrow_text([f"S{i}" for i in range(120_000)])
    assert parse._by_distinct(values, lambda u: (counted(u),)) is None  # 120,000 distinct
    assert calls == []


def test_a_bad_quantity_in_a_long_sales_file_is_named_by_its_row(tmp_path: Path) -> None:
    n = 150_000
    days = pd.date_range("2024-01-01", periods=500).strftime("%Y-%m-%d")
    sales = pd.DataFrame(
        {
            "sku": [f"S{i % 40}" for i in range(n)],
            "date": days[np.arange(n) % 500],
            "qty": (np.arange(n) % 7).astype(str),
        }
    )
    sales.loc[123_456, "qty"] = "12 pcs"
    folder = write_tables(
        tmp_path,
        {
            "sales": sales,
            "inventory": [{"sku": f"S{i}", "on_hand": 1} for i in range(40)],
            "skus": [
                {"sku": f"S{i}", "supplier": "S1", "unit_cost": 1, "lead_time_days": 7}
                for i in range(40)
            ],
        },
    )
    with pytest.raises(InvalidInput) as caught:
        load_dataset(Settings().with_overrides(data_dir=folder))
    text = str(caught.value)
    assert "qty" in text and "123458" in text and "12 pcs" in text  # file row = index + 2

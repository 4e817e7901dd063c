"""Bad values never end in a traceback (issue 15, values half).

Each case ends one of two ways: a message naming the file, column and rows, exit
code 2 and nothing written; or, where the input is usable, a run that states the
problem on the console and on the Data quality sheet.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import MARKET_FESTIVALS, Settings, load_settings, month_day
from forecaster.errors import ConfigError, ForecasterError, InputError, PlanError
from forecaster.inventory.plausibility import oversized_orders
from forecaster.io.files import read_table
from forecaster.io.parse import to_date, to_number
from forecaster.io.quality import QualityReport
from forecaster.io.schema import FIRST_DATE, LAST_DATE, TABLES
from forecaster.io.validate import parse_table
from forecaster.pipeline import check_plan_numbers, plan
from forecaster.report.staging import OutputStage, safe_filename, unique_names
from tests.conftest import MINIMAL, write_tables

runner = CliRunner(env={"COLUMNS": "1000"})  # rich: one line per table row
SKU = {"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7}
SPAN = "1990-01-01 .. 2100-12-31"


def flat(text: str) -> str:
    """Output with rich's line wrapping and box drawing undone."""
    return " ".join(text.replace("│", " ").split())


def _skus(**changes: object) -> list[dict[str, object]]:
    return [{**SKU, **changes}, MINIMAL["skus"][1]]


def _run(tmp_path: Path, tables: dict[str, object], *args: str) -> tuple[int, str, Path]:
    """``forecaster run`` on MINIMAL with ``tables`` replaced; exit code, flat output, out."""
    data = write_tables(tmp_path / "data", {**MINIMAL, **tables})
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--data", str(data), "--out", str(out), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, flat(result.output), out


def _fails(tmp_path: Path, tables: dict[str, object], message: str, *args: str) -> None:
    """The run stops with exit 2 and ``message``, and writes nothing."""
    code, text, out = _run(tmp_path, tables, *args)
    assert code == 2, text
    assert message in text
    assert not out.exists()


def _quality_cells(out: Path, pattern: str = "replenishment_*.xlsx") -> str:
    """Every cell of the Data quality sheet of the workbook in ``out``, as one flat text."""
    (path,) = out.glob(pattern)
    rows = load_workbook(path, read_only=True)["Data quality"].iter_rows(values_only=True)
    return flat(" ".join(str(cell) for row in rows for cell in row if cell is not None))


def _warns(tmp_path: Path, tables: dict[str, object], message: str, *examples: str) -> None:
    """The run succeeds and states ``message`` (with ``examples``) on the console and the sheet."""
    code, text, out = _run(tmp_path, tables)
    assert code == 0, text
    sheet = _quality_cells(out)
    for place in (text, sheet):
        assert message in place
        for example in examples:
            assert example in place


# --------------------------------------------------------------------------- 1. dates


@pytest.mark.parametrize("null", ["0001-01-01", "1900-01-01", "9999-12-31"])
def test_an_erp_null_date_in_an_optional_column_reads_as_blank_with_a_warning(
    tmp_path: Path, null: str
) -> None:
    _warns(
        tmp_path,
        {"skus": _skus(launch_date=null)},
        f"dates outside {SPAN} read as blank (ERP placeholders for 'no date'",
        f"row 2 ({null})",
    )


def test_every_optional_date_column_gets_the_bound(tmp_path: Path) -> None:
    inventory = [{"sku": "A", "on_hand": 10, "last_receipt_date": "9999-12-31"}]
    _warns(tmp_path, {"inventory": [*inventory, MINIMAL["inventory"][1]]}, f"outside {SPAN}")


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            {"purchase_orders": [{"sku": "A", "qty": 5, "eta": "9999-12-31"}]},
            f"purchase_orders.csv, column 'eta': dates outside {SPAN} in row 2 ('9999-12-31'). "
            "Placeholders such as 0001-01-01 or 9999-12-31 mean 'no date' in ERP exports",
        ),
        (
            {"sales": [*MINIMAL["sales"], {"sku": "B", "date": "0001-01-01", "qty": 1}]},
            f"sales.csv, column 'date': dates outside {SPAN} in row 5 ('0001-01-01')",
        ),
        (
            {"sales": [*MINIMAL["sales"], {"sku": "B", "date": "2262-04-12", "qty": 1}]},
            f"sales.csv, column 'date': dates outside {SPAN} in row 5 ('2262-04-12')",
        ),
    ],
    ids=["po eta", "sales date", "beyond pandas' nanoseconds"],
)
def test_a_date_out_of_range_in_a_required_column_stops_the_run(
    tmp_path: Path, tables: dict[str, object], message: str
) -> None:
    _fails(tmp_path, tables, message)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--as-of", "9999-12-31", "--out", "OUT"],
        ["validate", "--as-of", "0001-01-01"],
        ["promo-check", "--promo", "618", "--as-of", "9999-12-31", "--out", "OUT"],
        ["forecast", "--sales", "sales.csv", "--out", "OUT/f.csv", "--cutoff", "9999-12-31"],
        ["simulate", "--from", "1900-01-01", "--out", "OUT"],
    ],
    ids=lambda c: c[0],
)
def test_a_date_option_out_of_range_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out"
    args = [part.replace("OUT", str(out)) for part in command]
    result = runner.invoke(app, args)
    text = flat(result.output)
    assert result.exit_code == 2
    assert f"is outside the dates forecaster plans for ({SPAN})" in text
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_as_of_date_out_of_range_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[planning]\nas_of = 9999-12-31\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"\[planning\] as_of = 9999-12-31: 9999-12-31 is outside"
    ):
        load_settings(config)


def test_a_library_caller_cannot_slip_a_date_past_the_bound() -> None:
    with pytest.raises(
        ConfigError, match=r"\[planning\] as_of = 9999-12-31: 9999-12-31 is outside"
    ):
        Settings().with_overrides(as_of=date(9999, 12, 31))


def test_typed_date_cells_get_the_same_bound() -> None:
    cells = pd.Series(
        np.array(["0001-01-01", "2026-03-01T10:00", "9999-12-31", "NaT"], dtype="datetime64[s]")
    )
    parsed, bad, outside = to_date(cells)
    assert outside.tolist() == [True, False, True, False]
    assert not bad.any()
    assert parsed.dtype == "datetime64[ns]"
    assert parsed.isna().tolist() == [True, False, True, True]


# --------------------------------------------------------------------------- 2. festivals


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            '["02-30", "03-02"]',
            "[promotions] recurring: festival 'spring', first day: '02-30' is not a day of every "
            "year",
        ),
        (
            '["02-20", "02-29"]',
            "festival 'spring', last day: '02-29' is not a day of every year (it exists only in "
            "leap years)",
        ),
        ('["04-31", "05-02"]', "first day: '04-31' is not a day of every year"),
    ],
)
def test_a_festival_day_that_is_not_in_every_year_is_a_config_error(
    tmp_path: Path, days: str, message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[promotions.recurring]\nspring = {days}\n", encoding="utf-8")
    data = write_tables(tmp_path / "data", MINIMAL)
    out = tmp_path / "out"
    args = ["run", "--config", str(config), "--data", str(data), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert not out.exists()


def test_festivals_over_the_new_year_and_month_ends_are_accepted(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[promotions.recurring]\nny = ["12-31", "01-01"]\nfeb = ["02-01", "02-28"]\n')
    assert load_settings(config).promotions.festivals == {
        "ny": ("12-31", "01-01"),
        "feb": ("02-01", "02-28"),
    }


def test_every_market_festival_is_a_day_of_every_year() -> None:
    for festivals in MARKET_FESTIVALS.values():
        for first, last in festivals.values():
            assert month_day(first) == first and month_day(last) == last


# --------------------------------------------------------------------------- 3. file names


def test_a_long_chinese_supplier_code_gives_po_files_within_255_bytes(tmp_path: Path) -> None:
    """Two 100-character codes that differ only at the end get two files, names in bytes."""
    a, b = "供" * 99 + "甲", "供" * 99 + "乙"
    skus = [{**SKU, "supplier": a}, {**MINIMAL["skus"][1], "supplier": b}]
    code, text, out = _run(tmp_path, {"skus": skus})
    assert code == 0, text
    names = sorted(p.name for p in (out / "suppliers").iterdir())
    assert len(names) == 2 and names[0] != names[1]
    for name in names:
        assert len(name.encode()) <= 255
        assert name.startswith("PO_供供供") and name.endswith("_2026-03-02.xlsx")


def test_a_long_chinese_promotion_name_is_checked_and_written(tmp_path: Path) -> None:
    name = "双十一大促" * 20
    promotions = [{"name": name, "start": "2026-03-20", "end": "2026-03-22", "uplift": 2}]
    data = write_tables(tmp_path / "data", {**MINIMAL, "promotions": promotions})
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["promo-check", "--promo", name, "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (path,) = out.iterdir()
    assert len(path.name.encode()) <= 255
    assert path.name.startswith("promo_双十一大促") and path.name.endswith("_2026-03-02.xlsx")


def test_file_names_are_capped_in_bytes_at_a_character_boundary() -> None:
    name = safe_filename("供" * 100)
    assert len(name.encode()) <= 120
    assert name.encode().decode() == name  # whole characters only
    assert safe_filename("供" * 100) == name  # stable from run to run
    assert safe_filename("供" * 100 + "甲") != name  # a hash of the whole name tells them apart
    long = ["Ä" * 80 + str(i) for i in range(3)]
    assert len(set(unique_names(long))) == 3


def test_temporary_names_of_long_files_stay_within_255_bytes(tmp_path: Path) -> None:
    with OutputStage(tmp_path / "out") as stage:
        temp = stage.path("供" * 80 + ".xlsx")  # 245 bytes: allowed, but not with a suffix
        assert len(temp.name.encode()) <= 255
        temp.write_bytes(b"x")
    assert (tmp_path / "out" / ("供" * 80 + ".xlsx")).read_bytes() == b"x"


# --------------------------------------------------------------------------- 4. magnitudes


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            {"sales": [*MINIMAL["sales"], {"sku": "A", "date": "2026-03-02", "qty": 1e308}]},
            "sales.csv, column 'qty': implausibly large values (the limit is 1,000,000,000) "
            "in row 5 (1e+308). No real quantity is that large",
        ),
        (
            {"sales": [*MINIMAL["sales"], {"sku": "A", "date": "2026-03-02", "qty": -1e12}]},
            "sales.csv, column 'qty': implausibly large values (the limit is 1,000,000,000) "
            "in row 5 (-1000000000000.0)",
        ),
        (
            {"inventory": [{"sku": "A", "on_hand": 2e9}, MINIMAL["inventory"][1]]},
            "inventory.csv, column 'on_hand': implausibly large values",
        ),
        (
            {"skus": _skus(unit_price=1e300)},
            "skus.csv, column 'unit_price': implausibly large values (the limit is "
            "1,000,000,000) in row 2 (1e+300)",
        ),
        (
            {"skus": _skus(lead_time_days=1e6)},
            "skus.csv, column 'lead_time_days': implausibly large values (the limit is 10,000)",
        ),
        (
            {
                "promotions": [
                    {"name": "x", "start": "2026-03-20", "end": "2026-03-21", "uplift": 1e5}
                ]
            },
            "promotions.csv, column 'uplift': implausibly large values (the limit is 1,000)",
        ),
    ],
    ids=["qty 1e308", "returns -1e12", "stock", "price", "lead time", "uplift"],
)
def test_an_absurd_magnitude_stops_the_run(
    tmp_path: Path, tables: dict[str, object], message: str
) -> None:
    _fails(tmp_path, tables, message)


def test_every_number_column_has_a_bound() -> None:
    for table in TABLES.values():
        for column in table.columns:
            if column.kind == "number":
                assert column.maximum is not None, f"{table.name}.{column.name}"


def test_nan_and_infinity_are_no_setting(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[replenishment]\nbudget = nan\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[replenishment\] budget = nan: must be a finite"):
        load_settings(config)
    result = runner.invoke(app, ["run", "--budget", "inf", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "[replenishment] budget = inf: must be a finite number" in flat(result.output)


def test_a_plan_number_that_is_not_finite_stops_the_run_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The invariant: should NaN get past the bounds, nothing is written and the message
    names the column and the SKU."""
    import forecaster.pipeline as pipeline

    real = pipeline._replenishment

    def poisoned(*args: object, **kwargs: object) -> tuple[pd.DataFrame, pd.DataFrame]:
        lines, totals = real(*args, **kwargs)  # type: ignore[arg-type]
        lines = lines.copy()
        lines.loc[lines["sku"] == "A", "order_up_to"] = np.nan
        return lines, totals

    monkeypatch.setattr(pipeline, "_replenishment", poisoned)
    _fails(
        tmp_path,
        {},
        "the plan holds numbers that are not finite (NaN or infinity), so nothing is written; "
        "check the inputs of these SKUs: - replenishment.order_up_to: A",
    )


def test_check_plan_numbers_names_forecast_rows(tmp_path: Path) -> None:
    data = write_tables(tmp_path / "data", MINIMAL)
    result = plan(Settings().with_overrides(data_dir=data))
    check_plan_numbers(result)  # a sound plan passes
    mean = result.forecast.mean.copy()
    mean[1, 3] = np.inf
    broken = dataclasses.replace(result, forecast=dataclasses.replace(result.forecast, mean=mean))
    with pytest.raises(PlanError, match=r"forecast\.mean: B"):
        check_plan_numbers(broken)


# --------------------------------------------------------------------------- 5. plausibility


def test_a_lead_time_beyond_a_year_is_warned_about(tmp_path: Path) -> None:
    _warns(
        tmp_path,
        {"skus": _skus(lead_time_days=5000)},
        "lead time beyond 365 days",
        "A (5000 days)",
    )


def _year_of_sales(days: int, per_day: float) -> list[dict[str, object]]:
    dates = pd.date_range(end="2026-03-02", periods=days, freq="D").strftime("%Y-%m-%d")
    return [{"sku": sku, "date": d, "qty": per_day} for sku in ("A", "B") for d in dates]


def test_an_order_beyond_three_years_of_sales_is_warned_about(tmp_path: Path) -> None:
    _warns(
        tmp_path,
        {"sales": _year_of_sales(400, 1), "skus": _skus(lead_time_days=1500)},
        "suggested order above 3 times the units sold in the last 365 days",
        "A (order 1,",
        "sold 365)",
    )


def test_oversized_orders_skip_units_without_a_year_of_sales() -> None:
    units = pd.DataFrame({"sku": ["A", "B", "C"], "warehouse": ""})
    sales = pd.DataFrame(
        {
            "sku": ["A", "A", "B", "C"],
            "warehouse": "",
            "date": pd.to_datetime(["2025-01-01", "2026-01-01", "2026-02-01", "2025-01-01"]),
            "qty": [10.0, 10.0, 5.0, 100.0],
        }
    )
    lines = pd.DataFrame({"sku": ["A", "B", "C"], "warehouse": "", "suggested_order": [31, 99, 0]})
    table, unchecked = oversized_orders(lines, units, sales, pd.Timestamp("2026-03-01"))
    # A sold 10 in the last year (the sale of 2025-01-01 is older): 31 > 3 x 10
    assert table.to_dict("records") == [
        {"sku": "A", "warehouse": "", "suggested_order": 31.0, "year_sales": 10.0}
    ]
    assert unchecked == 1  # B: ordered, sold for a month only; C: no order


# --------------------------------------------------------------------------- 6. duplicate promos


def test_a_promotion_listed_twice_with_different_uplifts_stops_the_run(tmp_path: Path) -> None:
    row = {"name": "618", "start": "2026-06-01", "end": "2026-06-18"}
    _fails(
        tmp_path,
        {"promotions": [{**row, "uplift": 3}, {**row, "uplift": 2}]},
        "promotions.csv, column 'name': promotion '618' starting 2026-06-01 is listed twice "
        "with different values in rows 2, 3. Keep one row per name, start, category and sku; "
        "the rows differ in uplift",
    )


def test_the_same_promotion_in_different_years_may_differ(tmp_path: Path) -> None:
    promotions = [
        {"name": "618", "start": "2025-06-01", "end": "2025-06-18", "uplift": 3},
        {"name": "618", "start": "2026-06-01", "end": "2026-06-18", "uplift": 2},
        {"name": "618", "start": "2026-06-01", "end": "2026-06-18", "uplift": 2},  # a copy
    ]
    data = write_tables(tmp_path / "data", {**MINIMAL, "promotions": promotions})
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "identical duplicate rows" in flat(result.output)


# --------------------------------------------------------------------------- 7. promotion scope


def _promo_check(tmp_path: Path, promotions: list[dict[str, object]]) -> tuple[int, str, Path]:
    data = write_tables(tmp_path / "data", {**MINIMAL, "promotions": promotions})
    out = tmp_path / "out"
    args = ["promo-check", "--promo", "618", "--data", str(data), "--out", str(out)]
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output
    return result.exit_code, flat(result.output), out


PROMO = {"name": "618", "start": "2026-03-20", "end": "2026-03-22", "uplift": 2}


@pytest.mark.parametrize(
    ("scope", "limits"),
    [({"sku": "ZZ"}, "SKU 'ZZ'"), ({"category": "toys"}, "category 'toys'")],
)
def test_a_promotion_that_covers_no_sku_of_the_master_stops_promo_check(
    tmp_path: Path, scope: dict[str, str], limits: str
) -> None:
    code, text, out = _promo_check(tmp_path, [{**PROMO, **scope}])
    assert code == 2
    assert (
        "promotions.csv, column "
        f"'{next(iter(scope))}': promotion '618' from 2026-03-20 covers no active SKU of "
        f"skus.csv: it is limited to {limits}"
    ) in text
    assert not out.exists()


def test_a_promotion_row_for_an_unknown_sku_is_warned_about(tmp_path: Path) -> None:
    code, text, out = _promo_check(tmp_path, [{**PROMO, "sku": "A"}, {**PROMO, "sku": "ZZ"}])
    assert code == 0, text
    assert "promotion rows limited to a SKU missing from the SKU master: they cover nothing" in text
    assert "618: ZZ" in text
    assert "618: ZZ" in _quality_cells(out, "promo_618_*.xlsx")
    # the planner's run states it on its Data quality sheet too
    _warns(
        tmp_path / "run",
        {"promotions": [{**PROMO, "sku": "ZZ"}]},
        "promotion rows limited to a SKU missing from the SKU master",
        "618: ZZ",
    )


# --------------------------------------------------------------------------- 8. properties

PROPERTIES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: For properties that write and read files: fewer examples, the same strategies.
FILE_PROPERTIES = settings(PROPERTIES, max_examples=40)
_FIRST, _LAST = pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE)

date_like = st.one_of(
    st.text(max_size=24),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat(sep=" ")),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.integers(min_value=-(10**7), max_value=10**7).map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "1900-01-01", "", " ", "NaT", "nan"]),
)
number_like = st.one_of(
    st.text(max_size=16),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.decimals(allow_nan=True).map(str),
    st.sampled_from(["1e308", "-1e308", "1e309", "¥1,234.5", "1,2,3", "inf", "NaN", ""]),
)


@PROPERTIES
@given(cells=st.lists(date_like, max_size=12))
def test_to_date_returns_a_date_in_range_or_marks_the_cell(cells: list[str]) -> None:
    parsed, bad, outside = to_date(pd.Series(cells, dtype="str"))
    assert parsed.dtype == "datetime64[ns]" and len(parsed) == len(cells)
    found = parsed.notna().to_numpy()
    assert not (found & (bad | outside)).any() and not (bad & outside).any()
    assert parsed[found].between(_FIRST, _LAST).all()


@PROPERTIES
@given(cells=st.lists(st.datetimes(), max_size=8))
def test_to_date_bounds_typed_cells_of_any_year(cells: list[datetime]) -> None:
    series = pd.Series(np.array(cells, dtype="datetime64[us]"))
    _, bad, outside = to_date(series)
    assert not bad.any()
    expect = [not (FIRST_DATE <= c.date() <= LAST_DATE) for c in cells]
    assert outside.tolist() == expect


@PROPERTIES
@given(cells=st.lists(number_like, max_size=12))
def test_to_number_returns_a_finite_number_or_marks_the_cell(cells: list[str]) -> None:
    parsed, bad = to_number(pd.Series(cells, dtype="str"))
    values = parsed.to_numpy()
    assert (np.isfinite(values) | np.isnan(values)).all()
    assert not (bad & ~np.isnan(values)).any()


@FILE_PROPERTIES
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {"sku": st.sampled_from(["A", "B", ""]), "date": date_like, "qty": number_like}
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_sales_table_of_random_cells_parses_or_names_its_errors(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    path = tmp_path / "sales.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    columns = Settings().columns
    try:
        raw = read_table(path, TABLES["sales"], columns.aliases, {})
        table, errors = parse_table(raw, columns, QualityReport())
    except InputError:
        return
    if errors:
        assert all(isinstance(e, InputError) and e.column for e in errors)
        return
    frame = table.frame
    assert frame["date"].between(_FIRST, _LAST).all()
    assert np.isfinite(frame["qty"]).all() and (frame["qty"].abs() <= 1e9).all()


@FILE_PROPERTIES
@given(
    lead=number_like,
    launch=date_like,
    price=st.one_of(number_like, st.floats(min_value=-1e12, max_value=1e12).map(str)),
)
def test_a_sku_master_of_random_values_loads_or_raises_a_forecaster_error(
    tmp_path: Path, lead: str, launch: str, price: str
) -> None:
    """The whole loading boundary: a dataset, or a ForecasterError, never another exception."""
    from forecaster.io.dataset import load_dataset

    data = write_tables(
        tmp_path / "d", {**MINIMAL, "skus": _skus(lead_time_days=lead, launch_date=launch)}
    )
    frame = pd.read_csv(data / "skus.csv", dtype=str)
    frame.loc[0, "unit_price"] = price
    frame.to_csv(data / "skus.csv", index=False)
    try:
        ds = load_dataset(Settings().with_overrides(data_dir=data))
    except ForecasterError:
        return
    assert np.isfinite(ds.skus["lead_time_days"]).all()
    assert ds.skus["launch_date"].dropna().between(_FIRST, _LAST).all()


# --------------------------------------------------------------------------- spans of settings


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ["forecast", "--out", "OUT/f.csv", "--horizon", "5000", "--freq", "M"],
            "--horizon 5000 at --freq M spans up to 155,000 days, more than the 10,000 "
            "forecaster forecasts",
        ),
        (
            ["backtest", "--horizon", "20000"],
            "--horizon 20000 at --freq D spans up to 20,000 days, more than the 10,000",
        ),
        (
            ["simulate", "--weeks", "100000", "--out", "OUT"],
            "Invalid value for '--weeks': Input should be less than or equal to 1428",
        ),
    ],
    ids=lambda c: c[0] if isinstance(c, list) else "",
)
def test_a_span_beyond_the_calendar_is_refused(
    tmp_path: Path, command: list[str], message: str
) -> None:
    sales = write_tables(tmp_path / "data", MINIMAL) / "sales.csv"
    out = tmp_path / "out"
    args = [part.replace("OUT", str(out)) for part in command]
    if command[0] == "simulate":
        args += ["--data", str(sales.parent)]
    else:
        args += ["--sales", str(sales)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_setting_in_days_beyond_the_bound_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[planning]\ncover_cap_days = 3650000\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[planning\] cover_cap_days = 3650000: must be less"):
        load_settings(config)


def test_running_out_of_memory_ends_with_a_message_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shop too large for the machine ends as a message and exit 1, not a traceback."""

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("forecaster.pipeline.plan_dataset", exhausted)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", "sample_data", "--out", str(out)])
    assert result.exit_code == 1
    assert "not enough memory for this run" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*.xlsx"))


def test_a_date_column_of_blanks_only_parses_to_blanks() -> None:
    """Every cell blank (an edited plan whose Expected arrival was cleared): all NaT, no
    cell bad or outside, and no error (found by the property test of the edited plan)."""
    parsed, bad, outside = to_date(pd.Series([None, None], dtype=object))
    assert parsed.isna().all() and not bad.any() and not outside.any()
    parsed, bad, _ = to_date(pd.Series(["2026-01-02", None, "x"], dtype=object))
    assert parsed.tolist()[:2] == [pd.Timestamp("2026-01-02"), pd.NaT] and bad.tolist() == [
        False,
        False,
        True,
    ]


_NUMBER_CELLS = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["", "  ", " 7 ", "1e3", "+4", "1.", "inf", "nan", "1,234", "¥5", "x"]),
)


@given(st.lists(_NUMBER_CELLS, min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_arrow_text_numbers_parse_as_cell_by_cell(cells: list[str]) -> None:
    """The columnar cast of Arrow text agrees with the cell-by-cell parser (object text)."""
    arrow, arrow_bad = to_number(pd.Series(cells, dtype="str"))
    python, python_bad = to_number(pd.Series(cells, dtype=object))
    np.testing.assert_array_equal(arrow_bad, python_bad)
    np.testing.assert_array_equal(arrow.to_numpy(), python.to_numpy())

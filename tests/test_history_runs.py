"""Three weekly runs of a small shop with known sales, archived in one DuckDB file: the
Tracking sheet's bias and WAPE by lag against hand computations from the archived
forecasts, a FORECAST_BIAS alert, the Changes sheet's reasons, ``forecaster history`` and
``po --from`` recording the final orders. The three runs are made once for the module.

The shop: SKU A sold 10 a day until 2026-01-31 and 15 a day from 2026-02-01 (a 50% step),
SKU B 4 a day throughout. Runs as of 2026-02-15, 02-22 and 03-01: every week the runs
forecast, A sold 105 and B 28. Between the second and third run a PO of 50 units of A
arrived (on hand 100 -> 150) and B's lead time went from 7 to 14 days.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from forecaster import pipeline
from forecaster.cli import app
from forecaster.config import Settings
from forecaster.errors import OutputError
from forecaster.history.store import HistoryError
from forecaster.pipeline import RunResult, run
from tests.conftest import write_tables

AS_OF = ["2026-02-15", "2026-02-22", "2026-03-01"]
#: Units sold in every week the runs forecast.
WEEKLY = {"A": 105.0, "B": 28.0}
#: The tracking limit of these runs: two lag-1 errors of one sign give a signal of ±2.
LIMIT = 1.5


def sales() -> pd.DataFrame:
    days = pd.date_range("2025-10-01", "2026-03-01")
    a = [10 if d < pd.Timestamp("2026-02-01") else 15 for d in days]
    return pd.concat(
        [
            pd.DataFrame({"sku": "A", "date": days.date, "qty": a}),
            pd.DataFrame({"sku": "B", "date": days.date, "qty": 4}),
        ]
    )


def shop(folder: Path, run: int) -> Path:
    on_hand_a = 150 if run == 2 else 100
    skus = [
        {"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7},
        {
            "sku": "B",
            "supplier": "S1",
            "unit_cost": 2,
            "unit_price": 3,
            "lead_time_days": 14 if run == 2 else 7,
        },
    ]
    pos = [{"sku": "A", "qty": 50, "eta": "2026-02-26"}] if run == 1 else None
    return write_tables(
        folder,
        {
            "sales": sales(),
            "inventory": [{"sku": "A", "on_hand": on_hand_a}, {"sku": "B", "on_hand": 40}],
            "skus": skus,
            "purchase_orders": pos,
        },
    )


def settings(data: Path, out: Path, as_of: str) -> Settings:
    base = Settings().with_overrides(data_dir=data, out_dir=out, as_of=date.fromisoformat(as_of))
    return base.model_copy(
        update={
            "history": base.history.model_copy(update={"tracking_limit": LIMIT}),
            "forecast": base.forecast.model_copy(update={"workers": 1}),
        }
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[RunResult]]:
    root = tmp_path_factory.mktemp("history")
    out = root / "out"
    results = [
        run(settings(shop(root / f"data{i}", i), out, as_of)) for i, as_of in enumerate(AS_OF)
    ]
    return out, results


def archived_forecasts(out: Path) -> pd.DataFrame:
    """The archived weekly forecasts, with their run's as-of date, read from the file."""
    with duckdb.connect(str(out / "history.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT r.as_of, f.sku, f.week, f.mean FROM forecasts f JOIN runs r USING (run_id)"
        ).df()


def forecast(frame: pd.DataFrame, as_of: str, sku: str, week: int) -> float:
    row = frame[
        (frame["as_of"] == pd.Timestamp(as_of)) & (frame["sku"] == sku) & (frame["week"] == week)
    ]
    assert len(row) == 1
    return float(row["mean"].iloc[0])


def table_below(ws: Worksheet, first_header: str) -> list[dict[str, Any]]:
    """The rows of the table whose header row starts with ``first_header``, up to a blank row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == first_header)
    names = [n for n in rows[start] if n is not None]
    out = []
    for r in rows[start + 1 :]:
        if r[0] is None:
            break
        out.append(dict(zip(names, r, strict=False)))
    return out


def test_the_runs_are_archived_in_one_file(runs: tuple[Path, list[RunResult]]) -> None:
    out, results = runs
    assert [r.archived.appended.run_id for r in results if r.archived] == [1, 2, 3]
    with duckdb.connect(str(out / "history.duckdb"), read_only=True) as con:
        runs_table = con.execute("SELECT as_of, units, order_lines FROM runs ORDER BY 1").df()
        weeks = con.execute("SELECT DISTINCT week FROM forecasts ORDER BY 1").fetchall()
    assert [f"{d:%Y-%m-%d}" for d in runs_table["as_of"]] == AS_OF
    assert runs_table["units"].tolist() == [2, 2, 2]
    assert [w[0] for w in weeks] == list(range(1, 14))


def test_tracking_sheet_bias_and_wape_by_lag_match_the_hand_computation(
    runs: tuple[Path, list[RunResult]],
) -> None:
    """As of 03-01, lag 1 has the forecasts of run 1 (week 02-16..02-22) and run 2 (week
    02-23..03-01), lag 2 the forecast of run 1 for 02-23..03-01; every such week sold
    133 (105 + 28)."""
    out, _ = runs
    f = archived_forecasts(out)
    lag1 = {s: [forecast(f, AS_OF[0], s, 1), forecast(f, AS_OF[1], s, 1)] for s in WEEKLY}
    lag2 = {s: forecast(f, AS_OF[0], s, 2) for s in WEEKLY}
    sold1 = 2 * sum(WEEKLY.values())
    fc1 = sum(sum(v) for v in lag1.values())
    abs1 = sum(abs(x - WEEKLY[s]) for s, v in lag1.items() for x in v)
    fc2 = sum(lag2.values())
    abs2 = sum(abs(x - WEEKLY[s]) for s, x in lag2.items())

    ws = load_workbook(out / "replenishment_2026-03-01.xlsx")["Tracking"]
    classes = {(r["ABC class"], r["Lag (weeks ahead)"]): r for r in table_below(ws, "ABC class")}
    shop1, shop2 = classes[("all", 1)], classes[("all", 2)]
    assert shop1["Weeks evaluated"] == 4 and shop2["Weeks evaluated"] == 2
    assert shop1["Bias 4w"] == pytest.approx((fc1 - sold1) / sold1)
    assert shop1["WAPE 4w"] == pytest.approx(abs1 / sold1)
    assert shop1["Bias 13w"] == pytest.approx((fc1 - sold1) / sold1)
    assert shop2["Bias 4w"] == pytest.approx((fc2 - sum(WEEKLY.values())) / sum(WEEKLY.values()))
    assert shop2["WAPE 13w"] == pytest.approx(abs2 / sum(WEEKLY.values()))
    assert ("all", 4) not in classes  # no forecast 4 weeks ahead has come due

    units = {r["SKU"]: r for r in table_below(ws, "SKU")}
    a = units["A"]
    assert a["Bias 4w"] == pytest.approx((sum(lag1["A"]) - 210) / 210)
    assert a["WAPE 13w, 2 weeks ahead"] == pytest.approx(abs(lag2["A"] - 105) / 105)
    errors = [x - 105 for x in lag1["A"]]
    mad = sum(abs(e) for e in errors) / 2
    assert a["Tracking signal"] == pytest.approx(sum(errors) / mad)
    assert a["Cumulative error"] == pytest.approx(sum(errors))
    # the shop's history does not reach back a year: seasonal naive is last week's sales,
    # 105 and 28 every week, which no forecast beats
    assert a["Value added vs seasonal naive 13w"] == pytest.approx(-sum(map(abs, errors)) / 210)
    assert ws.freeze_panes is not None


def test_a_unit_forecast_under_its_sales_week_after_week_gets_forecast_bias(
    runs: tuple[Path, list[RunResult]],
) -> None:
    """A's forecast lags its 50% step: both lag-1 errors negative, signal -2 beyond ±1.5.
    The alert reaches the Alerts sheet and the Summary's count; the Summary says how the
    forecast did last month."""
    out, results = runs
    alerts = results[2].plan.alerts
    bias = alerts[alerts["alert"] == "FORECAST_BIAS"]
    assert bias["sku"].tolist() == ["A"]
    assert "order more" in bias["action"].iloc[0]
    assert bias["detail"].iloc[0].startswith("tracking signal -2.0 beyond ±1.5 over 2 week(s)")
    wb = load_workbook(out / "replenishment_2026-03-01.xlsx")
    listed = [r for r in wb["Alerts"].iter_rows(values_only=True) if "FORECAST_BIAS" in r]
    assert len(listed) == 1
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Forecast, last 4 weeks"].startswith("made 1 week ahead: bias ")
    assert "1 unit(s) FORECAST_BIAS" in summary["Forecast, last 4 weeks"]


def test_the_changes_sheet_names_the_reason_of_each_change(
    runs: tuple[Path, list[RunResult]],
) -> None:
    out, _ = runs
    ws = load_workbook(out / "replenishment_2026-03-01.xlsx")["Changes"]
    assert ws["A1"].value == "This week's plan against the run of 2026-02-22"
    rows = {r["SKU"]: r for r in table_below(ws, "SKU")}
    assert rows["A"]["Reason"].startswith("a PO arrived: on order 50 → 0, on hand 100 → 150")
    assert "lead time 7 → 14 d" in rows["B"]["Reason"]
    b = rows["B"]
    assert b["Order-up-to change"] == pytest.approx(b["Order-up-to"] - b["Last week's order-up-to"])
    assert ws.freeze_panes == "B3"  # below the header row, SKU in view


def test_history_command_lists_runs_weeks_and_one_sku(runs: tuple[Path, list[RunResult]]) -> None:
    out, _ = runs
    result = CliRunner().invoke(
        app, ["history", "--path", str(out / "history.duckdb"), "--sku", "A"], terminal_width=100
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Archived runs (3)" in text
    assert "Accuracy by week" in text and "2026-02-22" in text and "2026-03-01" in text
    assert "SKU A: the week after each run" in text
    sku_rows = [line for line in text.splitlines() if line.startswith("│ 2026-02-15")]
    assert sku_rows and " 105 " in sku_rows[-1]  # what A sold in the week after the first run


def test_po_from_records_the_final_orders_sent(runs: tuple[Path, list[RunResult]]) -> None:
    out, _ = runs
    book = out / "replenishment_2026-03-01.xlsx"
    result = CliRunner().invoke(app, ["po", "--from", str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Recorded the final orders sent in run 3" in " ".join(result.output.split())
    with duckdb.connect(str(out / "history.duckdb"), read_only=True) as con:
        plans = con.execute(
            "SELECT sku, suggested_order, final_order FROM plans WHERE run_id = 3 ORDER BY sku"
        ).fetchall()
    assert [(s, final) for s, _, final in plans] == [(s, sug) for s, sug, _ in plans]


def test_a_run_that_fails_after_planning_adds_nothing_to_the_archive(
    runs: tuple[Path, list[RunResult]], tmp_path: Path
) -> None:
    """The workbook cannot be put in place (a folder holds its name): the run fails with
    OutputError and the archive reads back exactly as before."""
    out, _ = runs
    copy = tmp_path / "out"
    copy.mkdir()
    (copy / "history.duckdb").write_bytes((out / "history.duckdb").read_bytes())
    (copy / "replenishment_2026-03-08.xlsx").mkdir()
    before = _tables(copy / "history.duckdb")
    data = shop(tmp_path / "data", 2)
    with pytest.raises(OutputError):
        run(settings(data, copy, "2026-03-08"))
    after = _tables(copy / "history.duckdb")
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


@pytest.mark.parametrize(
    ("step", "error"),
    [
        # the earlier runs are read in a second thread while the run plans
        ("read_earlier_runs", HistoryError("the archive could not be read (test)")),
        # that thread builds the run's rows while the workbooks are written
        ("write_outputs", OutputError("the workbook could not be written (test)")),
    ],
)
def test_a_run_failing_beside_its_archive_thread_writes_nothing_and_adds_nothing(
    runs: tuple[Path, list[RunResult]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    error: Exception,
) -> None:
    """The error reaches the caller, no workbook appears, and the archive reads back
    exactly as before."""
    out, _ = runs
    copy = tmp_path / "out"
    copy.mkdir()
    (copy / "history.duckdb").write_bytes((out / "history.duckdb").read_bytes())
    before = _tables(copy / "history.duckdb")

    def fails(*_args: Any) -> None:
        raise error

    monkeypatch.setattr(pipeline, step, fails)
    with pytest.raises(type(error), match=r"\(test\)"):
        run(settings(shop(tmp_path / "data", 2), copy, "2026-03-08"))
    assert sorted(p.name for p in copy.iterdir()) == ["history.duckdb"]
    after = _tables(copy / "history.duckdb")
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").df() for n in sorted(names)}


def test_a_damaged_history_stops_the_run_with_a_message_and_no_history_still_works(
    shop_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.duckdb").write_bytes(b"\x00garbage" * 1000)
    args = ["run", "--data", str(shop_folder), "--out", str(out), "--as-of", "2026-02-15"]
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 2
    message = " ".join(failed.output.split())
    assert "history.duckdb: not a readable DuckDB run history" in message
    assert "forecaster run --no-history" in message and "Traceback" not in message
    assert not list(out.glob("*.xlsx"))
    planned = CliRunner().invoke(app, [*args, "--no-history"])
    assert planned.exit_code == 0, planned.output
    assert (out / "replenishment_2026-02-15.xlsx").is_file()
    assert "Archived" not in planned.output


@pytest.fixture
def shop_folder(tmp_path: Path) -> Path:
    return shop(tmp_path / "data", 0)


def test_a_rerun_says_it_replaced_the_earlier_run(shop_folder: Path, tmp_path: Path) -> None:
    args = [
        "run",
        "--data",
        str(shop_folder),
        "--out",
        str(tmp_path / "o"),
        "--as-of",
        "2026-02-15",
    ]
    first = CliRunner().invoke(app, args, terminal_width=200)
    assert first.exit_code == 0, first.output
    assert "Archived as run 1 in " in first.output
    again = CliRunner().invoke(app, args, terminal_width=200)
    assert "Archived as run 2 in " in again.output
    assert "(replaced run 1: same as-of date and data)" in again.output

"""The run archive on disk: one transaction per run, reruns recognised, bad files refused.

Every test opens a real DuckDB file in ``tmp_path`` (never a mock) and reads it back
with a second, independent connection where the claim is about what is on disk.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from forecaster.history.store import (
    SCHEMA_VERSION,
    TABLES,
    HistoryError,
    RunRows,
    open_history,
)


def rows_of(as_of: str, fingerprint: str = "data-1", level: float = 70.0) -> RunRows:
    """A small run: units A and B, two weeks of forecast at ``level`` a week, one sale."""
    day = pd.Timestamp(as_of)
    units = [("A", ""), ("B", "")]
    forecasts = pd.DataFrame(
        [
            {
                "sku": sku,
                "warehouse": wh,
                "week": week,
                "week_start": day + pd.Timedelta(days=7 * week - 6),
                "mean": level,
                "p50": level,
                "p90": level * 1.2,
            }
            for sku, wh in units
            for week in (1, 2)
        ]
    )
    plans = pd.DataFrame(
        [
            {
                "sku": sku,
                "warehouse": wh,
                "abc_class": "A",
                "lead_time_days": 7.0,
                "on_hand": 10.0,
                "on_order": 0.0,
                "position": 10.0,
                "demand_over_p": 140.0,
                "safety_stock": 20.0,
                "order_up_to": 160.0,
                "suggested_order": 150.0,
                "final_order": None,
                "why": "because",
                "lifecycle": "maturity",
                "grade": "",
            }
            for sku, wh in units
        ]
    )
    empty = {c: pd.Series(dtype=object) for c in TABLES["alerts"] if c != "run_id"}
    grades = {c: pd.Series(dtype=object) for c in TABLES["grades"] if c != "run_id"}
    sales = pd.DataFrame([{"sku": "A", "warehouse": "", "date": day, "qty": 15.0}])
    run = {
        "as_of": day.date(),
        "created_at": pd.Timestamp("2026-01-01 12:00"),
        "data_fingerprint": fingerprint,
        "settings_hash": "settings",
        "version": "test",
        "plan_seconds": 1.0,
        "write_seconds": 0.5,
        "archive_seconds": None,
        "units": 2,
        "skus": 2,
        "sales_rows": 1,
        "order_lines": 2,
        "alerts": 0,
    }
    return RunRows(
        run,
        {
            "forecasts": forecasts,
            "plans": plans,
            "alerts": pd.DataFrame(empty),
            "grades": pd.DataFrame(grades),
            "sales": sales,
        },
    )


def snapshot(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of the file, read by a connection of its own."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
            for name in ("meta", *TABLES)
        }


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_a_run_is_stored_in_a_duckdb_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "history.duckdb"
    with open_history(path) as archive:
        appended = archive.append(rows_of("2026-03-01"), "replace")
    assert appended.run_id == 1 and path.is_file()
    tables = snapshot(path)
    assert tables["meta"].to_dict("records") == [
        {"key": "schema_version", "value": str(SCHEMA_VERSION)}
    ]
    assert tables["runs"][["run_id", "data_fingerprint"]].values.tolist() == [[1, "data-1"]]
    assert len(tables["forecasts"]) == 4 and set(tables["forecasts"]["run_id"]) == {1}
    assert tables["plans"]["suggested_order"].tolist() == [150.0, 150.0]
    assert tables["plans"]["final_order"].isna().all()
    assert tables["sales"]["qty"].tolist() == [15.0]


def test_run_tables_are_filtered_inside_the_database(tmp_path: Path) -> None:
    with open_history(tmp_path / "history.duckdb") as archive:
        first = archive.append(rows_of("2026-03-01"), "replace").run_id
        second = archive.append(rows_of("2026-03-08", "data-2"), "replace").run_id
        runs = [first, second]
        # week 1 of the first run is 03-02 .. 03-08, week 2 03-09 .. 03-15; the second's a week on
        ended = (pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))
        week1 = archive.table("forecasts", runs, ended=ended)
        assert week1[["run_id", "week"]].drop_duplicates().values.tolist() == [[first, 1]]
        assert sorted(week1["sku"]) == ["A", "B"]
        later = (pd.Timestamp("2026-03-08"), pd.Timestamp("2026-03-15"))
        lag2 = archive.table("forecasts", runs, weeks=[2], ended=later)
        assert lag2[["run_id", "week"]].values.tolist() == [[first, 2], [first, 2]]
        one = archive.table("plans", runs, sku="B")
        assert sorted(one["run_id"]) == runs and set(one["sku"]) == {"B"}
        with pytest.raises(ValueError, match="no weeks"):
            archive.table("plans", runs, weeks=[1])


def test_a_run_failing_half_way_leaves_the_file_exactly_as_it_was(tmp_path: Path) -> None:
    """Once with the run's rows all inserted and then an error, once with an insert failing
    after the runs row went in (a table's frame lacks a column)."""
    path = tmp_path / "history.duckdb"
    with open_history(path) as archive:
        archive.append(rows_of("2026-03-01"), "replace")
    before = snapshot(path)

    with open_history(path) as archive:
        with (
            pytest.raises(RuntimeError, match="disk full"),
            archive.appending(rows_of("2026-03-08"), "replace"),
        ):
            raise RuntimeError("disk full")
        broken = rows_of("2026-03-01")  # a rerun: the replacing deletes happen first
        broken.tables["plans"] = broken.tables["plans"].drop(columns="why")
        with pytest.raises(KeyError, match="why"):
            archive.append(broken, "replace")
    assert_same(before, snapshot(path))


def test_a_rerun_of_the_same_data_replaces_the_earlier_run_or_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    with open_history(path) as archive:
        archive.append(rows_of("2026-03-01"), "replace")
        other = archive.append(rows_of("2026-03-01", fingerprint="data-2"), "replace")
        assert (other.replaced, other.kept) == ([], [])  # other data: a new run
        again = archive.append(rows_of("2026-03-01"), "replace")
        assert (again.run_id, again.replaced, again.kept) == (3, [1], [])
        kept = archive.append(rows_of("2026-03-01"), "keep")
        assert (kept.run_id, kept.replaced, kept.kept) == (4, [], [3])
        assert archive.runs()["run_id"].tolist() == [2, 3, 4]
        # accuracy reads one run per as-of date: the newest
        assert archive.latest_runs()["run_id"].tolist() == [4]
    tables = snapshot(path)
    assert sorted(set(tables["forecasts"]["run_id"])) == [2, 3, 4]


def test_final_orders_are_recorded_on_the_run_of_their_date(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    with open_history(path) as archive:
        archive.append(rows_of("2026-03-01"), "replace")
        sent = pd.DataFrame([{"sku": "A", "warehouse": "", "final_order": 120.0}])
        assert archive.record_final_orders(pd.Timestamp("2026-03-01"), sent) == 1
        assert archive.record_final_orders(pd.Timestamp("2026-03-08"), sent) is None
    plans = snapshot(path)["plans"]
    assert dict(zip(plans["sku"], plans["final_order"], strict=True)) == {"A": 120.0, "B": 0.0}


def test_a_file_that_is_no_duckdb_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError) as error:
        open_history(path)
    text = str(error.value)
    assert text.startswith(f"{path}: not a readable DuckDB run history")
    assert "--no-history" in text


def test_a_duckdb_file_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE orders (id INTEGER)")
    with pytest.raises(HistoryError, match="a DuckDB file, but not a forecaster run history"):
        open_history(path)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("0", "history schema version 0 is older than version 1, which this forecaster reads, "
         "and cannot be migrated"),
        ("2", "written with history schema version 2 by a newer forecaster; this one reads "
         "version 1 (upgrade forecaster)"),
    ],
)  # fmt: skip
def test_a_history_of_another_schema_version_is_refused_clearly(
    tmp_path: Path, version: str, message: str
) -> None:
    """A file written by an older (or newer) layout: refused, naming both versions, and left
    untouched."""
    path = tmp_path / "history.duckdb"
    with open_history(path) as archive:
        archive.append(rows_of("2026-03-01"), "replace")
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    before = snapshot(path)
    with pytest.raises(HistoryError) as error:
        open_history(path)
    assert str(error.value).startswith(f"{path}: {message}; move the file aside")
    assert_same(before, snapshot(path))


def test_a_history_locked_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    open_history(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', "
            "flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(HistoryError, match="in use by another program"):
            open_history(path)
    finally:
        holder.kill()
        holder.wait()


def test_reading_a_missing_history_without_creating_it_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    with pytest.raises(HistoryError, match="no run history there"):
        open_history(path, create=False)
    assert not path.exists()


def test_a_first_run_that_fails_leaves_no_archive_behind(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    with pytest.raises(RuntimeError, match="bad input"), open_history(path):
        raise RuntimeError("bad input")
    assert not path.exists()
    with open_history(path) as archive:
        archive.append(rows_of("2026-03-01"), "replace")
    with pytest.raises(RuntimeError, match="bad input"), open_history(path):
        raise RuntimeError("bad input")
    assert len(snapshot(path)["runs"]) == 1  # an archive with runs is kept, of course

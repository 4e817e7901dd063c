"""The run archive: one DuckDB file on disk, appended to by every ``forecaster run``.

Tables (one row per unit is per SKU x warehouse; ``warehouse`` is ``""`` when
planning is not per warehouse):

``meta``
    ``key``, ``value``: ``schema_version`` (:data:`SCHEMA_VERSION`).
``runs``
    One row per archived run: ``run_id``, ``as_of``, ``created_at`` (UTC),
    ``data_fingerprint`` (SHA-256 of the input files read), ``settings_hash``
    (SHA-256 of the settings), ``version`` (forecaster's), the seconds spent
    planning, writing the workbooks and archiving, and row counts (units, SKUs,
    sales rows, order lines, alerts).
``forecasts``
    Per run, unit and week of the horizon (``week`` 1 = the 7 days after the
    as-of date): ``week_start``, ``mean``, ``p50``, ``p90`` (units in the week).
``plans``
    Per run and unit: ABC class, lead time, on hand, on order, position,
    demand over the protection period, safety stock, order-up-to, suggested
    order, ``final_order`` (NULL until ``po --from`` records what was sent),
    why, lifecycle stage, slow-mover grade.
``alerts``, ``grades``
    The run's alerts and slow-mover grades.
``sales``
    Daily net units per unit for the days since the previous archived as-of
    date (at most :data:`~forecaster.history.record.SALES_DAYS` days), nonzero
    days only: the sales archived forecasts are set against when only the
    archive is at hand (``forecaster history``).

An append (:meth:`History.append`) is one transaction: a run that fails adds
nothing. A file that is not a DuckDB database, is locked by another program or
was written with another schema version raises :class:`HistoryError`, which
names the file and what to do (``--no-history`` plans without it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, Literal

import duckdb
import pandas as pd

from forecaster.errors import ForecasterError

#: The layout this forecaster reads and writes. A file of another version is refused.
SCHEMA_VERSION: Final = 1

#: Column definitions of each table, in the order the frames of a run carry them.
TABLES: Final[dict[str, dict[str, str]]] = {
    "runs": {
        "run_id": "INTEGER",
        "as_of": "DATE",
        "created_at": "TIMESTAMP",
        "data_fingerprint": "VARCHAR",
        "settings_hash": "VARCHAR",
        "version": "VARCHAR",
        "plan_seconds": "DOUBLE",
        "write_seconds": "DOUBLE",
        "archive_seconds": "DOUBLE",
        "units": "INTEGER",
        "skus": "INTEGER",
        "sales_rows": "BIGINT",
        "order_lines": "INTEGER",
        "alerts": "INTEGER",
    },
    "forecasts": {
        "run_id": "INTEGER",
        "sku": "VARCHAR",
        "warehouse": "VARCHAR",
        "week": "SMALLINT",
        "week_start": "DATE",
        "mean": "DOUBLE",
        "p50": "DOUBLE",
        "p90": "DOUBLE",
    },
    "plans": {
        "run_id": "INTEGER",
        "sku": "VARCHAR",
        "warehouse": "VARCHAR",
        "abc_class": "VARCHAR",
        "lead_time_days": "DOUBLE",
        "on_hand": "DOUBLE",
        "on_order": "DOUBLE",
        "position": "DOUBLE",
        "demand_over_p": "DOUBLE",
        "safety_stock": "DOUBLE",
        "order_up_to": "DOUBLE",
        "suggested_order": "DOUBLE",
        "final_order": "DOUBLE",
        "why": "VARCHAR",
        "lifecycle": "VARCHAR",
        "grade": "VARCHAR",
    },
    "alerts": {
        "run_id": "INTEGER",
        "sku": "VARCHAR",
        "warehouse": "VARCHAR",
        "alert": "VARCHAR",
        "severity": "VARCHAR",
        "action": "VARCHAR",
        "detail": "VARCHAR",
    },
    "grades": {
        "run_id": "INTEGER",
        "sku": "VARCHAR",
        "warehouse": "VARCHAR",
        "grade": "VARCHAR",
        "action": "VARCHAR",
        "stock_value": "DOUBLE",
    },
    "sales": {
        "run_id": "INTEGER",
        "sku": "VARCHAR",
        "warehouse": "VARCHAR",
        "date": "DATE",
        "qty": "DOUBLE",
    },
}
#: The tables holding rows of a run (all but ``runs``), appended in this order.
RUN_TABLES: Final = ("forecasts", "plans", "alerts", "grades", "sales")

RerunPolicy = Literal["replace", "keep"]


class HistoryError(ForecasterError):
    """The run archive cannot be opened, read or written."""


def _unusable(path: Path, why: str) -> HistoryError:
    return HistoryError(
        f"{path}: {why}; move the file aside to start a new history, point history.path "
        "elsewhere, or plan without it: forecaster run --no-history"
    )


@dataclass(frozen=True)
class RunRows:
    """The rows one run adds: ``run`` is its ``runs`` row (without ``run_id``, which the
    archive assigns, and ``archive_seconds``); ``tables`` holds a frame per
    :data:`RUN_TABLES` name, with that table's columns except ``run_id``."""

    run: dict[str, object]
    tables: dict[str, pd.DataFrame]

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.run["as_of"])


@dataclass(frozen=True)
class Appended:
    """What :meth:`History.append` did: the new run's id and the earlier run(s) with the same
    as-of date and data it ``replaced`` (removed) or ``kept`` beside it."""

    run_id: int
    replaced: list[int]
    kept: list[int]


class History:
    """An open run archive. Use :func:`open_history`; close it (or use ``with``) when done.

    Opening holds DuckDB's lock on the file, so a second ``forecaster run`` on the same
    archive is refused (:class:`HistoryError`) rather than interleaved.
    """

    def __init__(
        self,
        path: Path,
        connection: duckdb.DuckDBPyConnection,
        created: bool = False,
        folders: Sequence[Path] = (),
    ) -> None:
        self.path = path
        self._con = connection
        self._created = created  # this History made the file: nothing committed into it yet
        self._folders = list(folders)  # ... and these folders for it, deepest first

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Close; a file created by this History that no run was committed to is removed when
        the ``with`` block fails, with the folders made for it (a failed first run leaves
        nothing behind)."""
        self.close()
        if error is None or not self._created:
            return
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        for folder in self._folders:
            with suppress(OSError):  # not empty: something else was written there
                folder.rmdir()

    def close(self) -> None:
        self._con.close()

    def runs(self) -> pd.DataFrame:
        """Every archived run, oldest as-of first (``runs`` table)."""
        return self.query("SELECT * FROM runs ORDER BY as_of, run_id")

    def query(self, sql: str, parameters: list[object] | None = None) -> pd.DataFrame:
        """The rows of a read-only query as a frame (dates as ``datetime64``)."""
        try:
            return self._con.execute(sql, parameters or []).df()
        except duckdb.Error as error:
            raise _unusable(self.path, f"cannot read the run history ({error})") from error

    def latest_runs(self, before: pd.Timestamp | None = None) -> pd.DataFrame:
        """The runs accuracy uses: the newest run of each as-of date (a rerun that kept both
        counts once), as-of dates before ``before`` only when given."""
        where = "" if before is None else "WHERE as_of < ?"
        return self.query(
            f"""SELECT * FROM runs {where}
                QUALIFY row_number() OVER (PARTITION BY as_of ORDER BY run_id DESC) = 1
                ORDER BY as_of""",
            [] if before is None else [before.date()],
        )

    def table(
        self,
        name: str,
        run_ids: list[int],
        sku: str | None = None,
        weeks: Sequence[int] | None = None,
        ended: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    ) -> pd.DataFrame:
        """The rows of table ``name`` of the runs ``run_ids``, filtered inside the database.

        ``sku`` keeps one SKU's rows. For ``forecasts`` only: ``weeks`` keeps those weeks
        ahead (lags), ``ended = (after, by)`` the weeks that ended after ``after`` and by
        ``by`` (a week ends six days after its ``week_start``).
        """
        if name not in RUN_TABLES:
            raise ValueError(f"no run table {name!r}")
        if (weeks is not None or ended is not None) and name != "forecasts":
            raise ValueError(f"table {name!r} has no weeks")
        if not run_ids:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES[name]})
        where: list[str] = ["run_id IN (SELECT unnest(?))"]
        parameters: list[object] = [run_ids]
        if sku is not None:
            where.append("sku = ?")
            parameters.append(sku)
        if weeks is not None:
            where.append("week IN (SELECT unnest(?))")
            parameters.append([int(w) for w in weeks])
        if ended is not None:
            where.append("week_start + 6 > ? AND week_start + 6 <= ?")
            parameters.extend(day.date() for day in ended)
        return self.query(f"SELECT * FROM {name} WHERE {' AND '.join(where)}", parameters)

    def append(self, rows: RunRows, policy: RerunPolicy) -> Appended:
        """Add a run in one transaction (see :meth:`appending`), committed at once."""
        with self.appending(rows, policy) as appended:
            return appended

    @contextmanager
    def appending(self, rows: RunRows, policy: RerunPolicy) -> Iterator[Appended]:
        """Add a run's rows inside a transaction that commits when the ``with`` block ends
        normally and rolls back (adding nothing) when anything inside it raises.

        A run with the same as-of date and data fingerprint as an earlier one is a rerun:
        ``policy`` ``"replace"`` removes the earlier run(s), ``"keep"`` keeps both.
        """
        con = self._con
        try:
            con.begin()
        except duckdb.Error as error:
            raise _unusable(self.path, f"cannot write the run history ({error})") from error
        try:
            same = con.execute(
                "SELECT run_id FROM runs WHERE as_of = ? AND data_fingerprint = ? ORDER BY run_id",
                [rows.as_of.date(), rows.run["data_fingerprint"]],
            ).fetchall()
            earlier = [int(r[0]) for r in same]
            # ids are never reused: a run replacing another gets a new one
            run_id = int(
                con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0]
            )
            if policy == "replace" and earlier:
                for name in (*RUN_TABLES, "runs"):
                    con.execute(f"DELETE FROM {name} WHERE run_id IN (SELECT unnest(?))", [earlier])
            _insert(con, "runs", pd.DataFrame([{"run_id": run_id, **rows.run}]))
            for name in RUN_TABLES:
                _insert(con, name, rows.tables[name].assign(run_id=run_id))
            replaced = earlier if policy == "replace" else []
            yield Appended(run_id, replaced, [] if replaced else earlier)
        except BaseException:
            con.rollback()
            raise
        try:
            con.commit()
        except duckdb.Error as error:
            con.rollback()
            raise _unusable(self.path, f"cannot write the run history ({error})") from error
        self._created = False

    def set_archive_seconds(self, run_id: int, seconds: float) -> None:
        """Record how long archiving run ``run_id`` took (inside :meth:`appending`)."""
        self._con.execute("UPDATE runs SET archive_seconds = ? WHERE run_id = ?", [seconds, run_id])

    def record_final_orders(self, as_of: pd.Timestamp, orders: pd.DataFrame) -> int | None:
        """Store the final orders sent (``sku``, ``warehouse``, ``final_order``) on the newest
        run of ``as_of``, every other unit of that run getting 0 (not sent). Returns the run's
        id, or ``None`` when no run of that date is archived."""
        latest = self.latest_runs()
        run = latest[latest["as_of"] == as_of]
        if run.empty:
            return None
        run_id = int(run["run_id"].iloc[0])
        con = self._con
        con.begin()
        try:
            con.register("_final", orders[["sku", "warehouse", "final_order"]])
            con.execute("UPDATE plans SET final_order = 0 WHERE run_id = ?", [run_id])
            con.execute(
                """UPDATE plans SET final_order = f.final_order FROM _final AS f
                   WHERE plans.run_id = ? AND plans.sku = f.sku
                     AND plans.warehouse = f.warehouse""",
                [run_id],
            )
            con.unregister("_final")
        except BaseException:
            con.rollback()
            raise
        con.commit()
        return run_id


def _insert(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` (the table's columns, any order) to table ``name``."""
    columns = list(TABLES[name])
    con.register("_rows", frame[columns])
    try:
        con.execute(f"INSERT INTO {name} SELECT {', '.join(columns)} FROM _rows")
    finally:
        con.unregister("_rows")


def open_history(path: Path, create: bool = True) -> History:
    """Open the archive at ``path``, creating it (and its folder) when missing and ``create``.

    Raises
    ------
    HistoryError
        The file is missing (and not ``create``), is not a DuckDB database (or is
        damaged), another program holds its lock, or it was written with another
        schema version than :data:`SCHEMA_VERSION`.
    """
    if not create and not path.is_file():
        raise HistoryError(
            f"{path}: no run history there; forecaster run archives every run (in "
            "history.duckdb in the output folder unless history.path says otherwise)"
        )
    created = not path.exists()
    folders = [p for p in path.parents if not p.exists()]  # deepest first
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(f"{path}: cannot create its folder ({error.strerror})") from error
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as error:
        text = str(error)
        if "lock" in text.lower():
            raise _unusable(
                path, "the run history is in use by another program (another forecaster run?)"
            ) from error
        raise _unusable(path, f"not a readable DuckDB run history ({text})") from error
    except duckdb.Error as error:
        raise _unusable(path, f"not a readable DuckDB run history ({error})") from error
    try:
        _check_schema(path, con)
    except BaseException:
        con.close()
        raise
    return History(path, con, created, folders)


def _check_schema(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables in a new file; refuse a file of another schema version."""
    try:
        existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not existing:
            _create(con)
            return
        if "meta" not in existing:
            raise _unusable(path, "a DuckDB file, but not a forecaster run history")
        stamped = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        found = stamped[0] if stamped else None
    except duckdb.Error as error:
        raise _unusable(path, f"not a readable DuckDB run history ({error})") from error
    version = int(found[0]) if found is not None and str(found[0]).isdigit() else None
    if version == SCHEMA_VERSION:
        return
    if version is not None and version > SCHEMA_VERSION:
        raise _unusable(
            path,
            f"written with history schema version {version} by a newer forecaster; this one "
            f"reads version {SCHEMA_VERSION} (upgrade forecaster)",
        )
    raise _unusable(
        path,
        f"history schema version {found[0] if found else 'missing'} is older than version "
        f"{SCHEMA_VERSION}, which this forecaster reads, and cannot be migrated",
    )


def _create(con: duckdb.DuckDBPyConnection) -> None:
    """The tables of :data:`SCHEMA_VERSION`, in one transaction."""
    con.begin()
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    for name, columns in TABLES.items():
        body = ", ".join(f"{c} {t}" for c, t in columns.items())
        key = ", PRIMARY KEY (run_id)" if name == "runs" else ""
        con.execute(f"CREATE TABLE {name} ({body}{key})")
    con.commit()

"""The weekly run: load, validate, forecast, health, alerts and grades, replenish, write.

:func:`plan` chains the pure stages and returns every intermediate frame in a
:class:`Plan`; :func:`run` plans and writes the workbooks atomically (all
files appear together, or none does).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from time import perf_counter
from typing import Protocol

import numpy as np
import pandas as pd

from forecaster.config import Lang, Settings
from forecaster.errors import ConfigError, PlanError
from forecaster.glossary import say
from forecaster.history.record import Timings, input_fingerprint, run_rows
from forecaster.history.review import EarlierRuns, bias_alerts, read_earlier_runs, review_run
from forecaster.history.store import Appended, History, open_history
from forecaster.inventory.abc import abc_classes
from forecaster.inventory.assessment import assess_inventory, lifecycle_stages
from forecaster.inventory.budget import fit_budget
from forecaster.inventory.flags import below_minimum, promotions_ahead
from forecaster.inventory.minimum_order import top_up_to_minimum
from forecaster.inventory.plausibility import ORDER_TO_YEAR_SALES, YEAR_DAYS, oversized_orders
from forecaster.inventory.promo_check import PromoCheck, expedite_lines, promo_check
from forecaster.inventory.replenishment import replenish, supplier_orders
from forecaster.io.dataset import Dataset, load_dataset, load_sales_file
from forecaster.io.quality import QualityReport, examples
from forecaster.io.schema import MAX_DAYS, TABLES
from forecaster.memory import release_unused_memory
from forecaster.models.backtest import Backtest, backtest
from forecaster.models.engine import forecast_table, forecast_units
from forecaster.models.forecast import Forecast
from forecaster.models.notes import forecast_notes
from forecaster.models.periods import Freq
from forecaster.parallel import Runner, check_engine, engine_runner, reporting
from forecaster.plan import Plan
from forecaster.progress import Progress, Silent
from forecaster.report.edited_plan import EditedPlan, read_edited_plan
from forecaster.report.outputs import write_outputs
from forecaster.report.promo_workbook import promo_workbook_name, write_promo_workbook
from forecaster.report.purchase_orders import write_supplier_workbooks
from forecaster.report.staging import OutputStage
from forecaster.units import planning_units, protection_days


@dataclass(frozen=True)
class Archived:
    """Where a run was archived and what the archive did with it."""

    path: Path
    appended: Appended


@dataclass(frozen=True)
class RunResult:
    plan: Plan
    files: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # superseded POs of the same date
    archived: Archived | None = None  # None: run with --no-history


def forecast_horizon(units: pd.DataFrame, settings: Settings) -> int:
    """Days to forecast: enough for the cover cap, the Forecast sheet and each protection period."""
    longest = int(protection_days(units).max(initial=0))
    return max(settings.planning.cover_cap_days, settings.forecast.sheet_weeks * 7, longest + 1)


def plan(settings: Settings, progress: Progress | None = None) -> Plan:
    """Run every planning stage on the data folder of ``settings``.

    Raises
    ------
    InvalidInput
        The input tables are invalid (nothing is computed).
    """
    progress = progress or Silent()
    check_engine(settings.engine.kind, settings.engine.address)  # before the tables are read
    return plan_dataset(read_dataset(settings, progress), settings, progress)


def read_dataset(settings: Settings, progress: Progress) -> Dataset:
    """:func:`~forecaster.io.dataset.load_dataset`, a tick of ``progress`` per table.

    Raises
    ------
    InvalidInput
        The input tables are invalid.
    """
    with progress.stage("Reading and validating tables", total=len(TABLES)) as advance:
        return load_dataset(settings, on_table=lambda _name: advance(1))


class Engine(Protocol):
    """The engine's entry point, :func:`~forecaster.models.engine.forecast_units`'s signature
    ``(sales, units, promotions, as_of, settings, horizon[, runner])``."""

    def __call__(
        self,
        sales: pd.DataFrame,
        units: pd.DataFrame,
        promotions: pd.DataFrame,
        as_of: pd.Timestamp,
        settings: Settings,
        horizon: int,
        *,
        runner: Runner | None = None,
    ) -> Forecast: ...


def plan_dataset(
    ds: Dataset,
    settings: Settings,
    progress: Progress | None = None,
    engine: Engine = forecast_units,
) -> Plan:
    """Every planning stage after loading: forecast, health, replenishment.

    ``engine`` forecasts the units (default: a full fit of the engine). Orders far beyond
    a unit's year of sales are warned about on ``quality``.

    Raises
    ------
    PlanError
        A number of the orders or the forecast is not finite (:func:`check_plan_numbers`).
    """
    progress = progress or Silent()
    units = planning_units(ds)
    chunks = max(-(-len(units) // settings.forecast.chunk_units), 1)
    where = settings.engine
    fitting = settings
    if where.kind == "dask":  # the cluster's workers are the parallelism: no pool inside them
        fitting = settings.model_copy(
            update={"forecast": settings.forecast.model_copy(update={"workers": 1})}
        )
    with (
        progress.stage("Forecasting demand", total=chunks) as advance,
        engine_runner(where.kind, where.address, where.workers) as cluster,
    ):
        runner = reporting(lambda _done, _total: advance(1), cluster)
        forecast = _forecast(ds, units, fitting, engine, runner)
        release_unused_memory()

    with progress.stage("Inventory health, alerts and grades", total=1) as advance:
        assessment = assess_inventory(ds, units, forecast, settings)
        release_unused_memory()
        advance(1)

    with progress.stage("Replenishment", total=1) as advance:
        stage = assessment.health["lifecycle"].to_numpy()
        lines, totals = _replenishment(ds, units, forecast, stage, settings)
        release_unused_memory()
        advance(1)

    quality = forecast_notes(ds.quality, forecast, units, settings.promotions)
    _note_oversized_orders(quality, lines, units, ds)
    result = Plan(
        settings,
        ds,
        units,
        forecast,
        assessment.health,
        assessment.sku_totals,
        assessment.alerts,
        assessment.slow_movers,
        lines,
        totals,
        quality,
    )
    check_plan_numbers(result)
    return result


def _note_oversized_orders(
    quality: QualityReport, lines: pd.DataFrame, units: pd.DataFrame, ds: Dataset
) -> None:
    """Warn about suggested orders beyond a few years' sales
    (:mod:`forecaster.inventory.plausibility`)."""
    oversized, unchecked = oversized_orders(lines, units, ds.sales, ds.as_of)
    if oversized.empty:
        return
    where = oversized["sku"] + np.where(
        oversized["warehouse"] != "", " @ " + oversized["warehouse"], ""
    )
    shorter = (
        f"; {unchecked} ordered SKU(s) with under a year of sales are not checked"
        if unchecked
        else ""
    )
    quality.add(
        "warning",
        ds.sources.get("skus", ""),
        "order_beyond_sales",
        len(oversized),
        f"suggested order above {ORDER_TO_YEAR_SALES:g} times the units sold in the last "
        f"{YEAR_DAYS} days: check the lead time, the stock and the sales export{shorter}",
        sample=[
            f"{w} (order {o:,.0f}, sold {y:,.0f})"
            for w, o, y in zip(
                where, oversized["suggested_order"], oversized["year_sales"], strict=True
            )
        ],
    )


def check_plan_numbers(plan: Plan) -> None:
    """The invariant checked before anything is written: every number of the order lines,
    the supplier totals and the forecast is finite.

    Raises
    ------
    PlanError
        Naming each ``table.column`` holding NaN or infinity and its SKUs (or suppliers).
    """
    lines, totals, forecast = plan.replenishment, plan.supplier_orders, plan.forecast
    problems = [
        *_non_finite("replenishment", _numbers(lines), lines["sku"]),
        *_non_finite("supplier_orders", _numbers(totals), totals["supplier"]),
        *_non_finite(
            "forecast", {"mean": forecast.mean, "variance": forecast.cum_var}, plan.units["sku"]
        ),
    ]
    if problems:
        raise PlanError(problems)


def _numbers(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every numeric column of ``frame`` as floats."""
    return {c: frame[c].to_numpy(dtype=float) for c in frame.select_dtypes("number").columns}


def _non_finite(what: str, columns: Mapping[str, np.ndarray], keys: pd.Series) -> list[str]:
    """``what.column: key, key, …`` for each column (or matrix, one row per key) holding
    NaN or infinity."""
    found = []
    for name, values in columns.items():
        bad = ~np.isfinite(values)
        if bad.ndim > 1:
            bad = bad.any(axis=tuple(range(1, bad.ndim)))
        if bad.any():
            found.append(f"{what}.{name}: {examples(keys.to_numpy()[bad], int(bad.sum()))}")
    return found


@dataclass(frozen=True)
class Orders:
    """The forecast and suggested orders of a plan, as in :class:`Plan`: aligned with
    ``units``, except ``supplier_orders``."""

    units: pd.DataFrame
    forecast: Forecast
    replenishment: pd.DataFrame
    supplier_orders: pd.DataFrame


def plan_orders(ds: Dataset, settings: Settings, engine: Engine = forecast_units) -> Orders:
    """The forecast and the orders of :func:`plan_dataset`, without the health, alerts and
    grades (the lifecycle stage the orders need is computed alone).

    ``forecaster simulate`` calls it at every review date with the dataset as it
    stood on that date, so a replay orders exactly as ``run`` does, its forecast
    coming from a :class:`~forecaster.models.rolling.RollingEngine` (which
    estimates ETS and Theta only every ``simulation.refit_weeks`` weeks).
    """
    units = planning_units(ds)
    forecast = _forecast(ds, units, settings, engine)
    stage = lifecycle_stages(ds, units, settings)
    lines, totals = _replenishment(ds, units, forecast, stage, settings)
    return Orders(units, forecast, lines, totals)


def _forecast(
    ds: Dataset,
    units: pd.DataFrame,
    settings: Settings,
    engine: Engine,
    runner: Runner | None = None,
) -> Forecast:
    """The forecast of the planning units over :func:`forecast_horizon`, its chunks run by
    ``runner`` (None: one after another here)."""
    horizon = forecast_horizon(units, settings)
    return engine(ds.sales, units, ds.promotions, ds.as_of, settings, horizon, runner=runner)


def _replenishment(
    ds: Dataset,
    units: pd.DataFrame,
    forecast: Forecast,
    stage: np.ndarray,
    settings: Settings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The order lines (with the minimum order value and the budget) and the supplier totals."""
    terms = settings.replenishment
    abc = abc_classes(ds.sales, units, ds.as_of, terms.abc_window_days, terms.abc_shares)
    lang = settings.output.lang
    lines = replenish(units, forecast, stage, abc, terms, ds.as_of, lang)
    lines = top_up_to_minimum(lines, units, ds.suppliers, terms, ds.as_of, lang)
    wanted = lines["suggested_order"].to_numpy()
    if terms.budget is not None:
        lines = fit_budget(lines, units, terms.budget, lang)
    totals = supplier_orders(lines, ds.suppliers)
    ordered = lines["suggested_order"].to_numpy() > 0
    ahead = promotions_ahead(
        units,
        lines["protection_days"].to_numpy(),
        ds.promotions,
        settings.promotions.festivals,
        ds.as_of,
    )
    lines = _flag_minimum_order_value(lines, totals, lang).assign(
        why=_with_promotions(lines, forecast, ahead, lang),
        over_cover_cap=lines["over_cover_cap"].to_numpy() & ordered,
        new_sku=forecast.borrowed,
        below_minimum=below_minimum(lines, totals),
        budget_cut=wanted > lines["suggested_order"].to_numpy(),
        promotion_ahead=ahead,
    )
    return lines, totals


def _with_promotions(
    lines: pd.DataFrame, forecast: Forecast, ahead: np.ndarray, lang: Lang
) -> pd.Series:
    """The why of each line, saying what the promotions inside its protection period add to
    the demand it covers (in ``lang``): "includes 1111 ×3.2 (+420 of the demand)"."""
    added, factor = forecast.promotion_share(lines["protection_days"].to_numpy())
    # a list, not cell by cell: setting one value of an Arrow text column copies the column
    why = lines["why"].astype(str).tolist()
    for i in np.flatnonzero((ahead != "") & (added >= 0.5)):
        why[i] += say("why.promotion", lang, names=ahead[i], uplift=factor[i], units=added[i])
    return pd.Series(why, index=lines.index, dtype=lines["why"].dtype)


def _flag_minimum_order_value(
    lines: pd.DataFrame, totals: pd.DataFrame, lang: Lang
) -> pd.DataFrame:
    """Add a note (in ``lang``) to the lines of suppliers whose order is below their minimum."""
    below = totals[totals["below_minimum"]].set_index("supplier")
    if below.empty:
        return lines
    flagged = lines["supplier"].isin(below.index) & (lines["suggested_order"] > 0)
    note = lines.loc[flagged, "supplier"].map(
        lambda s: say(
            "why.below_minimum",
            lang,
            supplier=s,
            value=below.at[s, "value"],
            minimum=below.at[s, "min_order_value"],
        )
    )
    lines = lines.copy()
    lines.loc[flagged, "why"] = lines.loc[flagged, "why"] + note
    return lines


def run(settings: Settings, progress: Progress | None = None, history: bool = True) -> RunResult:
    """Plan, then write the planner's workbook and one PO workbook per supplier, and (with
    ``history``) archive the run in the DuckDB file of ``history.path``.

    Files are written under temporary names and renamed into place only when
    all of them are complete, so a failed run leaves nothing half-written. The
    archive is opened first (a damaged or locked one fails before planning), its
    earlier runs give the workbook its Tracking and Changes sheets and the
    ``FORECAST_BIAS`` alerts, and the run is appended in one transaction that
    commits only once the files are in place: a failed run adds nothing.

    Raises
    ------
    HistoryError
        The archive cannot be opened, read or written (``history=False`` plans without).
    """
    progress = progress or Silent()
    if not history:
        result = plan(settings, progress)
        with OutputStage(Path(settings.output.dir)) as stage:
            write_outputs(result, stage, progress)
            files = stage.commit()
        return RunResult(result, files, stage.removed)
    path = settings.history.file(Path(settings.output.dir))
    check_engine(settings.engine.kind, settings.engine.address)  # before the tables are read
    with open_history(path) as archive:
        started = perf_counter()
        ds = read_dataset(settings, progress)
        # While the run is planned, a second thread scores the archive's earlier runs
        # against the sales and hashes the input files, and while the workbooks are
        # written it builds the run's rows (DuckDB, numpy, scipy and hashlib release the
        # GIL); only the waits for them count as the history's time.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="history") as pool:
            reading = pool.submit(read_earlier_runs, archive, ds.sales, ds.as_of)
            hashing = pool.submit(input_fingerprint, ds, settings)
            result = plan_dataset(ds, settings, progress)
            planned = perf_counter()
            earlier, fingerprint = reading.result(), hashing.result()
            result = _with_history(result, archive, earlier)
            reviewed = perf_counter()
            previous = result.history.previous_as_of if result.history else None
            timings = Timings(planned - started, 0.0)  # writing: set once written
            building = pool.submit(run_rows, result, timings, previous, fingerprint)
            with OutputStage(Path(settings.output.dir)) as stage:
                write_outputs(result, stage, progress)
                written = perf_counter()
                rows = building.result()
                rows = replace(rows, run={**rows.run, "write_seconds": written - reviewed})
                with archive.appending(rows, settings.history.rerun) as appended:
                    spent = reviewed - planned + perf_counter() - written
                    archive.set_archive_seconds(appended.run_id, spent)
                    files = stage.commit()
    return RunResult(result, files, stage.removed, Archived(path, appended))


def _with_history(result: Plan, archive: History, earlier: EarlierRuns) -> Plan:
    """``result`` with the archive's review of it and its ``FORECAST_BIAS`` alerts."""
    limit = result.settings.history.tracking_limit
    review = review_run(result, archive, limit, earlier)
    alerts = bias_alerts(review, result, limit, result.settings.output.lang)
    return replace(result, history=review, alerts=alerts)


def forecast_file(
    sales: Path,
    out: Path,
    settings: Settings,
    *,
    horizon: int,
    freq: Freq,
    cutoff: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Forecast every SKU of a sales file and write the long CSV to ``out`` atomically.

    ``cutoff`` defaults to the last sales date; later sales are not used.
    """
    check_horizon(horizon, freq)
    daily, _ = load_sales_file(sales, settings)
    first, last = daily["date"].min(), daily["date"].max()
    cutoff = last if cutoff is None else cutoff
    if cutoff < first:
        raise ConfigError(f"--cutoff {cutoff:%Y-%m-%d} is before the first sale ({first:%Y-%m-%d})")
    table = forecast_table(daily, cutoff, horizon, freq, settings)
    with OutputStage(out.parent) as stage:
        table.to_csv(stage.path(out.name), index=False, float_format="%.4f", date_format="%Y-%m-%d")
    return table


#: Days a period of each frequency spans at most.
_PERIOD_DAYS: dict[str, int] = {"D": 1, "W": 7, "M": 31}


def check_horizon(horizon: int, freq: Freq) -> None:
    """Refuse a horizon beyond :data:`~forecaster.io.schema.MAX_DAYS` days: its dates would
    run past the calendar forecaster plans on (and its arrays past memory)."""
    days = horizon * _PERIOD_DAYS[freq]
    if days > MAX_DAYS:
        raise ConfigError(
            f"--horizon {horizon} at --freq {freq} spans up to {days:,} days, more than the "
            f"{MAX_DAYS:,} forecaster forecasts; choose a shorter horizon"
        )


def backtest_file(
    sales: Path,
    settings: Settings,
    *,
    horizon: int,
    folds: int,
    freq: Freq,
    out: Path | None = None,
) -> Backtest:
    """Rolling-origin backtest of a sales file.

    With ``out`` it writes the metrics CSV there and one row per SKU beside it
    (``<name>_skus.csv``, :data:`forecaster.models.backtest.SKU_COLUMNS`), both or neither.
    """
    check_horizon(horizon, freq)
    daily, _ = load_sales_file(sales, settings)
    result = backtest(daily, horizon, folds, freq, settings)
    if out is not None:
        with OutputStage(out.parent) as stage:
            result.metrics.to_csv(stage.path(out.name), index=False, float_format="%.4f")
            if result.skus is not None:
                per_sku = stage.path(sku_file(out).name)
                result.skus.to_csv(per_sku, index=False, float_format="%.4f")
    return result


def sku_file(out: Path) -> Path:
    """Where ``backtest --out FILE`` writes its rows per SKU: ``FILE``'s name plus ``_skus``."""
    return out.with_name(f"{out.stem}_skus{out.suffix or '.csv'}")


@dataclass(frozen=True)
class PromoResult:
    dataset: Dataset
    check: PromoCheck
    files: list[Path]


def promo(
    settings: Settings, name: str, progress: Progress | None = None, expedite: bool = False
) -> PromoResult:
    """Check stock against the next promotion ``name`` and write its workbook; with
    ``expedite``, also one expedite order per supplier for what is still short on top of
    this week's order (:func:`~forecaster.inventory.promo_check.expedite_lines`)."""
    progress = progress or Silent()
    with progress.stage("Reading and validating tables", total=len(TABLES)) as advance:
        ds = load_dataset(settings, on_table=lambda _name: advance(1))
    with progress.stage(f"Checking stock for {name}", total=2) as advance:
        week = plan_orders(ds, settings)  # what this week's run orders
        advance(1)
        check = promo_check(ds, week.units, settings, name, week.replenishment)
        advance(1)
    # The invariant of a plan (check_plan_numbers): the cover after the promotion may be
    # NaN (no stock, nothing inbound, no demand), the quantities and values may not.
    numbers = _numbers(check.table.drop(columns="cover_after_days"))
    problems = _non_finite("promo_check", numbers, check.table["sku"])
    if problems:
        raise PlanError(problems)
    with OutputStage(Path(settings.output.dir)) as stage:
        lang = settings.output.lang
        path = stage.path(promo_workbook_name(name, ds.as_of, settings.output.names_lang(lang)))
        write_promo_workbook(check, ds.as_of, ds.per_warehouse, ds.quality, path, lang)
        if expedite:
            write_supplier_workbooks(
                expedite_lines(check, week.units),
                ds.suppliers,
                ds.as_of,
                ds.per_warehouse,
                stage,
                settings.purchase_orders,
                lang,
                settings.output.names_lang(lang),
                expedite=name,
            )
        files = stage.commit()
    return PromoResult(ds, check, files)


@dataclass(frozen=True)
class Recorded:
    """Where ``po --from`` recorded the final orders: the archive and the run (None: the
    archive holds no run of the workbook's date)."""

    path: Path
    run_id: int | None


@dataclass(frozen=True)
class PoResult:
    edited: EditedPlan
    files: list[Path]
    removed: list[Path] = field(default_factory=list)  # POs of suppliers left without lines
    recorded: Recorded | None = None  # None: not recorded (--no-history, or no archive)


def purchase_orders_from(
    workbook: Path, settings: Settings, lang: Lang | None = None, history: bool = True
) -> PoResult:
    """Regenerate the supplier PO files from the ``final_order`` of an edited planner's workbook.

    Writes ``suppliers/PO_<supplier>_<as-of>.xlsx`` (``供应商/采购单_…`` with Chinese
    file names) under the output folder for every supplier with a positive final
    order, all together or none, and removes the PO of that date of a supplier whose
    final orders are all 0. The POs are in ``lang`` when given (``--lang``), else in
    the language the workbook was written in. With ``history`` and an archive at
    ``history.path``, the final orders are recorded on its run of the workbook's date
    (:meth:`~forecaster.history.store.History.record_final_orders`).
    """
    edited = read_edited_plan(workbook)
    lang = edited.lang if lang is None else lang
    with OutputStage(Path(settings.output.dir)) as stage:
        write_supplier_workbooks(
            edited.lines,
            edited.suppliers,
            edited.as_of,
            edited.per_warehouse,
            stage,
            settings.purchase_orders,
            lang,
            settings.output.names_lang(lang),
        )
        files = stage.commit()
    path = settings.history.file(Path(settings.output.dir))
    if not history or not path.is_file():
        return PoResult(edited, files, stage.removed)
    sent = edited.lines.groupby(["sku", "warehouse"], as_index=False)["quantity"].sum()
    with open_history(path, create=False) as archive:
        run_id = archive.record_final_orders(
            edited.as_of, sent.rename(columns={"quantity": "final_order"})
        )
    return PoResult(edited, files, stage.removed, Recorded(path, run_id))

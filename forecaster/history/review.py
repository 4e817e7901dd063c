"""What the archive says about this week's run: accuracy, tracking signal and changes.

:func:`read_earlier_runs` reads the earlier runs of the archive (the newest run of each
as-of date before this one) and sets their forecasts against the sales of this
run's data (:mod:`~forecaster.history.accuracy`); :func:`review_run` keeps this
run's units, scores them per class and unit, compares this run's plan with
the previous run's (:mod:`~forecaster.history.changes`) and raises
``FORECAST_BIAS`` on each unit whose tracking signal passes
``history.tracking_limit`` (:func:`bias_alerts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import say
from forecaster.history.accuracy import (
    LAGS,
    WINDOWS,
    biased,
    error_sums,
    forecast_errors,
    scores,
    tracking_signal,
)
from forecaster.history.changes import week_over_week
from forecaster.history.record import plan_rows
from forecaster.history.store import History
from forecaster.inventory.alerts import COLUMNS as ALERT_COLUMNS
from forecaster.inventory.alerts import sort_alerts
from forecaster.plan import Plan

#: The ``abc_class`` of the shop-wide rows of :attr:`Review.by_class`.
ALL: Final = "all"
#: The key of a unit.
_KEYS: Final = ["sku", "warehouse"]
#: Weeks of earlier runs read: the longest window plus the longest lag.
_READ_WEEKS: Final = max(WINDOWS) + max(LAGS) + 1


@dataclass(frozen=True)
class LastMonth:
    """How the forecast made one week ahead did over the last 4 weeks, shop-wide."""

    weeks: int
    actual: float
    forecast: float
    bias: float
    wape: float
    flagged: int


@dataclass(frozen=True)
class Review:
    """The archive's view of a run (empty frames when no earlier run is archived).

    Attributes
    ----------
    runs_before
        Earlier as-of dates archived (the newest run of each).
    previous_as_of
        The newest of them (None: none).
    by_class
        The waterfall: per ABC class and :data:`ALL`, lag and window, the
        :func:`~forecaster.history.accuracy.accuracy` columns.
    by_unit
        Per unit with an evaluated forecast: the :func:`tracking_signal` columns and
        the lag-1 bias and WAPE over 4 and 13 weeks, MASE and FVA over 13 weeks and
        WAPE at lags 2, 4 and 8 over 13 weeks (:func:`unit_table`).
    changes
        :func:`~forecaster.history.changes.week_over_week` against the previous run.
    last_month
        Lag 1 over the last 4 weeks, shop-wide (None: nothing evaluated yet).
    """

    runs_before: int
    previous_as_of: pd.Timestamp | None
    by_class: pd.DataFrame
    by_unit: pd.DataFrame
    changes: pd.DataFrame
    last_month: LastMonth | None


@dataclass(frozen=True)
class EarlierRuns:
    """What the archive holds before a run, read before the run is planned: the earlier
    runs (the newest of each as-of date) and the errors of their forecasts
    (:func:`~forecaster.history.accuracy.forecast_errors` of every archived unit)."""

    as_of: pd.Timestamp
    runs: pd.DataFrame
    errors: pd.DataFrame
    unit_sums: pd.DataFrame  # error_sums per sku, warehouse, window and lag
    signal: pd.DataFrame  # tracking_signal per sku and warehouse


def read_earlier_runs(history: History, sales: pd.DataFrame, as_of: pd.Timestamp) -> EarlierRuns:
    """The archive's runs before ``as_of`` and their forecast errors against ``sales``.

    It needs the sales only, not this run's plan, so :func:`forecaster.pipeline.run`
    reads it in the background while the run is planned.
    """
    runs = history.latest_runs(before=as_of)
    recent = runs[pd.to_datetime(runs["as_of"]) > as_of - pd.Timedelta(weeks=_READ_WEEKS)]
    oldest = as_of - pd.Timedelta(weeks=max(WINDOWS))
    ids = recent["run_id"].astype(int).tolist()
    forecasts = history.table("forecasts", ids, weeks=LAGS, ended=(oldest, as_of))
    units = forecasts[["sku", "warehouse"]].drop_duplicates()
    errors = forecast_errors(forecasts, recent, sales, units, as_of)
    unit_sums = error_sums(errors, _KEYS, as_of)
    return EarlierRuns(as_of, runs, errors, unit_sums, tracking_signal(errors, as_of))


def review_run(
    plan: Plan, history: History, limit: float, earlier: EarlierRuns | None = None
) -> Review:
    """The archive's view of ``plan`` (see :class:`Review`); ``limit`` is the tracking
    signal beyond which a unit is flagged (``history.tracking_limit``). ``earlier``:
    :func:`read_earlier_runs` for this plan's sales and as-of date, when already read."""
    as_of = plan.as_of
    if earlier is None:
        earlier = read_earlier_runs(history, plan.dataset.sales, as_of)
    if earlier.as_of != as_of:
        raise ValueError(f"the archive was read for {earlier.as_of:%Y-%m-%d}, not {as_of:%Y-%m-%d}")
    runs = earlier.runs
    previous_as_of = pd.Timestamp(runs["as_of"].iloc[-1]) if len(runs) else None
    current = plan_rows(plan)
    classes = current[[*_KEYS, "abc_class"]]
    # the units of this run only, with their class
    unit_sums = earlier.unit_sums.merge(classes, on=_KEYS, how="inner")
    by_class = pd.concat(
        [
            scores(unit_sums.assign(abc_class=ALL), ["abc_class"]),
            scores(unit_sums, ["abc_class"]),
        ],
        ignore_index=True,
    )
    signal = earlier.signal.merge(classes[_KEYS], on=_KEYS, how="inner")
    units = unit_table(signal, scores(unit_sums, _KEYS), current)
    errors = earlier.errors
    if previous_as_of is None:
        changes = pd.DataFrame()
    else:
        last_run = runs["run_id"].iloc[-1]
        previous = history.table("plans", [int(last_run)])
        last_week = errors[(errors["run_as_of"] == previous_as_of) & (errors["lag"] == 1)]
        changes = week_over_week(
            current, previous, last_week, previous_as_of, plan.settings.output.lang
        )
    flagged = int(biased(units, limit).sum())
    return Review(
        len(runs), previous_as_of, by_class, units, changes, _last_month(by_class, flagged)
    )


def unit_table(
    signal: pd.DataFrame, unit_scores: pd.DataFrame, current: pd.DataFrame
) -> pd.DataFrame:
    """Per unit: ``sku``, ``warehouse``, ``name``, ``abc_class``, the tracking signal
    columns, ``bias_4w``, ``wape_4w``, ``bias_13w``, ``wape_13w``, ``mase_13w``,
    ``fva_13w`` (lag 1) and ``wape_13w_lag2/4/8``; largest absolute signal first.

    ``signal`` is :func:`tracking_signal`'s table, ``unit_scores`` :func:`accuracy`'s per
    ``sku`` and ``warehouse``, ``current`` this run's plan rows (names and classes)."""
    keys = _KEYS
    if signal.empty:
        return signal.assign(name="", abc_class="")
    wide = signal
    for window, lag, metrics in (
        (4, 1, ("bias", "wape")),
        (13, 1, ("bias", "wape", "mase", "fva")),
        *((13, lag, ("wape",)) for lag in LAGS[1:]),
    ):
        part = unit_scores[(unit_scores["window"] == window) & (unit_scores["lag"] == lag)]
        suffix = f"_{window}w" + ("" if lag == 1 else f"_lag{lag}")
        renamed = part[[*keys, *metrics]].rename(columns={m: m + suffix for m in metrics})
        wide = wide.merge(renamed, on=keys, how="left")
    wide = wide.merge(current[[*keys, "name", "abc_class"]], on=keys, how="left")
    order = np.lexsort((wide["sku"].to_numpy(), -wide["tracking_signal"].abs().to_numpy()))
    return wide.iloc[order].reset_index(drop=True)


def _last_month(by_class: pd.DataFrame, flagged: int) -> LastMonth | None:
    row = by_class[
        (by_class["abc_class"] == ALL) & (by_class["window"] == 4) & (by_class["lag"] == 1)
    ]
    if row.empty:
        return None
    r = row.iloc[0]
    return LastMonth(
        int(r["weeks"]),
        float(r["actual"]),
        float(r["forecast"]),
        float(r["bias"]),
        float(r["wape"]),
        flagged,
    )


def bias_alerts(review: Review, plan: Plan, limit: float, lang: Lang) -> pd.DataFrame:
    """``plan``'s alerts plus a ``FORECAST_BIAS`` alert (severity medium) on each unit whose
    tracking signal passes ``± limit`` by more than Poisson noise
    (:func:`~forecaster.history.accuracy.biased`), in the alerts' order (most severe first)."""
    units = review.by_unit
    if units.empty:
        return plan.alerts
    flagged = units[biased(units, limit)]
    if flagged.empty:
        return plan.alerts
    rows = []
    for u in flagged.itertuples(index=False):
        key = "alert.bias_high" if u.tracking_signal > 0 else "alert.bias_low"
        rows.append(
            {
                "sku": u.sku,
                "warehouse": u.warehouse,
                "name": u.name,
                "alert": "FORECAST_BIAS",
                "severity": "medium",
                "action": say(key, lang),
                "detail": say(
                    "alert.bias_detail",
                    lang,
                    signal=u.tracking_signal,
                    limit=limit,
                    weeks=u.weeks,
                    error=u.cum_error,
                    mad=u.mad,
                ),
            }
        )
    extra = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    return sort_alerts(pd.concat([plan.alerts, extra], ignore_index=True))

"""Accuracy over time: the archived forecasts of earlier runs against the sales that came.

A run archived on as-of date ``a`` forecast week ``k`` (the days ``a + 7(k-1) + 1``
to ``a + 7k``) ``k`` weeks ahead: that forecast has **lag** ``k``. Once the week
has passed, its error is ``e = F - A``, forecast minus actual units (positive:
the forecast was too high, as forecaster's bias is everywhere). Over the
forecasts of one lag whose week ended within the last ``W`` weeks (``W`` = 4 and
13), for a unit or a group of units (an ABC class, the shop):

* **bias** = sum(F - A) / sum(A);
* **WAPE** = sum|F - A| / sum(A) (both NaN when nothing sold);
* **MASE** = mean of |F - A| / s, where ``s`` is the unit's mean absolute
  week-on-week change of weekly sales over the last 52 weeks (the in-sample
  error of the naive forecast, Hyndman and Koehler 2006); units with ``s = 0``
  are left out;
* **FVA** (forecast value added) = (sum|N - A| - sum|F - A|) / sum(A): the WAPE
  points forecaster gains over **seasonal naive** ``N``, the units sold in the
  same 7 days a year (364 days) before, or, when the sales do not reach back a
  year, in the 7 days up to the run's as-of date (plain naive). Positive: the
  forecast beats the baseline.

The **tracking signal** of a unit is the sum of its lag-1 errors over the last
13 weeks divided by their mean absolute value (MAD): it lies in ``[-n, n]`` for
``n`` weeks, and passes ±4 only when the errors lean one way week after week.
A unit whose MAD is 0 (every forecast exact) has signal 0.

Each as-of date counts once: :meth:`~forecaster.history.store.History.latest_runs`
keeps the newest run of a date.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

#: The lags (weeks ahead) the waterfall shows.
LAGS: Final = (1, 2, 4, 8)
#: Sales rows :class:`DailySales` adds up at a time.
_SLICE_ROWS: Final = 1_000_000
#: The windows (weeks of target weeks up to the as-of date) accuracy is measured over.
WINDOWS: Final = (4, 13)
#: Weeks of lag-1 errors the tracking signal sums.
TRACKING_WEEKS: Final = 13
#: Days back of the same week last year (52 weeks: the same weekdays).
YEAR_DAYS: Final = 364
#: Weeks of sales the MASE scale is measured over.
SCALE_WEEKS: Final = 52

#: Mean absolute error (units) below which every forecast counts as exact (float noise).
EXACT: Final = 1e-9

#: Columns of :func:`forecast_errors`.
ERROR_COLUMNS: Final = [
    "sku",
    "warehouse",
    "run_as_of",
    "lag",
    "week_end",
    "forecast",
    "actual",
    "naive",
    "scale",
]


def unit_rows(units: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Per row of ``rows``, the position of its ``sku`` and ``warehouse`` among ``units``
    (-1: not a unit).

    Each run of consecutive rows with the same keys is looked up once: the loader's sales
    are sorted by SKU and warehouse, so millions of rows are a few thousand runs (any
    order gives the same answer, only slower). The keys are compared as text, factorised
    once over both frames and then looked up as integers."""
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64)
    new = np.zeros(len(rows), dtype=bool)
    for key in ("sku", "warehouse"):
        column = rows[key].astype(str)
        new |= column.ne(column.shift()).to_numpy(dtype=bool)  # compared inside Arrow
    starts = np.flatnonzero(new)  # the first row is always new (shift gives it NaN)
    found = _lookup(units, rows.iloc[starts])
    return np.repeat(found, np.diff(np.append(starts, len(rows))))


def _lookup(units: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """:func:`unit_rows` of every row of ``rows``, one by one."""
    n = len(units)
    codes = []
    for key in ("sku", "warehouse"):
        both = pd.concat([units[key].astype(str), rows[key].astype(str)], ignore_index=True)
        code, values = pd.factorize(both)
        codes.append((code, len(values)))
    (sku, n_skus), (warehouse, n_warehouses) = codes
    key = sku.astype(np.int64) * n_warehouses + warehouse
    table = np.full(n_skus * n_warehouses, -1, dtype=np.int64)
    table[key[:n][::-1]] = np.arange(n)[::-1]  # a repeated unit: its first position
    return np.asarray(table[key[n:]])


class DailySales:
    """Net daily units per unit over a span of days, summed over any window in O(1).

    Parameters
    ----------
    sales
        ``sku``, ``warehouse``, ``date``, ``qty`` (several rows a day are added up).
    units
        ``sku``, ``warehouse``: the units, in the order results are returned.
    first, last
        The days covered; sales outside are ignored.
    """

    def __init__(
        self, sales: pd.DataFrame, units: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp
    ) -> None:
        self.first, self.last = first, last
        days = (last - first).days + 1
        daily = np.zeros(len(units) * days)
        # a slice of rows at a time: the temporaries stay bounded whatever the shop's size
        # (this runs beside the forecast, in the run's second thread)
        for start in range(0, len(sales), _SLICE_ROWS):
            part = sales.iloc[start : start + _SLICE_ROWS]
            day = self._offset(part["date"].to_numpy())
            row = unit_rows(units, part)
            keep = (day >= 0) & (day < days) & (row >= 0)
            qty = part["qty"].to_numpy(dtype=float)[keep]
            daily += np.bincount(row[keep] * days + day[keep], weights=qty, minlength=daily.size)
        self._cum = np.zeros((len(units), days + 1))
        np.cumsum(daily.reshape(len(units), days), axis=1, out=self._cum[:, 1:])

    def window(self, rows: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Units sold by unit ``rows[i]`` from ``start[i]`` to ``end[i]`` (dates, inclusive);
        days outside the span count as no sales."""
        width = self._cum.shape[1] - 1
        lo = np.clip(self._offset(start), 0, width)
        hi = np.clip(self._offset(end) + 1, 0, width)
        return np.asarray(self._cum[rows, np.maximum(hi, lo)] - self._cum[rows, lo])

    def _offset(self, dates: np.ndarray) -> np.ndarray:
        """Days from :attr:`first` to each of ``dates``."""
        first = np.datetime64(self.first.date(), "D")
        return np.asarray((dates.astype("datetime64[D]") - first).astype(int))

    def weekly_scale(self, as_of: pd.Timestamp) -> np.ndarray:
        """Per unit, the mean absolute change between consecutive weekly totals (weeks ending
        on ``as_of``, ``as_of - 7``, …, as many of :data:`SCALE_WEEKS` as the span holds)."""
        end = (as_of - self.first).days + 1
        weeks = min(SCALE_WEEKS, end // 7)
        if weeks < 2:
            return np.zeros(self._cum.shape[0])
        edges = end - 7 * np.arange(weeks, -1, -1)
        totals = np.diff(self._cum[:, edges], axis=1)
        return np.asarray(np.abs(np.diff(totals, axis=1)).mean(axis=1))


def forecast_errors(
    forecasts: pd.DataFrame,
    runs: pd.DataFrame,
    sales: pd.DataFrame,
    units: pd.DataFrame,
    as_of: pd.Timestamp,
    weeks: int = max(WINDOWS),
) -> pd.DataFrame:
    """Every archived weekly forecast of ``units`` whose week ended by ``as_of`` (within the
    last ``weeks`` weeks), with the units sold that week and seasonal naive's forecast.

    Parameters
    ----------
    forecasts
        Archived ``run_id``, ``sku``, ``warehouse``, ``week``, ``week_start``, ``mean``.
    runs
        ``run_id``, ``as_of`` of the runs to use (one per as-of date, all before ``as_of``).
    sales
        Daily ``sku``, ``warehouse``, ``date``, ``qty``; the naive forecast reads the year
        before, where the sales reach back that far.
    units
        ``sku``, ``warehouse``: forecasts of other units are left out.

    Returns
    -------
    pandas.DataFrame
        :data:`ERROR_COLUMNS`; ``scale`` is the unit's MASE scale (see the module).
    """
    frame = forecasts.merge(runs[["run_id", "as_of"]], on="run_id")
    frame = frame.assign(
        week_start=pd.to_datetime(frame["week_start"]), run_as_of=pd.to_datetime(frame["as_of"])
    )
    frame["week_end"] = frame["week_start"] + pd.Timedelta(days=6)
    oldest = as_of - pd.Timedelta(weeks=weeks)
    frame = frame[(frame["week_end"] <= as_of) & (frame["week_end"] > oldest)]
    keys = units[["sku", "warehouse"]].astype(str).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(keys)
    rows = index.get_indexer(pd.MultiIndex.from_frame(frame[["sku", "warehouse"]].astype(str)))
    frame, rows = frame[rows >= 0].reset_index(drop=True), rows[rows >= 0]
    first_sale = sales["date"].min() if len(sales) else as_of
    start = min(oldest, as_of - pd.Timedelta(weeks=SCALE_WEEKS)) - pd.Timedelta(days=YEAR_DAYS)
    start = max(start, min(first_sale, as_of))  # no day before the first sale is needed
    daily = DailySales(sales, keys, start, as_of)
    week_start = frame["week_start"].to_numpy()
    week_end = frame["week_end"].to_numpy()
    year_ago = pd.Timedelta(days=YEAR_DAYS).to_timedelta64()
    seasonal = week_start - year_ago >= np.datetime64(first_sale)
    run_as_of = frame["run_as_of"].to_numpy()
    naive = np.where(
        seasonal,
        daily.window(rows, week_start - year_ago, week_end - year_ago),
        daily.window(rows, run_as_of - pd.Timedelta(days=6).to_timedelta64(), run_as_of),
    )
    return pd.DataFrame(
        {
            "sku": frame["sku"],  # kept as Arrow text: no Python string per row
            "warehouse": frame["warehouse"],
            "run_as_of": frame["run_as_of"].to_numpy(),
            "lag": frame["week"].to_numpy(dtype=int),
            "week_end": week_end,
            "forecast": frame["mean"].to_numpy(dtype=float),
            "actual": daily.window(rows, week_start, week_end),
            "naive": naive,
            "scale": daily.weekly_scale(as_of)[rows],
        }
    )


def accuracy(errors: pd.DataFrame, by: list[str], as_of: pd.Timestamp) -> pd.DataFrame:
    """Bias, WAPE, MASE and FVA per group of ``by`` columns, lag (:data:`LAGS`) and window
    (:data:`WINDOWS`), from :func:`forecast_errors` rows (extra ``by`` columns included).

    Returns one row per group, window and lag that has errors: the ``by`` columns,
    ``window``, ``lag``, ``weeks`` (forecasts counted), ``actual``, ``forecast``, ``bias``,
    ``wape``, ``mase``, ``fva``.
    """
    return scores(error_sums(errors, by, as_of), by)


#: The additive sums behind :func:`accuracy`'s scores (:func:`error_sums`).
SUM_COLUMNS: Final = ["weeks", "actual", "forecast", "_abs", "_naive", "_scaled", "_scaled_n"]


def error_sums(errors: pd.DataFrame, by: list[str], as_of: pd.Timestamp) -> pd.DataFrame:
    """Per group of ``by``, lag and window: the sums the scores are ratios of
    (:data:`SUM_COLUMNS`: forecasts counted, units sold and forecast, absolute errors of
    the forecast and of seasonal naive, scaled absolute errors and how many have a
    scale). Sums add up: per-unit sums regrouped by class score the class
    (:func:`scores`)."""
    parts = []
    for window in WINDOWS:
        since = as_of - pd.Timedelta(weeks=window)
        chosen = errors[(errors["week_end"] > since) & errors["lag"].isin(LAGS)]
        error = chosen["forecast"] - chosen["actual"]
        scaled = (error.abs() / chosen["scale"]).where(chosen["scale"] > 0)
        frame = chosen.assign(
            _abs=error.abs(),
            _naive=(chosen["naive"] - chosen["actual"]).abs(),
            _scaled=scaled.fillna(0.0),
            _scaled_n=scaled.notna().astype(float),
        )
        sums = frame.groupby([*by, "lag"], sort=True).agg(
            weeks=("actual", "size"),
            actual=("actual", "sum"),
            forecast=("forecast", "sum"),
            _abs=("_abs", "sum"),
            _naive=("_naive", "sum"),
            _scaled=("_scaled", "sum"),
            _scaled_n=("_scaled_n", "sum"),
        )
        parts.append(sums.reset_index().assign(window=window))
    return pd.concat(parts, ignore_index=True)[[*by, "window", "lag", *SUM_COLUMNS]]


def scores(sums: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """:func:`accuracy`'s table from :func:`error_sums` rows, summed per group of ``by``,
    window and lag first (``by`` may be coarser than the sums' own groups)."""
    keys = [*by, "window", "lag"]
    out = sums.groupby(keys, sort=True)[SUM_COLUMNS].sum().reset_index()
    out = out.sort_values(["window", *by, "lag"], kind="stable", ignore_index=True)
    sold = out["actual"].where(out["actual"] > 0)
    out = out.assign(
        weeks=out["weeks"].astype(int),
        bias=(out["forecast"] - out["actual"]) / sold,
        wape=out["_abs"] / sold,
        mase=out["_scaled"] / out["_scaled_n"].where(out["_scaled_n"] > 0),
        fva=(out["_naive"] - out["_abs"]) / sold,
    )
    columns = [*by, "window", "lag", "weeks", "actual", "forecast", "bias", "wape", "mase", "fva"]
    return out[columns]


def tracking_signal(errors: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per unit with lag-1 errors in the last :data:`TRACKING_WEEKS` weeks: ``sku``,
    ``warehouse``, ``weeks``, ``cum_error`` (sum of F - A), ``mad`` (mean |F - A|) and
    ``tracking_signal`` (``cum_error / mad``; 0 when ``mad`` is 0) and ``cum_forecast``
    (the forecasts those errors are of, summed)."""
    since = as_of - pd.Timedelta(weeks=TRACKING_WEEKS)
    lag1 = errors[(errors["lag"] == 1) & (errors["week_end"] > since)]
    error = lag1["forecast"] - lag1["actual"]
    frame = lag1.assign(_e=error, _abs=error.abs())
    out = (
        frame.groupby(["sku", "warehouse"], sort=True)
        .agg(
            weeks=("_e", "size"),
            cum_error=("_e", "sum"),
            mad=("_abs", "mean"),
            cum_forecast=("forecast", "sum"),
        )
        .reset_index()
    )
    signal = out["cum_error"] / out["mad"].where(out["mad"] > EXACT)
    return out.assign(tracking_signal=signal.fillna(0.0))


def biased(units: pd.DataFrame, limit: float) -> pd.Series:
    """Whether each unit of a :func:`tracking_signal` table is biased: its signal passes
    ``± limit`` *and* its cumulative error is more than two Poisson standard deviations of
    the sales its forecasts expected (``|cum_error| > 2 sqrt(cum_forecast)``).

    The signal alone counts weeks that lean one way, however small the error: a SKU
    forecast at 0.2 a week that sells nothing for five weeks reaches 5. Sales of
    Poisson demand that was forecast exactly miss the forecast's total by more than two
    of its standard deviations in under 5% of cases, so such a miss is the forecast's.
    """
    if units.empty:
        return pd.Series(False, index=units.index)
    signal = units["tracking_signal"].abs() > limit
    material = units["cum_error"].abs() > 2.0 * np.sqrt(units["cum_forecast"].clip(lower=0.0))
    return signal & material

"""Forecast planning units: build their history, clean promotions out, fit, project.

Also the long forecast table of ``forecaster forecast``: one row per SKU and
future period at a daily, weekly or monthly frequency.

The stages for a set of planning units:

1. their daily demand over the last ``history_days`` days;
2. days of past promotions (the promotions table plus the yearly festivals,
   :func:`forecaster.models.promotions.with_recurring`) are replaced by the
   unit's normal demand around them (the mean of its non-promotion days within
   :data:`CLEAN_WINDOW` days), so a spike does not lift the baseline;
3. the models of :mod:`forecaster.models.panel` forecast the cleaned history,
   with each unit's weekday profile shrunk towards its category's;
4. future promotions multiply the forecast (and its spread) by their uplift:
   the one given in the table, else the one learned from past promotions of
   the same name (:mod:`forecaster.models.uplift`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import ForecastSettings, PromotionSettings, Settings
from forecaster.io.schema import TABLES
from forecaster.models.distributions import count_quantiles
from forecaster.models.forecast import Forecast
from forecaster.models.panel import PeriodsModel, forecast_daily, forecast_matrix
from forecaster.models.periods import Freq, period_edges
from forecaster.models.promotions import promotion_days, uplift_factors, with_recurring
from forecaster.models.selection import Options, forecast_periods
from forecaster.models.uplift import estimate_uplift, evidence_start, past_evidence
from forecaster.parallel import Runner
from forecaster.units import demand_matrix, first_available

QUANTILES = {"p50": 0.50, "p90": 0.90, "p95": 0.95}
#: Days each side of a promotion day whose normal demand replaces it.
CLEAN_WINDOW = 28
#: Units whose promotion days are cleaned at a time (bounds the running sums' memory).
_CLEAN_ROWS = 4_096
#: The table of recurring festivals a forecast applied (:attr:`Forecast.festivals`): name,
#: its yearly days, past occurrences learned from, units sold in them and expected of normal
#: demand, the shop's uplift, the lowest and highest uplift of a unit, the first day of the
#: coming one inside the forecast (NaT: none) and whether the promotions table gives its uplift.
FESTIVAL_COLUMNS = [
    "name", "days", "occurrences", "sold", "expected", "shop_uplift", "low", "high", "next",
    "given",
]  # fmt: skip

__all__ = ["QUANTILES", "forecast_matrix", "forecast_table", "forecast_units", "sku_units"]


def no_promotions() -> pd.DataFrame:
    """An empty promotions table."""
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in TABLES["promotions"].columns})


def options(settings: ForecastSettings, runner: Runner | None = None) -> Options:
    """The model-selection options of the forecast settings; ``runner`` runs the chunks of
    units (:mod:`forecaster.parallel`; None: one after another)."""
    return Options(
        origins=settings.validation_origins,
        validation_periods=settings.validation_weeks,
        combine=settings.combine,
        smooth_min_units=settings.smooth_min_units,
        smooth_units_share=settings.smooth_units_share,
        workers=settings.workers,
        smooth_engine=settings.smooth_engine,
        chunk_units=settings.chunk_units,
        run_chunks=runner,
    )


def weekday_prior(settings: ForecastSettings) -> float | None:
    """The weekday prior in pseudo-units, or None to estimate it (``"auto"``)."""
    prior = settings.weekday_prior_units
    return None if prior == "auto" else float(prior)


def clean_promotions(
    history: np.ndarray,
    on_sale: np.ndarray,
    promo: np.ndarray,
    evidence: np.ndarray | None = None,
) -> np.ndarray:
    """Replace promotion days on sale by the mean of normal days within :data:`CLEAN_WINDOW`.

    Normal days are the ``evidence`` days (default: the days on sale) off
    promotion: a unit known from its first sale leaves that sale out
    (:func:`forecaster.models.uplift.evidence_start`). A promotion day with no
    normal day that close keeps its value.

    >>> clean_promotions(np.array([[2.0, 2, 9, 4]]), np.ones((1, 4), bool),
    ...                  np.array([[False, False, True, False]]))
    array([[2.        , 2.        , 2.66666667, 4.        ]])
    """
    evidence = on_sale if evidence is None else evidence
    out = np.array(history, dtype=float)
    days = history.shape[1]
    lo = np.clip(np.arange(days) - CLEAN_WINDOW, 0, days)
    hi = np.clip(np.arange(days) + CLEAN_WINDOW + 1, 0, days)
    # units with a promotion day on sale, a bounded number at a time: the running sums of
    # a shop's whole daily history would be several arrays as large as the history
    touched = np.flatnonzero((on_sale & promo).any(axis=1))
    for start in range(0, len(touched), _CLEAN_ROWS):
        rows = touched[start : start + _CLEAN_ROWS]
        normal = evidence[rows] & ~promo[rows]
        total = np.zeros((len(rows), days + 1))
        count = np.zeros((len(rows), days + 1))
        np.cumsum(np.where(normal, history[rows], 0.0), axis=1, out=total[:, 1:])
        np.cumsum(normal, axis=1, out=count[:, 1:])
        near_total = total[:, hi] - total[:, lo]
        near_count = count[:, hi] - count[:, lo]
        replace = on_sale[rows] & promo[rows] & (near_count > 0)
        local = np.divide(
            near_total, near_count, out=np.zeros_like(near_total), where=near_count > 0
        )
        out[rows] = np.where(replace, local, out[rows])
    return out


def forecast_units(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    promotions: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: Settings,
    horizon: int,
    periods: PeriodsModel = forecast_periods,
    runner: Runner | None = None,
) -> Forecast:
    """Daily forecast of every unit for ``horizon`` days after ``as_of`` (see the module docstring).

    Parameters
    ----------
    sales
        Daily net sales: ``sku``, ``warehouse``, ``date``, ``qty``.
    units
        Planning units: ``sku``, ``warehouse``, ``category``, ``launch_date``, ``first_sale``.
    promotions
        The promotions table (may be empty).
    settings
        Its ``forecast`` section sets the models, its ``promotions`` section how
        uplifts are learned and which festivals recur.
    periods
        The model of the weekly buckets (:func:`forecaster.models.panel.forecast_daily`).
    runner
        Runs the chunks of ``forecast.chunk_units`` units (:mod:`forecaster.parallel`:
        reporting progress, or on a Dask cluster); None: one after another here.
    """
    promo_settings = settings.promotions
    days = settings.forecast.history_days
    history_start = as_of - pd.Timedelta(days=days - 1)
    start = as_of + pd.Timedelta(days=1)
    end = as_of + pd.Timedelta(days=horizon)
    calendar = with_recurring(promotions, promo_settings.festivals, history_start, end)

    history = demand_matrix(sales, units, as_of, days)
    dates = pd.date_range(history_start, periods=days).to_numpy()
    launched = first_available(units).to_numpy(dtype="datetime64[ns]")
    on_sale = dates[None, :] >= launched[:, None]  # NaT compares False: never sold
    promo = promotion_days(calendar, units, history_start, days)
    evidence = dates[None, :] >= evidence_start(units)[:, None]
    cleaned = clean_promotions(history, on_sale, promo, evidence)
    first = np.where(on_sale.any(axis=1), on_sale.argmax(axis=1), days)
    daily = forecast_daily(
        cleaned,
        horizon,
        first,
        units["category"].to_numpy(),
        options(settings.forecast, runner),
        weekday_prior(settings.forecast),
        periods,
    )
    learned, festivals = _learned_uplifts(sales, units, calendar, as_of, end, promo_settings)
    uplift = uplift_factors(calendar, units, start, horizon, learned)
    mean = daily.mean * uplift
    step_var = np.diff(daily.cum_var, axis=1) * uplift**2
    cum_var = np.concatenate([np.zeros((len(units), 1)), np.cumsum(step_var, axis=1)], axis=1)
    fitted_on = np.where(on_sale, cleaned, np.nan)
    return Forecast(
        start,
        mean,
        cum_var,
        daily.model,
        daily.demand_class,
        fitted_on,
        daily.own_weight,
        daily.evidence,
        festivals,
        uplift.astype(np.float32) if (uplift != 1.0).any() else None,
    )


def _learned_uplifts(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    calendar: pd.DataFrame,
    as_of: pd.Timestamp,
    end: pd.Timestamp,
    settings: PromotionSettings,
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Each unit's learned uplift for every promotion name due by ``end`` without a given
    uplift, and the table of the recurring festivals (:data:`FESTIVAL_COLUMNS`).

    The shop's uplift is shrunk towards 1 (:func:`estimate_uplift`): the forecast applies
    it unattended, to the recurring festivals too, so thin evidence must not move it far.
    """
    due = calendar[(calendar["end"] > as_of) & (calendar["start"] <= end)]
    festivals = settings.festivals
    learn = set(due.loc[due["uplift"].isna(), "name"].astype(str))
    out, rows = {}, []
    for name in sorted(learn | (set(festivals) & set(calendar["name"].astype(str)))):
        evidence = past_evidence(sales, units, calendar, name, as_of, settings)
        estimate = estimate_uplift(evidence, units, settings.uplift_prior_units, shop_prior=1.0)
        if name in learn:
            out[name] = estimate.uplift
        if name in festivals:
            coming = due[due["name"] == name]
            rows.append(
                {
                    "name": name,
                    "days": "{} .. {}".format(*festivals[name]),
                    "occurrences": evidence.occurrences,
                    "sold": float(evidence.sold.sum()),
                    "expected": float(evidence.expected.sum()),
                    "shop_uplift": estimate.shop,
                    "low": float(estimate.uplift.min(initial=np.inf)),
                    "high": float(estimate.uplift.max(initial=-np.inf)),
                    "next": coming["start"].min() if len(coming) else pd.NaT,
                    "given": bool(coming["uplift"].notna().any()),
                }
            )
    return out, pd.DataFrame(rows, columns=FESTIVAL_COLUMNS)


def sku_units(sales: pd.DataFrame, skus: pd.Index | None = None) -> pd.DataFrame:
    """One planning unit per SKU (warehouses summed), for forecasting alone.

    ``skus`` lists the SKUs to forecast (default: those in ``sales``); a SKU
    without sales gets no first-sale date and so a zero forecast.
    """
    sold = sales[sales["qty"] > 0].groupby("sku")["date"].min()
    if skus is None:
        skus = pd.Index(sorted(sales["sku"].unique()))
    return pd.DataFrame(
        {
            "sku": skus.to_numpy(),
            "warehouse": "",
            "category": "",
            "launch_date": pd.Series(pd.NaT, index=range(len(skus)), dtype="datetime64[ns]"),
            "first_sale": sold.reindex(skus).to_numpy(dtype="datetime64[ns]"),
        }
    )


def forecast_table(
    sales: pd.DataFrame,
    cutoff: pd.Timestamp,
    horizon: int,
    freq: Freq,
    settings: Settings,
) -> pd.DataFrame:
    """The long forecast of every SKU in ``sales`` for ``horizon`` periods after ``cutoff``.

    Sales after ``cutoff`` are not used. Every SKU with a sale up to the
    cutoff is included; one without a sale in the last ``history_days`` days
    forecasts zero. The first period is the first whole day, week (Monday to
    Sunday) or calendar month after the cutoff.

    Returns
    -------
    DataFrame
        ``sku``, ``date`` (first day of the period), ``forecast`` (mean units in
        the period), ``p50``, ``p90``, ``p95`` (quantiles of the period's
        demand) and ``model``; sorted by SKU and date.
    """
    daily = sales[sales["date"] <= cutoff].assign(warehouse="")
    units = sku_units(daily)
    labels, edges = period_edges(cutoff + pd.Timedelta(days=1), horizon, freq)
    fc = forecast_units(daily, units, no_promotions(), cutoff, settings, int(edges[-1]))
    mean, var = fc.period_moments(edges)
    n = len(units)
    table = pd.DataFrame(
        {
            "sku": np.repeat(units["sku"].to_numpy(), horizon),
            "date": np.tile(labels.to_numpy(), n),
            "forecast": mean.ravel(),
        }
    )
    for column, q in QUANTILES.items():
        table[column] = count_quantiles(mean, var, q).ravel()
    table["model"] = np.repeat(fc.model, horizon)
    return table

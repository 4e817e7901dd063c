"""Rolling-origin evaluation of the forecast against seasonal naive.

The sales are summed into whole periods (days, Monday-to-Sunday weeks or
calendar months). Fold ``k`` (1 = the latest) holds out the ``horizon`` periods
ending ``(k - 1) x horizon`` periods before the last whole period, and every
model is fitted on what came before them.

Metrics, per model over all SKUs and folds:

* **MASE** -- mean absolute error divided by the mean absolute one-step change
  of the series over its training periods (from its first sale), averaged over
  series and folds with a non-zero scale.
* **RMSSE** -- the same with squared errors, square-rooted (the M5 measure).
* **WAPE** -- sum of absolute errors / sum of actuals.
* **bias** -- (sum of forecasts - sum of actuals) / sum of actuals; positive
  means over-forecasting.
* **p90 coverage** -- share of held-out periods whose actual is at most the
  forecast 90% quantile (0.9 is perfect calibration).

Rows: ``forecaster`` over every SKU, ``seasonal_naive``, then the forecaster
per demand class (``class: intermittent``, ...) and per chosen model
(``model: sy+tsb``, ...; the :data:`TOP_MODELS` most frequent, the rest as
``model: other``), so a planner sees where the forecast is weak.

:attr:`Backtest.skus` has one row per SKU (:data:`SKU_COLUMNS`): its demand
class and model at the latest origin, its units and forecast over the folds, and
its own MASE and RMSSE beside seasonal naive's, so the SKUs where forecaster does
worse than the baseline can be found and sorted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import Settings
from forecaster.errors import ConfigError
from forecaster.models.distributions import count_quantiles
from forecaster.models.engine import forecast_units, no_promotions, sku_units
from forecaster.models.periods import Freq, first_period_start, period_index

SEASON: dict[Freq, int] = {"D": 7, "W": 52, "M": 12}
#: Chosen models listed on their own in the metrics; the rest are pooled.
TOP_MODELS = 8
METRICS = ["model", "MASE", "RMSSE", "WAPE", "bias", "p90_coverage", "series", "periods"]
SKU_COLUMNS = [
    "sku", "demand_class", "model", "actual", "forecast", "bias", "MASE", "MASE_naive",
    "RMSSE", "RMSSE_naive", "worse_than_naive",
]  # fmt: skip


@dataclass(frozen=True)
class Backtest:
    """The outcome of :func:`backtest`.

    Attributes
    ----------
    metrics
        One row per model (:data:`METRICS`), the forecaster's model first.
    cutoffs
        Last training day of each fold, latest first.
    skus
        One row per SKU (:data:`SKU_COLUMNS`); its MASE and RMSSE are means over
        the folds where its scale is positive (NaN in none).
    """

    metrics: pd.DataFrame
    cutoffs: list[pd.Timestamp]
    skus: pd.DataFrame | None = None


def period_matrix(sales: pd.DataFrame, freq: Freq) -> tuple[pd.Index, pd.DatetimeIndex, np.ndarray]:
    """Demand per SKU and whole period (net per day, never below zero, summed).

    Returns SKUs, period start dates and the (n_skus, n_periods) matrix; only
    periods lying entirely between the first and the last sales date are kept.
    """
    first, last = sales["date"].min(), sales["date"].max()
    periods = pd.date_range(first_period_start(first, freq), last, freq=_ALIAS[freq])
    whole = periods[periods + _SPAN[freq] - pd.Timedelta(days=1) <= last]
    skus = pd.Index(sorted(sales["sku"].unique()))
    labels = period_index(sales["date"], freq)
    keep = labels.isin(whole).to_numpy()
    matrix = np.zeros((len(skus), len(whole)))
    rows = skus.get_indexer(sales["sku"][keep])
    cols = whole.get_indexer(labels[keep])
    np.add.at(matrix, (rows, cols), np.clip(sales["qty"].to_numpy()[keep], 0.0, None))
    return skus, whole, matrix


_ALIAS: dict[Freq, str] = {"D": "D", "W": "W-MON", "M": "MS"}
_SPAN: dict[Freq, pd.DateOffset] = {
    "D": pd.DateOffset(days=1),
    "W": pd.DateOffset(weeks=1),
    "M": pd.DateOffset(months=1),
}


def seasonal_naive(train: np.ndarray, horizon: int, season: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal-naive forecast and its 90% quantile per series.

    The forecast of step ``h`` repeats the value one season earlier (the last
    value when the training is shorter than a season); the quantile adds the
    90th percentile of the series' in-sample seasonal errors.
    """
    n, t = train.shape
    m = season if t >= season else 1
    steps = np.arange(horizon)
    source = t - m + (steps % m)
    forecast = train[:, source]
    errors = train[:, m:] - train[:, :-m] if t > m else np.zeros((n, 0))
    spread = np.quantile(errors, 0.9, axis=1) if errors.shape[1] >= 2 else np.zeros(n)
    return forecast, forecast + np.maximum(spread, 0.0)[:, None]


def _scales(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute and mean squared one-step change from each series' first sale."""
    started = np.cumsum(train > 0, axis=1) > 0
    diff = np.diff(train, axis=1)
    valid = started[:, :-1]
    count = valid.sum(axis=1)
    mae = np.divide(
        np.where(valid, np.abs(diff), 0).sum(axis=1),
        count,
        out=np.zeros(len(train)),
        where=count > 0,
    )
    mse = np.divide(
        np.where(valid, diff**2, 0).sum(axis=1), count, out=np.zeros(len(train)), where=count > 0
    )
    return mae, mse


def backtest(
    sales: pd.DataFrame, horizon: int, folds: int, freq: Freq, settings: Settings
) -> Backtest:
    """Evaluate the forecast and seasonal naive on ``folds`` rolling origins.

    Parameters
    ----------
    sales
        Daily net sales: ``sku``, ``date``, ``qty``.
    horizon
        Periods held out per fold.
    folds
        Number of origins.

    Raises
    ------
    ConfigError
        The history is too short for the folds and horizon asked for.
    """
    skus, periods, actual = period_matrix(sales, freq)
    total = len(periods)
    needed = folds * horizon + 2
    if total < needed:
        raise ConfigError(
            f"not enough history for {folds} fold(s) of {horizon} period(s) at --freq {freq}: "
            f"{total} whole periods, {needed} needed; lower --folds or --horizon"
        )
    daily = sales.assign(warehouse="")
    parts: dict[str, list[dict[str, np.ndarray]]] = {"forecaster": [], "seasonal_naive": []}
    labels: list[tuple[np.ndarray, np.ndarray]] = []
    cutoffs = []
    for k in range(1, folds + 1):
        t0 = total - k * horizon
        cutoff = periods[t0] - pd.Timedelta(days=1)
        cutoffs.append(cutoff)
        train, test = actual[:, :t0], actual[:, t0 : t0 + horizon]
        mae, mse = _scales(train)
        history = daily[daily["date"] <= cutoff]
        units = sku_units(history, skus)
        bounds = periods[t0 : t0 + horizon].append(
            pd.DatetimeIndex([periods[t0 + horizon - 1] + _SPAN[freq]])
        )
        edges = np.asarray((bounds - periods[t0]).days)
        fc = forecast_units(history, units, no_promotions(), cutoff, settings, int(edges[-1]))
        mean, var = fc.period_moments(edges)
        p90 = count_quantiles(mean, var, 0.9)
        naive, naive_p90 = seasonal_naive(train, horizon, SEASON[freq])
        scale = {"mae": mae, "mse": mse, "actual": test}
        parts["forecaster"].append({**scale, "forecast": mean, "p90": p90})
        parts["seasonal_naive"].append({**scale, "forecast": naive, "p90": naive_p90})
        classes = fc.demand_class if fc.demand_class is not None else np.full(len(skus), "")
        labels.append((np.asarray(classes, dtype=object), np.asarray(fc.model, dtype=object)))
    rows = [_metrics(name, p) for name, p in parts.items()]
    rows += _breakdown(parts["forecaster"], labels)
    per_sku = _per_sku(skus, parts, labels[0])
    return Backtest(pd.DataFrame(rows, columns=METRICS), cutoffs, per_sku)


def _per_sku(
    skus: pd.Index, parts: dict[str, list[dict[str, np.ndarray]]], latest: tuple[np.ndarray, ...]
) -> pd.DataFrame:
    """One row per SKU: its totals and its own scaled errors, forecaster's and naive's."""
    scores = {}
    for name, folds in parts.items():
        mase = np.full((len(folds), len(skus)), np.nan)
        rmsse = np.full((len(folds), len(skus)), np.nan)
        for i, p in enumerate(folds):
            err = p["forecast"] - p["actual"]
            ok = p["mae"] > 0
            mase[i, ok] = np.abs(err[ok]).mean(axis=1) / p["mae"][ok]
            rmsse[i, ok] = np.sqrt((err[ok] ** 2).mean(axis=1) / p["mse"][ok])
        scored = ~np.isnan(mase)
        count = scored.sum(axis=0)
        scores[name] = [
            np.divide(np.nansum(m, axis=0), count, out=np.full(len(skus), np.nan), where=count > 0)
            for m in (mase, rmsse)
        ]
    actual = sum(p["actual"].sum(axis=1) for p in parts["forecaster"])
    forecast = sum(p["forecast"].sum(axis=1) for p in parts["forecaster"])
    (mase, rmsse), (naive_mase, naive_rmsse) = scores["forecaster"], scores["seasonal_naive"]
    return pd.DataFrame(
        {
            "sku": skus.to_numpy(),
            "demand_class": latest[0],
            "model": latest[1],
            "actual": actual,
            "forecast": forecast,
            "bias": np.divide(
                forecast - actual, actual, out=np.full(len(skus), np.nan), where=actual > 0
            ),
            "MASE": mase,
            "MASE_naive": naive_mase,
            "RMSSE": rmsse,
            "RMSSE_naive": naive_rmsse,
            "worse_than_naive": rmsse > naive_rmsse,
        },
        columns=SKU_COLUMNS,
    )


def _breakdown(
    parts: list[dict[str, np.ndarray]], labels: list[tuple[np.ndarray, np.ndarray]]
) -> list[dict[str, object]]:
    """The forecaster's metrics per demand class and per chosen model (see the module)."""
    models = pd.Series(np.concatenate([m for _, m in labels])).value_counts()
    top = set(models.index[:TOP_MODELS])
    groups: list[tuple[str, list[np.ndarray]]] = []
    for cls in pd.unique(np.concatenate([c for c, _ in labels])):
        groups.append((f"class: {cls}", [c == cls for c, _ in labels]))
    for model in models.index[:TOP_MODELS]:
        groups.append((f"model: {model}", [m == model for _, m in labels]))
    if len(models) > TOP_MODELS:
        groups.append(("model: other", [~np.isin(m, list(top)) for _, m in labels]))
    rows = []
    for name, masks in groups:
        subset = [
            {key: value[mask] for key, value in p.items()}
            for p, mask in zip(parts, masks, strict=True)
        ]
        rows.append(_metrics(name, subset))
    return rows


def _metrics(name: str, parts: list[dict[str, np.ndarray]]) -> dict[str, object]:
    mase, rmsse = [], []
    abs_err = sq = actual_sum = forecast_sum = covered = cells = 0.0
    for p in parts:
        err = p["forecast"] - p["actual"]
        ok = p["mae"] > 0
        mase.extend((np.abs(err[ok]).mean(axis=1) / p["mae"][ok]).tolist())
        rmsse.extend(np.sqrt((err[ok] ** 2).mean(axis=1) / p["mse"][ok]).tolist())
        abs_err += float(np.abs(err).sum())
        sq += float((err**2).sum())
        actual_sum += float(p["actual"].sum())
        forecast_sum += float(p["forecast"].sum())
        covered += float((p["actual"] <= p["p90"] + 1e-9).sum())
        cells += p["actual"].size
    return {
        "model": name,
        "MASE": float(np.mean(mase)) if mase else float("nan"),
        "RMSSE": float(np.mean(rmsse)) if rmsse else float("nan"),
        "WAPE": abs_err / actual_sum if actual_sum > 0 else float("nan"),
        "bias": (forecast_sum - actual_sum) / actual_sum if actual_sum > 0 else float("nan"),
        "p90_coverage": covered / cells if cells else float("nan"),
        "series": len(mase),
        "periods": int(parts[0]["actual"].shape[1]) if parts else 0,
    }

"""Forecast accuracy on real retail data: forecaster's engine against statsforecast's models.

Four data sets from ``../shared/data`` (real data, read in place, never copied):

* ``walmart_weekly``: Walmart weekly department sales (dollars) of stores 1-20, one
  series per store x department, weekly (Friday labels), missing weeks 0, negative
  weeks clipped to 0; season 52, horizon 13, 4 origins (the tests tile the last 52
  weeks).
* ``online_retail_daily``: Online Retail II order lines (10 non-UK countries,
  Dec 2009 - Nov 2010), units per product and calendar day; season 7, horizon
  28, 4 origins.
* ``online_retail_weekly``: the same lines per product and Monday-to-Sunday week,
  whole weeks only; season 52, horizon 8, 3 origins.
* ``online_retail_monthly``: the same lines per product and calendar month, whole
  months only (a partial first or last month would be dropped; the file holds the
  12 whole months 2009-12 .. 2010-11); season 12, horizon 6, 1 origin: origins
  keep at least :data:`MIN_TRAIN_MONTHS` = 4 months of training before the oldest
  cut, and with 12 months a second origin (``T - 2h`` = 0) would have none. The
  one fold trains on Dec 2009 - May 2010 and tests Jun - Nov 2010 (the autumn
  ramp of a giftware wholesaler inside the test). Origins stepping by fewer than
  ``h`` months (cuts at 4 and 5 months) are not used: their test windows would
  share 5 or 4 of their 6 months with the last one, so WAPE and bias would count
  the same months two or three times, and they would add only folds with 4 or 5
  months of training; one fold is a small sample, read its figures as such.

Online Retail cleaning: cancellations (``Invoice`` starting with ``C``) and lines
with ``Quantity <= 0`` are dropped, and so are the order lines a later
cancellation took back in full (same customer, StockCode and quantity; 179
lines, 94,262 units, 86,795 of them one French order of 2010-08-09 cancelled on
2010-09-28; partial returns are not matched) and every ``StockCode`` that does
not start with five digits. Product codes are five digits with an optional letter
suffix (``85123A``); in this file the rule removes ``POST``, ``M``, ``D``,
``C2`` and ``ADJUST`` (in the full data set also ``DOT``, ``BANK CHARGES``,
``AMAZONFEE``, ``PADS``, ``TEST001``, ``gift_0001_*`` and the like). ``C2``
(carriage) has a digit, so "no digit at all" would not be enough. Lines with
price 0 are kept (units still left the shop).

Split: rolling origin. Origin ``k`` (1 = latest) trains on the periods before
``T - k*h`` and tests on the next ``h``. In a fold a series is scored only if it
sold something in its training part and its scale (below) is positive; every
model is scored on the same series. Each series' training starts at its first
sale: the peers get the trimmed series, forecaster gets the untrimmed matrix and
finds the first non-zero itself.

Metrics, per model and data set:

* RMSSE: ``sqrt(MSE over the h test periods / scale2)``, ``scale2`` the mean
  squared one-step difference of the training series from its first non-zero
  value on (the M5 definition); mean over (series, fold) pairs;
* MASE: mean absolute error / mean absolute one-step difference over the same
  span; mean over pairs;
* WAPE ``sum |f - a| / sum a`` and bias ``(sum f - sum a) / sum a`` over every
  scored test cell;
* forecaster only: p90 coverage, the share of test cells with ``a <= p90``,
  and its mid version for counts: a cell with ``a`` equal to the p90 counts as
  ``(0.9 - F(p90 - 1)) / (F(p90) - F(p90 - 1))`` of a cell, ``F`` the forecast's
  own count distribution (the non-randomised PIT of Czado, Gneiting & Held,
  *Biometrics* 2009). A calibrated count forecast covers *at least* 90% of
  cells by the first measure -- a day with P(0) = 0.95 has p90 0, which every
  zero meets -- and 90% in expectation by the second.

Peers (statsforecast, ``n_jobs = --workers``, same training data and horizon):
Naive, SeasonalNaive(season), AutoETS(season_length=season), CrostonOptimized,
CrostonSBA, TSB(alpha_d=0.1, alpha_p=0.1) (statsforecast does not optimise
TSB's smoothing; 0.1 is the usual low value for both), ADIDA, IMAPA,
WindowAverage (28 days for daily data, 13 weeks - a quarter - for weekly data,
3 months - the same quarter - for monthly data: half of the 6 training months,
so it stays a recent level and does not become HistoricAverage), HistoricAverage.
Rules where a peer cannot forecast a series:

* AutoETS raises on series of 6 periods or fewer and WindowAverage returns NaN on
  series shorter than its window: such a series gets the HistoricAverage (mean
  since the first sale) instead;
* SeasonalNaive on a series shorter than a season repeats what it has from the
  wrong phase: such a series gets the Naive forecast instead; a set where no
  series has a full season (``online_retail_weekly``, 51 weeks) leaves the
  model out, it would be Naive;
* with a single sale in the training part Croston (and SBA) have no interval
  to estimate and forecast that sale's size in every period (statsforecast's
  behaviour, kept; the count is printed);
* statsforecast's ETS cannot fit seasonal models with a season longer than 24
  (as R's ``forecast::ets``): with season 52 AutoETS chooses among non-seasonal
  ETS models. It is kept under its name;
* a set where AutoETS fails on every series (``online_retail_monthly``: at most 6
  training months) leaves it out, it would be HistoricAverage; SeasonalNaive is
  left out there too (6 months, season 12).

Negative forecasts (ETS) are clipped to 0 for every model. The number of
fallbacks is printed under each table.

The peers' raw forecasts are cached per data set and fold in
``/tmp/accuracy_cache`` (keyed by a hash of the training matrix, the models and
the statsforecast version), so a re-run recomputes forecaster alone; the
peers' seconds are printed either way::

    python bench/accuracy.py [--data DIR] [--sets walmart_weekly,...] [--no-cache] [--workers 2]

``--data`` defaults to ``../shared/data`` beside the repository root.

Needs the ``bench`` extra (``pip install -e .[bench]``). It prints figures and
asserts nothing. Without ``forecaster.models.engine.forecast_matrix`` it prints
the peers alone.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

Matrix = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]
Freq = Literal["D", "W", "M"]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
CACHE_DIR = Path("/tmp/accuracy_cache")
WALMART_FILE = "walmart_weekly_dev.csv.gz"
RETAIL_FILE = "online_retail_ii_2009_2010_subset.csv.gz"
#: Walmart stores used (the file holds stores 1-20; the others are held out).
WALMART_STORES = range(1, 21)
#: A product StockCode starts with five digits (``85123A``); see the module docstring.
PRODUCT_CODE = re.compile(r"^\d{5}")
#: statsforecast models, in table order before sorting.
PEERS = (
    "Naive",
    "SeasonalNaive",
    "AutoETS",
    "CrostonOptimized",
    "CrostonSBA",
    "TSB",
    "ADIDA",
    "IMAPA",
    "WindowAverage",
    "HistoricAverage",
)
TSB_ALPHA_D = 0.1
TSB_ALPHA_P = 0.1
FORECASTER = "forecaster"
#: Fewest training months before the oldest cut of ``online_retail_monthly``.
MIN_TRAIN_MONTHS = 4
#: Printed name of the periods of each frequency.
UNITS: dict[Freq, str] = {"D": "days", "W": "weeks", "M": "months"}
#: The data sets, in the default order.
SETS = ("walmart_weekly", "online_retail_daily", "online_retail_weekly", "online_retail_monthly")


@dataclass(frozen=True)
class DataSet:
    """A dense demand matrix and its evaluation design."""

    name: str
    ids: list[str]
    y: Matrix  # (n, T), oldest period first, >= 0
    first_period: pd.Timestamp
    freq: Freq
    season: int
    horizon: int
    origins: int
    window: int  # WindowAverage window, periods


@dataclass(frozen=True)
class Fold:
    """The scored series of one rolling origin.

    ``train`` is untrimmed (from the first period of the data); ``first`` is the
    index of each series' first sale in it.
    """

    k: int
    train: Matrix  # (m, cut)
    test: Matrix  # (m, h)
    first: Index  # (m,)
    scale1: Matrix  # (m,) mean |one-step difference|
    scale2: Matrix  # (m,) mean squared one-step difference


@dataclass
class Tally:
    """Accumulated errors of one model over the folds of a data set."""

    rmsse: list[Matrix] = field(default_factory=list)
    mase: list[Matrix] = field(default_factory=list)
    abs_error: float = 0.0
    actual: float = 0.0
    forecast: float = 0.0
    seconds: float = 0.0
    covered: int = 0
    covered_mid: float = 0.0
    cells: int = 0

    def add(self, fold: Fold, mean: Matrix) -> None:
        """Score forecasts ``mean`` (m, h) of ``fold``."""
        error = mean - fold.test
        self.rmsse.append(np.sqrt((error**2).mean(axis=1) / fold.scale2))
        self.mase.append(np.abs(error).mean(axis=1) / fold.scale1)
        self.abs_error += float(np.abs(error).sum())
        self.actual += float(fold.test.sum())
        self.forecast += float(mean.sum())

    def row(self) -> dict[str, float]:
        """The table row: mean RMSSE and MASE, WAPE and bias in %, seconds, p90 coverage %."""
        return {
            "RMSSE": float(np.concatenate(self.rmsse).mean()),
            "MASE": float(np.concatenate(self.mase).mean()),
            "WAPE %": 100.0 * self.abs_error / self.actual,
            "bias %": 100.0 * (self.forecast - self.actual) / self.actual,
            "seconds": self.seconds,
            "p90 cov %": 100.0 * self.covered / self.cells if self.cells else float("nan"),
            "p90 mid %": 100.0 * self.covered_mid / self.cells if self.cells else float("nan"),
        }


# --------------------------------------------------------------------------- data


def dense(
    keys: pd.Series, period: pd.Series, qty: pd.Series, periods: int
) -> tuple[list[str], Matrix]:
    """Sum ``qty`` into a dense (series, period) matrix; absent cells are 0."""
    codes, ids = pd.factorize(keys, sort=True)
    y = np.zeros((len(ids), periods))
    np.add.at(y, (codes, period.to_numpy(dtype=np.intp)), qty.to_numpy(dtype=float))
    return [str(i) for i in ids], y


def walmart_weekly(data: Path) -> DataSet:
    """Walmart weekly department sales of stores 1-20 (see the module docstring)."""
    raw = pd.read_csv(data / WALMART_FILE, dtype={"sku": str})
    raw = raw[raw["sku"].str.split("_").str[0].astype(int).isin(WALMART_STORES)]
    dates = pd.to_datetime(raw["date"])
    start = dates.min()
    week = (dates - start).dt.days // 7
    periods = int(week.max()) + 1
    ids, y = dense(raw["sku"], week, raw["qty"], periods)
    return DataSet("walmart_weekly", ids, np.clip(y, 0.0, None), start, "W", 52, 13, 4, 13)


def cancelled_orders(raw: pd.DataFrame) -> pd.Index:
    """Order lines taken back in full by a later cancellation line.

    A cancellation line (``Invoice`` ``C...``) with a customer takes back the
    latest order line at or before it with the same ``Customer ID``,
    ``StockCode`` and quantity that no other cancellation took; a cancellation
    without one (a partial return, an order before the data) takes back nothing.
    """
    when = pd.to_datetime(raw["InvoiceDate"])
    cancel = raw["Invoice"].str.startswith("C")
    key = (raw["Customer ID"].astype(str) + "|" + raw["StockCode"] + "|") + raw[
        "Quantity"
    ].abs().astype(str)
    orders = raw[~cancel & (raw["Quantity"] > 0)].sort_values("InvoiceDate", kind="stable")
    open_orders: dict[str, list[int]] = {}
    for i, k in zip(orders.index, key[orders.index], strict=True):
        open_orders.setdefault(k, []).append(i)
    taken = []
    cancels = raw[cancel & raw["Customer ID"].notna()].sort_values("InvoiceDate", kind="stable")
    for i in cancels.index:
        candidates = open_orders.get(key[i], [])
        before = [j for j in candidates if when[j] <= when[i]]
        if before:
            candidates.remove(before[-1])
            taken.append(before[-1])
    return pd.Index(taken)


def retail_lines(data: Path) -> pd.DataFrame:
    """Online Retail II product sales lines: ``code``, ``day`` (midnight), ``qty``."""
    raw = pd.read_csv(data / RETAIL_FILE, dtype={"Invoice": str, "StockCode": str})
    keep = (
        ~raw["Invoice"].str.startswith("C")
        & (raw["Quantity"] > 0)
        & raw["StockCode"].str.match(PRODUCT_CODE)
        & ~raw.index.isin(cancelled_orders(raw))
    )
    lines = raw[keep]
    return pd.DataFrame(
        {
            "code": lines["StockCode"],
            "day": pd.to_datetime(lines["InvoiceDate"]).dt.normalize(),
            "qty": lines["Quantity"].astype(float),
        }
    )


def retail_daily(lines: pd.DataFrame) -> DataSet:
    """Units per product and calendar day, every day from the first to the last."""
    start = lines["day"].min()
    day = (lines["day"] - start).dt.days
    ids, y = dense(lines["code"], day, lines["qty"], int(day.max()) + 1)
    return DataSet("online_retail_daily", ids, y, start, "D", 7, 28, 4, 28)


def retail_weekly(lines: pd.DataFrame) -> DataSet:
    """Units per product and Monday-to-Sunday week, weeks wholly inside the data's days."""
    first, last = lines["day"].min(), lines["day"].max()
    start = first + pd.Timedelta(days=(7 - first.weekday()) % 7)  # first Monday on/after
    end = last - pd.Timedelta(days=(last.weekday() + 1) % 7)  # last Sunday on/before
    inside = lines[(lines["day"] >= start) & (lines["day"] <= end)]
    week = (inside["day"] - start).dt.days // 7
    ids, y = dense(inside["code"], week, inside["qty"], (end - start).days // 7 + 1)
    return DataSet("online_retail_weekly", ids, y, start, "W", 52, 8, 3, 13)


def retail_monthly(lines: pd.DataFrame) -> DataSet:
    """Units per product and calendar month, months wholly inside the data's days.

    As many origins of 6 months as leave :data:`MIN_TRAIN_MONTHS` of training
    before the oldest cut (1 on this file's 12 months).
    """
    first, last = lines["day"].min(), lines["day"].max()
    start = first if first.is_month_start else first + pd.offsets.MonthBegin(1)
    end = last if last.is_month_end else last - pd.offsets.MonthEnd(1)
    inside = lines[(lines["day"] >= start) & (lines["day"] <= end)]
    month = (inside["day"].dt.year - start.year) * 12 + inside["day"].dt.month - start.month
    periods = (end.year - start.year) * 12 + end.month - start.month + 1
    ids, y = dense(inside["code"], month, inside["qty"], periods)
    horizon = 6
    origins = (periods - MIN_TRAIN_MONTHS) // horizon
    if origins < 1:
        raise ValueError(f"{periods} whole months: too few for a {horizon}-month test")
    return DataSet("online_retail_monthly", ids, y, start, "M", 12, horizon, origins, 3)


def load_sets(data: Path, names: Sequence[str]) -> list[DataSet]:
    """The requested data sets, in the order asked (the order lines are read once)."""
    lines = retail_lines(data) if any(n.startswith("online_retail") for n in names) else None
    retail = {
        "online_retail_daily": retail_daily,
        "online_retail_weekly": retail_weekly,
        "online_retail_monthly": retail_monthly,
    }
    out = []
    for name in names:
        if name == "walmart_weekly":
            out.append(walmart_weekly(data))
        elif lines is not None:
            out.append(retail[name](lines))
    return out


# -------------------------------------------------------------------------- folds


def first_sale(train: Matrix) -> Index:
    """Index of each row's first positive value (the row length if none)."""
    sold = train > 0
    first: Index = np.where(sold.any(axis=1), sold.argmax(axis=1), train.shape[1])
    return first


def scales(train: Matrix, first: Index) -> tuple[Matrix, Matrix]:
    """Mean absolute and mean squared one-step difference of each row from ``first`` on.

    Rows with fewer than two periods from their first sale get NaN.
    """
    diff = np.diff(train, axis=1)
    inside = np.arange(diff.shape[1])[None, :] >= first[:, None]
    count = inside.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale1 = np.where(inside, np.abs(diff), 0.0).sum(axis=1) / count
        scale2 = np.where(inside, diff**2, 0.0).sum(axis=1) / count
    return scale1, scale2


def folds(ds: DataSet) -> list[Fold]:
    """The rolling-origin folds of ``ds``, oldest origin first, scored series only."""
    n_periods = ds.y.shape[1]
    out = []
    for k in range(ds.origins, 0, -1):
        cut = n_periods - k * ds.horizon
        train = ds.y[:, :cut]
        first = first_sale(train)
        scale1, scale2 = scales(train, first)
        keep = (first < cut) & (scale2 > 0)  # NaN > 0 is False
        test = ds.y[keep, cut : cut + ds.horizon]
        out.append(Fold(k, train[keep], test, first[keep], scale1[keep], scale2[keep]))
    return out


# -------------------------------------------------------------------------- peers


def peer_models(ds: DataSet) -> list[Any]:
    """The statsforecast models of ``ds``, in the order of :data:`PEERS`."""
    from statsforecast.models import (  # type: ignore[import-not-found, unused-ignore]
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        CrostonOptimized,
        CrostonSBA,
        HistoricAverage,
        Naive,
        SeasonalNaive,
        WindowAverage,
    )

    return [
        Naive(),
        SeasonalNaive(season_length=ds.season),
        AutoETS(season_length=ds.season),
        CrostonOptimized(),
        CrostonSBA(),
        TSB(alpha_d=TSB_ALPHA_D, alpha_p=TSB_ALPHA_P),
        ADIDA(),
        IMAPA(),
        WindowAverage(window_size=ds.window),
        HistoricAverage(),
    ]


def long_frame(fold: Fold) -> pd.DataFrame:
    """The trimmed training series as statsforecast's ``unique_id``, ``ds``, ``y`` (int ds)."""
    cut = fold.train.shape[1]
    inside = np.arange(cut)[None, :] >= fold.first[:, None]
    rows, cols = np.nonzero(inside)
    return pd.DataFrame({"unique_id": rows, "ds": cols, "y": fold.train[inside]})


def run_peers(ds: DataSet, fold: Fold, workers: int) -> dict[str, tuple[Matrix, float]]:
    """Raw statsforecast forecasts (m, h) and seconds of every peer on ``fold``.

    A series a model fails on gets NaN (statsforecast's ``NaNModel`` as fallback).
    """
    from statsforecast import StatsForecast  # type: ignore[import-not-found, unused-ignore]
    from statsforecast.models import NaNModel  # type: ignore[import-not-found, unused-ignore]

    frame = long_frame(fold)
    m, cut = fold.train.shape
    out = {}
    for name, model in zip(PEERS, peer_models(ds), strict=True):
        sf = StatsForecast(models=[model], freq=1, n_jobs=workers, fallback_model=NaNModel())
        start = time.perf_counter()
        fc = sf.forecast(df=frame, h=ds.horizon)
        seconds = time.perf_counter() - start
        mean = np.full((m, ds.horizon), np.nan)
        uid = fc["unique_id"].to_numpy(dtype=np.intp)
        step = fc["ds"].to_numpy(dtype=np.intp) - cut
        mean[uid, step] = fc[name].to_numpy(dtype=float)
        out[name] = (mean, seconds)
        print(f"  {ds.name} fold {fold.k}: {name} {seconds:.1f} s", flush=True)
    return out


def cache_path(ds: DataSet, fold: Fold) -> Path:
    """Cache file of the peers' forecasts of ``fold``, named by a hash of everything they used."""
    key = hashlib.sha256(np.ascontiguousarray(fold.train).tobytes())
    design = (fold.train.shape, ds.horizon, ds.season, ds.window, TSB_ALPHA_D, TSB_ALPHA_P)
    key.update(repr((design, PEERS, version("statsforecast"))).encode())
    return CACHE_DIR / f"{ds.name}_fold{fold.k}_{key.hexdigest()[:16]}.npz"


def cached_peers(
    ds: DataSet, fold: Fold, workers: int, use_cache: bool
) -> tuple[dict[str, tuple[Matrix, float]], bool]:
    """The peers' raw forecasts and seconds of ``fold`` (from the cache if there), and if cached."""
    path = cache_path(ds, fold)
    if use_cache and path.is_file():
        with np.load(path) as npz:
            return {n: (npz[f"f_{n}"], float(npz[f"s_{n}"])) for n in PEERS}, True
    result = run_peers(ds, fold, workers)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.glob(f"{ds.name}_fold{fold.k}_*.npz"):
        stale.unlink()
    arrays = {f"f_{n}": f for n, (f, _) in result.items()}
    arrays.update({f"s_{n}": np.array(s) for n, (_, s) in result.items()})
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return result, False


def finish_peer(name: str, raw: Matrix, fold: Fold, season: int) -> tuple[Matrix, int]:
    """Apply the fallback rules of the module docstring; returns forecasts and fallback count."""
    mean = raw.copy()
    cut = fold.train.shape[1]
    length = cut - fold.first
    if name == "SeasonalNaive":
        short = length < season
        mean[short] = fold.train[short, -1:]
    else:
        short = np.isnan(mean).any(axis=1)
        mean[short] = (fold.train[short].sum(axis=1) / length[short])[:, None]
    return np.clip(mean, 0.0, None), int(short.sum())


# --------------------------------------------------------------------- forecaster


def load_engine() -> Callable[..., Any] | None:
    """``forecaster.models.engine.forecast_matrix``, or None while it does not exist."""
    try:
        from forecaster.models.engine import forecast_matrix
    except ImportError:
        return None
    return forecast_matrix


# ---------------------------------------------------------------------- evaluation


@dataclass
class Result:
    """Everything printed about one data set."""

    ds: DataSet
    scored: list[int]  # scored series per fold, oldest origin first
    tallies: dict[str, Tally]
    fallbacks: Counter[str]
    peers_cached: bool
    mix: Counter[str]
    notes: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per model, sorted by mean RMSSE."""
        rows = {name: tally.row() for name, tally in self.tallies.items()}
        return pd.DataFrame(rows).T.sort_values("RMSSE")

    def best_peer(self) -> tuple[str, float]:
        """Name and RMSSE of the peer with the lowest mean RMSSE."""
        table = self.table().drop(index=FORECASTER, errors="ignore")
        return str(table.index[0]), float(table["RMSSE"].iloc[0])


def score_forecaster(
    forecast_matrix: Callable[..., Any], ds: DataSet, fold: Fold, tally: Tally, mix: Counter[str]
) -> None:
    """Forecast ``fold`` with forecaster's engine and add its errors, p90 coverage and models."""
    from forecaster.models.distributions import count_cdf

    start = time.perf_counter()
    fc = forecast_matrix(fold.train, ds.horizon, ds.freq)
    tally.seconds += time.perf_counter() - start
    tally.add(fold, np.asarray(fc.mean, dtype=float))
    p90 = np.asarray(fc.quantile(0.9), dtype=float)
    tally.covered += int((fold.test <= p90).sum())
    mean, var = fc.moments(np.arange(ds.horizon + 1))
    below, at = count_cdf(p90 - 1, mean, var), count_cdf(p90, mean, var)
    share = np.divide(0.9 - below, at - below, out=np.ones_like(at), where=at > below)
    tally.covered_mid += float((fold.test < p90).sum() + (share * (fold.test == p90)).sum())
    tally.cells += fold.test.size
    mix.update(str(model) for model in fc.model)


def evaluate(
    ds: DataSet, engine: Callable[..., Any] | None, workers: int, use_cache: bool
) -> Result:
    """Score the peers (cached) and forecaster (if available) on every fold of ``ds``."""
    fold_list = folds(ds)
    tallies = {name: Tally() for name in PEERS}
    fallbacks: Counter[str] = Counter()
    mix: Counter[str] = Counter()
    all_cached = True
    if engine is not None:
        tallies[FORECASTER] = Tally()
    for fold in fold_list:
        raw, cached = cached_peers(ds, fold, workers, use_cache)
        all_cached &= cached
        for name in PEERS:
            mean, fallen = finish_peer(name, raw[name][0], fold, ds.season)
            tallies[name].add(fold, mean)
            tallies[name].seconds += raw[name][1]
            fallbacks[name] += fallen
        if engine is not None:
            score_forecaster(engine, ds, fold, tallies[FORECASTER], mix)
    scored = [len(fold.first) for fold in fold_list]
    result = Result(ds, scored, tallies, fallbacks, all_cached, mix)
    single = sum(int(((fold.train > 0).sum(axis=1) == 1).sum()) for fold in fold_list)
    if single:
        result.notes.append(
            f"{single:,} of {sum(scored):,} series x folds have a single sale in training "
            "(Croston and SBA forecast its size every period)"
        )
    if fallbacks["SeasonalNaive"] == sum(scored):
        del result.tallies["SeasonalNaive"]
        result.notes.append(
            f"SeasonalNaive left out: no series has {ds.season} periods of training (= Naive)"
        )
    if fallbacks["AutoETS"] == sum(scored):
        del result.tallies["AutoETS"]
        result.notes.append("AutoETS left out: it failed on every series (= HistoricAverage)")
    return result


# ------------------------------------------------------------------------ printing

FALLBACK_RULES = {
    "SeasonalNaive": "shorter than a season -> Naive",
    "AutoETS": "failed (<= 6 periods) -> HistoricAverage",
    "WindowAverage": "shorter than the window -> HistoricAverage",
}


def verdict(ours: float, best: float) -> str:
    """``better by z%`` or ``worse by z%`` of RMSSE ``ours`` against ``best``."""
    change = 100.0 * (ours - best) / best
    return f"{'better' if change < 0 else 'worse'} by {abs(change):.1f}%"


def wrap_items(title: str, items: Sequence[str], width: int = 100) -> list[str]:
    """``title`` and ``items`` separated by commas, in lines of at most ``width`` (items whole)."""
    lines = [title]
    for i, item in enumerate(items):
        text = item + ("," if i < len(items) - 1 else "")
        if len(lines[-1]) + 1 + len(text) > width:
            lines.append("  " + text)
        else:
            lines[-1] += " " + text
    return lines


def print_result(result: Result) -> None:
    """The table, comparison line and notes of one data set."""
    ds = result.ds
    n, periods = ds.y.shape
    origins = f"{ds.origins} origins" if ds.origins > 1 else "1 origin"
    which = f"origin {ds.origins} .. 1" if ds.origins > 1 else "origin 1"
    print(
        f"\n== {ds.name}: {n:,} series x {periods} {UNITS[ds.freq]} from "
        f"{ds.first_period:%Y-%m-%d}; season {ds.season}, horizon {ds.horizon}, {origins}; "
        f"scored series per fold ({which}): " + ", ".join(f"{s:,}" for s in result.scored)
    )
    table = result.table()
    with pd.option_context("display.width", 200):
        print(table.to_string(float_format=lambda v: f"{v:.3f}", na_rep="-"))
    peer_name, peer_rmsse = result.best_peer()
    if FORECASTER in result.tallies:
        ours = float(table.loc[FORECASTER, "RMSSE"])
        print(
            f"forecaster RMSSE {ours:.3f} vs best peer {peer_name} {peer_rmsse:.3f}: "
            f"{verdict(ours, peer_rmsse)}"
        )
        mix = [f"{model} {count:,}" for model, count in result.mix.most_common()]
        print("\n".join(wrap_items("forecaster models (series x folds):", mix)))
    else:
        print(f"forecaster engine not available; best peer {peer_name} {peer_rmsse:.3f}")
    pairs = sum(result.scored)
    for name, rule in FALLBACK_RULES.items():
        if result.fallbacks[name] and name in result.tallies:
            print(f"{name}: {result.fallbacks[name]:,} of {pairs:,} series x folds {rule}")
    for note in result.notes:
        print(note)
    seconds = sum(result.tallies[name].seconds for name in PEERS if name in result.tallies)
    source = "from the cache, computed earlier in" if result.peers_cached else "computed in"
    print(f"peers: {source} {seconds:.1f} s")


def print_summary(results: Sequence[Result]) -> None:
    """Data set x (forecaster RMSSE, best peer, its RMSSE, verdict)."""
    rows = []
    for result in results:
        peer_name, peer_rmsse = result.best_peer()
        tally = result.tallies.get(FORECASTER)
        ours = tally.row()["RMSSE"] if tally is not None else float("nan")
        rows.append(
            {
                "data set": result.ds.name,
                "forecaster RMSSE": f"{ours:.3f}" if tally is not None else "-",
                "best peer": peer_name,
                "best peer RMSSE": f"{peer_rmsse:.3f}",
                "verdict": verdict(ours, peer_rmsse) if tally is not None else "n/a",
            }
        )
    print("\n== summary (mean RMSSE over series x folds)")
    print(pd.DataFrame(rows).to_string(index=False))


def main() -> None:
    """Parse the options, evaluate the data sets and print the tables."""
    sets = SETS
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sets", default=",".join(sets), help="comma list of " + ", ".join(sets))
    parser.add_argument("--no-cache", action="store_true", help="recompute the peers")
    parser.add_argument("--workers", type=int, default=2, help="statsforecast n_jobs")
    args = parser.parse_args()
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(names) - set(sets))
    if unknown:
        parser.error(f"unknown data sets: {', '.join(unknown)}")
    if find_spec("statsforecast") is None:
        parser.exit(1, "statsforecast is not installed: pip install -e '.[bench]'\n")
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    engine = load_engine()
    if engine is None:
        print("forecaster engine not available: scoring the peers alone")
    print(f"statsforecast {version('statsforecast')}, data {args.data.resolve()}")
    results = []
    for ds in load_sets(args.data, names):
        result = evaluate(ds, engine, args.workers, not args.no_cache)
        print_result(result)
        results.append(result)
    print_summary(results)


if __name__ == "__main__":
    main()

"""The rows a run adds to the archive (:class:`~forecaster.history.store.RunRows`), from its plan.

The forecast is archived per unit and week of the horizon (week ``k`` covers the
days ``as_of + 7(k-1) + 1`` to ``as_of + 7k``): the mean, p50 and p90 of the
week's total demand, as the Forecast sheet shows them. The data fingerprint is
the SHA-256 of the input files read (name and bytes), so a rerun on the same
exports is recognised whatever the settings; the settings hash tells reruns with
other settings apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from forecaster import __version__
from forecaster.config import Settings
from forecaster.history.store import RunRows
from forecaster.io.dataset import Dataset
from forecaster.models.distributions import count_quantiles
from forecaster.plan import Plan

#: Days of sales a run archives at most (when no earlier run is archived, or it is older).
SALES_DAYS: Final = 91
#: Bytes read at a time while hashing an input file.
_CHUNK: Final = 1 << 20


@dataclass(frozen=True)
class Timings:
    """Seconds spent planning and writing the workbooks (the ``runs`` row's timings)."""

    plan_seconds: float
    write_seconds: float


def data_fingerprint(folder: Path, files: list[str]) -> str:
    """SHA-256 over the names and bytes of ``files`` in ``folder``, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0")
        with (folder / name).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def input_fingerprint(ds: Dataset, settings: Settings) -> str:
    """:func:`data_fingerprint` of the files ``ds`` was read from."""
    return data_fingerprint(Path(settings.data.dir), list(ds.sources.values()))


def settings_hash(settings: Settings) -> str:
    """SHA-256 of the settings as JSON (every section, the output folder included)."""
    return hashlib.sha256(settings.model_dump_json().encode("utf-8")).hexdigest()


def run_rows(
    plan: Plan,
    timings: Timings,
    previous_as_of: pd.Timestamp | None,
    fingerprint: str | None = None,
) -> RunRows:
    """Everything ``plan`` adds to the archive.

    ``previous_as_of`` is the newest archived as-of date before this one (None: none):
    the sales of the days after it are archived (at most :data:`SALES_DAYS` days).
    ``fingerprint``: :func:`input_fingerprint` of the plan's data, when already hashed.
    """
    ds, settings = plan.dataset, plan.settings
    if fingerprint is None:
        fingerprint = input_fingerprint(ds, settings)
    lines = plan.replenishment
    run: dict[str, object] = {
        "as_of": plan.as_of.date(),
        "created_at": datetime.now(UTC).replace(tzinfo=None),
        "data_fingerprint": fingerprint,
        "settings_hash": settings_hash(settings),
        "version": __version__,
        "plan_seconds": timings.plan_seconds,
        "write_seconds": timings.write_seconds,
        "archive_seconds": None,
        "units": len(plan.units),
        "skus": int(plan.units["sku"].nunique()),
        "sales_rows": len(ds.sales),
        "order_lines": int((lines["suggested_order"] > 0).sum()),
        "alerts": len(plan.alerts),
    }
    plans = (
        plan_rows(plan)
        .drop(columns="name")
        .assign(
            final_order=np.nan,
            why=lines["why"].astype(str).to_numpy(),
            lifecycle=plan.health["lifecycle"].astype(str).to_numpy(),
            grade=plan.health["grade"].astype(str).to_numpy(),
        )
    )
    alerts = plan.alerts[["sku", "warehouse", "alert", "severity", "action", "detail"]]
    grades = plan.slow_movers[["sku", "warehouse", "grade", "action", "stock_value"]]
    tables = {
        "forecasts": weekly_forecast(plan, settings.history.weeks),
        "plans": plans,
        "alerts": alerts,
        "grades": grades,
        "sales": recent_sales(ds.sales, plan.as_of, previous_as_of),
    }
    return RunRows(run, tables)


def plan_rows(plan: Plan) -> pd.DataFrame:
    """The per-unit figures of a plan that the archive's ``plans`` table keeps (and
    :func:`~forecaster.history.changes.week_over_week` compares), with ``name``."""
    lines = plan.replenishment
    figures = (
        "on_hand",
        "on_order",
        "position",
        "demand_over_p",
        "safety_stock",
        "order_up_to",
        "suggested_order",
    )
    return pd.DataFrame(
        {
            "sku": lines["sku"].to_numpy(),
            "warehouse": lines["warehouse"].to_numpy(),
            "name": plan.units["name"].to_numpy(),
            "abc_class": lines["abc_class"].astype(str).to_numpy(),
            "lead_time_days": plan.units["lead_time_days"].to_numpy(dtype=float),
            **{c: lines[c].to_numpy(dtype=float) for c in figures},
        }
    )


def weekly_forecast(plan: Plan, weeks: int) -> pd.DataFrame:
    """Per unit and week ``1..weeks`` of the horizon: ``week_start``, ``mean``, ``p50``, ``p90``
    of the week's total demand (the weeks the forecast reaches, at most ``weeks``)."""
    forecast, units = plan.forecast, plan.units
    weeks = min(weeks, forecast.horizon // 7)
    mean, var = forecast.period_moments(np.arange(weeks + 1) * 7)
    n = len(units)
    starts = forecast.start + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    return pd.DataFrame(
        {
            "sku": np.repeat(units["sku"].to_numpy(), weeks),
            "warehouse": np.repeat(units["warehouse"].to_numpy(), weeks),
            "week": np.tile(np.arange(1, weeks + 1), n),
            "week_start": np.tile(starts.to_numpy(), n),
            "mean": mean.ravel(),
            "p50": count_quantiles(mean, var, 0.5).ravel(),
            "p90": count_quantiles(mean, var, 0.9).ravel(),
        }
    )


def recent_sales(
    sales: pd.DataFrame, as_of: pd.Timestamp, previous_as_of: pd.Timestamp | None
) -> pd.DataFrame:
    """The nonzero daily sales after ``previous_as_of`` (or the last :data:`SALES_DAYS`
    days, whichever is shorter) up to ``as_of``."""
    first = as_of - pd.Timedelta(days=SALES_DAYS - 1)
    if previous_as_of is not None:
        first = max(first, previous_as_of + pd.Timedelta(days=1))
    keep = (sales["date"] >= first) & (sales["date"] <= as_of) & (sales["qty"] != 0)
    return sales.loc[keep, ["sku", "warehouse", "date", "qty"]].reset_index(drop=True)

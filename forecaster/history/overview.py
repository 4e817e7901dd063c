"""What ``forecaster history`` shows, from the archive alone (no data folder needed).

* :func:`accuracy_by_week`: per week that has passed, shop-wide, the units sold
  and the forecast of it made 1 and 4 weeks ahead, with bias and WAPE
  (:mod:`~forecaster.history.accuracy`'s definitions).
* :func:`sku_through_time`: one SKU's forecasts run after run (the week after each
  as-of date: mean and p90) against what it sold, and what each run ordered.

The sales are the archive's own (each run stores the days since the run before):
a day archived by several runs takes the newest run's figure.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from forecaster.history.accuracy import forecast_errors
from forecaster.history.store import History

#: Lags shown per week by :func:`accuracy_by_week`.
WEEK_LAGS: Final = (1, 4)
#: Weeks shown at most (the archive may hold years).
MAX_WEEKS: Final = 520


def archived_sales(history: History, sku: str | None = None) -> pd.DataFrame:
    """Daily ``sku``, ``warehouse``, ``date``, ``qty``: the newest archived figure of each day
    (of one SKU, or all)."""
    where = "" if sku is None else "WHERE sku = ?"
    sales = history.query(
        f"""SELECT sku, warehouse, date, qty FROM sales {where}
            QUALIFY row_number()
                OVER (PARTITION BY sku, warehouse, date ORDER BY run_id DESC) = 1""",
        None if sku is None else [sku],
    )
    return sales.assign(date=pd.to_datetime(sales["date"]))


def _errors(history: History, sku: str | None = None) -> pd.DataFrame:
    """:func:`~forecaster.history.accuracy.forecast_errors` of every archived run (one per
    as-of date) up to the newest as-of date, for one SKU or all."""
    runs = history.latest_runs()
    if runs.empty:
        return pd.DataFrame()
    as_of = pd.Timestamp(runs["as_of"].max())
    ids = runs["run_id"].astype(int).tolist()
    ended = (as_of - pd.Timedelta(weeks=MAX_WEEKS), as_of)
    forecasts = history.table("forecasts", ids, sku=sku, weeks=WEEK_LAGS, ended=ended)
    sales = archived_sales(history, sku)
    units = forecasts[["sku", "warehouse"]].drop_duplicates()
    return forecast_errors(forecasts, runs, sales, units, as_of, weeks=MAX_WEEKS)


def accuracy_by_week(history: History) -> pd.DataFrame:
    """One row per passed week (``week_end``): ``actual`` and, per lag ``L`` of
    :data:`WEEK_LAGS`, ``forecast_L``, ``bias_L``, ``wape_L`` (NaN where no run made one)."""
    errors = _errors(history)
    if errors.empty:
        return pd.DataFrame(columns=["week_end", "actual"])
    out: pd.DataFrame | None = None
    for lag in WEEK_LAGS:
        rows = errors[errors["lag"] == lag]
        part = (
            rows.assign(_abs=(rows["forecast"] - rows["actual"]).abs())
            .groupby("week_end")
            .agg(actual=("actual", "sum"), forecast=("forecast", "sum"), _abs=("_abs", "sum"))
            .reset_index()
        )
        sold = part["actual"].where(part["actual"] > 0)
        part = part.assign(
            **{
                f"bias_{lag}": (part["forecast"] - part["actual"]) / sold,
                f"wape_{lag}": part["_abs"] / sold,
            }
        ).rename(columns={"forecast": f"forecast_{lag}"})
        part = part.drop(columns="_abs")
        out = part if out is None else out.merge(part, on=["week_end", "actual"], how="outer")
    assert out is not None
    return out.sort_values("week_end").reset_index(drop=True)


def sku_through_time(history: History, sku: str) -> pd.DataFrame:
    """Per archived run (one per as-of date) and warehouse of ``sku``: ``as_of``,
    ``warehouse``, ``forecast`` and ``p90`` of the week after it, ``actual`` (units sold in
    that week, NaN until it has passed), ``order_up_to``, ``suggested_order``,
    ``final_order`` (NaN until ``po --from`` recorded it)."""
    runs = history.latest_runs()
    ids = runs["run_id"].astype(int).tolist()
    week1 = history.table("forecasts", ids, sku=sku, weeks=[1])
    plans = history.table("plans", ids, sku=sku)[
        ["run_id", "warehouse", "order_up_to", "suggested_order", "final_order"]
    ]
    frame = (
        week1[["run_id", "warehouse", "mean", "p90"]]
        .merge(plans, on=["run_id", "warehouse"], how="outer")
        .merge(runs[["run_id", "as_of"]], on="run_id")
        .rename(columns={"mean": "forecast"})
    )
    errors = _errors(history, sku)
    if not errors.empty:
        lag1 = errors[errors["lag"] == 1][["run_as_of", "warehouse", "actual"]]
        frame = frame.merge(
            lag1.rename(columns={"run_as_of": "as_of"}).assign(
                as_of=lambda f: pd.to_datetime(f["as_of"])
            ),
            on=["as_of", "warehouse"],
            how="left",
        )
    else:
        frame = frame.assign(actual=np.nan)
    columns = [
        "as_of",
        "warehouse",
        "forecast",
        "p90",
        "actual",
        "order_up_to",
        "suggested_order",
        "final_order",
    ]
    frame = frame.assign(as_of=pd.to_datetime(frame["as_of"]))
    return frame.sort_values(["as_of", "warehouse"]).reset_index(drop=True)[columns]

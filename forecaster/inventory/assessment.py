"""The inventory-health stage: metrics, lifecycle, grades, alerts and slow movers together.

:func:`assess_inventory` is the one entry the weekly run uses. It computes the
health metrics of every planning unit (:mod:`~forecaster.inventory.metrics`),
its lifecycle stage (:mod:`~forecaster.inventory.lifecycle`), grades the slow
movers (:mod:`~forecaster.inventory.grading`, whose rules may test the
lifecycle stage), and raises the alerts (:mod:`~forecaster.inventory.alerts`,
whose dead-stock action follows the grade).

When planning is per warehouse it adds one row per SKU across its warehouses
(the SKU totals): the same metrics on the pooled sales, stock, open POs and
forecast, as if the SKU's stock could serve every warehouse. The one
exception is the inventory age, which is the on-hand-weighted mean of the
warehouses' FIFO ages (pooling the receipts would call old stock in one
warehouse young because another was just restocked).

The lifecycle stage belongs to the product, not to a warehouse: with
warehouses, every unit takes its SKU's stage from the pooled sales, so a
warehouse whose share of a mature SKU falls is not "declining" (which would
stop its reorders).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecaster.config import Settings
from forecaster.inventory.alerts import ForwardDemand, raise_alerts
from forecaster.inventory.grading import grade_units, slow_movers
from forecaster.inventory.lifecycle import lifecycle_stage
from forecaster.inventory.metrics import inventory_health
from forecaster.io.dataset import Dataset
from forecaster.models.forecast import Forecast
from forecaster.units import KEY, protection_days

#: Columns summed over a SKU's warehouses for its total row; the others are the SKU's own.
_SUMMED = ["on_hand", "allocated", "on_order"]


@dataclass(frozen=True)
class Assessment:
    """Everything the inventory-health stage found.

    Attributes
    ----------
    health
        Aligned with the units: the metrics of :func:`inventory_health` plus
        ``name``, ``category``, ``lifecycle`` and ``grade`` ("" for units that
        are not slow movers).
    sku_totals
        The same columns for each SKU across its warehouses (``warehouse`` is
        ""); empty when planning is not per warehouse.
    alerts
        One row per alert, most severe first.
    slow_movers
        One row per graded unit, by stock value.
    """

    health: pd.DataFrame
    sku_totals: pd.DataFrame
    alerts: pd.DataFrame
    slow_movers: pd.DataFrame


def assess_inventory(
    ds: Dataset, units: pd.DataFrame, forecast: Forecast, settings: Settings
) -> Assessment:
    """Health, lifecycle, grades, alerts and slow movers of every unit (and SKU totals)."""
    health = _health(ds, units, forecast, settings)
    if ds.per_warehouse:
        totals = sku_totals(ds, units, forecast, health, settings)
        stage = units["sku"].map(totals.set_index("sku")["lifecycle"])
    else:
        totals = graded(health.assign(lifecycle="").iloc[:0], settings)
        stage = pd.Series(lifecycle_stage(ds, units, settings.lifecycle), index=units.index)
    health = graded(health.assign(lifecycle=stage.to_numpy()), settings)

    protection = protection_days(units)
    demand_p, _ = forecast.total(protection)
    demand_window, _ = forecast.total(np.full(len(units), settings.alerts.overstock_cover_days))
    next_eta = units[KEY].merge(
        ds.purchase_orders.groupby(KEY)["eta"].min().reset_index(), on=KEY, how="left"
    )["eta"]
    alerts = raise_alerts(
        units,
        health,
        ForwardDemand(demand_p, demand_window, next_eta),
        settings.alerts,
        settings.planning.cover_cap_days,
        {grade: rule.action for grade, rule in settings.slow_movers.grades.items()},
        settings.output.lang,
    )
    slow = slow_movers(health, health["grade"].to_numpy(), settings.slow_movers)
    return Assessment(health, totals, alerts, slow)


def graded(health: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """``health`` with its slow-mover ``grade`` column."""
    return health.assign(grade=grade_units(health, settings.slow_movers))


def sku_totals(
    ds: Dataset,
    units: pd.DataFrame,
    forecast: Forecast,
    health: pd.DataFrame,
    settings: Settings,
) -> pd.DataFrame:
    """One health row per SKU across its warehouses (see the module docstring).

    ``units`` must be sorted by SKU, as :func:`~forecaster.units.planning_units`
    returns them; ``health`` (aligned with ``units``) supplies the warehouses'
    FIFO ages and returnable units.
    """
    codes, _ = pd.factorize(units["sku"], sort=False)
    pooled_units = _pooled_units(units)
    pooled = _pooled(ds)
    totals = _health(pooled, pooled_units, forecast.summed(codes), settings)
    stock = np.maximum(health["on_hand"].to_numpy(dtype=float), 0.0)
    age = health["inventory_age_days"].to_numpy(dtype=float)
    known = np.isfinite(age) & (stock > 0)
    weight = np.bincount(codes, weights=np.where(known, stock, 0.0))
    aged = np.bincount(codes, weights=np.where(known, stock * np.nan_to_num(age), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        totals["inventory_age_days"] = np.where(weight > 0, aged / weight, np.nan)
    totals["returnable"] = np.bincount(codes, weights=health["returnable"].to_numpy(dtype=float))
    totals["lifecycle"] = lifecycle_stage(pooled, pooled_units, settings.lifecycle)
    return graded(totals, settings)


def lifecycle_stages(ds: Dataset, units: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Each unit's lifecycle stage as :func:`assess_inventory` sets it, without the rest of
    the health stage: with warehouses, its SKU's stage from the pooled sales."""
    if not ds.per_warehouse:
        return lifecycle_stage(ds, units, settings.lifecycle)
    pooled_units = _pooled_units(units)
    stage = lifecycle_stage(_pooled(ds), pooled_units, settings.lifecycle)
    by_sku = pd.Series(stage, index=pooled_units["sku"].to_numpy())
    return np.asarray(units["sku"].map(by_sku).to_numpy(), dtype=object)


def _pooled(ds: Dataset) -> Dataset:
    """``ds`` with its sales, open POs and receipts in the pooled warehouse ""."""
    return replace(
        ds,
        sales=_one_warehouse(ds.sales),
        purchase_orders=_one_warehouse(ds.purchase_orders),
        receipts=_one_warehouse(ds.receipts),
    )


def _health(
    ds: Dataset, units: pd.DataFrame, forecast: Forecast, settings: Settings
) -> pd.DataFrame:
    health = inventory_health(ds, units, forecast, settings.planning)
    return health.assign(name=units["name"], category=units["category"])


def _pooled_units(units: pd.DataFrame) -> pd.DataFrame:
    """One unit per SKU: its master data, summed stock and the span of its sales."""
    by_sku = units.groupby("sku", sort=False)
    pooled = by_sku.first()
    pooled[_SUMMED] = by_sku[_SUMMED].sum()
    pooled["first_sale"] = by_sku["first_sale"].min()
    pooled["last_sale"] = by_sku["last_sale"].max()
    pooled["last_receipt_date"] = by_sku["last_receipt_date"].max()
    pooled["warehouse"] = ""
    return pooled.reset_index()[list(units.columns)]


def _one_warehouse(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every row in the pooled warehouse ""."""
    return frame.assign(warehouse="")

"""What one run computed: the :class:`Plan` every report is written from.

Its own module, below both :mod:`forecaster.pipeline` (which makes it) and
:mod:`forecaster.report` (which writes it), so that neither imports the other's
insides to name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from forecaster.config import Settings
from forecaster.io.dataset import Dataset
from forecaster.io.quality import QualityReport
from forecaster.models.forecast import Forecast

if TYPE_CHECKING:  # the history package reads plans: a runtime import would be circular
    from forecaster.history.review import Review


@dataclass(frozen=True)
class Plan:
    """Everything one run computed; frames are aligned with ``units`` unless noted.

    Attributes
    ----------
    health
        Inventory-health metrics plus ``name``, ``category``, ``lifecycle`` and ``grade``.
    sku_totals
        The health of each SKU across its warehouses (not aligned with units;
        empty unless planning is per warehouse).
    alerts
        One row per alert (not aligned with units).
    slow_movers
        One row per slow mover, by stock value (not aligned with units).
    replenishment
        The suggested order of every unit and the numbers behind it.
    supplier_orders
        Totals per supplier with a suggested order (not aligned with units).
    quality
        The data-quality report of the tables plus the forecast's notes
        (:mod:`forecaster.models.notes`): festivals applied, short histories, new SKUs.
    history
        What the run archive says about this run (accuracy of earlier forecasts,
        changes since last week); None when the run is not archived (``--no-history``).
    """

    settings: Settings
    dataset: Dataset
    units: pd.DataFrame
    forecast: Forecast
    health: pd.DataFrame
    sku_totals: pd.DataFrame
    alerts: pd.DataFrame
    slow_movers: pd.DataFrame
    replenishment: pd.DataFrame
    supplier_orders: pd.DataFrame
    quality: QualityReport
    history: Review | None = None

    @property
    def as_of(self) -> pd.Timestamp:
        return self.dataset.as_of

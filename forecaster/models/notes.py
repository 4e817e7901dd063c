"""What the forecast could not do, or did on little evidence, as data-quality notes.

The Data quality sheet lists, besides what validation found in the tables:

* every recurring festival of the market the forecast applied, with the uplift
  it learned and the evidence behind it (or none: no festivals for the market);
* SKUs whose history is too short for a yearly season, and a warning when the
  whole history is;
* new SKUs whose forecast borrows their category's rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import PromotionSettings
from forecaster.io.quality import QualityReport
from forecaster.models.forecast import Forecast

#: Days on sale a yearly season needs: a year plus the 13 weeks that place it
#: (seasonal drift); ETS and Theta need two years.
SEASON_DAYS = 365 + 91
TWO_YEARS = 2 * 364


def forecast_notes(
    quality: QualityReport, forecast: Forecast, units: pd.DataFrame, settings: PromotionSettings
) -> QualityReport:
    """``quality`` plus the forecast's notes (module docstring), as a new report."""
    out = QualityReport(list(quality.issues))
    _festivals(out, forecast.festivals, settings)
    _short_history(out, forecast, units)
    borrowed = forecast.borrowed
    if borrowed.any():
        out.add(
            "note",
            "",
            "new_sku_borrowed",
            int(borrowed.sum()),
            "SKUs too new to validate a model on their own sales: their forecast is their "
            "own rate weighed with their category's by the days they have sold (see the "
            "Forecast basis column)",
            sample=units.loc[borrowed, "sku"].tolist(),
        )
    return out


def _festivals(out: QualityReport, table: pd.DataFrame | None, settings: PromotionSettings) -> None:
    if table is None:
        return
    if not settings.festivals:
        source = (
            "[promotions.recurring] is empty"
            if settings.recurring is not None
            else (f'market "{settings.market}" has none')
        )
        out.add("note", "", "festivals", 0, f"No recurring festivals: {source}")
        return
    for row in table.itertuples(index=False):
        where = f"market {settings.market}" if settings.recurring is None else "your list"
        head = f"Festival {row.name} ({row.days} every year, {where})"
        if row.given:
            learned = "uplift given in the promotions table"
        elif row.occurrences == 0 or row.expected <= 0:
            learned = "no past occurrence to learn from: uplift 1, the forecast is not lifted"
        else:
            spread = (
                f"{row.low:.2f}"
                if row.high - row.low < 0.005
                else (f"{row.low:.2f} .. {row.high:.2f}")
            )
            learned = (
                f"uplift {row.shop_uplift:.2f} learned from {row.occurrences} past "
                f"occurrence(s): {row.sold:,.0f} units sold where normal demand would have "
                f"sold {row.expected:,.0f}, shrunk towards 1 by its evidence; per SKU {spread}"
            )
        due = (
            f"; the coming one from {row.next:%Y-%m-%d} is in the forecast"
            if pd.notna(row.next)
            else "; its days are left out of the normal-demand history"
        )
        out.add("note", "", "festival", int(row.occurrences), f"{head}: {learned}{due}")


def _short_history(out: QualityReport, forecast: Forecast, units: pd.DataFrame) -> None:
    if forecast.history is None:
        return
    days = (~np.isnan(forecast.history)).sum(axis=1)
    selling = np.nansum(forecast.history, axis=1) > 0
    if not selling.any():
        return
    longest = int(days[selling].max())
    if longest < SEASON_DAYS:
        out.add(
            "warning",
            "sales.csv",
            "short_history_season",
            int(selling.sum()),
            f"The sales history covers {longest} days, less than the {SEASON_DAYS} a yearly "
            "season needs (a year and a quarter): no forecast has a yearly season, so last "
            "year's peaks (Christmas, 11.11, an autumn ramp) are not repeated; check seasonal "
            "SKUs by hand",
            column="date",
        )
        return
    short = selling & (days < SEASON_DAYS)
    if short.any():
        out.add(
            "note",
            "sales.csv",
            "short_history_season",
            int(short.sum()),
            f"SKUs on sale for less than {SEASON_DAYS} days: too short a history to model "
            "their yearly season, so their forecast has none",
            column="date",
            sample=units.loc[short, "sku"].tolist(),
        )
    one_year = selling & (days >= SEASON_DAYS) & (days < TWO_YEARS)
    if one_year.any():
        out.add(
            "note",
            "sales.csv",
            "one_season",
            int(one_year.sum()),
            f"SKUs on sale for less than {TWO_YEARS} days: their yearly season can only come "
            "from last year's same weeks (seasonal naive, seasonal drift); ETS and Theta need "
            "two years",
            column="date",
            sample=units.loc[one_year, "sku"].tolist(),
        )

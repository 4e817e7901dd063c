"""The planner workbook's Tracking and Changes sheets, from a run's :class:`Review`.

Tracking: the waterfall per ABC class and shop-wide (lag 1, 2, 4, 8 weeks; bias
and WAPE over 4 and 13 weeks, MASE and value added over seasonal naive over 13
weeks), then the main table, one row per unit, largest tracking signal first,
rows beyond ``history.tracking_limit`` highlighted. Changes: one row per unit,
this week's order and order-up-to beside last week's, the change and its reason.
Both in the workbook's language, styled as every sheet (:mod:`forecaster.report.excel`).
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from forecaster.config import Lang
from forecaster.glossary import label, say, sheet_name
from forecaster.history.accuracy import LAGS, biased
from forecaster.history.changes import CHANGE_COLUMNS
from forecaster.history.review import ALL, Review
from forecaster.report.excel import Overflow, SheetWriter
from forecaster.report.headers import columns

#: The accuracy columns both tables show (lag 1 in the table per unit).
METRIC_COLUMNS = ["bias_4w", "wape_4w", "bias_13w", "wape_13w", "mase_13w", "fva_13w"]
#: Columns of the waterfall table (one row per class and lag).
CLASS_COLUMNS = ["abc_class", "lag", "weeks", "actual_13w", "forecast_13w", *METRIC_COLUMNS]
#: Columns of the Tracking sheet's table per unit.
UNIT_COLUMNS = [
    "sku",
    "warehouse",
    "name",
    "abc_class",
    "tracking_signal",
    "weeks",
    "cum_error",
    "mad",
    *METRIC_COLUMNS,
    *(f"wape_13w_lag{lag}" for lag in LAGS[1:]),
]


def class_table(by_class: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The waterfall, one row per class (shop-wide first) and lag: :data:`CLASS_COLUMNS`
    (``weeks``, sold and forecast over 13 weeks)."""
    keys = ["abc_class", "lag"]
    wide = by_class[by_class["window"] == 13][[*keys, "weeks", "actual", "forecast"]]
    wide = wide.rename(columns={"actual": "actual_13w", "forecast": "forecast_13w"})
    for window, metrics in ((4, ("bias", "wape")), (13, ("bias", "wape", "mase", "fva"))):
        part = by_class[by_class["window"] == window][[*keys, *metrics]]
        wide = wide.merge(
            part.rename(columns={m: f"{m}_{window}w" for m in metrics}), on=keys, how="left"
        )
    rank = (wide["abc_class"] != ALL).astype(int)
    wide = wide.assign(_rank=rank).sort_values(["_rank", "abc_class", "lag"], kind="stable")
    shown = wide["abc_class"].where(wide["abc_class"] != ALL, label("all_units", lang))
    return wide.assign(abc_class=shown)[CLASS_COLUMNS].reset_index(drop=True)


def tracking_sheet(
    wb: Workbook,
    review: Review,
    as_of: pd.Timestamp,
    limit: float,
    per_warehouse: bool,
    lang: Lang,
    overflow: Overflow | None = None,
) -> None:
    """The Tracking sheet (a unit table too long for it goes to ``overflow``)."""
    with SheetWriter(wb, sheet_name("tracking", lang), overflow) as sheet:
        sheet.heading(say("tracking_title", lang, date=f"{as_of:%Y-%m-%d}"))
        if review.by_unit.empty:
            sheet.key_values(
                [(label("note", lang), say("tracking_none", lang, runs=review.runs_before))]
            )
            return
        sheet.blank()
        sheet.heading(label("tracking_classes", lang))
        sheet.table(class_table(review.by_class, lang), columns(CLASS_COLUMNS, lang))
        sheet.blank()
        sheet.heading(say("tracking_units", lang, limit=limit))
        keys = [k for k in UNIT_COLUMNS if per_warehouse or k != "warehouse"]
        units = review.by_unit
        sheet.table(
            units,
            columns(keys, lang, name=30),
            highlight=biased(units, limit),
            main=True,
            freeze_columns=1,
        )


def changes_sheet(
    wb: Workbook, review: Review, per_warehouse: bool, lang: Lang, overflow: Overflow | None = None
) -> None:
    """The Changes sheet (a table too long for it goes to ``overflow``)."""
    with SheetWriter(wb, sheet_name("changes", lang), overflow) as sheet:
        if review.previous_as_of is None:
            sheet.heading(label("changes_none", lang))
            return
        sheet.heading(say("changes_title", lang, date=f"{review.previous_as_of:%Y-%m-%d}"))
        keys = [k for k in CHANGE_COLUMNS if per_warehouse or k != "warehouse"]
        sheet.table(
            review.changes,
            columns(keys, lang, name=30, reason=80, wrap=("reason",)),
            main=True,
            freeze_columns=1,
        )

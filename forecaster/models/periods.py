"""Calendar periods of a forecast: days, weeks (Monday to Sunday) or calendar months."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

Freq = Literal["D", "W", "M"]
_OFFSETS = {"D": pd.offsets.Day(1), "W": pd.offsets.Week(weekday=0), "M": pd.offsets.MonthBegin(1)}


def first_period_start(day: pd.Timestamp, freq: Freq) -> pd.Timestamp:
    """The first period of ``freq`` that starts on or after ``day``.

    >>> first_period_start(pd.Timestamp("2026-10-21"), "W")  # a Wednesday
    Timestamp('2026-10-26 00:00:00')
    >>> first_period_start(pd.Timestamp("2026-11-01"), "M")
    Timestamp('2026-11-01 00:00:00')
    """
    if freq == "D":
        return day
    return _OFFSETS[freq].rollforward(day)


def period_edges(
    start: pd.Timestamp, periods: int, freq: Freq
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The first ``periods`` periods on or after ``start``.

    Returns
    -------
    labels
        First day of each period.
    edges
        Day offsets from ``start``: period ``k`` covers days ``edges[k]`` to
        ``edges[k+1] - 1`` (length ``periods + 1``).
    """
    first = first_period_start(start, freq)
    bounds = pd.date_range(first, periods=periods + 1, freq=_OFFSETS[freq])
    edges = np.asarray((bounds - start).days)
    return bounds[:-1], edges


def period_index(dates: pd.Series, freq: Freq) -> pd.Series:
    """First day of the period of each date."""
    if freq == "D":
        return dates
    if freq == "W":
        return dates - pd.to_timedelta(dates.dt.weekday, unit="D")
    return dates.dt.to_period("M").dt.start_time

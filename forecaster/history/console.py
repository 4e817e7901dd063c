"""Console output of the run history: the archive line of ``run``, the tables of
``forecaster history`` and the override line of ``po --from`` (English, as every console
text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from forecaster.history.overview import WEEK_LAGS
from forecaster.history.store import Appended

#: Runs listed by ``forecaster history`` (the newest ones).
RUNS_SHOWN = 20
#: Weeks of accuracy listed by ``forecaster history`` (the newest ones).
WEEKS_SHOWN = 13


def render_archived(console: Console, path: Path, appended: Appended) -> None:
    """Where the run was archived, and what became of an earlier run of the same data."""
    line = f"Archived as run {appended.run_id} in {escape(str(path))}"
    if appended.replaced:
        line += f" (replaced run {_ids(appended.replaced)}: same as-of date and data)"
    elif appended.kept:
        line += (
            f" (kept run {_ids(appended.kept)} too: same as-of date and data; "
            'history.rerun = "keep")'
        )
    console.print(line, soft_wrap=True)


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _number(value: object, fmt: str = ",.0f") -> str:
    return "" if pd.isna(value) else format(value, fmt)


def _percent(value: object) -> str:
    return "" if pd.isna(value) else f"{value:+.0%}"


def render_runs(console: Console, runs: pd.DataFrame) -> None:
    """The archived runs, newest last (at most :data:`RUNS_SHOWN`)."""
    table = Table(title=f"Archived runs ({len(runs):,})")
    for name in ("run", "as-of", "units", "orders", "alerts", "seconds", "data"):
        table.add_column(name, justify="left" if name in ("as-of", "data") else "right")
    for r in runs.tail(RUNS_SHOWN).itertuples(index=False):
        seconds = r.plan_seconds + r.write_seconds + (r.archive_seconds or 0.0)
        table.add_row(
            str(r.run_id),
            f"{pd.Timestamp(r.as_of):%Y-%m-%d}",
            f"{r.units:,}",
            f"{r.order_lines:,}",
            f"{r.alerts:,}",
            f"{seconds:,.1f}",
            str(r.data_fingerprint)[:8],
        )
    console.print(table)


def render_weeks(console: Console, weeks: pd.DataFrame) -> None:
    """Accuracy per passed week, shop-wide (the newest :data:`WEEKS_SHOWN`)."""
    if weeks.empty:
        console.print("No archived forecast has come due yet: run again next week.")
        return
    table = Table(title="Accuracy by week (forecast made 1 and 4 weeks ahead)")
    table.add_column("week to", no_wrap=True)
    table.add_column("sold", justify="right")
    for lag in WEEK_LAGS:
        for name in (f"fc {lag}w", f"bias {lag}w", f"WAPE {lag}w"):
            table.add_column(name, justify="right")
    for r in weeks.tail(WEEKS_SHOWN).to_dict("records"):
        cells = [f"{pd.Timestamp(r['week_end']):%Y-%m-%d}", _number(r["actual"])]
        for lag in WEEK_LAGS:
            wape = r.get(f"wape_{lag}")
            cells += [
                _number(r.get(f"forecast_{lag}")),
                _percent(r.get(f"bias_{lag}")),
                "" if pd.isna(wape) else f"{wape:.0%}",
            ]
        table.add_row(*cells)
    console.print(table)


def render_sku(console: Console, sku: str, frame: pd.DataFrame) -> None:
    """One SKU's forecast of the week after each run against what it sold."""
    if frame.empty:
        console.print(f"No archived run planned SKU {escape(sku)}.")
        return
    table = Table(title=f"SKU {escape(sku)}: the week after each run")
    several = (frame["warehouse"] != "").any()
    names = ["as-of", *(["warehouse"] if several else []), "forecast", "p90", "sold"]
    names += ["order-up-to", "suggested", "final"]
    for name in names:
        table.add_column(name, justify="left" if name in ("as-of", "warehouse") else "right")
    for r in frame.itertuples(index=False):
        cells = [f"{r.as_of:%Y-%m-%d}", *([escape(str(r.warehouse))] if several else [])]
        cells += [_number(r.forecast), _number(r.p90), _number(r.actual)]
        cells += [_number(r.order_up_to), _number(r.suggested_order), _number(r.final_order)]
        table.add_row(*cells)
    console.print(table)


def render_recorded(console: Console, path: Path, run_id: int | None, as_of: pd.Timestamp) -> None:
    """What ``po --from`` recorded in the archive."""
    if run_id is None:
        console.print(
            f"No run of {as_of:%Y-%m-%d} in {escape(str(path))}: the final orders are not "
            "recorded in the run history.",
            soft_wrap=True,
        )
        return
    console.print(
        f"Recorded the final orders sent in run {run_id} of {escape(str(path))}.", soft_wrap=True
    )

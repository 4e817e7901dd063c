"""Console output with rich: progress bars, the closing summary, the data-quality table.

The library never prints; the CLI hands these renderers a :class:`rich.console.Console`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from forecaster.io.quality import QualityReport
from forecaster.progress import Advance
from forecaster.report.summary import Summary

if TYPE_CHECKING:
    from forecaster.inventory.promo_check import PromoCheck
    from forecaster.models.backtest import Backtest
    from forecaster.pipeline import Plan
    from forecaster.report.edited_plan import EditedPlan
    from forecaster.simulation.run import SimulationResult


class RichProgress:
    """A :class:`forecaster.progress.Progress` drawing one bar per stage (on stderr)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Advance]:
        task = self._progress.add_task(description, total=total)

        def advance(steps: int = 1) -> None:
            self._progress.advance(task, steps)

        yield advance
        self._progress.update(task, completed=total if total is not None else 1, total=total or 1)


def _money(x: float) -> str:
    return f"{x:,.2f}"


def render_files(console: Console, files: Sequence[Path], removed: Sequence[Path] = ()) -> None:
    """The files written, and the superseded ones removed."""
    console.print("[bold]Files written[/bold]")
    for path in files:
        console.print(f"  {escape(str(path))}")
    if removed:
        console.print("[bold]Removed[/bold] (superseded POs of the same date, no lines now)")
        for path in removed:
            console.print(f"  {escape(str(path))}")


def render_summary(
    console: Console,
    plan: Plan,
    summary: Summary,
    files: Sequence[Path],
    removed: Sequence[Path] = (),
) -> None:
    """The closing summary of ``forecaster run``."""
    figures = Table(title=f"Replenishment plan as of {plan.as_of:%Y-%m-%d}", show_header=False)
    figures.add_column(style="bold")
    figures.add_column(justify="right")
    figures.add_row("SKUs planned", f"{summary.skus:,}")
    figures.add_row("Planning units (SKU x warehouse)", f"{summary.units:,}")
    figures.add_row("Stock value at cost", _money(summary.stock_value))
    figures.add_row("Median days of cover", f"{summary.median_cover:,.1f}")
    figures.add_row("Suggested order lines", f"{summary.order_lines:,}")
    figures.add_row("Suggested order value", _money(summary.order_value))
    figures.add_row("Slow movers: stock value", _money(summary.slow_value))
    figures.add_row("Data-quality warnings", f"{summary.warnings:,}")
    console.print(figures)

    alerts = Table(title="Alerts")
    for name in ("alert", "high", "medium", "low", "count"):
        alerts.add_column(name, justify="left" if name == "alert" else "right")
    for row in summary.alerts.itertuples(index=False):
        alerts.add_row(row.alert, str(row.high), str(row.medium), str(row.low), str(row.count))
    console.print(alerts)

    orders = Table(title="Suggested orders by supplier")
    for name in ("supplier", "name", "lines", "units", "value", "note"):
        orders.add_column(name, justify="right" if name in ("lines", "units", "value") else "left")
    for row in summary.suppliers.itertuples(index=False):
        note = "" if row.status == "ok" else f"below minimum {_money(row.min_order_value)}"
        orders.add_row(
            escape(str(row.supplier)),
            escape(str(row.supplier_name)),
            f"{row.lines:,}",
            f"{row.units:,.0f}",
            _money(row.value),
            note,
        )
    console.print(orders)
    render_files(console, files, removed)


def render_quality(console: Console, report: QualityReport, *, warnings_only: bool = False) -> None:
    """The data-quality report as a table (warnings first; notes too unless ``warnings_only``)."""
    frame = report.to_frame()
    if warnings_only:
        frame = frame[frame["severity"] == "warning"]
    if frame.empty:
        console.print("[green]No data-quality issues found.[/green]")
        return
    table = Table(title="Data quality", show_lines=False)
    for name in ("severity", "file", "column", "count", "message", "examples"):
        table.add_column(name, overflow="fold")
    for row in frame.itertuples(index=False):
        style = "yellow" if row.severity == "warning" else "dim"
        table.add_row(
            f"[{style}]{row.severity}[/{style}]",
            escape(row.file),
            escape(row.column),
            f"{row.count:,}",
            escape(row.message),
            escape(row.examples),
        )
    console.print(table)


def render_backtest(console: Console, result: Backtest, freq: str) -> None:
    """Accuracy per model, the forecaster's first."""
    cutoffs = ", ".join(f"{c:%Y-%m-%d}" for c in result.cutoffs)
    table = Table(
        title=f"Backtest at --freq {freq}; fold cutoffs {cutoffs}",
        caption="p90: share of held-out periods at or below the forecast p90 (0.9 is calibrated); "
        "series: series x folds scored",
    )
    for name in ("model", "MASE", "RMSSE", "WAPE", "bias", "p90", "series"):
        if name == "model":
            table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=24)
        else:
            table.add_column(name, justify="right", no_wrap=True, min_width=6)
    for row in result.metrics.itertuples(index=False):
        table.add_row(
            row.model,
            f"{row.MASE:.3f}",
            f"{row.RMSSE:.3f}",
            f"{row.WAPE:.1%}",
            f"{row.bias:+.1%}",
            f"{row.p90_coverage:.1%}",
            f"{row.series:,}",
        )
    console.print(table)
    skus = result.skus
    if skus is not None and skus["RMSSE"].notna().any():
        worse = int(skus["worse_than_naive"].sum())
        scored = int((skus["RMSSE"].notna() & skus["RMSSE_naive"].notna()).sum())
        console.print(
            f"{worse:,} of {scored:,} SKUs have a higher RMSSE than seasonal naive "
            "(--out writes them, one row per SKU)"
        )


def render_promo(console: Console, check: PromoCheck, files: Sequence[Path]) -> None:
    """Statuses, the most urgent SKUs and the shortfall per supplier of a promotion check."""
    from forecaster.inventory.promo_check import shortfall_by_supplier

    counts = check.table["status"].value_counts()
    console.print(
        f"[bold]{escape(check.name)}[/bold] {check.start:%Y-%m-%d} – {check.end:%Y-%m-%d}: "
        + ", ".join(
            f"{status} {int(counts.get(status, 0))}" for status in ("TOO LATE", "ORDER NOW", "OK")
        )
        + f"; EXCESS AFTER {int(check.table['excess_after'].sum())}"
    )
    urgent = check.table[check.table["status"] != "OK"].head(15)
    if len(urgent):
        per_warehouse = bool((check.table["warehouse"] != "").any())
        table = Table(title="Most urgent")
        headers = ["sku", "warehouse"] if per_warehouse else ["sku"]
        headers += ["status", "uplift", "promo demand", "available", "shortfall", "order"]
        headers.append("order by")
        for name in headers:
            text = name in ("sku", "warehouse", "status")
            table.add_column(name, justify="left" if text else "right")
        for row in urgent.itertuples(index=False):
            where = [escape(str(row.warehouse))] if per_warehouse else []
            table.add_row(
                escape(str(row.sku)),
                *where,
                row.status,
                f"{row.uplift:.2f}",
                f"{row.promo_demand:,.0f}",
                f"{row.available:,.0f}",
                f"{row.shortfall:,.0f}",
                f"{row.order:,.0f}",
                f"{row.order_by:%Y-%m-%d}",
            )
        console.print(table)
    suppliers = shortfall_by_supplier(check)
    if len(suppliers):
        table = Table(title="Shortfall by supplier")
        for name in ("supplier", "lines", "shortfall", "shortfall value", "order value"):
            table.add_column(name, justify="left" if name == "supplier" else "right")
        for row in suppliers.itertuples(index=False):
            table.add_row(
                escape(str(row.supplier)),
                f"{row.lines:,}",
                f"{row.shortfall:,.0f}",
                f"{row.shortfall_value:,.2f}",
                f"{row.order_value:,.2f}",
            )
        console.print(table)
    render_files(console, files)


def render_po(
    console: Console, edited: EditedPlan, files: Sequence[Path], removed: Sequence[Path] = ()
) -> None:
    """Warnings about the edited quantities, the orders per supplier and the files written."""
    for warning in edited.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", soft_wrap=True)
    lines = edited.lines
    table = Table(title=f"Purchase orders of {edited.as_of:%Y-%m-%d} from the final orders")
    for name in ("supplier", "lines", "units", "value"):
        table.add_column(name, justify="left" if name == "supplier" else "right")
    for code, group in lines.groupby("supplier", sort=True):
        table.add_row(
            escape(str(code)),
            f"{len(group):,}",
            f"{group['quantity'].sum():,.0f}",
            f"{group['line_value'].sum():,.2f}",
        )
    console.print(table)
    render_files(console, files, removed)


def render_simulation(console: Console, result: SimulationResult) -> None:
    """Fill rate against target per class, the exchange curve and the verdict of a replay."""
    from forecaster.simulation.outcome import verdict

    replay, outcome = result.replay, result.outcome
    first = replay.start + pd.Timedelta(days=1)
    unmet = "back-ordered" if replay.backorder else "lost"
    console.print(
        f"[bold]Replay[/bold] {first:%Y-%m-%d} – {replay.end:%Y-%m-%d}: {replay.reviews} reviews, "
        f"{len(replay.units):,} planning units, unmet demand {unmet}, {replay.seconds:,.0f} s"
    )
    classes = Table(title="forecaster by ABC class")
    names = ("class", "units", "target", "fill", "gap", "stock", "rule's stock", "ratio", "bias P")
    for name in names:
        classes.add_column(name, justify="left" if name == "class" else "right")
    for row in outcome.classes.itertuples(index=False):
        classes.add_row(
            str(row.abc_class),
            f"{row.units:,}",
            f"{row.fill_rate_target:.1%}",
            f"{row.fill_rate:.1%}",
            f"{row.gap * 100:+.1f} pt",
            f"{row.stock_value:,.0f}",
            "—" if np.isnan(row.rule_stock_value) else f"{row.rule_stock_value:,.0f}",
            "—" if np.isnan(row.stock_ratio) else f"{row.stock_ratio:.2f}x",
            f"{row.bias_p:+.1%}",
        )
    console.print(classes)
    curve = Table(title="Exchange curve")
    for name in ("policy", "fill", "stock at cost", "stock-out days", "lines/week"):
        curve.add_column(name, justify="left" if name == "policy" else "right")
    for row in outcome.policies.itertuples(index=False):
        style = "bold" if row.policy == "forecaster" else ""
        curve.add_row(
            f"[{style}]{row.policy}[/{style}]" if style else row.policy,
            f"{row.fill_rate:.1%}",
            f"{row.stock_value:,.0f}",
            f"{row.stockout_days:,.0f}",
            f"{row.lines_per_week:,.1f}",
        )
    console.print(curve)
    console.print(f"[bold]{escape(verdict(outcome))}[/bold]")
    render_files(console, result.files)

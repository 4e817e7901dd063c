"""Console output with rich: progress bars, the closing summary, the data-quality table.

The library never prints; the CLI hands these renderers a :class:`rich.console.Console`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from forecaster.config import Lang
from forecaster.glossary import sheet_name
from forecaster.io.quality import QualityReport
from forecaster.plan import Plan
from forecaster.progress import Advance
from forecaster.report.do_first import DoFirst, do_first
from forecaster.report.summary import Summary

if TYPE_CHECKING:
    from forecaster.inventory.promo_check import PromoCheck
    from forecaster.models.backtest import Backtest
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
            TimeRemainingColumn(),
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


#: Columns of text are readable down to this width (characters); a table that needs
#: them narrower to fit shows fewer columns instead.
TEXT_WIDTH = 36

#: A table row: the text of each column, by column name.
Row = dict[str, str]


def _table(
    console: Console,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    narrow: Sequence[str] | None = None,
    keys: Collection[str] = (),
    texts: Collection[str] = (),
    **options: Any,
) -> None:
    """Print ``rows`` as a table that fits the console's width.

    ``keys`` (SKU, supplier, status: codes a planner reads whole) never wrap and
    are the last to give up width; ``texts`` (messages) are left-aligned and
    wrap; the other columns are right-aligned figures. All but the keys fold
    rather than end in "…". When the table does not fit with its texts wrapped
    to :data:`TEXT_WIDTH`, it shows the ``narrow`` columns instead (fewer, or
    merged).
    """

    def build(names: Sequence[str], text_width: int | None = None) -> Table:
        table = Table(title=title, **options)
        for name in names:
            if name in keys:
                table.add_column(name, no_wrap=True)
            elif name in texts:
                table.add_column(name, overflow="fold", max_width=text_width)
            else:
                table.add_column(name, justify="right", overflow="fold")
        for row in rows:
            table.add_row(*(row[name] for name in names))
        return table

    if narrow is not None:
        wide = build(columns, TEXT_WIDTH)
        if console.measure(wide, options=console.options.update_width(10_000)).maximum > (
            console.width
        ):
            columns = narrow
    console.print(build(columns))


def _warehouses(frame: pd.DataFrame) -> list[str]:
    """``["warehouse"]`` when the frame plans per warehouse, else no column."""
    return ["warehouse"] if bool((frame["warehouse"] != "").any()) else []


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
    """The closing summary of ``forecaster run``, ending with what to do first."""
    figures = Table(title=f"Replenishment plan as of {plan.as_of:%Y-%m-%d}", show_header=False)
    figures.add_column(style="bold", overflow="fold")
    figures.add_column(justify="right", no_wrap=True)
    figures.add_row("SKUs planned", f"{summary.skus:,}")
    figures.add_row("Planning units (SKU x warehouse)", f"{summary.units:,}")
    figures.add_row("Stock value at cost", _money(summary.stock_value))
    figures.add_row("Median days of cover", f"{summary.median_cover:,.1f}")
    figures.add_row("Suggested order lines", f"{summary.order_lines:,}")
    figures.add_row("Suggested order value", _money(summary.order_value))
    figures.add_row("Slow movers: stock value", _money(summary.slow_value))
    figures.add_row("Data-quality warnings", f"{summary.warnings:,}")
    console.print(figures)

    _table(
        console,
        "Alerts",
        ("alert", "high", "medium", "low", "count"),
        [
            {
                "alert": row.alert,
                "high": str(row.high),
                "medium": str(row.medium),
                "low": str(row.low),
                "count": str(row.count),
            }
            for row in summary.alerts.itertuples(index=False)
        ],
        keys={"alert"},
    )
    _table(
        console,
        "Suggested orders by supplier",
        ("supplier", "name", "lines", "units", "value", "note"),
        [
            {
                "supplier": escape(str(row.supplier)),
                "name": escape(str(row.supplier_name)),
                "lines": f"{row.lines:,}",
                "units": f"{row.units:,.0f}",
                "value": _money(row.value),
                "note": ""
                if row.status == "ok"
                else f"below minimum {_money(row.min_order_value)}",
            }
            for row in summary.suppliers.itertuples(index=False)
        ],
        keys={"supplier"},
        texts={"name", "note"},
    )
    render_do_first(console, do_first(plan), lang=plan.settings.output.lang)
    render_files(console, files, removed)


#: Rows shown per list of :func:`render_do_first`; the rest are counted.
DO_FIRST_ROWS = 10


def render_do_first(
    console: Console, first: DoFirst, rows: int = DO_FIRST_ROWS, lang: Lang = "en"
) -> None:
    """The first ``rows`` of each list of :class:`~forecaster.report.do_first.DoFirst`,
    with a count of the rest (all of them are in the workbook, whose sheets the count
    names as the workbook in ``lang`` does)."""
    console.print("[bold]Do these first[/bold]")
    if first.too_late.empty and first.expedite.empty and first.order_today.empty:
        console.print("Nothing urgent: no order is due today and no stock-out is near.")
        return
    lists: list[tuple[pd.DataFrame, str, list[str], str]] = [
        (
            first.too_late,
            "TOO LATE: stock runs out before an order can arrive; order now and expedite",
            ["sku", *_warehouses(first.too_late), "order", "value", "why"],
            sheet_name("alerts", lang),
        ),
        (
            first.expedite,
            "Expedite: out of stock, with a PO on the way",
            ["sku", *_warehouses(first.expedite), "action", "why"],
            sheet_name("alerts", lang),
        ),
        (
            first.order_today,
            "Order today, biggest first",
            ["sku", *_warehouses(first.order_today), "supplier", "order", "value"],
            sheet_name("replenishment", lang),
        ),
    ]
    for frame, title, columns, sheet in lists:
        if frame.empty:
            continue
        more = len(frame) - rows
        _table(
            console,
            f"{title} ({len(frame):,})",
            columns,
            [_do_first_row(row) for row in frame.head(rows).to_dict("records")],
            keys={"sku", "warehouse", "supplier"},
            texts={"action", "why"},
            caption=f"and {more:,} more on the {sheet} sheet" if more > 0 else None,
            title_justify="left",
        )


def _do_first_row(record: dict[str, Any]) -> Row:
    """The cells of one line of a do-first list (whichever of its columns it has)."""
    row: Row = {
        name: escape(str(record[name]))
        for name in ("sku", "warehouse", "supplier", "action")
        if name in record
    }
    if "order" in record:
        row["order"] = f"{record['order']:,.0f}"
        row["value"] = _money(record["value"])
    row["why"] = escape(str(record.get("detail", "")))
    return row


def render_quality(console: Console, report: QualityReport, *, warnings_only: bool = False) -> None:
    """The data-quality report as a table (warnings first; notes too unless ``warnings_only``).

    When the six columns do not fit the console, file and column share one, and
    the examples go under the message.
    """
    frame = report.to_frame()
    if warnings_only:
        frame = frame[frame["severity"] == "warning"]
    if frame.empty:
        console.print("[green]No data-quality issues found.[/green]")
        return
    rows = []
    for row in frame.itertuples(index=False):
        style = "yellow" if row.severity == "warning" else "dim"
        examples = escape(row.examples)
        rows.append(
            {
                "severity": f"[{style}]{row.severity}[/{style}]",
                "file": escape(row.file),
                "column": escape(row.column),
                "where": escape(f"{row.file} {row.column}".strip()),
                "count": f"{row.count:,}",
                "message": escape(row.message),
                "issue": escape(row.message)
                + (f"\n[dim]e.g. {examples}[/dim]" if examples else ""),
                "examples": examples,
            }
        )
    _table(
        console,
        "Data quality",
        ("severity", "file", "column", "count", "message", "examples"),
        rows,
        narrow=("severity", "where", "count", "issue"),
        keys={"severity"},
        texts={"file", "column", "where", "message", "issue", "examples"},
    )


def render_backtest(console: Console, result: Backtest, freq: str) -> None:
    """Accuracy per model, the forecaster's first."""
    cutoffs = ", ".join(f"{c:%Y-%m-%d}" for c in result.cutoffs)
    _table(
        console,
        f"Backtest at --freq {freq}; fold cutoffs {cutoffs}",
        ("model", "MASE", "RMSSE", "WAPE", "bias", "p90", "series"),
        [
            {
                "model": escape(row.model),
                "MASE": f"{row.MASE:.3f}",
                "RMSSE": f"{row.RMSSE:.3f}",
                "WAPE": f"{row.WAPE:.1%}",
                "bias": f"{row.bias:+.1%}",
                "p90": f"{row.p90_coverage:.1%}",
                "series": f"{row.series:,}",
            }
            for row in result.metrics.itertuples(index=False)
        ],
        texts={"model"},
        caption="p90: share of held-out periods at or below the forecast p90 (0.9 is calibrated); "
        "series: series x folds scored",
    )
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
        columns = ["sku", *_warehouses(check.table), "status", "uplift", "promo demand"]
        columns += ["available", "shortfall", "order", "order by"]
        _table(
            console,
            "Most urgent",
            columns,
            [
                {
                    "sku": escape(str(row.sku)),
                    "warehouse": escape(str(row.warehouse)),
                    "status": row.status,
                    "uplift": f"{row.uplift:.2f}",
                    "promo demand": f"{row.promo_demand:,.0f}",
                    "available": f"{row.available:,.0f}",
                    "shortfall": f"{row.shortfall:,.0f}",
                    "order": f"{row.order:,.0f}",
                    "order by": f"{row.order_by:%Y-%m-%d}",
                }
                for row in urgent.itertuples(index=False)
            ],
            # shortfall = promo demand - available; the workbook has the uplift
            narrow=[name for name in columns if name not in ("uplift", "available")],
            keys={"sku", "warehouse", "status", "order by"},
        )
    suppliers = shortfall_by_supplier(check)
    if len(suppliers):
        _table(
            console,
            "Shortfall by supplier",
            ("supplier", "lines", "shortfall", "shortfall value", "order value"),
            [
                {
                    "supplier": escape(str(row.supplier)),
                    "lines": f"{row.lines:,}",
                    "shortfall": f"{row.shortfall:,.0f}",
                    "shortfall value": _money(row.shortfall_value),
                    "order value": _money(row.order_value),
                }
                for row in suppliers.itertuples(index=False)
            ],
            keys={"supplier"},
        )
    render_files(console, files)


def render_po(
    console: Console, edited: EditedPlan, files: Sequence[Path], removed: Sequence[Path] = ()
) -> None:
    """Warnings about the edited quantities, the orders per supplier and the files written."""
    for warning in edited.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", soft_wrap=True)
    lines = edited.lines
    _table(
        console,
        f"Purchase orders of {edited.as_of:%Y-%m-%d} from the final orders",
        ("supplier", "lines", "units", "value"),
        [
            {
                "supplier": escape(str(code)),
                "lines": f"{len(group):,}",
                "units": f"{group['quantity'].sum():,.0f}",
                "value": _money(group["line_value"].sum()),
            }
            for code, group in lines.groupby("supplier", sort=True)
        ],
        keys={"supplier"},
    )
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
    columns = ("class", "units", "target", "fill", "gap", "stock", "rule's stock", "ratio")
    _table(
        console,
        "forecaster by ABC class",
        (*columns, "bias P"),
        [
            {
                "class": str(row.abc_class),
                "units": f"{row.units:,}",
                "target": f"{row.fill_rate_target:.1%}",
                "fill": f"{row.fill_rate:.1%}",
                "gap": f"{row.gap * 100:+.1f} pt",
                "stock": f"{row.stock_value:,.0f}",
                "rule's stock": "—"
                if np.isnan(row.rule_stock_value)
                else f"{row.rule_stock_value:,.0f}",
                "ratio": "—" if np.isnan(row.stock_ratio) else f"{row.stock_ratio:.2f}x",
                "bias P": f"{row.bias_p:+.1%}",
            }
            for row in outcome.classes.itertuples(index=False)
        ],
        narrow=columns,  # the workbook has the forecast bias
        keys={"class"},
    )
    _table(
        console,
        "Exchange curve",
        ("policy", "fill", "stock at cost", "stock-out days", "lines/week"),
        [
            {
                "policy": f"[bold]{row.policy}[/bold]"
                if row.policy == "forecaster"
                else row.policy,
                "fill": f"{row.fill_rate:.1%}",
                "stock at cost": f"{row.stock_value:,.0f}",
                "stock-out days": f"{row.stockout_days:,.0f}",
                "lines/week": f"{row.lines_per_week:,.1f}",
            }
            for row in outcome.policies.itertuples(index=False)
        ],
        keys={"policy"},
    )
    console.print(f"[bold]{escape(verdict(outcome))}[/bold]")
    render_files(console, result.files)

"""The ``forecaster`` command line: parse options, load settings, call the library, render.

No planning maths lives here. Every user-fixable problem arrives as a
:class:`~forecaster.errors.ForecasterError`, is printed as one message on
stderr (no traceback) and ends the command with exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape

from forecaster import __version__
from forecaster.config import MAX_WEEKS, Lang, Settings, load_settings, planning_date
from forecaster.errors import ForecasterError
from forecaster.models.periods import Freq

app = typer.Typer(
    name="forecaster",
    help="Weekly replenishment planner: demand forecast, inventory health, alerts, "
    "slow-mover grades and purchase orders per supplier.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Folder of the input tables. Default: the config's data.dir (sample_data)."
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Settings file (TOML). Default: configs/default.toml if present."
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Output folder. Default: the config's output.dir (out)."),
]


def _plannable(value: datetime | None) -> datetime | None:
    """Refuse a date option outside the dates forecaster plans for (a usage error, exit 2)."""
    if value is not None:
        try:
            planning_date(value.date())
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        callback=_plannable,
        help="Planning date YYYY-MM-DD: later sales are ignored. Default: the last sales date.",
    ),
]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang", help="Language of the workbooks (headers, labels and sentences): en or zh."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"forecaster {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Weekly replenishment planner for online merchants."""


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn a :class:`ForecasterError` into a message on stderr and its exit code; running
    out of memory and Ctrl-C end with a message too (outputs are staged, so nothing is
    half-written)."""
    try:
        yield
    except ForecasterError as error:
        _error(str(error))
        raise typer.Exit(error.exit_code) from None
    except MemoryError:
        _error(
            "not enough memory for this run: the tables are larger than this machine can plan "
            "in one go (split the shop, or run on a machine with more memory); nothing was written"
        )
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _error("interrupted; nothing was written")
        raise typer.Exit(130) from None


def _error(message: str) -> None:
    Console(stderr=True).print(f"[bold red]error:[/bold red] {escape(message)}", soft_wrap=True)


def _settings(
    config: Path | None,
    data: Path | None = None,
    out: Path | None = None,
    as_of: datetime | None = None,
    lang: Lang | None = None,
    budget: float | None = None,
) -> Settings:
    return load_settings(config).with_overrides(
        data_dir=data,
        out_dir=out,
        as_of=as_of.date() if as_of is not None else None,
        lang=lang,
        budget=budget,
    )


@app.command()
def run(
    data: DataOption = None,
    config: ConfigOption = None,
    out: OutOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            min=0.01,
            help="Purchase budget at cost: the lines that avoid the least stock-out value "
            "per unit of cost are cut to fit. Default: the config's (none).",
        ),
    ] = None,
) -> None:
    """Plan the week: forecast, inventory health, alerts, grades, orders; write the workbooks.

    Writes out/replenishment_<as-of>.xlsx and one purchase order per supplier in
    out/suppliers/. All files appear together, or none does.
    """
    from forecaster.pipeline import run as run_pipeline
    from forecaster.report.console import RichProgress, render_quality, render_summary
    from forecaster.report.summary import summarise

    with _user_errors():
        settings = _settings(config, data, out, as_of, lang, budget)
        with RichProgress(Console(stderr=True)) as progress:
            result = run_pipeline(settings, progress)
    console = Console()
    quality = result.plan.quality
    if quality.warnings:
        render_quality(console, quality, warnings_only=True)
    render_summary(console, result.plan, summarise(result.plan), result.files, result.removed)


@app.command()
def validate(
    data: DataOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Check the input tables and print the data-quality report; write nothing.

    Exits with 2 when a table has errors (each named with its file, column and rows).
    """
    from forecaster.io.dataset import load_dataset
    from forecaster.report.console import render_quality

    with _user_errors():
        settings = _settings(config, data, as_of=as_of)
        ds = load_dataset(settings)
    console = Console()
    console.print(
        f"Read {', '.join(escape(f) for f in ds.sources.values())} from "
        f"{escape(str(settings.data.dir))}; as-of date {ds.as_of:%Y-%m-%d}; "
        f"{len(ds.skus):,} SKUs; planning "
        + ("per warehouse." if ds.per_warehouse else "across warehouses.")
    )
    render_quality(console, ds.quality)
    console.print("[green]No errors: the data can be planned.[/green]")


SalesOption = Annotated[
    Path, typer.Option("--sales", help="Sales table (CSV, XLSX or Parquet) with sku, date, qty.")
]
FreqOption = Annotated[
    Freq, typer.Option("--freq", help="Period: D (days), W (Monday-Sunday weeks), M (months).")
]


@app.command()
def forecast(
    sales: SalesOption,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Periods to forecast.")] = 28,
    freq: FreqOption = "D",
    cutoff: Annotated[
        datetime | None,
        typer.Option(
            "--cutoff",
            formats=["%Y-%m-%d"],
            callback=_plannable,
            help="Last day of data used. Default: the last date.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Forecast every SKU of a sales table; write sku, date, forecast, p50, p90, p95, model."""
    from forecaster.pipeline import forecast_file

    with _user_errors():
        settings = _settings(config)
        table = forecast_file(
            sales,
            out,
            settings,
            horizon=horizon,
            freq=freq,
            cutoff=pd.Timestamp(cutoff) if cutoff is not None else None,
        )
    console = Console()
    console.print(
        f"Forecast {table['sku'].nunique():,} SKUs x {horizon} period(s) at --freq {freq} "
        f"from {table['date'].min():%Y-%m-%d}: {escape(str(out))}"
    )
    console.print(escape(_festivals_line(settings)))


def _festivals_line(settings: Settings) -> str:
    """Which yearly festivals the forecast cleaned out of the history and applied ahead."""
    promotions = settings.promotions
    names = ", ".join(promotions.festivals)
    if promotions.recurring is not None:
        return f"Recurring festivals (your list): {names or 'none'}"
    if not names:
        return f'Recurring festivals: none (market "{promotions.market}")'
    return (
        f'Recurring festivals of market "{promotions.market}": {names}; set '
        'promotions.market = "none" for a shop outside China'
    )


@app.command()
def backtest(
    sales: SalesOption,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, help="Periods held out per fold.")
    ] = 28,
    folds: Annotated[int, typer.Option("--folds", min=1, help="Rolling origins.")] = 3,
    freq: FreqOption = "D",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the metrics as CSV, and one row per SKU in NAME_skus.csv."
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Rolling-origin accuracy (MASE, RMSSE, WAPE, bias, p90 coverage) next to seasonal naive."""
    from forecaster.pipeline import backtest_file
    from forecaster.report.console import render_backtest

    with _user_errors():
        settings = _settings(config)
        result = backtest_file(sales, settings, horizon=horizon, folds=folds, freq=freq, out=out)
    console = Console()
    render_backtest(console, result, freq)
    console.print(escape(_festivals_line(settings)))


@app.command("promo-check")
def promo_check(
    promo: Annotated[str, typer.Option("--promo", help="Promotion name, as in promotions.")],
    data: DataOption = None,
    config: ConfigOption = None,
    out: OutOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Check whether stock lasts through the next promotion NAME: shortfall, order, order-by date.

    Writes out/promo_<name>_<as-of>.xlsx.
    """
    from forecaster.pipeline import promo as run_promo
    from forecaster.report.console import RichProgress, render_promo, render_quality

    with _user_errors():
        settings = _settings(config, data, out, as_of, lang)
        with RichProgress(Console(stderr=True)) as progress:
            result = run_promo(settings, promo, progress)
    console = Console()
    if result.dataset.quality.warnings:
        render_quality(console, result.dataset.quality, warnings_only=True)
    render_promo(console, result.check, result.files)


@app.command("po")
def po(
    source: Annotated[
        Path,
        typer.Option(
            "--from", help="The planner's workbook (replenishment_<date>.xlsx) after editing."
        ),
    ],
    config: ConfigOption = None,
    out: OutOption = None,
    lang: LangOption = None,
) -> None:
    """Rewrite the supplier PO files from the Final order column of an edited workbook.

    Writes out/suppliers/PO_<supplier>_<as-of>.xlsx for every supplier with an
    order, and warns about quantities below the MOQ or not in whole cases.
    """
    from forecaster.pipeline import purchase_orders_from
    from forecaster.report.console import render_po

    with _user_errors():
        settings = _settings(config, out=out, lang=lang)
        result = purchase_orders_from(source, settings, lang)
    render_po(Console(), result.edited, result.files, result.removed)


@app.command()
def simulate(
    data: DataOption = None,
    config: ConfigOption = None,
    start: Annotated[
        datetime | None,
        typer.Option(
            "--from",
            formats=["%Y-%m-%d"],
            callback=_plannable,
            help="First review date YYYY-MM-DD. Default: --weeks weeks before the last sale.",
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks",
            min=1,
            max=MAX_WEEKS,
            help="Weekly reviews to replay. Default: the config's (20).",
        ),
    ] = None,
    backorder: Annotated[
        bool | None,
        typer.Option(
            "--backorder/--lost-sales",
            help="Demand that finds no stock waits for the next arrival, or is lost. "
            "Default: the config's (lost).",
        ),
    ] = None,
    out: OutOption = None,
    lang: LangOption = None,
) -> None:
    """Replay the weekly plan on the shop's own history beside your rule of thumb.

    Each review plans with the sales up to that day, orders arrive after the
    lead time and serve the sales that really followed. Prints fill rate and
    stock against the rule "order up to the trailing average x (lead + review +
    k days)" and writes out/simulation_<from>_<to>.xlsx.
    """
    from forecaster.report.console import RichProgress, render_simulation
    from forecaster.simulation.run import run_simulation

    with _user_errors():
        settings = _settings(config, data, out, lang=lang)
        with RichProgress(Console(stderr=True)) as progress:
            result = run_simulation(
                settings,
                start.date() if start is not None else None,
                weeks,
                backorder,
                progress,
            )
    render_simulation(Console(), result)


def main() -> None:
    """Console-script entry point."""
    app()

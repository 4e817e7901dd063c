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
from forecaster.config import (
    MAX_WEEKS,
    EngineKind,
    Lang,
    Settings,
    load_settings,
    outside_planning_dates,
)
from forecaster.errors import ForecasterError
from forecaster.io.parse import to_date
from forecaster.models.periods import Freq

app = typer.Typer(
    name="forecaster",
    help="Weekly replenishment planner: demand forecast, inventory health, alerts, "
    "slow-mover grades and purchase orders per supplier.\n\n"
    "Example (the shipped sample shop): forecaster run --data sample_data",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # -h is --help, on the app and on every command (click hands it down).
    context_settings={"help_option_names": ["-h", "--help"]},
    # Click's plain help: typer's rich panels print "<bool>" after every flag (--help
    # included) and squeeze the help text into a third of an 80-column terminal.
    rich_markup_mode=None,
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


#: How the date options are written, for their help.
DATE_FORMATS = "2026-10-18, 2026/10/18, 20261018, 2026.10.18 or an Excel day number"


def _date(text: str) -> datetime:
    """A date option, read as the data files' dates are (:func:`~forecaster.io.parse.to_date`);
    a date that is none, or outside the dates forecaster plans for, is a usage error (exit 2)."""
    parsed, _, outside = to_date(pd.Series([text], dtype="string"))
    if outside[0]:
        raise typer.BadParameter(outside_planning_dates(text.strip()))
    day = parsed.iloc[0]
    if pd.isna(day):
        raise typer.BadParameter(f"{text!r} is not a date; write it as {DATE_FORMATS}")
    return datetime(day.year, day.month, day.day)


def _date_option(name: str, help: str) -> typer.models.OptionInfo:
    """A ``DATE`` option in the data files' formats."""
    option: typer.models.OptionInfo = typer.Option(
        name, parser=_date, metavar="DATE", help=f"{help} Formats: {DATE_FORMATS}."
    )
    return option


AsOfOption = Annotated[
    datetime | None,
    _date_option(
        "--as-of", "Planning date: later sales are ignored. Default: the last sales date."
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
    engine: EngineKind | None = None,
    address: str | None = None,
) -> Settings:
    return load_settings(config).with_overrides(
        data_dir=data,
        out_dir=out,
        as_of=as_of.date() if as_of is not None else None,
        lang=lang,
        budget=budget,
        engine=engine,
        address=address,
    )


@app.command(short_help="Plan the week; write the workbook and the supplier POs.")
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
    history: Annotated[
        bool,
        typer.Option(
            "--history/--no-history",
            help="Archive the run in the run history (history.path, default "
            "out/history.duckdb) and add its Tracking and Changes sheets. Default: on.",
        ),
    ] = True,
    engine: Annotated[
        EngineKind | None,
        typer.Option(
            "--engine",
            help="Where the forecast's chunks of units run: local (this process) or dask "
            "(a dask.distributed cluster: --address, else a LocalCluster on this machine). "
            "Default: the config's [engine] kind (local).",
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask). "
            "Default: the config's [engine] address (none: a LocalCluster).",
        ),
    ] = None,
) -> None:
    """Plan the week: forecast, inventory health, alerts, grades, orders; write the workbooks.

    Writes out/replenishment_<as-of>.xlsx and one purchase order per supplier in
    out/suppliers/. All files appear together, or none does. The run is archived in
    out/history.duckdb (forecaster history reads it).

    Example (the shipped sample shop):

    \b
        forecaster run --data sample_data --as-of 2026-10-18
    """
    from forecaster.history.console import render_archived
    from forecaster.pipeline import run as run_pipeline
    from forecaster.report.console import RichProgress, render_quality, render_summary
    from forecaster.report.summary import summarise

    with _user_errors():
        settings = _settings(config, data, out, as_of, lang, budget, engine, address)
        with RichProgress(Console(stderr=True)) as progress:
            result = run_pipeline(settings, progress, history)
    console = Console()
    quality = result.plan.quality
    if quality.warnings:
        render_quality(console, quality, warnings_only=True)
    render_summary(console, result.plan, summarise(result.plan), result.files, result.removed)
    if result.archived is not None:
        render_archived(console, result.archived.path, result.archived.appended)


@app.command(short_help="Check the input tables; write nothing.")
def validate(
    data: DataOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Check the input tables and print the data-quality report; write nothing.

    Exits with 2 when a table has errors (each named with its file, column and rows).

    Example (the shipped sample shop):

    \b
        forecaster validate --data sample_data --as-of 2026/10/18
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


@app.command(short_help="Forecast every SKU of a sales table into a CSV file.")
def forecast(
    sales: SalesOption,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Periods to forecast.")] = 28,
    freq: FreqOption = "D",
    cutoff: Annotated[
        datetime | None, _date_option("--cutoff", "Last day of data used. Default: the last date.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Forecast every SKU of a sales table; write sku, date, forecast, p50, p90, p95, model.

    Example (the shipped sample shop):

    \b
        forecaster forecast --sales sample_data/sales.csv --out forecast.csv
    """
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


@app.command(short_help="Forecast accuracy next to seasonal naive.")
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
    """Rolling-origin accuracy (MASE, RMSSE, WAPE, bias, p90 coverage) next to seasonal naive.

    Example (the shipped sample shop):

    \b
        forecaster backtest --sales sample_data/sales.csv --folds 3
    """
    from forecaster.pipeline import backtest_file
    from forecaster.report.console import render_backtest

    with _user_errors():
        settings = _settings(config)
        result = backtest_file(sales, settings, horizon=horizon, folds=folds, freq=freq, out=out)
    console = Console()
    render_backtest(console, result, freq)
    console.print(escape(_festivals_line(settings)))


@app.command(
    "promo-check", short_help="Will stock last through a promotion? What to order by when."
)
def promo_check(
    promo: Annotated[
        str,
        typer.Option(
            "--promo",
            help="Promotion name: a name in the name column of the promotions table, or one "
            "of the recurring festivals (the config's promotions.market or "
            "promotions.recurring; 38, 618, 1111 and 1212 for the default market cn).",
        ),
    ],
    data: DataOption = None,
    config: ConfigOption = None,
    out: OutOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    expedite: Annotated[
        bool,
        typer.Option(
            "--expedite",
            help="Also write an expedite order per supplier for what is still short on top of "
            "this week's order: out/suppliers/EXPEDITE_<name>_<supplier>_<as-of>.xlsx.",
        ),
    ] = False,
) -> None:
    """Check whether stock lasts through the next promotion NAME: shortfall, order, order-by date.

    Writes out/promo_<name>_<as-of>.xlsx (and, with --expedite, the expedite orders).

    Example (the shipped sample shop):

    \b
        forecaster promo-check --promo 1111 --data sample_data --as-of 2026-10-18
    """
    from forecaster.pipeline import promo as run_promo
    from forecaster.report.console import RichProgress, render_promo, render_quality

    with _user_errors():
        settings = _settings(config, data, out, as_of, lang)
        with RichProgress(Console(stderr=True)) as progress:
            result = run_promo(settings, promo, progress, expedite)
    console = Console()
    if result.dataset.quality.warnings:
        render_quality(console, result.dataset.quality, warnings_only=True)
    render_promo(console, result.check, result.files)


@app.command("po", short_help="Rewrite the supplier POs from an edited workbook.")
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
    history: Annotated[
        bool,
        typer.Option(
            "--history/--no-history",
            help="Record the final orders sent in the run history (history.path, default "
            "out/history.duckdb), on the run of the workbook's date. Default: on.",
        ),
    ] = True,
) -> None:
    """Rewrite the supplier PO files from the Final order column of an edited workbook.

    Writes out/suppliers/PO_<supplier>_<as-of>.xlsx for every supplier with an
    order, and warns about quantities below the MOQ or not in whole cases. The
    final orders are recorded in the run history beside the suggestions.

    Example (the shipped sample shop):

    \b
        forecaster run --data sample_data --as-of 2026-10-18
        forecaster po --from out/replenishment_2026-10-18.xlsx
    """
    from forecaster.history.console import render_recorded
    from forecaster.pipeline import purchase_orders_from
    from forecaster.report.console import render_po

    with _user_errors():
        settings = _settings(config, out=out, lang=lang)
        result = purchase_orders_from(source, settings, lang, history)
    console = Console()
    render_po(console, result.edited, result.files, result.removed)
    if result.recorded is not None:
        render_recorded(console, result.recorded.path, result.recorded.run_id, result.edited.as_of)


@app.command(short_help="Replay the plan on your history beside your rule of thumb.")
def simulate(
    data: DataOption = None,
    config: ConfigOption = None,
    start: Annotated[
        datetime | None,
        _date_option("--from", "First review date. Default: --weeks weeks before the last sale."),
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
            help="Demand that finds no stock waits for the next arrival, or is lost; "
            "forecaster plans for the same. Default: replenishment.unmet_demand (lost).",
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

    Example (the shipped sample shop):

    \b
        forecaster simulate --data sample_data --weeks 8 --lost-sales
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


@app.command(short_help="Archived runs, accuracy by week, one SKU through time.")
def history(
    path: Annotated[
        Path | None,
        typer.Option(
            "--path",
            help="The run history. Default: the config's history.path (out/history.duckdb).",
        ),
    ] = None,
    sku: Annotated[
        str | None,
        typer.Option(
            "--sku", help="Also show this SKU's forecasts run after run against its sales."
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """List the archived runs and the forecast's accuracy week by week; with --sku, one
    SKU's forecast of the week after each run against what it sold.

    Example (the shipped sample shop, after two weekly runs):

    \b
        forecaster run --data sample_data --as-of 2026-10-11
        forecaster run --data sample_data --as-of 2026-10-18
        forecaster history --sku SKU0001
    """
    from forecaster.history.console import render_runs, render_sku, render_weeks
    from forecaster.history.overview import accuracy_by_week, sku_through_time
    from forecaster.history.store import open_history

    with _user_errors():
        settings = _settings(config)
        where = path if path is not None else settings.history.file(settings.output.dir)
        with open_history(where, create=False) as archive:
            runs = archive.runs()
            weeks = accuracy_by_week(archive)
            one = sku_through_time(archive, sku) if sku is not None else None
    console = Console()
    render_runs(console, runs)
    render_weeks(console, weeks)
    if sku is not None and one is not None:
        render_sku(console, sku, one)


def main() -> None:
    """Console-script entry point."""
    app()

"""The console: tables that fit 80 columns, the do-first list, help, date options, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import Settings
from forecaster.pipeline import plan
from forecaster.report.console import render_do_first
from forecaster.report.do_first import DoFirst, do_first
from tests.conftest import write_tables

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ["run", "validate", "forecast", "backtest", "promo-check", "po", "simulate"]
NARROW = {"COLUMNS": "80"}
runner = CliRunner()

#: SKU -> (on hand, lead time in days, unit cost); every SKU sells 10 a day.
#: LATE: 3 days of cover, 14 days of lead time: an order today arrives after it runs out.
#: NOPO: out of stock, nothing on order. GONE: out of stock, a PO of 100 on the way.
#: A-LONG-SKU-CODE-0001: 6 days of cover, 3 days of lead time: order today (the costliest).
#: PLENTY: 500 days of cover, no order.
TINY = {
    "LATE": (30, 14, 1),
    "NOPO": (0, 7, 1),
    "GONE": (0, 7, 1),
    "A-LONG-SKU-CODE-0001": (60, 3, 100),
    "PLENTY": (5000, 7, 1),
}
LONG = "A-LONG-SKU-CODE-0001"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop of :data:`TINY`: 90 days of sales up to 2026-03-31, one supplier."""
    days = pd.date_range("2026-01-01", "2026-03-31").strftime("%Y-%m-%d")
    tables = {
        "sales": [{"sku": s, "date": d, "qty": 10} for s in TINY for d in days],
        "inventory": [{"sku": s, "on_hand": v[0]} for s, v in TINY.items()],
        "skus": [
            {
                "sku": s,
                "supplier": "S1",
                "unit_cost": cost,
                "unit_price": 2 * cost,
                "lead_time_days": lead,
            }
            for s, (_, lead, cost) in TINY.items()
        ],
        "purchase_orders": [{"po_id": "P1", "sku": "GONE", "qty": 100, "eta": "2026-04-05"}],
    }
    return write_tables(tmp_path_factory.mktemp("tiny") / "data", tables)


@pytest.fixture(scope="module")
def first(tiny: Path) -> DoFirst:
    out = tiny.parent / "plan"
    return do_first(plan(Settings().with_overrides(data_dir=tiny, out_dir=out)))


def lines_fit(text: str, width: int = 80) -> bool:
    return all(len(line) <= width for line in text.splitlines())


# --------------------------------------------------------------------------- do these first


def test_do_first_lists_the_tiny_shop(first: DoFirst) -> None:
    # out of stock (no cover) before 3 days of cover
    assert first.too_late["sku"].tolist() == ["NOPO", "LATE"]
    assert first.too_late["detail"].iloc[0].startswith("nothing available")
    assert first.too_late["detail"].iloc[1].startswith("cover 3.0 d < 21 d protection")
    assert first.expedite["sku"].tolist() == ["GONE"]
    assert "expedite the open PO (100 units due 2026-04-05)" in first.expedite["action"].iloc[0]
    today = first.order_today
    assert set(today["sku"]) == {"LATE", "NOPO", "GONE", LONG}  # PLENTY orders nothing
    assert today["sku"].iloc[0] == LONG  # 100 a unit: the biggest value
    assert today["value"].is_monotonic_decreasing
    cost = {s: v[2] for s, v in TINY.items()}
    assert (today["value"] == today["order"] * today["sku"].map(cost)).all()


def test_do_first_shows_a_few_and_counts_the_rest(first: DoFirst) -> None:
    console = Console(width=80, record=True)
    render_do_first(console, first, rows=1)
    text = console.export_text()
    assert "TOO LATE" in text and "(2)" in text and "and 1 more on the Alerts sheet" in text
    assert "and 3 more on the Replenishment sheet" in text
    assert "LATE " not in text.split("Expedite")[0].split("NOPO")[1]  # only the first row
    assert LONG in text and lines_fit(text)


def test_nothing_urgent() -> None:
    empty = pd.DataFrame(columns=["sku", "warehouse"])
    console = Console(width=80, record=True)
    render_do_first(console, DoFirst(empty, empty, empty))
    assert "Nothing urgent" in console.export_text()


def test_run_ends_with_the_do_first_list_at_80_columns(tiny: Path) -> None:
    out = tiny.parent / "out"
    result = runner.invoke(app, ["run", "--data", str(tiny), "--out", str(out)], env=NARROW)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("Do these first") > text.index("Suggested orders by supplier")
    for title in ("TOO LATE", "Expedite", "Order today"):
        assert title in text
    assert LONG in text  # whole, on one line
    assert "…" not in text and lines_fit(text)


# --------------------------------------------------------------------------- 80 columns


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "sample_data", folder / "data")
    return folder


CUT_SKU = re.compile(r"[A-Z]{2}-\d{0,3}…")


def test_sample_promo_check_fits_80_columns(sample: Path) -> None:
    """The widest table (nine columns, where "PC-00…" was seen): SKUs whole, lines within 80."""
    args = ["promo-check", "--promo", "1111", "--data", str(sample / "data")]
    result = runner.invoke(app, [*args, "--out", str(sample / "out")], env=NARROW)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not CUT_SKU.search(text), "a SKU code was cut"
    assert re.search(r"│ PC-0066 +│ EAST +│ TOO LATE +│", text)
    assert lines_fit(text)


def test_quality_table_merges_columns_only_when_narrow(sample: Path) -> None:
    args = ["validate", "--data", str(sample / "data")]
    narrow = runner.invoke(app, args, env=NARROW)
    wide = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert narrow.exit_code == wide.exit_code == 0
    assert "where" in narrow.stdout and "e.g. GIFT-BAG" in narrow.stdout
    assert lines_fit(narrow.stdout)
    # word by word no more: the longest message keeps its words together on a line
    assert "negative stock on hand read as" in narrow.stdout
    assert "┃ file" in wide.stdout and "┃ examples" in wide.stdout


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize(
    "command", [[], *([c] for c in COMMANDS)], ids=lambda c: c[0] if c else "app"
)
def test_h_is_help_with_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], env=NARROW)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and "-h, --help" in result.output
    assert "Example" in result.output
    assert "<bool>" not in result.output
    assert lines_fit(result.output)


def test_flags_show_as_flags() -> None:
    text = runner.invoke(app, ["simulate", "-h"]).output
    assert "--backorder / --lost-sales" in text
    assert "--from DATE" in text and "%Y" not in text


def test_promo_help_says_where_names_come_from() -> None:
    text = " ".join(runner.invoke(app, ["promo-check", "-h"]).output.split())
    assert "promotions table" in text and "recurring festivals" in text


def test_every_date_option_reads_like_the_data() -> None:
    group = typer.main.get_command(app)
    dates = [
        param
        for command in group.commands.values()  # type: ignore[attr-defined]
        for param in command.params
        if param.name in ("as_of", "cutoff", "start")
    ]
    assert len(dates) == 5  # run, validate, promo-check, forecast, simulate
    assert all(param.metavar == "DATE" for param in dates)


# --------------------------------------------------------------------------- date options


def as_of_line(tiny: Path, as_of: str) -> str:
    result = runner.invoke(app, ["validate", "--data", str(tiny), "--as-of", as_of])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "written", ["2026/03/20", "20260320", "2026.03.20", "46101", "2026年3月20日"]
)
def test_as_of_accepts_the_data_files_formats(tiny: Path, written: str) -> None:
    assert as_of_line(tiny, written) == as_of_line(tiny, "2026-03-20")
    assert "as-of date 2026-03-20" in as_of_line(tiny, written)


def test_cutoff_accepts_a_slashed_date(tiny: Path) -> None:
    out = tiny.parent / "f.csv"
    args = ["forecast", "--sales", str(tiny / "sales.csv"), "--out", str(out), "--horizon", "7"]
    result = runner.invoke(app, [*args, "--cutoff", "2026/03/20"])
    assert result.exit_code == 0, result.output
    assert "from 2026-03-21" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("31/03/2026", "'31/03/2026' is not a date; write it as 2026-10-18, 2026/10/18"),
        ("1980/01/01", "1980/01/01 is outside the dates forecaster plans for (1990-01-01 .."),
    ],
)
def test_a_bad_date_is_a_usage_error(tiny: Path, written: str, message: str) -> None:
    result = runner.invoke(app, ["validate", "--data", str(tiny), "--as-of", written])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[replenishment]\nmax_cover_days = 0\n",
            "[replenishment] max_cover_days = 0: must be greater than or equal to 1",
        ),
        (  # a validator of ours: pydantic would say "Value error, ..."
            "[replenishment.fill_rate]\nA = 0.98\n",
            "[replenishment] fill_rate: no fill rate for class(es) B, C",
        ),
        (
            "[planning]\nas_of = 1980-01-01\n",
            "[planning] as_of = 1980-01-01: 1980-01-01 is outside",
        ),
    ],
)
def test_a_bad_setting_is_named_without_pydantic(tiny: Path, toml: str, message: str) -> None:
    config = tiny.parent / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(tiny), "--config", str(config)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert message in text
    for boilerplate in ("Value error", "validation error", "pydantic", "http", "Input should"):
        assert boilerplate not in text


def test_a_bad_option_value_is_named_without_pydantic(tiny: Path) -> None:
    result = runner.invoke(app, ["run", "--data", str(tiny), "--budget", "inf"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "[replenishment] budget = inf: must be a finite number" in text
    assert "Value error" not in text and "validation error" not in text


def test_the_do_first_counts_name_the_sheets_of_the_workbook_s_language() -> None:
    """A zh workbook's sheets are Chinese: "and 1 more on the 预警 sheet"."""
    late = pd.DataFrame(
        {"sku": ["A", "B"], "warehouse": ["", ""], "order": [1.0, 2.0], "value": [1.0, 2.0],
         "why": ["x", "y"], "days_of_cover": [0.0, 0.0]}
    )  # fmt: skip
    empty = late.iloc[0:0]
    console = Console(width=100, record=True)
    render_do_first(console, DoFirst(late, empty, empty), rows=1, lang="zh")
    assert "and 1 more on the 预警 sheet" in console.export_text()

"""The command line, invoked in-process: commands, help, exit codes, outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster import __version__
from forecaster.cli import app
from tests.conftest import MINIMAL, write_tables

REPO = Path(__file__).resolve().parents[1]
COMMANDS = [
    "run", "validate", "forecast", "backtest", "promo-check", "po", "simulate", "history",
]  # fmt: skip
runner = CliRunner()


def flat(text: str) -> str:
    """Output with rich's line wrapping and box drawing undone."""
    return " ".join(text.replace("│", " ").split())


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_every_command_has_help() -> None:
    group = typer.main.get_command(app)
    assert set(group.commands) == set(COMMANDS)  # type: ignore[attr-defined]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert (command.help or "").strip(), f"{name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.fixture
def sample_shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding the shipped sample data and config, as after a clone."""
    shutil.copytree(REPO / "sample_data", tmp_path / "sample_data")
    shutil.copytree(REPO / "configs", tmp_path / "configs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_with_no_options_plans_the_sample_shop(sample_shop: Path) -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    workbook = sample_shop / "out" / "replenishment_2026-10-18.xlsx"
    assert workbook.is_file()
    wb = load_workbook(workbook, read_only=True)
    assert wb.sheetnames == [
        "Summary", "Dashboard", "Replenishment", "Inventory health", "Alerts", "Slow movers",
        "Forecast", "Charts", "Tracking", "Changes", "Suppliers", "Data quality",
    ]  # fmt: skip
    suppliers = sorted((sample_shop / "out" / "suppliers").glob("PO_*_2026-10-18.xlsx"))
    assert len(suppliers) >= 2
    text = flat(result.output)
    assert "SKUs planned 300" in text
    for kind in ("OUT_OF_STOCK", "STOCKOUT_RISK", "OVERSTOCK", "LOW_SELL_THROUGH", "DEAD_STOCK"):
        assert kind in text
    assert "replenishment_2026-10-18.xlsx" in text
    # no temporary files left next to the outputs
    assert not [p for p in (sample_shop / "out").rglob("*") if p.name.startswith(".")]


def test_run_sheets_hold_the_brief_columns(sample_shop: Path) -> None:
    assert runner.invoke(app, ["run"]).exit_code == 0
    wb = load_workbook(sample_shop / "out" / "replenishment_2026-10-18.xlsx", read_only=True)

    def headers(sheet: str) -> list[object]:
        return list(next(wb[sheet].iter_rows(min_row=1, max_row=1, values_only=True)))

    assert headers("Replenishment")[:4] == ["SKU", "Name", "Supplier", "Warehouse"]
    for header in (
        "On hand",
        "On order",
        "Demand over protection",
        "Safety stock",
        "Order-up-to",
        "Suggested order",
        "Order value",
        "Order by",
        "Expected arrival",
        "Why",
    ):
        assert header in headers("Replenishment")
    for header in (
        "Avg daily sales 30d",
        "Turnover days",
        "Days of cover",
        "Sell-through 30d",
        "Movement rate 30d",
        "Inventory age days",
        "Gross margin",
        "Lifecycle",
        "Grade",
    ):
        assert header in headers("Inventory health")
    assert headers("Alerts") == [
        "SKU",
        "Warehouse",
        "Name",
        "Alert",
        "Severity",
        "Action",
        "Detail",
    ]
    alerts = list(wb["Alerts"].iter_rows(min_row=2, values_only=True))
    assert alerts and all(row[5] for row in alerts)  # every alert has an action


def sheet_frame(path: Path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, dtype={"SKU": str})


def summary_table(path: Path, heading: str) -> pd.DataFrame:
    """The table under ``heading`` on the Summary sheet, up to its total row."""
    rows = list(load_workbook(path, read_only=True)["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[:1] == (heading,)) + 1
    end = next(i for i in range(start, len(rows)) if rows[i][:1] == ("Total",))
    header = [h for h in rows[start] if h is not None]
    return pd.DataFrame([row[: len(header)] for row in rows[start + 1 : end]], columns=header)


def test_run_health_sheets_read_back(sample_shop: Path) -> None:
    """Inventory health, Alerts and Slow movers of the sample shop, read back with openpyxl:
    the brief's columns, a total row per SKU across warehouses, an action for every alert,
    grades and Summary totals that agree with the sheets."""
    assert runner.invoke(app, ["run"]).exit_code == 0
    path = sample_shop / "out" / "replenishment_2026-10-18.xlsx"
    health = sheet_frame(path, "Inventory health")
    assert list(health.columns) == [
        "SKU", "Warehouse", "Name", "Category", "On hand", "On order", "Avg daily sales 30d",
        "Turnover days", "Days of cover", "Sell-through 30d", "Movement rate 30d",
        "Days since last sale", "Inventory age days", "Returnable units", "Gross margin",
        "Stock value", "Lifecycle", "Grade",
    ]  # fmt: skip
    totals = health[health["Warehouse"] == "All warehouses"].set_index("SKU")
    units = health[health["Warehouse"] != "All warehouses"]
    assert units["Warehouse"].nunique() == 2
    spread = units["SKU"].value_counts()
    assert sorted(totals.index) == sorted(spread.index[spread > 1])  # one per SKU in both
    assert len(totals) >= 20
    # each total row sits right under its SKU's warehouse rows
    positions = health.index[health["Warehouse"] == "All warehouses"]
    assert (health.loc[positions - 1, "SKU"].to_numpy() == totals.index.to_numpy()).all()
    by_sku = units[units["SKU"].isin(totals.index)].groupby("SKU")[["On hand", "Stock value"]].sum()
    pd.testing.assert_frame_equal(
        totals[["On hand", "Stock value"]].sort_index(), by_sku.sort_index(), check_names=False
    )
    for share in ("Sell-through 30d", "Movement rate 30d"):
        assert health[share].dropna().between(0, 1).all()
    assert set(health["Lifecycle"]) <= {"introduction", "growth", "maturity", "decline"}

    alerts = sheet_frame(path, "Alerts")
    assert alerts["Action"].notna().all() and (alerts["Action"].str.len() > 0).all()
    overstock = alerts.loc[alerts["Alert"] == "OVERSTOCK", "Action"]
    assert overstock.str.match(r"^(transfer|return|promote)").all()
    assert overstock.str.contains("transfer").any() and overstock.str.contains("return").any()
    kinds = summary_table(path, "Alerts by kind").set_index("Alert")["Count"]
    assert (
        kinds.to_dict()
        == alerts["Alert"].value_counts().reindex(kinds.index, fill_value=0).to_dict()
    )

    slow = sheet_frame(path, "Slow movers")
    slow = slow[slow["SKU"].notna() & (slow["SKU"] != "Total")]
    assert slow["Grade"].isin(["S", "A", "B", "C"]).all()
    assert not slow.duplicated(["SKU", "Warehouse"]).any()
    graded = units[units["Grade"].notna()]
    assert len(graded) == len(slow)
    grades = summary_table(path, "Slow movers by grade").set_index("Grade")
    value = slow.groupby("Grade")["Stock value"].sum().reindex(grades.index, fill_value=0)
    assert grades["Stock value"].to_numpy() == pytest.approx(value.to_numpy())
    assert grades["Count"].sum() == len(slow)
    stages = summary_table(path, "Stock by lifecycle stage").set_index("Lifecycle")
    assert list(stages.index) == ["introduction", "growth", "maturity", "decline"]
    assert stages["Count"].sum() == len(units)
    assert stages["Stock value"].sum() == pytest.approx(units["Stock value"].sum())
    declining = units.loc[units["Lifecycle"] == "decline", "Stock value"].sum()
    assert stages.loc["decline", "Stock value"] == pytest.approx(declining)


def test_validate_prints_the_quality_report(sample_shop: Path) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "GBK/GB18030" in text and "GIFT-BAG" in text and "No errors" in text
    assert not (sample_shop / "out").exists()


def test_as_of_must_be_a_date(sample_shop: Path) -> None:
    result = runner.invoke(app, ["run", "--as-of", "18/10/2026"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
    assert not (sample_shop / "out").exists()


def test_as_of_before_the_data_is_an_error(sample_shop: Path) -> None:
    result = runner.invoke(app, ["run", "--as-of", "2020-01-01"])
    assert result.exit_code == 2
    assert "as-of date 2020-01-01 is before the first sale (2024-01-01)" in flat(result.output)


def test_a_past_week_can_be_replanned(sample_shop: Path) -> None:
    result = runner.invoke(app, ["run", "--as-of", "2026-09-30", "--out", "week40"])
    assert result.exit_code == 0, result.output
    assert (sample_shop / "week40" / "replenishment_2026-09-30.xlsx").is_file()


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    data = write_tables(tmp_path / "data", MINIMAL)
    bad = tmp_path / "bad.toml"
    bad.write_text("[alerts]\noverstock_cover_days = -5\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "--data", str(data), "--config", str(bad)])
    assert result.exit_code == 2
    assert "[alerts] overstock_cover_days = -5: must be greater than or equal to 1" in flat(
        result.output
    )
    missing = runner.invoke(app, ["run", "--config", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "configuration file not found" in flat(missing.output)


def test_lang_must_be_known(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--lang", "fr"])
    assert result.exit_code == 2


def test_forecast_writes_the_long_table(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    rows = [{"sku": "A", "date": f"2026-03-{d:02d}", "qty": 7} for d in range(1, 29)]
    rows += [{"sku": "DEAD", "date": "2025-01-01", "qty": 1}]
    pd.DataFrame(rows).to_csv(sales, index=False)
    out = tmp_path / "fc" / "forecast.csv"
    out.parent.mkdir()
    result = runner.invoke(
        app, ["forecast", "--sales", str(sales), "--out", str(out), "--horizon", "3", "--freq", "W"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"sku": str})
    assert list(table.columns) == ["sku", "date", "forecast", "p50", "p90", "p95", "model"]
    # cutoff 2026-03-28 (a Saturday): the first whole week starts Monday 2026-03-30
    assert table["date"].tolist() == ["2026-03-30", "2026-04-06", "2026-04-13"] * 2
    a = table[table["sku"] == "A"]
    assert a["forecast"].tolist() == pytest.approx([49.0] * 3)  # 7 a day x 7 days
    assert (a["p50"] <= a["p90"]).all() and (a["p90"] <= a["p95"]).all()
    dead = table[table["sku"] == "DEAD"]
    assert dead["forecast"].tolist() == [0.0] * 3  # included, with no recent sales


def test_forecast_cutoff_ignores_later_sales(tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    rows = [
        {"sku": "A", "date": f"2026-03-{d:02d}", "qty": 2 if d <= 28 else 50} for d in range(1, 32)
    ]
    pd.DataFrame(rows).to_csv(sales, index=False)
    out = tmp_path / "f.csv"
    result = runner.invoke(
        app, ["forecast", "--sales", str(sales), "--out", str(out), "--horizon", "2",
              "--cutoff", "2026-03-28"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["date"].tolist() == ["2026-03-29", "2026-03-30"]
    assert table["forecast"].tolist() == pytest.approx([2.0, 2.0])


def test_forecast_of_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["forecast", "--sales", str(tmp_path / "none.csv"), "--out", str(tmp_path / "f.csv")]
    )
    assert result.exit_code == 2 and "sales file not found" in flat(result.output)
    assert not (tmp_path / "f.csv").exists()


def test_backtest_prints_and_writes_metrics(tmp_path: Path) -> None:
    out = tmp_path / "metrics.csv"
    result = runner.invoke(
        app, ["backtest", "--sales", str(REPO / "sample_data" / "sales.csv"), "--horizon", "7",
              "--folds", "2", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "forecaster" in text and "seasonal_nai" in text and "RMSSE" in text
    metrics = pd.read_csv(out)
    names = metrics["model"].tolist()
    assert names[:2] == ["forecaster", "seasonal_naive"]
    # The forecaster per demand class, then per chosen model: each group's series add up.
    classes = metrics[metrics["model"].str.startswith("class: ")]
    models = metrics[metrics["model"].str.startswith("model: ")]
    assert len(classes) >= 2 and len(models) >= 2
    overall = int(metrics.loc[0, "series"])
    assert classes["series"].sum() == overall == models["series"].sum()
    assert ((metrics["p90_coverage"] >= 0) & (metrics["p90_coverage"] <= 1)).all()

    # One row per SKU beside it: totals add up to the overall bias, the worse-than-naive
    # flag follows the two RMSSE columns, and the console counts them.
    skus = pd.read_csv(tmp_path / "metrics_skus.csv", dtype={"sku": str})
    sold = pd.read_csv(REPO / "sample_data" / "sales.csv", dtype={"sku": str})
    assert skus["sku"].is_unique and set(skus["sku"]) <= set(sold["sku"])
    bias = (skus["forecast"].sum() - skus["actual"].sum()) / skus["actual"].sum()
    assert bias == pytest.approx(metrics.loc[0, "bias"], abs=1e-3)
    scored = skus.dropna(subset=["RMSSE", "RMSSE_naive"])
    apart = (scored["RMSSE"] - scored["RMSSE_naive"]).abs() > 1e-4  # the CSV rounds to 4 places
    flag = scored["worse_than_naive"].astype(bool)
    assert (flag == (scored["RMSSE"] > scored["RMSSE_naive"]))[apart].all()
    worse = int(scored["worse_than_naive"].sum())
    assert f"{worse:,} of {len(scored):,} SKUs have a higher RMSSE than seasonal naive" in text
    assert 'Recurring festivals of market "cn": 38, 618, 1111, 1212' in text


def test_backtest_needs_enough_history(tmp_path: Path) -> None:
    sales = write_tables(tmp_path / "d", MINIMAL) / "sales.csv"
    result = runner.invoke(app, ["backtest", "--sales", str(sales), "--horizon", "7"])
    assert result.exit_code == 2 and "not enough history" in flat(result.output)


def test_promo_check_on_the_sample_shop(sample_shop: Path) -> None:
    result = runner.invoke(app, ["promo-check", "--promo", "1111"])
    assert result.exit_code == 0, result.output
    path = sample_shop / "out" / "promo_1111_2026-10-18.xlsx"
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Summary", "Promo check", "Data quality"]
    rows = list(wb["Promo check"].iter_rows(values_only=True))
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] != "Total"]
    assert {line["Status"] for line in lines} == {"OK", "ORDER NOW", "TOO LATE"}
    assert any(line["Excess after"] == "EXCESS AFTER" for line in lines)
    # The coming 11.11 has no uplift: every line's is learned from the two past ones.
    assert all("2 past 1111" in line["Uplift source"] for line in lines)
    assert all(line["Action"] for line in lines)
    assert "EXCESS AFTER" in flat(result.output)
    # The Summary's shortfall value per supplier adds up to the lines'.
    summary = [row for row in wb["Summary"].iter_rows(values_only=True) if row]
    head = next(i for i, row in enumerate(summary) if row[0] == "Supplier")
    total = next(row for row in summary[head:] if row[0] == "Total")
    value = summary[head].index("Shortfall value")
    assert total[value] == pytest.approx(sum(line["Shortfall value"] for line in lines))
    by_supplier = {row[0]: row[value] for row in summary[head + 1 :] if row[0] != "Total"}
    assert by_supplier == pytest.approx(
        {
            supplier: sum(x["Shortfall value"] for x in lines if x["Supplier"] == supplier)
            for supplier in {x["Supplier"] for x in lines if x["Shortfall"] > 0}
        }
    )


@pytest.mark.parametrize(
    ("promo", "message"),
    [("双十一", "no promotion named '双十一'"), ("618", "promotion '618' is in the past")],
)
def test_promo_check_rejects_unknown_and_past_promotions(
    sample_shop: Path, promo: str, message: str
) -> None:
    result = runner.invoke(app, ["promo-check", "--promo", promo])
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert not (sample_shop / "out").exists()


def test_promo_check_as_of_last_year_checks_last_years_promotion(sample_shop: Path) -> None:
    result = runner.invoke(app, ["promo-check", "--promo", "1111", "--as-of", "2025-10-18"])
    assert result.exit_code == 0, result.output
    path = sample_shop / "out" / "promo_1111_2025-10-18.xlsx"
    rows = list(load_workbook(path, read_only=True)["Promo check"].iter_rows(values_only=True))
    sources = [row[rows[0].index("Uplift source")] for row in rows[1:] if row[0] != "Total"]
    assert sources and all("1 past 1111" in source for source in sources)
    assert "2025-11-01 – 2025-11-11" in flat(result.output)


def test_promo_check_rejects_a_promotion_ending_before_it_starts(tmp_path: Path) -> None:
    promotions = [{"name": "P", "start": "2026-06-18", "end": "2026-06-01"}]
    data = write_tables(tmp_path / "data", {**MINIMAL, "promotions": promotions})
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["promo-check", "--promo", "P", "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "column 'end': the promotion ends before it starts in row 2 ('P')" in flat(result.output)
    assert not out.exists()


def test_lang_zh_writes_chinese_headers(tmp_path: Path) -> None:
    data = write_tables(tmp_path / "data", MINIMAL)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--data", str(data), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out / "补货建议_2026-03-02.xlsx", read_only=True)
    header = next(wb["补货建议"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("商品编码", "商品名称", "供应商")
    assert "建议采购量" in header and "计算依据" in header
    po = load_workbook(out / "供应商" / "采购单_S1_2026-03-02.xlsx", read_only=True).active
    assert po is not None
    assert any(row and row[0] == "合计" for row in po.iter_rows(values_only=True))


def test_budget_caps_the_orders(sample_shop: Path) -> None:
    """--budget 200000 keeps the orders within it; --budget 0 is refused."""
    assert runner.invoke(app, ["run", "--budget", "0"]).exit_code == 2
    result = runner.invoke(app, ["run", "--budget", "200000"])
    assert result.exit_code == 0, result.output
    lines = pd.read_excel(
        sample_shop / "out" / "replenishment_2026-10-18.xlsx", sheet_name="Replenishment"
    ).iloc[:-1]
    value = lines["Final order"] * lines["Unit cost"]  # what the Order value formulas show
    assert 0 < value.sum() <= 200000
    assert lines["Why"].str.contains("cut by the budget of 200,000").any()

"""Pre-promotion stock check on hand-computed shops."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import Settings
from forecaster.errors import InvalidInput
from forecaster.inventory.promo_check import expedite_lines, promo_check
from forecaster.io.dataset import load_dataset
from forecaster.units import planning_units
from tests.conftest import write_tables

AS_OF = pd.Timestamp("2026-10-18")


def day(offset: int) -> str:
    return f"{AS_OF + pd.Timedelta(days=offset):%Y-%m-%d}"


def check(
    tmp_path: Path,
    promotions: list[dict[str, object]],
    sales_days: int = 60,
    past_promo: tuple[int, int] | None = None,
    on_hand: int = 100,
) -> pd.DataFrame:
    """A = 10 a day (30 a day on a past promotion's days), ``on_hand``, 50 due in 5 days."""
    sales = []
    for d in range(-sales_days + 1, 1):
        promo = past_promo is not None and past_promo[0] <= d <= past_promo[1]
        sales.append({"sku": "A", "date": day(d), "qty": 30 if promo else 10})
    skus = [{"sku": "A", "supplier": "S", "unit_cost": 2, "unit_price": 5, "lead_time_days": 7,
             "moq": 0, "case_pack": 12, "category": "cups"}]  # fmt: skip
    data = write_tables(
        tmp_path / "data",
        {
            "sales": sales,
            "skus": skus,
            "inventory": [{"sku": "A", "on_hand": on_hand}],
            "purchase_orders": [{"sku": "A", "qty": 50, "eta": day(5)}],
            "promotions": promotions,
        },
    )
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    return promo_check(ds, planning_units(ds), Settings(), "P").table


def test_given_uplift_with_a_shortfall(tmp_path: Path) -> None:
    # P runs days 10..12 after the as-of date, uplift 3.
    # baseline to the end: 12 days x 10 = 120; promotion demand 120 + (3 - 1) x 30 = 180
    # available 100 + 50 (due before the start) = 150; shortfall 30 -> 3 cases of 12 = 36
    # order by start - 7 = day 3, within the next review (day 7): ORDER NOW
    row = check(tmp_path, [{"name": "P", "start": day(10), "end": day(12), "uplift": 3}]).iloc[0]
    assert (row["uplift"], row["uplift_source"]) == (3.0, "given")
    assert row["baseline_demand"] == pytest.approx(120)
    assert row["promo_demand"] == pytest.approx(180)
    assert row["available"] == pytest.approx(150)
    assert row["shortfall"] == pytest.approx(30)
    assert row["order"] == 36
    assert row["order_by"] == AS_OF + pd.Timedelta(days=3)
    assert row["status"] == "ORDER NOW"
    assert row["shortfall_value"] == pytest.approx(60)
    assert row["order_value"] == pytest.approx(72)
    # after it: 150 + 36 - 180 = 6 left, 0.6 days of the baseline 10 a day
    assert row["cover_after_days"] == pytest.approx(0.6)
    assert not row["excess_after"]
    assert row["action"] == "Order 36 = 3 cases of 12 now: short 30, order by 2026-10-21"


def test_ample_stock_is_ok_and_too_late_when_order_by_passed(tmp_path: Path) -> None:
    ok = check(tmp_path / "a", [{"name": "P", "start": day(2), "end": day(3), "uplift": 1.5}])
    # 3 days x 10 + 0.5 x 20 = 40 < 150 available
    assert ok.iloc[0]["status"] == "OK" and ok.iloc[0]["shortfall"] == 0
    late = check(tmp_path / "b", [{"name": "P", "start": day(4), "end": day(6), "uplift": 10}])
    # order by day 4 - 7 = day -3: already past. Demand 6 x 10 + 9 x 30 = 330; the PO
    # due on day 5 arrives after the start, so only the 100 on hand count: shortfall 230.
    assert late.iloc[0]["status"] == "TOO LATE"
    assert late.iloc[0]["available"] == pytest.approx(100)
    assert late.iloc[0]["shortfall"] == pytest.approx(230)
    # 240 to expedite; 100 + 240 - 330 = 10 left, then the 50 due on day 5: 60 = 6 days
    assert late.iloc[0]["order"] == 240
    assert late.iloc[0]["cover_after_days"] == pytest.approx(6.0)
    assert late.iloc[0]["action"].startswith("Expedite 240 = 20 cases of 12: short 230")


def test_a_shortfall_with_time_to_spare_waits_for_a_later_review(tmp_path: Path) -> None:
    # P on days 30..32, uplift 2: demand 32 x 10 + 30 = 350 against 150: short 200,
    # 204 to order by day 23, after the next review (day 7): OK, with the order named.
    row = check(tmp_path, [{"name": "P", "start": day(30), "end": day(32), "uplift": 2}]).iloc[0]
    assert row["shortfall"] == pytest.approx(200)
    assert row["status"] == "OK"
    assert row["action"] == "Order 204 = 17 cases of 12 by 2026-11-10: short 200"


def test_stock_left_beyond_the_cover_cap_is_flagged(tmp_path: Path) -> None:
    # 3000 on hand + 50: demand 120 + 2 x 30 = 180 leaves 2870 = 287 days > 180.
    row = check(
        tmp_path, [{"name": "P", "start": day(10), "end": day(12), "uplift": 3}], on_hand=3000
    ).iloc[0]
    assert row["status"] == "OK" and row["order"] == 0
    assert row["cover_after_days"] == pytest.approx(287)
    assert row["excess_after"]
    assert row["action"] == (
        "Stock covers the promotion; stock left lasts 287 d after it: "
        "order less or plan a clearance"
    )


def test_uplift_estimated_from_last_years_promotion(tmp_path: Path) -> None:
    # Last year P ran days -355..-353 with 30 a day against 10 a day before: uplift 3.
    promotions = [
        {"name": "P", "start": day(-355), "end": day(-353)},
        {"name": "P", "start": day(10), "end": day(12)},
    ]
    row = check(tmp_path, promotions, sales_days=400, past_promo=(-355, -353)).iloc[0]
    assert row["uplift"] == pytest.approx(3.0)
    # its own evidence (30 expected units) weighs 50 % against the category's, the same 3
    assert row["uplift_source"] == "own 3.00 from 1 past P, weight 50%; category cups 3.00"
    assert row["promo_demand"] == pytest.approx(180)


def test_no_past_promotion_assumes_no_uplift_and_says_so(tmp_path: Path) -> None:
    row = check(tmp_path, [{"name": "P", "start": day(10), "end": day(12)}]).iloc[0]
    assert row["uplift"] == 1.0
    assert row["uplift_source"] == "no past P: 1.0 assumed, give an uplift"
    assert row["promo_demand"] == pytest.approx(120)


def test_past_only_promotion_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="promotion 'P' is in the past"):
        check(tmp_path, [{"name": "P", "start": day(-20), "end": day(-18), "uplift": 2}])


def test_a_promotion_limited_to_a_category_checks_only_that_category(tmp_path: Path) -> None:
    skus = [
        {"sku": sku, "supplier": "S", "unit_cost": 1, "unit_price": 2, "lead_time_days": 7,
         "category": category}
        for sku, category in (("A", "cups"), ("B", "pets"))
    ]  # fmt: skip
    data = write_tables(
        tmp_path / "data",
        {
            "sales": [{"sku": sku, "date": day(d), "qty": 5} for sku in "AB" for d in range(-9, 1)],
            "skus": skus,
            "inventory": [{"sku": "A", "on_hand": 0}, {"sku": "B", "on_hand": 0}],
            "promotions": [
                {"name": "P", "start": day(10), "end": day(12), "uplift": 2, "category": "pets"}
            ],
        },
    )
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    table = promo_check(ds, planning_units(ds), Settings(), "P").table
    assert table["sku"].tolist() == ["B"]
    # 12 days x 5 + (2 - 1) x 15 = 75, nothing available
    assert table["shortfall"].iloc[0] == pytest.approx(75)


@pytest.mark.parametrize(
    ("arrival", "covered", "on_top", "note"),
    [
        (7, 24, 6, "this week's order of 24 (arriving 2026-10-25) covers 24 of it: 6 on top"),
        (11, 0, 30, "this week's order of 24 arrives 2026-10-29, after the start: 30 on top of it"),
    ],
)
def test_this_weeks_order_counts_against_the_shortfall(
    tmp_path: Path, arrival: int, covered: int, on_top: int, note: str
) -> None:
    """The shortfall of 30 (the case above) against this week's suggested order of 24: it
    covers 24 when it arrives before the promotion starts (day 10), nothing when it arrives
    on day 11; what is left is to order on top of it, not instead of it."""
    data = write_tables(
        tmp_path / "data",
        {
            "sales": [{"sku": "A", "date": day(d), "qty": 10} for d in range(-59, 1)],
            "skus": [{"sku": "A", "supplier": "S", "unit_cost": 2, "unit_price": 5,
                      "lead_time_days": 7, "moq": 0, "case_pack": 12, "category": "cups"}],
            "inventory": [{"sku": "A", "on_hand": 100}],
            "purchase_orders": [{"sku": "A", "qty": 50, "eta": day(5)}],
            "promotions": [{"name": "P", "start": day(10), "end": day(12), "uplift": 3}],
        },
    )  # fmt: skip
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    units = planning_units(ds)
    planned = pd.DataFrame(
        {"suggested_order": [24.0], "expected_arrival": [AS_OF + pd.Timedelta(days=arrival)]},
        index=units.index,
    )
    row = promo_check(ds, units, Settings(), "P", planned).table.iloc[0]
    assert row["shortfall"] == pytest.approx(30)
    assert (row["planned_order"], row["covered_by_plan"], row["on_top"]) == (24, covered, on_top)
    assert row["action"].endswith(note)


def expedite_shop(folder: Path, lead: int) -> Path:
    """The shop of the cases above (A 10 a day, 100 on hand, 50 due on day 5, P x3 on days
    10..12), A's lead time ``lead`` days."""
    return write_tables(
        folder,
        {
            "sales": [{"sku": "A", "date": day(d), "qty": 10} for d in range(-59, 1)],
            "skus": [{"sku": "A", "supplier": "S", "unit_cost": 2, "unit_price": 5,
                      "lead_time_days": lead, "moq": 0, "case_pack": 12, "category": "cups"}],
            "inventory": [{"sku": "A", "on_hand": 100}],
            "purchase_orders": [{"sku": "A", "qty": 50, "eta": day(5)}],
            "promotions": [{"name": "P", "start": day(10), "end": day(12), "uplift": 3}],
        },
    )  # fmt: skip


def test_expedite_lines_carry_what_is_still_short_in_whole_cases(tmp_path: Path) -> None:
    """The shortfall of 30 with this week's 24 arriving in time: 6 still short, one case of
    12 at cost 2, wanted the day before the promotion starts (day 9)."""
    ds = load_dataset(Settings().with_overrides(data_dir=expedite_shop(tmp_path / "d", 7)))
    units = planning_units(ds)
    planned = pd.DataFrame(
        {"suggested_order": [24.0], "expected_arrival": [AS_OF + pd.Timedelta(days=7)]},
        index=units.index,
    )
    lines = expedite_lines(promo_check(ds, units, Settings(), "P", planned), units)
    line = lines.iloc[0]
    assert (line["supplier"], line["quantity"], line["cases"], line["line_value"]) == (
        "S",
        12,
        1,
        24,
    )
    assert line["requested_delivery"] == AS_OF + pd.Timedelta(days=9)


def test_promo_check_writes_the_expedite_orders(tmp_path: Path) -> None:
    """With a lead time of 12 days this week's order arrives on day 12, after P starts: the
    whole shortfall of 30 is on top of it, 3 cases of 12. ``--expedite`` writes supplier
    S's expedite order, numbered EX-..., beside the check and no weekly PO."""
    data = expedite_shop(tmp_path / "d", 12)
    out = tmp_path / "out"
    args = ["promo-check", "--promo", "P", "--data", str(data), "--out", str(out), "--expedite"]
    result = CliRunner().invoke(app, [*args, "--as-of", f"{AS_OF:%Y-%m-%d}"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "suppliers").iterdir())
    assert files == [f"EXPEDITE_P_S_{AS_OF:%Y-%m-%d}.xlsx"]
    ws = load_workbook(out / "suppliers" / files[0]).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    block = {r[0]: r[1] for r in rows[1:14] if r[0]}
    assert str(block["PO number"]).startswith(f"EX-{AS_OF:%Y%m%d}-S-")
    assert str(rows[0][0]).startswith("Expedite order for P")
    header = next(i for i, r in enumerate(rows) if r[0] == "SKU")
    line = dict(zip(rows[header], rows[header + 1], strict=True))
    assert (line["SKU"], line["Quantity"], line["Line value"]) == ("A", 36, 72)

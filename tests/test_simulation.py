"""``forecaster simulate``: the replay's stock arithmetic by hand, the rule, the outcome tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from forecaster.config import Settings
from forecaster.errors import ConfigError
from forecaster.pipeline import plan
from forecaster.simulation.ledger import StockLedger
from forecaster.simulation.outcome import rule_stock_at, summarise, verdict
from forecaster.simulation.replay import simulate
from forecaster.simulation.run import run_simulation
from tests.conftest import write_tables

START = pd.Timestamp("2026-05-10")


def constant_shop(folder: Path, qty: float = 10.0) -> Path:
    """One SKU selling ``qty`` a day every day since January; lead time 7, weekly review."""
    dates = pd.date_range("2026-01-01", "2026-05-31")
    return write_tables(
        folder,
        {
            "sales": pd.DataFrame({"sku": "A", "date": dates.strftime("%Y-%m-%d"), "qty": qty}),
            "inventory": [{"sku": "A", "on_hand": 0}],
            "skus": [
                {
                    "sku": "A",
                    "supplier": "S1",
                    "unit_cost": 2,
                    "unit_price": 5,
                    "lead_time_days": 7,
                }
            ],
        },
    )


def settings(folder: Path, out: Path, safety_days: tuple[int, ...] = (0, 7)) -> Settings:
    base = Settings().with_overrides(data_dir=folder, out_dir=out)
    return base.model_copy(
        update={"simulation": base.simulation.model_copy(update={"rule_safety_days": safety_days})}
    )


def test_constant_demand_stock_and_fill_by_hand(tmp_path: Path) -> None:
    """10 a day, lead 7, review 7, three weeks from 2026-05-10, unit cost 2.

    A policy with order-up-to ``S`` (protection 14 days) starts with ``S`` on
    hand. Week 1 (days 1-7) ends the days with ``S - 10``, ..., ``S - 70``: mean
    ``S - 40``. On day 7 the position is ``S - 70``, so it orders 70, arriving
    at the end of day 14 (after that day's sales, which leave ``S - 140``);
    from then on each week ends its days with ``S - 80 .. S - 130`` and
    ``S - 70`` on the arrival day: mean ``S - 100``.
    Mean stock over 21 days = ``(7(S - 40) + 14(S - 100)) / 21 = S - 80``.
    Demand is always met: fill 100 %, no stock-out day, one line a review.
    """
    folder = constant_shop(tmp_path / "data")
    s = settings(folder, tmp_path / "out")
    replay = simulate(s, START.date(), weeks=3)
    outcome = summarise(replay)
    ours = plan(s.with_overrides(as_of=START.date())).replenishment
    level = float(np.ceil(ours["order_up_to"].iloc[0]))
    policies = outcome.policies.set_index("policy")
    expected = {
        "forecaster": (level - 80) * 2,
        "rule k=0": (140 - 80) * 2,  # 28-day average 10 x 14 days
        "rule k=7": (210 - 80) * 2,  # 10 x (14 + 7)
    }
    for name, value in expected.items():
        assert policies.at[name, "stock_value"] == pytest.approx(value), name
        assert policies.at[name, "fill_rate"] == 1.0
        assert policies.at[name, "stockout_days"] == 0
        assert policies.at[name, "units_ordered"] == 140  # days 7 and 14 order 70 each
    assert replay.days == 21 and replay.reviews == 3
    weeks = outcome.weeks
    assert weeks["demand"].tolist() == [70.0, 70.0, 70.0]
    assert weeks["stock_value"].tolist() == pytest.approx(
        [(level - 40) * 2, (level - 100) * 2, (level - 100) * 2]
    )


def replay_days(ledger: StockLedger, days: int, demand: float) -> None:
    for day in range(1, days + 1):
        ledger.serve(day, np.array([demand]), 0)
        ledger.receive(day)


def test_lost_sales_by_hand() -> None:
    """Stock 30, demand 20 a day for 4 days, an order of 25 arriving at the end of day 2.

    Day 1: serve 20 (10 left). Day 2: serve 10 of 20, 10 lost; 25 arrive. Day 3:
    serve 20 (5 left). Day 4: serve 5, 15 lost. Fill 55/80; two stock-out days;
    end-of-day stock 10 + 25 + 5 + 0.
    """
    ledger = StockLedger(policies=1, units=1, days=4, weeks=1)
    ledger.stock_up(np.array([[30.0]]))
    ledger.place(np.array([[25.0]]), np.array([2]), week=0)
    replay_days(ledger, 4, 20.0)
    t = ledger.totals
    assert t.served.sum() == 55 and t.demand.sum() == 80
    assert t.short_days.sum() == 2
    assert t.stock.sum() == 40
    assert t.lines.sum() == 1 and t.ordered.sum() == 25


def test_backorders_wait_for_the_next_arrival() -> None:
    """The same days back-ordered: day 2 leaves 10 owed, which the arrival pays first.

    Net stock: 10, -10 (+25 = 15), -5, -25. Served on the day: 20, 10, 15, 0.
    """
    ledger = StockLedger(policies=1, units=1, days=4, weeks=1, backorder=True)
    ledger.stock_up(np.array([[30.0]]))
    ledger.place(np.array([[25.0]]), np.array([2]), week=0)
    replay_days(ledger, 4, 20.0)
    assert ledger.totals.served.sum() == 20 + 10 + 15 + 0
    assert ledger.net[0, 0] == -25
    assert ledger.position(4)[0, 0] == -25


def test_exchange_curve_interpolation() -> None:
    fills = np.array([0.80, 0.90, 0.95])
    stock = np.array([100.0, 200.0, 400.0])
    assert rule_stock_at(0.85, fills, stock) == pytest.approx(150.0)
    assert rule_stock_at(0.95, fills, stock) == pytest.approx(400.0)
    assert np.isnan(rule_stock_at(0.97, fills, stock))
    # more stock for the same fill is dominated: the least stock reaching it counts
    assert rule_stock_at(1.0, np.ones(3), np.array([140.0, 200.0, 420.0])) == 140.0
    assert np.isnan(rule_stock_at(0.70, fills, stock))
    # a variant with more stock but less fill is dominated, not interpolated through
    assert rule_stock_at(
        0.85, np.array([0.8, 0.75, 0.9]), np.array([100.0, 150.0, 200.0])
    ) == pytest.approx(150.0)


def test_simulate_writes_the_workbook_with_its_chart(tmp_path: Path) -> None:
    folder = constant_shop(tmp_path / "data")
    result = run_simulation(settings(folder, tmp_path / "out"), START.date(), weeks=2)
    (path,) = result.files
    assert path.name == "simulation_2026-05-11_2026-05-24.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Overall", "Classes", "SKUs", "Weeks"]
    curves = list(wb["Classes"].iter_rows(values_only=True))
    assert curves[0][:2] == ("ABC class", "Policy")
    assert [row[1] for row in curves[1:]] == ["forecaster", "rule k=0", "rule k=7"]
    overall = wb["Overall"]
    assert len(overall._charts) == 1  # the exchange curve
    texts = [str(c.value) for row in overall.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("forecaster: 100.0% fill") for t in texts)
    skus = list(wb["SKUs"].iter_rows(values_only=True))
    assert skus[0][0] == "SKU" and skus[1][0] == "A"
    weeks = list(wb["Weeks"].iter_rows(values_only=True))
    assert len(weeks) == 1 + 2
    assert "forecaster: 100.0% fill" in verdict(result.outcome)


def test_replay_needs_history_before_it(tmp_path: Path) -> None:
    folder = constant_shop(tmp_path / "data")
    with pytest.raises(ConfigError, match="needs sales history before it"):
        simulate(settings(folder, tmp_path / "out"), pd.Timestamp("2025-12-01").date(), 2)
    with pytest.raises(ConfigError, match="less than a week"):
        simulate(settings(folder, tmp_path / "out"), pd.Timestamp("2026-05-28").date(), 2)

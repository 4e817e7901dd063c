"""``forecaster simulate``: the replay's stock arithmetic by hand, the rule, the outcome tables."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.errors import ConfigError
from forecaster.io.dataset import Dataset
from forecaster.models.engine import forecast_units
from forecaster.pipeline import Engine, Orders, plan, plan_dataset
from forecaster.simulation import replay as replay_module
from forecaster.simulation.ledger import StockLedger
from forecaster.simulation.outcome import rule_stock_at, summarise, verdict
from forecaster.simulation.replay import Replay, simulate
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


def sample(folder: Path, out: Path, refit_weeks: int) -> Settings:
    """The sample shop, 10 SKUs, sales to 2026-03-31; one process for the fits."""
    sample_shop.write(sample_shop.generate(n_skus=10, start="2025-01-01", end="2026-03-31"), folder)
    s = settings(folder, out)
    return s.model_copy(
        update={
            "forecast": s.forecast.model_copy(update={"workers": 1, "smooth_min_units": 5.0}),
            "simulation": s.simulation.model_copy(update={"refit_weeks": refit_weeks}),
        }
    )


def full_plan(ds: Dataset, settings: Settings, engine: Engine = forecast_units) -> Orders:
    """The replay's plan before the refit schedule: every review plans as ``run`` does."""
    p = plan_dataset(ds, settings)
    return Orders(p.units, p.forecast, p.replenishment, p.supplier_orders)


def same_replay(a: Replay, b: Replay) -> bool:
    totals = [getattr(a.totals, f.name) for f in fields(a.totals)]
    others = [getattr(b.totals, f.name) for f in fields(b.totals)]
    ours = [*totals, a.forecast_p, a.rule_p, a.actual_p]
    theirs = [*others, b.forecast_p, b.rule_p, b.actual_p]
    return all(np.array_equal(x, y) for x, y in zip(ours, theirs, strict=True))


def test_refit_every_week_replays_full_plans_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = sample(tmp_path / "data", tmp_path / "out", refit_weeks=1)
    start = date(2026, 3, 10)
    rolled = simulate(s, start, weeks=3)
    assert (rolled.reviews, rolled.full_fits) == (3, 3)
    monkeypatch.setattr(replay_module, "plan_orders", full_plan)
    assert same_replay(rolled, simulate(s, start, weeks=3))


def test_the_replay_refits_every_refit_weeks_and_never_looks_ahead(tmp_path: Path) -> None:
    """Refit every 2 weeks: full fits at reviews 0 and 2 of 3. Sales after the second
    review (its day and before untouched) change no order placed up to it."""
    s = sample(tmp_path / "data", tmp_path / "out", refit_weeks=2)
    start = date(2026, 3, 10)
    replay = simulate(s, start, weeks=3)
    assert (replay.reviews, replay.full_fits) == (3, 2)
    sales = pd.read_csv(tmp_path / "data" / "sales.csv")
    later = pd.to_datetime(sales["date"]) > pd.Timestamp(start) + pd.Timedelta(days=7)
    sales.loc[later, "qty"] = sales.loc[later, "qty"] * 3 + 1
    sales.to_csv(tmp_path / "data" / "sales.csv", index=False)
    changed = simulate(s, start, weeks=3)
    # orders of reviews 0 and 1 (day 0 stocks up; day 7's are booked in week 0)
    assert np.array_equal(changed.totals.ordered[0, :, 0], replay.totals.ordered[0, :, 0])
    assert np.array_equal(changed.totals.demand[0, :, 0], replay.totals.demand[0, :, 0])
    assert not np.array_equal(changed.totals.demand, replay.totals.demand)


def test_the_policy_plans_for_the_unmet_demand_the_replay_serves(tmp_path: Path) -> None:
    """``--backorder`` replays back-orders and has forecaster plan for them, exactly as
    ``replenishment.unmet_demand = "backorder"`` does; lost sales (the default) hold less."""
    s = sample(tmp_path / "data", tmp_path / "out", refit_weeks=8)
    start = date(2026, 3, 10)
    flag = simulate(s, start, weeks=3, backorder=True)
    terms = s.replenishment.model_copy(update={"unmet_demand": "backorder"})
    configured = simulate(s.model_copy(update={"replenishment": terms}), start, weeks=3)
    assert flag.backorder and configured.backorder
    assert same_replay(flag, configured)
    lost = simulate(s, start, weeks=3)
    assert not lost.backorder
    assert lost.totals.ordered[0].sum() < flag.totals.ordered[0].sum()

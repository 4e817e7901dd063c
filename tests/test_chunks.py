"""The forecast fitted a chunk of units at a time, here or on a Dask cluster, equals the forecast
of the whole panel at once; the run's progress advances chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from forecaster.config import Settings
from forecaster.io.dataset import load_dataset
from forecaster.models.panel import forecast_daily
from forecaster.models.selection import Options, fit_periods
from forecaster.parallel import DaskRunner, reporting
from forecaster.pipeline import plan_dataset
from forecaster.plan import Plan

REPO = Path(__file__).resolve().parent.parent
ONE = Options(workers=1, smooth_min_units=2)


def panel(n: int = 240, t: int = 104, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Weekly demand: sparse series of all rates, 60 seasonal best sellers (the ETS and Theta
    fits) and 20 new ones (borrowing their group's rate), in four groups."""
    rng = np.random.default_rng(seed)
    season = 1 + 0.3 * np.sin(np.arange(t) / 52 * 2 * np.pi)
    rate = rng.gamma(0.5, 10, n)[:, None] * season[None, :]
    y = rng.poisson(rate * (rng.random((n, t)) < 0.6)).astype(float)
    y[20:80] = rng.poisson(50 * season[None, :] * np.ones((60, 1)))
    y[:20, :90] = 0
    return y, rng.integers(0, 4, n)


def assert_same(a: Any, b: Any) -> None:
    """The same forecast to the bit (a PeriodForecast or a unit Forecast)."""
    for key in ("mean", "cum_var", "own_weight", "evidence", "evidence_days", "uplift"):
        np.testing.assert_array_equal(getattr(a, key, None), getattr(b, key, None), err_msg=key)
    assert (a.model == b.model).all()


def test_chunks_of_any_size_give_the_whole_panels_forecast() -> None:
    y, groups = panel()
    whole = fit_periods(y, 13, 52, options=ONE, groups=groups)
    assert {"ets", "theta"} & {m for name in whole.forecast.model for m in name.split("+")}
    assert {"category", "shop"} & set(whole.forecast.model)  # new series borrow
    for size in (1_000, 100, 37):
        part = fit_periods(y, 13, 52, options=replace(ONE, chunk_units=size), groups=groups)
        assert_same(whole.forecast, part.forecast)
        for key in ("ets", "theta", "at"):
            np.testing.assert_array_equal(getattr(whole.smooth, key), getattr(part.smooth, key))


def test_a_daily_panel_in_chunks_reports_each_one() -> None:
    rng = np.random.default_rng(3)
    y = rng.poisson(rng.gamma(0.6, 2, 150)[:, None] * np.ones((1, 400))).astype(float)
    seen: list[tuple[int, int]] = []
    whole = forecast_daily(y, 28, options=ONE)
    runner = reporting(lambda done, total: seen.append((done, total)))
    part = forecast_daily(y, 28, options=replace(ONE, chunk_units=40, run_chunks=runner))
    assert_same(whole, part)
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_dask_cluster_gives_the_local_forecast_and_reports_each_chunk() -> None:
    y, groups = panel(seed=2)
    whole = fit_periods(y, 13, 52, options=ONE, groups=groups)
    seen: list[tuple[int, int]] = []
    with DaskRunner(workers=2, processes=False) as cluster:
        runner = reporting(lambda done, total: seen.append((done, total)), cluster)
        options = replace(ONE, chunk_units=50, run_chunks=runner)
        part = fit_periods(y, 13, 52, options=options, groups=groups)
    assert_same(whole.forecast, part.forecast)
    assert seen == [(k, 5) for k in range(1, 6)]  # 240 series, chunks of 50


class Recorded:
    """A Progress that records each stage's total and advances."""

    def __init__(self) -> None:
        self.stages: dict[str, tuple[int | None, list[int]]] = {}

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[object]:
        steps: list[int] = []
        self.stages[description] = (total, steps)
        yield steps.append


def sample_settings(**forecast: object) -> Settings:
    settings = Settings().with_overrides(data_dir=REPO / "sample_data")
    return settings.model_copy(update={"forecast": settings.forecast.model_copy(update=forecast)})


@pytest.fixture(scope="module")
def whole_plan() -> Plan:
    settings = sample_settings()
    return plan_dataset(load_dataset(settings), settings)


def same_plan(a: Plan, b: Plan) -> None:
    assert_same(a.forecast, b.forecast)
    pd.testing.assert_frame_equal(a.replenishment, b.replenishment)


def test_the_run_forecasts_chunk_by_chunk_with_the_same_plan(whole_plan: Plan) -> None:
    settings = sample_settings(chunk_units=100)
    progress = Recorded()
    chunked = plan_dataset(load_dataset(settings), settings, progress)
    same_plan(whole_plan, chunked)
    units = len(chunked.units)  # 345 units: 4 chunks of at most 100
    assert progress.stages["Forecasting demand"] == (-(-units // 100), [1] * -(-units // 100))


def test_engine_dask_plans_the_same_on_a_local_cluster_of_processes(whole_plan: Plan) -> None:
    """``[engine] kind = "dask"``: a LocalCluster of two worker processes on this machine
    (the tasks travel pickled, as to a remote cluster)."""
    settings = sample_settings(chunk_units=120).model_copy(
        update={"engine": Settings().engine.model_copy(update={"kind": "dask", "workers": 2})}
    )
    same_plan(whole_plan, plan_dataset(load_dataset(settings), settings))


def test_a_scheduler_that_does_not_answer_stops_the_run_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from forecaster import parallel
    from forecaster.cli import app

    read: list[str] = []
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", "1s")
    monkeypatch.setattr("forecaster.pipeline.read_dataset", lambda *a: read.append("read"))
    out = tmp_path / "out"
    args = ["run", "--data", str(REPO / "sample_data"), "--out", str(out), "--no-history"]
    result = CliRunner().invoke(app, [*args, "--engine", "dask", "--address", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "engine.address tcp://127.0.0.1:9: no Dask scheduler answers" in " ".join(
        result.output.split()
    )
    assert read == [] and not out.exists()

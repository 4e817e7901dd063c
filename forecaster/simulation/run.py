"""``forecaster simulate`` end to end: replay, summarise, write the workbook atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from forecaster.config import Settings
from forecaster.progress import Progress, Silent
from forecaster.report.simulation_workbook import (
    simulation_workbook_name,
    write_simulation_workbook,
)
from forecaster.report.staging import OutputStage
from forecaster.simulation.outcome import Outcome, summarise
from forecaster.simulation.replay import Replay, simulate


@dataclass(frozen=True)
class SimulationResult:
    replay: Replay
    outcome: Outcome
    files: list[Path]


def run_simulation(
    settings: Settings,
    start: date | None = None,
    weeks: int | None = None,
    backorder: bool | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Replay (see :func:`~forecaster.simulation.replay.simulate`) and write
    ``simulation_<first day>_<last day>.xlsx`` into the output folder."""
    progress = progress or Silent()
    replay = simulate(settings, start, weeks, backorder, progress)
    outcome = summarise(replay)
    with OutputStage(Path(settings.output.dir)) as stage:
        lang = settings.output.lang
        path = stage.path(simulation_workbook_name(replay, settings.output.names_lang(lang)))
        write_simulation_workbook(replay, outcome, settings.simulation.rule_window_days, path, lang)
        files = stage.commit()
    return SimulationResult(replay, outcome, files)

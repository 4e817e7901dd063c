"""How fast the forecasting engine is on a daily panel shaped like an online shop.

A deterministic panel of ``n`` SKUs x 730 days (``numpy.random.default_rng(seed)``,
oldest day first, day 0 a Monday) is generated with this mix of demand profiles::

    intermittent 55%  a sale every 3-30 days on average (log-uniform per SKU), 1 + Poisson(0-1.5)
                      units a sale; the chance of a sale follows the rhythm below
    lumpy        15%  a sale every 15-90 days (same rhythm), sizes lognormal (median 3-40
                      units, sigma 0.8-1.3), rounded up
    smooth       20%  negative binomial (shape 1.5-30, log-uniform) around a level of 2-200 units
                      a day (log-uniform) times the rhythm
    dead          5%  negative binomial (shape 1-10) around 0.2-20 units a day times the rhythm,
                      then nothing for the last 60-365 days
    new           5%  launched 10-200 days before the end (zeros before), then as dead

The rhythm, drawn per SKU: a weekday pattern (Monday +15% ... Saturday -15%, strength 0.5-2),
a yearly swing (±5-35%, peak on a random day) and a mild linear trend (-25% to +25% of the last
day's level a year). The number of SKUs of each profile is exact (largest remainders), the
profiles are shuffled over the rows. About 70% of the days have no sale. 30,000 x 730 takes
1-2 s on the 2-core benchmark machine. For the panel of the reference size (10,000
SKUs, or the measured size nearest to it) the script prints each profile's Syntetos-Boylan
class, computed from the first sale on: ADI = days since the first sale / days with a sale
(cut 1.32), CV² = squared coefficient of variation of the non-zero daily quantities (population
variance, cut 0.49); SKUs with fewer than two sales get no class.

For each size (default 1,000, 10,000 and 30,000) a fresh subprocess generates the panel (timed
on its own), then times ``forecaster.models.engine.forecast_matrix(y, horizon, "D")`` (wall,
``time.perf_counter``) and ``fc.quantile(0.9)`` on the result. Memory of that subprocess:

* base MiB: its RSS after importing and generating (``VmRSS``), before forecasting;
* main MiB: peak RSS of the process itself over its whole life (``ru_maxrss`` of
  ``RUSAGE_SELF``, generation included);
* worker MiB: peak RSS of the largest worker of the engine's process pool (``ru_maxrss`` of
  ``RUSAGE_CHILDREN`` is the largest single reaped descendant, not a sum; 0 if the pool's
  workers have not exited when it is read);
* peak MiB: main + workers x worker, as if every process peaked at the same moment. It is an
  upper bound: pages a forked worker shares with the main process (the panel, the imported
  libraries) are counted once per process. The memory target is checked against it;
* PSS MiB: the peak of the summed proportional set size (``/proc/PID/smaps_rollup``, shared
  pages split between the processes sharing them) of the process and all its descendants,
  sampled every 100 ms during ``forecast_matrix`` by a thread of the main process: the
  closest figure to what the machine really had to supply, but a spike shorter than the
  interval can be missed. A sample costs about 1 ms of CPU (1% of a core, counted in the CPU
  time below).

statsforecast's ``AutoETS(season_length=7)`` is the yardstick: a random sample of the
reference panel (default 300 SKUs), ``h`` = the horizon, ``n_jobs=2`` (the cores the engine
uses on the benchmark machine), in its own subprocess, after a warm-up call on two synthetic
series (not timed). The warm-up runs in the process itself with ``n_jobs=1``, so that anything
compiled on first use (numba) is inherited by the forked workers of the timed call; in
statsforecast 2.x ETS itself is compiled C++ and the warm-up takes well under a second. Only
point forecasts are asked for (no ``level``). statsforecast splits the series into up to
100 x n_jobs chunks, so both workers stay busy to the end.

Wall time is what the targets use; it is only fair on an otherwise idle machine. Every
measurement therefore also reports ``others``: the mean number of cores the rest of the machine
used meanwhile (busy time of ``/proc/stat``, steal included, minus our own CPU time), and the
targets are followed by a warning when it exceeds 0.1. CPU time (user + system of the process
and its reaped children, ``os.times``) changes much less when other processes compete for the
cores (about 10% in practice) and gives a second speed-up figure.

At the end it prints one table (SKUs, seconds to generate, seconds to forecast, ms per SKU,
memory), the panel's class mix, the mix of ``fc.model`` (and of the candidates within the
combinations) at the reference size, and the targets with the measured
values: forecast wall at 10k ≤ 60 s, peak ≤ 3 GiB (3,072 MiB), speed-up (AutoETS ms/SKU ÷
forecaster ms/SKU at 10k) ≥ 50x, and the growth of ms/SKU from the smallest to the largest
size (1.0 = linear; printed, no target)::

    python bench/speed.py
    python bench/speed.py --sizes 1000,10000 --ets-sample 400 --seed 7
    python bench/speed.py --sizes 30000 --ets-sample 0      # no AutoETS

It prints figures; it asserts nothing. Needs statsforecast (the ``bench`` extra) for the
AutoETS part; without it that part is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from harness import describe, failure, package_version, parse_sizes
from harness import run_child as harness_run_child

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_SIZES = (1000, 10000, 30000)
#: The size the targets, the model mix, the panel mix and the AutoETS sample refer to.
REFERENCE = 10000
SEED = 20261124
DAYS = 730
HORIZON = 28
ETS_SAMPLE = 300
#: Worker processes of statsforecast (the cores of the benchmark machine).
ETS_JOBS = 2
#: Demand profiles of the generated panel and their shares (see the module docstring).
PROFILES = {"intermittent": 0.55, "lumpy": 0.15, "smooth": 0.20, "dead": 0.05, "new": 0.05}
#: Relative demand by weekday, Monday first, at strength 1 (Monday high, Saturday low).
WEEKDAY = np.array([0.15, 0.08, 0.02, -0.02, -0.06, -0.15, -0.02])
#: Syntetos-Boylan cuts.
ADI_CUT = 1.32
CV2_CUT = 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "<2 sales")
QUANTILE = 0.9
#: Rows of the model table (the rarer models are summed in one row).
MODEL_ROWS = 15
TARGET_WALL_S = 60.0
TARGET_PEAK_MIB = 3 * 1024.0
TARGET_SPEEDUP = 50.0
#: Mean cores used by other processes above which a wall time is flagged as unfair.
BUSY_CORES = 0.1
#: Interval of the process-tree memory sampler, seconds.
SAMPLE_EVERY_S = 0.1


# --------------------------------------------------------------------------- the panel


def profile_counts(n_skus: int) -> list[int]:
    """SKUs of each profile for ``n_skus`` SKUs: the shares rounded by largest remainders."""
    exact = [share * n_skus for share in PROFILES.values()]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: n_skus - sum(counts)]:
        counts[i] += 1
    return counts


def log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> FloatArray:
    """``size`` draws spread evenly on a log scale between ``low`` and ``high``."""
    return np.exp(rng.uniform(np.log(low), np.log(high), size))


def rhythm(rng: np.random.Generator, k: int, days: int) -> FloatArray:
    """(k, days) multipliers: weekday rhythm x yearly swing x mild trend, one draw per row."""
    t = np.arange(days, dtype=np.float64)
    strength = rng.uniform(0.5, 2.0, (k, 1))
    factor: FloatArray = 1.0 + strength * WEEKDAY[np.arange(days) % 7]
    # swing * cos(angle - peak), expanded so that no (k, days) cosine has to be taken
    swing = rng.uniform(0.05, 0.35, (k, 1))
    peak = rng.uniform(0.0, 2.0 * np.pi, (k, 1))
    angle = 2.0 * np.pi * t / 365.25
    factor *= 1.0 + (swing * np.cos(peak)) * np.cos(angle) + (swing * np.sin(peak)) * np.sin(angle)
    trend = rng.uniform(-0.25, 0.25, (k, 1))
    factor *= 1.0 + trend * ((t - (days - 1)) / 365.25)
    return factor


def negative_binomial(rng: np.random.Generator, mean: FloatArray, shape: FloatArray) -> FloatArray:
    """Negative binomial counts with the given means and per-row shapes (gamma-Poisson).

    ``mean`` is overwritten (it becomes the Poisson rate).
    """
    mean *= rng.gamma(shape, 1.0 / shape, mean.shape)
    return rng.poisson(mean).astype(np.float64)


def sale_days(
    rng: np.random.Generator, k: int, days: int, every_low: float, every_high: float
) -> tuple[IntArray, IntArray]:
    """Row and day of each sale of k SKUs selling once every ``every_low``-``every_high`` days.

    The mean interval is log-uniform per SKU; the chance of a sale on a day follows
    :func:`rhythm`.
    """
    chance = rhythm(rng, k, days).astype(np.float32)
    chance /= log_uniform(rng, every_low, every_high, k).astype(np.float32)[:, None]
    row, day = np.nonzero(rng.random((k, days), dtype=np.float32) < chance)
    return row.astype(np.int64), day.astype(np.int64)


def generate_panel(n_skus: int, days: int, seed: int) -> tuple[FloatArray, IntArray]:
    """The (n_skus, days) daily panel and each row's profile (index into ``PROFILES``)."""
    rng = np.random.default_rng(seed)
    counts = profile_counts(n_skus)
    profile = rng.permutation(np.repeat(np.arange(len(PROFILES), dtype=np.int64), counts))
    y = np.zeros((n_skus, days))
    rows = {name: np.flatnonzero(profile == i) for i, name in enumerate(PROFILES)}

    k = rows["intermittent"].size
    extra = rng.uniform(0.0, 1.5, k)
    row, day = sale_days(rng, k, days, 3.0, 30.0)
    y[rows["intermittent"][row], day] = 1.0 + rng.poisson(extra[row])

    k = rows["lumpy"].size
    median = log_uniform(rng, 3.0, 40.0, k)
    sigma = rng.uniform(0.8, 1.3, k)
    row, day = sale_days(rng, k, days, 15.0, 90.0)
    y[rows["lumpy"][row], day] = np.ceil(
        median[row] * np.exp(sigma[row] * rng.standard_normal(row.size))
    )

    k = rows["smooth"].size
    mean = rhythm(rng, k, days) * log_uniform(rng, 2.0, 200.0, k)[:, None]
    y[rows["smooth"]] = negative_binomial(rng, mean, log_uniform(rng, 1.5, 30.0, k)[:, None])
    del mean

    t = np.arange(days)
    for name in ("dead", "new"):
        k = rows[name].size
        mean = rhythm(rng, k, days) * log_uniform(rng, 0.2, 20.0, k)[:, None]
        demand = negative_binomial(rng, mean, rng.uniform(1.0, 10.0, (k, 1)))
        if name == "dead":
            demand *= t < days - rng.integers(60, 366, (k, 1))
        else:
            demand *= t >= days - rng.integers(10, 201, (k, 1))
        y[rows[name]] = demand
        del mean, demand
    return y, profile


def demand_classes(y: FloatArray) -> npt.NDArray[np.str_]:
    """Each row's Syntetos-Boylan class (from its first sale on), or ``<2 sales``."""
    days = y.shape[1]
    sold = y > 0
    count = sold.sum(axis=1)
    first = np.where(count > 0, sold.argmax(axis=1), days)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = (days - first) / count
        mean = y.sum(axis=1) / count
        cv2 = (np.einsum("ij,ij->i", y, y) / count - mean**2) / mean**2
    regular, steady = adi < ADI_CUT, cv2 < CV2_CUT
    classes = np.select(
        [count < 2, regular & steady, regular, steady],
        ["<2 sales", "smooth", "erratic", "intermittent"],
        "lumpy",
    )
    return classes.astype(np.str_)


def class_mix(y: FloatArray, profile: IntArray) -> dict[str, dict[str, int]]:
    """SKUs of each Syntetos-Boylan class, per generated profile."""
    classes = demand_classes(y)
    return {
        name: {c: int(np.count_nonzero(classes[profile == i] == c)) for c in CLASSES}
        for i, name in enumerate(PROFILES)
    }


# --------------------------------------------------------------------------- memory


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak RSS of the largest reaped descendant of this process, MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its reaped children so far."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used so far (``/proc/stat``; 0 if unknown).

    Steal time (the hypervisor running other guests) counts as used: it is time the cores
    were not ours either.
    """
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Stopwatch:
    """Wall time, own CPU time and the CPU time other processes took meanwhile."""

    def __init__(self) -> None:
        self.wall = self.cpu = self.others = 0.0
        self._wall = self._cpu = self._busy = 0.0

    def start(self) -> Stopwatch:
        """Start measuring."""
        self._busy = machine_busy_seconds()
        self._cpu = cpu_seconds()
        self._wall = time.perf_counter()
        return self

    def stop(self) -> Stopwatch:
        """Stop measuring: fill ``wall``, ``cpu`` and ``others`` (mean cores used by others)."""
        self.wall = time.perf_counter() - self._wall
        self.cpu = cpu_seconds() - self._cpu
        busy = machine_busy_seconds() - self._busy
        self.others = max(busy - self.cpu, 0.0) / self.wall if self.wall > 0 else 0.0
        return self


def load_average() -> str:
    """The 1-minute load average, or ``?``."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def current_rss_mb() -> float:
    """Resident memory of this process now (``VmRSS``), MiB; NaN where it cannot be read."""
    try:
        text = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return float("nan")
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def descendants(pid: int) -> list[int]:
    """The live descendants of ``pid`` (from ``/proc/PID/task/TID/children``)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                text = Path(f"/proc/{parent}/task/{tid}/children").read_text(encoding="ascii")
            except OSError:
                continue
            kids = [int(p) for p in text.split()]
            found += kids
            todo += kids
    return found


def rss_pss_kb(pid: int) -> tuple[int, int]:
    """RSS and PSS of ``pid`` in KiB (``/proc/PID/smaps_rollup``); zeros if it has gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return 0, 0
    rss = re.search(r"^Rss:\s+(\d+) kB", text, re.MULTILINE)
    pss = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return (int(rss.group(1)) if rss else 0, int(pss.group(1)) if pss else 0)


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS of this process and its descendants until stopped."""

    def __init__(self, every: float = SAMPLE_EVERY_S) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self.seen: set[int] = set()
        self.samples = 0
        self._halt = threading.Event()

    def sample(self) -> None:
        """Take one sample."""
        me = os.getpid()
        kids = descendants(me)
        self.seen.update(kids)
        rss = pss = 0
        for pid in (me, *kids):
            r, p = rss_pss_kb(pid)
            rss, pss = rss + r, pss + p
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
        self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
        self.samples += 1

    def run(self) -> None:
        """Sample until :meth:`stop`."""
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.every)

    def stop(self) -> None:
        """Stop sampling (after one last sample) and wait for the thread."""
        self._halt.set()
        self.join()
        self.sample()


# --------------------------------------------------------------------------- children


def child_size(n_skus: int, days: int, horizon: int, seed: int, result_file: Path) -> None:
    """Generate one panel and time the engine on it; save the figures as JSON."""
    figures: dict[str, Any] = {}
    began = time.perf_counter()
    y, profile = generate_panel(n_skus, days, seed)
    figures["generate_s"] = time.perf_counter() - began
    figures["generate_peak_mb"] = peak_rss_mb()
    figures["base_rss_mb"] = current_rss_mb()
    figures["classes"] = class_mix(y, profile)
    figures["zero_share"] = float(np.count_nonzero(y == 0) / y.size)
    result_file.write_text(json.dumps(figures), encoding="utf-8")
    print(
        f"  generated in {figures['generate_s']:.2f} s, RSS {figures['base_rss_mb']:,.0f} MiB, "
        f"{100 * figures['zero_share']:.1f}% of days without a sale",
        flush=True,
    )

    try:
        from forecaster.models.engine import forecast_matrix
    except ImportError as error:
        figures["note"] = f"forecast_matrix not available: {error}"
        result_file.write_text(json.dumps(figures), encoding="utf-8")
        print(f"  {figures['note']}", flush=True)
        return

    figures["base_rss_mb"] = current_rss_mb()
    tree = TreeMemory()
    tree.start()
    watch = Stopwatch().start()
    fc = forecast_matrix(y, horizon, "D")
    watch.stop()
    tree.stop()
    figures["forecast_s"], figures["forecast_cpu_s"] = watch.wall, watch.cpu
    figures["others_cores"] = watch.others
    began = time.perf_counter()
    upper = fc.quantile(QUANTILE)
    figures["quantile_s"] = time.perf_counter() - began
    figures["main_peak_mb"] = peak_rss_mb()
    figures["worker_peak_mb"] = children_peak_rss_mb()
    figures["workers"] = len(tree.seen)
    figures["tree_rss_mb"] = tree.peak_rss_mb
    figures["tree_pss_mb"] = tree.peak_pss_mb
    figures["samples"] = tree.samples
    models, counts = np.unique(np.asarray(fc.model).astype(str), return_counts=True)
    figures["models"] = {str(m): int(c) for m, c in zip(models, counts, strict=True)}
    engine_classes = getattr(fc, "demand_class", None)
    if engine_classes is not None:
        names, counts = np.unique(np.asarray(engine_classes).astype(str), return_counts=True)
        figures["engine_classes"] = {str(c): int(k) for c, k in zip(names, counts, strict=True)}
    figures["shapes"] = [list(np.shape(fc.mean)), list(np.shape(upper))]
    result_file.write_text(json.dumps(figures), encoding="utf-8")
    print(
        f"  forecast_matrix {figures['forecast_s']:.2f} s (other processes used "
        f"{figures['others_cores']:.2f} cores meanwhile), quantile({QUANTILE}) "
        f"{figures['quantile_s']:.3f} s, main peak {figures['main_peak_mb']:,.0f} MiB, "
        f"largest of {figures['workers']} workers {figures['worker_peak_mb']:,.0f} MiB; "
        f"fc.mean {np.shape(fc.mean)}, quantile {np.shape(upper)}",
        flush=True,
    )


def long_frame(y: FloatArray) -> Any:
    """The panel as statsforecast's long table: ``unique_id``, ``ds``, ``y``."""
    import pandas as pd

    n, days = y.shape
    dates = pd.date_range("2024-01-01", periods=days, freq="D")  # a Monday, as day 0
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n), days),
            "ds": np.tile(dates.to_numpy(), n),
            "y": y.ravel(),
        }
    )


def child_ets(
    n_skus: int, sample: int, days: int, horizon: int, seed: int, result_file: Path
) -> None:
    """Time AutoETS on a random sample of the panel of ``n_skus`` SKUs; save the figures."""
    from statsforecast import StatsForecast  # type: ignore[import-not-found, unused-ignore]
    from statsforecast.models import AutoETS  # type: ignore[import-not-found, unused-ignore]

    y, _ = generate_panel(n_skus, days, seed)
    rows = np.sort(np.random.default_rng(seed + 1).choice(n_skus, min(sample, n_skus), False))
    frame = long_frame(y[rows])
    del y

    rng = np.random.default_rng(seed + 2)
    warm = np.stack([1.0 + rng.poisson(20.0, days), rng.poisson(0.3, days)]).astype(np.float64)
    began = time.perf_counter()
    StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=1).forecast(
        df=long_frame(warm), h=horizon
    )
    warm_s = time.perf_counter() - began

    model = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=ETS_JOBS)
    watch = Stopwatch().start()
    out = model.forecast(df=frame, h=horizon)
    watch.stop()
    figures = {
        "skus": int(rows.size),
        "warm_s": warm_s,
        "ets_s": watch.wall,
        "ets_cpu_s": watch.cpu,
        "others_cores": watch.others,
        "rows_out": len(out),
    }
    result_file.write_text(json.dumps(figures), encoding="utf-8")


# --------------------------------------------------------------------------- parent


@dataclass
class SizeResult:
    """Figures of one panel size (from its child's JSON)."""

    skus: int
    figures: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def get(self, key: str) -> Any:
        """A figure, or None if the child did not get that far."""
        return self.figures.get(key)

    @property
    def ms_per_sku(self) -> float | None:
        """Forecast wall time per SKU, ms."""
        seconds = self.get("forecast_s")
        return None if seconds is None else 1000 * seconds / self.skus

    @property
    def cpu_ms_per_sku(self) -> float | None:
        """Forecast CPU time per SKU, ms (the workers' only once they have exited)."""
        seconds = self.get("forecast_cpu_s")
        return None if seconds is None else 1000 * seconds / self.skus

    @property
    def peak_mb(self) -> float | None:
        """Upper bound of the process tree's peak: main + workers x largest worker."""
        main, worker = self.get("main_peak_mb"), self.get("worker_peak_mb")
        if main is None or worker is None:
            return None
        return float(main + max(self.get("workers") or 0, 1 if worker else 0) * worker)


def run_child(args: Sequence[str]) -> tuple[int, str]:
    """Run this script with ``args`` in a fresh interpreter (see :func:`harness.run_child`)."""
    return harness_run_child(__file__, args)


def common_args(args: argparse.Namespace) -> list[str]:
    """The panel options a child needs."""
    return ["--days", str(args.days), "--horizon", str(args.horizon), "--seed", str(args.seed)]


def measure(n_skus: int, args: argparse.Namespace, root: Path) -> SizeResult:
    """Generate and forecast the panel of ``n_skus`` SKUs in a child; never raises on failure."""
    result = SizeResult(n_skus)
    result_file = root / f"size_{n_skus}.json"
    print(f"\n== {n_skus:,} SKUs (load average {load_average()})", flush=True)
    code, err = run_child(
        ["--child-size", str(n_skus), "--json", str(result_file), *common_args(args)]
    )
    if result_file.is_file():
        result.figures = json.loads(result_file.read_text(encoding="utf-8"))
    result.note = result.figures.get("note", "")
    if code != 0:
        result.note = failure("the child", code, err)
        print(f"  {result.note}", flush=True)
    return result


def measure_ets(n_skus: int, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    """Time AutoETS on a sample of the panel of ``n_skus`` SKUs in a child."""
    result_file = root / "ets.json"
    print(
        f"\n== AutoETS(season_length=7), {min(args.ets_sample, n_skus):,} random SKUs of the "
        f"{n_skus:,}-SKU panel, n_jobs={ETS_JOBS} (load average {load_average()})",
        flush=True,
    )
    extra = ["--ets-sample", str(args.ets_sample), "--json", str(result_file)]
    code, err = run_child(["--child-ets", str(n_skus), *extra, *common_args(args)])
    if code != 0:
        note = failure("AutoETS", code, err)
        print(f"  {note}", flush=True)
        return {"note": note}
    figures: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    figures["ms_per_sku"] = 1000 * figures["ets_s"] / figures["skus"]
    figures["cpu_ms_per_sku"] = 1000 * figures["ets_cpu_s"] / figures["skus"]
    print(
        f"  warm-up (2 series, n_jobs=1) {figures['warm_s']:.1f} s; {figures['skus']:,} SKUs in "
        f"{figures['ets_s']:.1f} s = {figures['ms_per_sku']:.1f} ms/SKU wall, "
        f"{figures['cpu_ms_per_sku']:.1f} ms/SKU CPU (other processes used "
        f"{figures['others_cores']:.2f} cores meanwhile)",
        flush=True,
    )
    return figures


def machine() -> list[str]:
    """Lines describing the machine and the versions of the libraries that matter."""
    names = ("forecaster", "numpy", "scipy", "pandas", "statsforecast", "numba")
    return describe(names, f", load average {load_average()}")


def num(value: float | None, spec: str, unit: str = "") -> str:
    """``value`` formatted and followed by ``unit``, or ``-``."""
    return "-" if value is None else format(value, spec) + unit


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> list[str]:
    """A plain text table; the first ``left`` columns are left-aligned, the others right."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def size_table(results: Sequence[SizeResult]) -> list[str]:
    """One row per size, with a legend and notes."""
    headers = ["SKUs", "generate s", "forecast s", "others", "ms/SKU", "CPU ms/SKU"]
    headers += [f"q{QUANTILE:g} s", "base MiB"]
    headers += ["main MiB", "workers", "worker MiB", "peak MiB", "PSS MiB"]
    rows = [
        [
            num(r.skus, ","),
            num(r.get("generate_s"), ".2f"),
            num(r.get("forecast_s"), ".2f"),
            num(r.get("others_cores"), ".2f"),
            num(r.ms_per_sku, ".3f"),
            num(r.cpu_ms_per_sku, ".3f"),
            num(r.get("quantile_s"), ".3f"),
            num(r.get("base_rss_mb"), ",.0f"),
            num(r.get("main_peak_mb"), ",.0f"),
            num(r.get("workers"), "d"),
            num(r.get("worker_peak_mb"), ",.0f"),
            num(r.peak_mb, ",.0f"),
            num(r.get("tree_pss_mb"), ",.0f"),
        ]
        for r in results
    ]
    lines = render(headers, rows, left=0)
    lines += [
        "",
        "generate s: generating the panel (not part of the forecast); forecast s: wall time of",
        "forecast_matrix; others: mean cores used by other processes of the machine meanwhile",
        "(/proc/stat; wall times are only fair near 0); CPU ms/SKU: user + system time of the",
        f"process and its reaped workers; q{QUANTILE:g} s: fc.quantile({QUANTILE}) of the result;",
        "base MiB: RSS before forecasting; main MiB: peak RSS of the process (ru_maxrss,",
        "generation included); workers: worker processes seen; worker MiB: peak RSS of the",
        "largest (RUSAGE_CHILDREN); peak MiB: main + workers x worker (upper bound: shared pages",
        "counted in every process); PSS MiB: peak summed PSS of the process tree, sampled every",
        f"{1000 * SAMPLE_EVERY_S:.0f} ms.",
    ]
    lines += [f"{r.skus:,} SKUs: {r.note}" for r in results if r.note]
    return lines


def mix_table(classes: dict[str, dict[str, int]]) -> list[str]:
    """Generated profile x Syntetos-Boylan class, with totals and shares."""
    total = {c: sum(row[c] for row in classes.values()) for c in CLASSES}
    n = sum(total.values())
    rows = [
        [name, *(f"{row[c]:,}" for c in CLASSES), f"{sum(row.values()):,}"]
        for name, row in classes.items()
    ]
    rows.append(["all", *(f"{total[c]:,}" for c in CLASSES), f"{n:,}"])
    rows.append(["share", *(f"{100 * total[c] / n:.1f}%" for c in CLASSES), "100%"])
    return render(["profile", *CLASSES, "all"], rows)


def model_table(models: dict[str, int], top: int = MODEL_ROWS) -> list[str]:
    """Counts of ``fc.model``, most frequent first (the ``top`` ones, then the rest together)."""
    n = sum(models.values())
    ranked = sorted(models.items(), key=lambda item: (-item[1], item[0]))
    rows = [[name, f"{count:,}", f"{100 * count / n:.1f}%"] for name, count in ranked[:top]]
    if len(ranked) > top:
        rest = sum(count for _, count in ranked[top:])
        rows.append([f"({len(ranked) - top} others)", f"{rest:,}", f"{100 * rest / n:.1f}%"])
    return render(["model", "SKUs", "share"], rows)


def candidate_table(models: dict[str, int]) -> list[str]:
    """SKUs whose chosen model uses each candidate (the parts of names joined by ``+``)."""
    n = sum(models.values())
    uses: dict[str, int] = {}
    for name, count in models.items():
        for part in set(name.split("+")):
            uses[part] = uses.get(part, 0) + count
    ranked = sorted(uses.items(), key=lambda item: (-item[1], item[0]))
    rows = [[name, f"{count:,}", f"{100 * count / n:.1f}%"] for name, count in ranked]
    return render(["candidate", "SKUs", "share"], rows)


def targets(
    reference: SizeResult | None, results: Sequence[SizeResult], ets: dict[str, Any]
) -> list[str]:
    """The targets, the measured values and whether each is met."""

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "NOT met")

    rows: list[list[str]] = []
    size = f"{reference.skus:,}" if reference else "-"
    wall = reference.get("forecast_s") if reference else None
    rows.append(
        [
            f"forecast_matrix wall, {size} SKUs",
            f"≤ {TARGET_WALL_S:.0f} s",
            num(wall, ".2f", " s"),
            verdict(None if wall is None else wall <= TARGET_WALL_S),
        ]
    )
    peak = reference.peak_mb if reference else None
    pss = reference.get("tree_pss_mb") if reference else None
    rows.append(
        [
            f"peak memory, {size} SKUs (peak MiB)",
            f"≤ {TARGET_PEAK_MIB:,.0f} MiB (3 GiB)",
            num(peak, ",.0f", " MiB"),
            verdict(None if peak is None else peak <= TARGET_PEAK_MIB),
        ]
    )
    rows.append(
        [
            "  (sampled PSS of the tree)",
            "",
            num(pss, ",.0f", " MiB"),
            verdict(None if pss is None else pss <= TARGET_PEAK_MIB),
        ]
    )
    ours = reference.ms_per_sku if reference else None
    theirs = ets.get("ms_per_sku")
    speedup = None if ours is None or theirs is None else theirs / ours
    rows.append(
        [
            f"speed-up: AutoETS {num(theirs, '.1f')} ÷ forecaster {num(ours, '.3f')} ms/SKU",
            f"≥ {TARGET_SPEEDUP:.0f}x",
            num(speedup, ",.0f", "x"),
            verdict(None if speedup is None else speedup >= TARGET_SPEEDUP),
        ]
    )
    ours_cpu = reference.cpu_ms_per_sku if reference else None
    theirs_cpu = ets.get("cpu_ms_per_sku")
    cpu_speedup = None if ours_cpu is None or theirs_cpu is None else theirs_cpu / ours_cpu
    rows.append(
        [
            f"  (CPU: {num(theirs_cpu, '.1f')} ÷ {num(ours_cpu, '.3f')} ms/SKU)",
            "",
            num(cpu_speedup, ",.0f", "x"),
            verdict(None if cpu_speedup is None else cpu_speedup >= TARGET_SPEEDUP),
        ]
    )
    timed = [r for r in results if r.ms_per_sku is not None]
    small = min(timed, key=lambda r: r.skus) if timed else None
    large = max(timed, key=lambda r: r.skus) if timed else None
    growth = None
    label = "growth of ms/SKU"
    if small is not None and large is not None and large.skus > small.skus:
        growth = (large.ms_per_sku or 0.0) / (small.ms_per_sku or 1.0)
        label = f"growth: ms/SKU at {large.skus:,} ÷ at {small.skus:,}"
    rows.append([label, "1.0 = linear", num(growth, ".2f"), "(no target)"])
    lines = render(["target", "wanted", "measured", ""], rows, left=2)
    busy = [(f"forecast_matrix at {r.skus:,} SKUs", r.get("others_cores")) for r in results]
    busy.append(("AutoETS", ets.get("others_cores")))
    for what, cores in busy:
        if cores is not None and cores > BUSY_CORES:
            lines.append(
                f"warning: other processes used {cores:.2f} cores on average during {what}: "
                "its wall time is too long; rerun on an idle machine"
            )
    return lines


def pick_reference(sizes: Sequence[int]) -> int:
    """The size the targets refer to: 10,000 if measured, else the size nearest to it."""
    return min(sizes, key=lambda n: (abs(n - REFERENCE), n))


def non_negative(text: str) -> int:
    """A whole number of at least 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0: {text!r}")
    return value


def positive(text: str) -> int:
    """A whole number of at least 1."""
    value = non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line arguments of the parent and of the children."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help=f"comma-separated SKU counts (default: {','.join(map(str, DEFAULT_SIZES))})",
    )
    parser.add_argument(
        "--ets-sample",
        type=non_negative,
        default=ETS_SAMPLE,
        help=f"SKUs of the reference panel given to AutoETS (default: {ETS_SAMPLE}; 0 skips it)",
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"panel seed (default: {SEED})")
    parser.add_argument("--days", type=positive, default=DAYS, help=f"history (default: {DAYS})")
    parser.add_argument(
        "--horizon", type=positive, default=HORIZON, help=f"days ahead (default: {HORIZON})"
    )
    parser.add_argument("--child-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-ets", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every size and AutoETS (or, as a child, one of them)."""
    args = parse_args(argv)
    if args.child_size is not None:
        child_size(args.child_size, args.days, args.horizon, args.seed, args.json)
        return 0
    if args.child_ets is not None:
        child_ets(args.child_ets, args.ets_sample, args.days, args.horizon, args.seed, args.json)
        return 0

    print("\n".join(machine()))
    print(f"panel   : {args.days} days, seed {args.seed}; horizon {args.horizon} days")
    reference_size = pick_reference(args.sizes)
    with tempfile.TemporaryDirectory(prefix="forecaster-speed-") as temp:
        results = [measure(n_skus, args, Path(temp)) for n_skus in args.sizes]
        ets: dict[str, Any] = {}
        if args.ets_sample == 0:
            ets["note"] = "AutoETS skipped (--ets-sample 0)"
        elif "statsforecast -" in package_version("statsforecast"):
            ets["note"] = "statsforecast is not installed (the bench extra): AutoETS skipped"
        else:
            ets = measure_ets(reference_size, args, Path(temp))
        if "note" in ets:
            print(f"\n{ets['note']}", flush=True)
    reference = next(r for r in results if r.skus == reference_size)

    print()
    print("\n".join(size_table(results)))
    if reference.get("classes"):
        print(f"\nPanel of {reference.skus:,} SKUs: generated profile x Syntetos-Boylan class")
        print(f"(ADI cut {ADI_CUT}, CV² cut {CV2_CUT} on non-zero days, from the first sale on)")
        print("\n".join(mix_table(reference.get("classes"))))
    models = reference.get("models")
    if models:
        print(f"\nModels chosen at {reference.skus:,} SKUs (fc.model, {len(models)} distinct)")
        print("\n".join(model_table(models)))
        if any("+" in name for name in models):
            print("\nCandidates in the chosen models (a combination counts for each of its parts)")
            print("\n".join(candidate_table(models)))
    if reference.get("engine_classes"):
        found = ", ".join(f"{c} {k:,}" for c, k in reference.get("engine_classes").items())
        print(f"\nDemand classes of the engine (fc.demand_class, on its own periods): {found}")
    if "ms_per_sku" in ets:
        print(
            f"\nAutoETS: {ets['skus']:,} SKUs of the {reference.skus:,}-SKU panel in "
            f"{ets['ets_s']:.1f} s (n_jobs={ETS_JOBS}) = {ets['ms_per_sku']:.1f} ms/SKU wall, "
            f"{ets['cpu_ms_per_sku']:.1f} ms/SKU CPU; warm-up {ets['warm_s']:.1f} s not counted"
        )
    print()
    print("\n".join(targets(reference, results, ets)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

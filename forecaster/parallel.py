"""Where the forecast's chunks run: here, one after another, or on a Dask cluster.

The engine fits a shop's series a chunk at a time
(:func:`forecaster.models.selection.fit_chunk`: a pure function of its task),
after computing what the series share for the whole shop (the best sellers,
the growth of the error variance per demand class, the group priors of new
series). A :data:`Runner` maps that function over the chunks' tasks and returns
the results in the tasks' order:

* :func:`run_in_order` -- one after another in this process;
* :func:`reporting` -- a runner calling back as each chunk finishes (the run's
  progress bar advances chunk by chunk, with its ETA), here or on a cluster;
* :class:`DaskRunner` -- on a ``dask.distributed`` cluster (``[engine] kind =
  "dask"``): the tasks are scattered to its workers and the results gathered,
  so the forecast equals the local one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from forecaster.config import EngineKind
from forecaster.errors import ConfigError

#: How long a scheduler has to answer.
CONNECT_TIMEOUT = "20s"

T = TypeVar("T")
R = TypeVar("R")

#: Called after each task with (tasks finished, tasks in all).
Done = Callable[[int, int], None]


class Runner(Protocol):
    """Maps a function over tasks and returns the results in the tasks' order, calling
    ``done`` (if given) as each one finishes."""

    def __call__(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], done: Done | None = None
    ) -> list[Any]: ...


def run_in_order(fn: Callable[[T], R], tasks: Sequence[T], done: Done | None = None) -> list[R]:
    """``[fn(t) for t in tasks]``, one after another here.

    >>> run_in_order(abs, [-1, 2])
    [1, 2]
    """
    out = []
    for k, task in enumerate(tasks, 1):
        out.append(fn(task))
        if done is not None:
            done(k, len(tasks))
    return out


def reporting(report: Done, runner: Runner | None = None) -> Runner:
    """``runner`` (default: :func:`run_in_order`) calling ``report(finished, total)`` as
    each chunk finishes: the run's progress bar advances chunk by chunk.

    >>> seen = []
    >>> reporting(lambda k, n: seen.append((k, n)))(abs, [-1, -2])
    [1, 2]
    >>> seen
    [(1, 2), (2, 2)]
    """
    inner: Runner = runner or run_in_order

    def run(fn: Callable[[Any], Any], tasks: Sequence[Any], done: Done | None = None) -> list[Any]:
        def both(k: int, n: int) -> None:
            report(k, n)
            if done is not None:
                done(k, n)

        return inner(fn, tasks, both)

    return run


class DaskRunner:
    """Runs chunks on a ``dask.distributed`` cluster.

    ``address`` is a scheduler's (``tcp://host:8786``); without one a
    ``LocalCluster`` of ``workers`` workers starts on this machine
    (``processes=False``: threads of this process, for tests) and stops with the
    runner. Use as a context manager.
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, processes: bool = True
    ) -> None:
        distributed = _import_dask()
        self._cluster = None
        if address:
            try:
                self.client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                message = f"engine.address {address}: no Dask scheduler answers ({exc})"
                raise ConfigError(message) from exc
        else:
            import dask

            # Dask's workers set MALLOC_TRIM_THRESHOLD_, which stops glibc from reusing the
            # memory of large freed arrays: the fits of a chunk ran 1.7x slower with it
            environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
            environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                self._cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                )
            self.client = distributed.Client(self._cluster)

    def __call__(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any], done: Done | None = None
    ) -> list[Any]:
        # scattered first: the tasks' data goes to the workers, not into the task graph
        data = self.client.scatter(list(tasks))
        futures = self.client.map(fn, data, pure=False)
        if done is not None:
            distributed = _import_dask()
            for k, _future in enumerate(distributed.as_completed(futures), 1):
                done(k, len(futures))
        return list(self.client.gather(futures))

    def close(self) -> None:
        """Stop the client (and the local cluster it started)."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_engine(kind: EngineKind, address: str | None = None) -> None:
    """Fail before any work when ``[engine]`` cannot run: dask.distributed missing, or no
    scheduler answering at ``address``.

    Raises
    ------
    ConfigError
        Saying which, and what to do.
    """
    if kind != "dask":
        return
    if address:
        DaskRunner(address).close()  # connects (or says why not), then lets go
    else:
        _import_dask()


def _import_dask() -> Any:
    """``dask.distributed``, or a ConfigError saying how to install it."""
    try:
        import dask.distributed
    except ImportError as exc:
        raise ConfigError(
            "engine.kind = \"dask\" needs dask.distributed: pip install 'forecaster[dask]'"
        ) from exc
    return dask.distributed


@contextmanager
def engine_runner(
    kind: EngineKind, address: str | None = None, workers: int | None = None
) -> Iterator[Runner | None]:
    """The runner of ``[engine]``: None (here, in order) for ``local``, a
    :class:`DaskRunner` for ``dask``, closed on leaving."""
    if kind == "local":
        yield None
        return
    with DaskRunner(address, workers) as runner:
        yield runner


__all__ = [
    "DaskRunner",
    "Done",
    "Runner",
    "check_engine",
    "engine_runner",
    "reporting",
    "run_in_order",
]

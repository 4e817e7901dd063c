"""How the library reports progress without knowing about the console.

Stages call ``progress.stage(description, total)`` and advance the returned
handle; the CLI passes a rich progress display, tests and library users the
silent default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

Advance = Callable[[int], None]


class Progress(Protocol):
    def stage(self, description: str, total: int | None = None) -> AbstractContextManager[Advance]:
        """Enter a stage of ``total`` steps; the context yields ``advance(steps)``."""
        ...


def _ignore(steps: int = 1) -> None:
    """An ``advance`` that does nothing."""


class Silent:
    """Progress that shows nothing."""

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Advance]:
        yield _ignore

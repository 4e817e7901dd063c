"""The data-quality report: what validation noticed but did not stop for.

Errors stop a run (see :mod:`forecaster.errors`); everything here is a warning
(the numbers may be affected, the planner should look) or a note (how the data
was read or adjusted). The report becomes the ``Data quality`` sheet and the
console's data-quality table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Severity = Literal["warning", "note"]

#: How many example values (SKUs, rows) an issue carries.
EXAMPLES_SHOWN = 5


@dataclass(frozen=True)
class QualityIssue:
    """One finding about the input data.

    Attributes
    ----------
    severity
        ``warning``: the planner should look; ``note``: how the data was handled.
    file
        The file concerned (``sales.csv``), or ``""`` for the data set as a whole.
    column
        The column concerned as named in the file, or ``""``.
    check
        Short stable identifier of the check (``unknown_sku``).
    count
        How many rows (or SKUs, as the message says) are affected.
    message
        What was found and what forecaster did about it.
    examples
        A few affected SKUs or row numbers.
    """

    severity: Severity
    file: str
    column: str
    check: str
    count: int
    message: str
    examples: str = ""


def examples(values: Iterable[object], total: int | None = None) -> str:
    """First few values, comma separated, with "…" when there are more."""
    items = [str(v) for v in values]
    if not items:
        return ""
    shown = items[:EXAMPLES_SHOWN]
    more = (total if total is not None else len(items)) > len(shown)
    return ", ".join(shown) + (", …" if more else "")


@dataclass
class QualityReport:
    """An ordered collection of :class:`QualityIssue`."""

    issues: list[QualityIssue] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        file: str,
        check: str,
        count: int,
        message: str,
        *,
        column: str = "",
        sample: Sequence[object] = (),
    ) -> None:
        """Record an issue; ``sample`` holds the affected SKUs or rows (all or the first few)."""
        self.issues.append(
            QualityIssue(
                severity, file, column, check, int(count), message, examples(sample, count)
            )
        )

    @property
    def warnings(self) -> list[QualityIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def to_frame(self) -> pd.DataFrame:
        """One row per issue, warnings first."""
        columns = ["severity", "file", "column", "check", "count", "message", "examples"]
        frame = pd.DataFrame([i.__dict__ for i in self.issues], columns=columns)
        order = {"warning": 0, "note": 1}
        return frame.sort_values("severity", key=lambda s: s.map(order), kind="stable").reset_index(
            drop=True
        )

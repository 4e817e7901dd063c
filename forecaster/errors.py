"""The few exception classes of forecaster.

Every error a user can fix (bad input, bad configuration, an output folder that
cannot be written) is a :class:`ForecasterError`; the CLI prints its message
without a traceback and exits with :attr:`ForecasterError.exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence

#: How many offending rows an error message lists before it says "and N more".
ROWS_SHOWN = 5


class ForecasterError(Exception):
    """A problem the user can fix; the CLI exits with ``exit_code``."""

    exit_code = 2


class ConfigError(ForecasterError):
    """The configuration file or a command-line option is invalid."""


class InputError(ForecasterError):
    """An input table is missing, unreadable or holds invalid values.

    Parameters
    ----------
    file
        File name as the user knows it (``sales.csv``).
    problem
        What is wrong, in words ("text in a numeric column").
    column
        The offending column, as named in the file, if any.
    rows
        Offending row numbers as a spreadsheet shows them (header = row 1).
    values
        The offending values, parallel to ``rows``, if useful to show.
    hint
        What to do about it.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        values: Sequence[object] = (),
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.problem = problem
        self.column = column
        self.rows = list(rows)
        self.values = list(values)
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column {_quoted(self.column)}"
        text = f"{where}: {self.problem}"
        if self.rows:
            text += " in " + describe_rows(self.rows, self.values)
        if self.hint:
            text += f". {self.hint}"
        return text


def _quoted(column: str) -> str:
    """``'qty'``; a column given already quoted, with the name it was read as, stays:
    ``'采购提前期' ('lead_time_days')``."""
    return column if column.startswith("'") else f"'{column}'"


class OutputError(ForecasterError):
    """An output file or folder cannot be written."""


class PlanError(ForecasterError):
    """A number of the plan is NaN or infinite; nothing is written.

    The input bounds (:mod:`forecaster.io.schema`) should make this impossible;
    if it happens, ``problems`` lists each ``table.column`` with the SKUs concerned.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            "the plan holds numbers that are not finite (NaN or infinity), so nothing is "
            f"written; check the inputs of these SKUs:\n{lines}"
        )


def describe_rows(rows: Sequence[int], values: Sequence[object] = ()) -> str:
    """Describe offending rows: ``row 3 ('x')`` or ``rows 3 ('x'), 7 ('y') and 4 more``."""
    shown = []
    for i, row in enumerate(rows[:ROWS_SHOWN]):
        item = str(row)
        if i < len(values):
            item += f" ({values[i]!r})"
        shown.append(item)
    text = ("row " if len(rows) == 1 else "rows ") + ", ".join(shown)
    if len(rows) > ROWS_SHOWN:
        text += f" and {len(rows) - ROWS_SHOWN} more"
    return text


class InvalidInput(ForecasterError):
    """One or more input tables are invalid; ``problems`` lists each one.

    Validation reports every problem it finds in one go, so the planner can fix
    all exports before running again.
    """

    def __init__(self, problems: Sequence[InputError]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            text = f"{len(self.problems)} problems in the input data:\n{lines}"
        super().__init__(text)

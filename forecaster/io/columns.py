"""Map a file's headers onto forecaster's canonical column names.

Headers are compared after Unicode NFKC normalisation (full-width brackets and
letters become half-width), trimming and case folding, so ``SKU``, ``sku`` and
``ＳＫＵ`` are the same header. Precedence: a header that already is the
canonical name, then the table's own aliases, then the global aliases, each in
the order listed; a header is used for one column only. Further headers naming
a column already mapped (``qty`` twice, or ``qty`` and ``数量``) are listed as
duplicates, for the reader to check that they agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from forecaster.errors import InputError
from forecaster.io.schema import TableSpec


def normalise_header(header: str) -> str:
    """The form headers are compared in: NFKC, trimmed, case-folded, BOM removed."""
    return unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip().casefold()


@dataclass(frozen=True)
class Duplicate:
    """A header that also names a column already taken from another header.

    Attributes
    ----------
    header
        The header as written in the file.
    position
        Its position among the file's headers (0 = first column).
    canonical
        The canonical column it also names.
    """

    header: str
    position: int
    canonical: str


@dataclass(frozen=True)
class ColumnMap:
    """Which header of the file feeds which canonical column.

    Attributes
    ----------
    source
        canonical name -> header as written in the file.
    positions
        canonical name -> position of that header (0 = first column).
    ignored
        Further headers naming a column already mapped (the same header twice,
        or a second alias); readers check that they hold the same values.
    """

    source: dict[str, str]
    positions: dict[str, int]
    ignored: tuple[Duplicate, ...] = ()

    def header(self, canonical: str) -> str:
        """The file's header of ``canonical``, or ``canonical`` when the column is absent."""
        return self.source.get(canonical, canonical)

    def read_positions(self) -> list[int]:
        """Positions a reader must read, ascending: the mapped headers and their duplicates."""
        return sorted({*self.positions.values(), *(d.position for d in self.ignored)})


def column_label(header: str, position: int) -> str:
    """A header as a planner finds it: ``'qty' (column D)``."""
    return f"'{header}' (column {get_column_letter(position + 1)})"


def resolve_columns(
    headers: Sequence[str],
    spec: TableSpec,
    aliases: dict[str, list[str]],
    table_aliases: dict[str, list[str]],
    *,
    file: str,
) -> ColumnMap:
    """Find each of the table's columns among ``headers``.

    Raises
    ------
    InputError
        A required column is found under no name; the message lists the names
        tried and the headers found.
    """
    by_norm: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        by_norm.setdefault(normalise_header(header), []).append(position)
    used: set[int] = set()
    positions: dict[str, int] = {}

    def names(column: str) -> list[str]:
        return [column, *table_aliases.get(column, []), *aliases.get(column, [])]

    # Canonical names first, so an alias never steals a correctly named column.
    for column in spec.column_names:
        exact = by_norm.get(normalise_header(column), [])
        if exact:
            positions[column] = exact[0]
            used.add(exact[0])
    for column in spec.column_names:
        for name in names(column)[1:]:
            free = [p for p in by_norm.get(normalise_header(name), []) if p not in used]
            if free and column not in positions:
                positions[column] = free[0]
                used.add(free[0])
    # Every other header naming a mapped column is a duplicate of it.
    ignored = []
    for column, taken in positions.items():
        for name in dict.fromkeys(normalise_header(n) for n in names(column)):
            for p in by_norm.get(name, []):
                if p != taken and p not in used:
                    ignored.append(Duplicate(str(headers[p]), p, column))
                    used.add(p)

    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    if missing:
        column = missing[0]
        tried = names(column)[1:]
        found = ", ".join(repr(h) for h in headers if str(h).strip()) or "none"
        hint = f"Found columns: {found}."
        if tried:
            hint += f" Also looked for: {', '.join(tried)}."
        hint += " Rename the column or add an alias in the config's [columns.aliases]"
        others = f" (and {', '.join(repr(m) for m in missing[1:])})" if len(missing) > 1 else ""
        raise InputError(file, f"required column '{column}'{others} is missing", hint=hint)
    source = {column: str(headers[p]) for column, p in positions.items()}
    return ColumnMap(source=source, positions=positions, ignored=tuple(ignored))

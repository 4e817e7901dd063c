"""Map a file's headers onto forecaster's canonical column names.

Headers are compared after Unicode NFKC normalisation (full-width brackets and
letters become half-width), trimming and case folding, so ``SKU``, ``sku`` and
``ＳＫＵ`` are the same header. Precedence: a header that already is the
canonical name, then the table's own aliases, then the global aliases, each in
the order listed; a header is used for one column only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from forecaster.errors import InputError
from forecaster.io.schema import TableSpec


def normalise_header(header: str) -> str:
    """The form headers are compared in: NFKC, trimmed, case-folded, BOM removed."""
    return unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip().casefold()


@dataclass(frozen=True)
class ColumnMap:
    """Which header of the file feeds which canonical column.

    Attributes
    ----------
    source
        canonical name -> header as written in the file.
    ignored
        Headers that were also aliases of a column already mapped, with that column.
    """

    source: dict[str, str]
    ignored: dict[str, str]

    def header(self, canonical: str) -> str:
        """The file's header of ``canonical``, or ``canonical`` when the column is absent."""
        return self.source.get(canonical, canonical)


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
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    used: set[str] = set()
    source: dict[str, str] = {}
    ignored: dict[str, str] = {}

    # Canonical names first, so an alias never steals a correctly named column.
    for column in spec.column_names:
        exact = by_norm.get(normalise_header(column))
        if exact is not None:
            source[column] = exact
            used.add(exact)

    for column in spec.column_names:
        candidates = [*table_aliases.get(column, []), *aliases.get(column, [])]
        for name in candidates:
            found = by_norm.get(normalise_header(name))
            if found is None or found in used:
                continue
            if column in source:
                ignored[found] = column
                continue
            source[column] = found
            used.add(found)

    missing = [c.name for c in spec.columns if c.required and c.name not in source]
    if missing:
        column = missing[0]
        tried = [*table_aliases.get(column, []), *aliases.get(column, [])]
        names = ", ".join(repr(h) for h in headers) or "none"
        hint = f"Found columns: {names}."
        if tried:
            hint += f" Also looked for: {', '.join(tried)}."
        hint += " Rename the column or add an alias in the config's [columns.aliases]"
        others = f" (and {', '.join(repr(m) for m in missing[1:])})" if len(missing) > 1 else ""
        raise InputError(file, f"required column '{column}'{others} is missing", hint=hint)
    return ColumnMap(source=source, ignored=ignored)

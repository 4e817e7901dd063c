"""Sheet columns from glossary keys: headers in the chosen language, number formats."""

from __future__ import annotations

from collections.abc import Sequence

from forecaster.config import Lang
from forecaster.glossary import TERMS, header
from forecaster.report.excel import Column


def columns(
    keys: Sequence[str], lang: Lang, *, wrap: Sequence[str] = (), **widths: float
) -> list[Column]:
    """Sheet columns for ``keys``: header in ``lang`` and the key's number format.

    ``widths`` fixes the width of some columns (``why=90``); the texts of the
    ``wrap`` columns wrap within it.
    """
    return [
        Column(key, header(key, lang), TERMS[key].fmt, widths.get(key), key in wrap) for key in keys
    ]

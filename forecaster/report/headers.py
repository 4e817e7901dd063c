"""Sheet columns from glossary keys: headers in the chosen language, number formats."""

from __future__ import annotations

from collections.abc import Sequence

from forecaster.config import Lang
from forecaster.glossary import TERMS, header
from forecaster.report.excel import Column


def columns(keys: Sequence[str], lang: Lang, **widths: float) -> list[Column]:
    """Sheet columns for ``keys``: header in ``lang`` and the key's number format.

    ``widths`` fixes the width of some columns (``why=90``).
    """
    return [Column(key, header(key, lang), TERMS[key].fmt, widths.get(key)) for key in keys]

"""A purchase budget: keep the order lines that avoid the most stock-out value per unit spent.

When the suggested orders cost more than ``replenishment.budget``, each line is
valued by the sales it saves: the expected units short over its protection
period without the order, ``E(D - position)+``, less the expected units short
with it, ``E(D - position - order)+`` (``D`` the gamma total of the line's
forecast and spread, as in the policy:
:func:`~forecaster.inventory.safety_stock.gamma_excess`; with no spread, the
plain shortfalls), times the unit price. Lines are taken in decreasing order
of that value per unit of order value (ties by SKU and warehouse) while they
fit in the budget; a line that does not fit is cut whole (its MOQ and case
pack stay intact) and smaller lines further down may still fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import say
from forecaster.inventory.safety_stock import gamma_excess


def avoided_shortage(
    mu: np.ndarray, sigma: np.ndarray, position: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """Expected units short over the protection period that ``order`` avoids."""
    before = gamma_excess(position, mu, sigma)
    after = gamma_excess(position + order, mu, sigma)
    return np.asarray(np.maximum(before - after, 0.0))


def fit_budget(
    lines: pd.DataFrame, units: pd.DataFrame, budget: float, lang: Lang = "en"
) -> pd.DataFrame:
    """``lines`` with the orders that do not fit in ``budget`` (at cost) cut to 0, saying why
    in ``lang``.

    ``lines`` come from :func:`~forecaster.inventory.replenishment.replenish`
    (aligned with ``units``, which supplies ``unit_price``).
    """
    value = lines["order_value"].to_numpy(dtype=float)
    if value.sum() <= budget:
        return lines
    saved = avoided_shortage(
        lines["demand_over_p"].to_numpy(dtype=float),
        lines["demand_sd_p"].to_numpy(dtype=float),
        lines["position"].to_numpy(dtype=float),
        lines["suggested_order"].to_numpy(dtype=float),
    ) * units["unit_price"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(value > 0, saved / value, 0.0)
    ranking = pd.DataFrame(
        {"ratio": ratio, "sku": lines["sku"], "warehouse": lines["warehouse"], "value": value}
    )
    ranking = ranking[ranking["value"] > 0].sort_values(
        ["ratio", "sku", "warehouse"], ascending=[False, True, True], kind="stable"
    )
    spent = 0.0
    cut = np.zeros(len(lines), dtype=bool)
    for row, cost in zip(ranking.index, ranking["value"], strict=True):
        position = lines.index.get_loc(row)
        if spent + cost <= budget + 1e-9:
            spent += cost
        else:
            cut[position] = True
    out = lines.copy()
    for column in ("suggested_order", "cases", "order_value"):
        out[column] = out[column].where(~cut, 0.0)
    out["order_by"] = out["order_by"].where(~cut)
    out["expected_arrival"] = out["expected_arrival"].where(~cut)
    note = [say("why.cut_by_budget", lang, budget=budget, ratio=r) for r in ratio[cut]]
    out.loc[cut, "why"] = out.loc[cut, "why"] + note
    return out

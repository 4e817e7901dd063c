"""Top up a supplier's order to its minimum order value with the most urgent lines.

A supplier whose suggested order (at cost) is positive but below its
``min_order_value`` would refuse it. Rather than hold the order, whole cases
are added one at a time to the supplier's line that would run out first: the
orderable line (active, not declining, with forecast demand) with the fewest
days of cover after its order, ``(position + order) / daily demand``. A line
with no order yet starts at its MOQ rounded up to whole cases. No line is
pushed beyond ``max_cover_days`` of cover; when no line can take more, the
order stays below the minimum and is flagged as before.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

from forecaster.config import Lang, ReplenishmentSettings
from forecaster.glossary import say


def top_up_to_minimum(
    lines: pd.DataFrame,
    units: pd.DataFrame,
    suppliers: pd.DataFrame,
    settings: ReplenishmentSettings,
    as_of: pd.Timestamp,
    lang: Lang = "en",
) -> pd.DataFrame:
    """``lines`` (from :func:`~forecaster.inventory.replenishment.replenish`) with the
    orders of suppliers below their minimum topped up; each line raised says so in ``why``
    (in ``lang``)."""
    minimum = suppliers.set_index("supplier")["min_order_value"]
    order = lines["suggested_order"].to_numpy(dtype=float).copy()
    pack = np.maximum(units["case_pack"].to_numpy(dtype=float), 1.0)
    first = np.ceil(np.maximum(units["moq"].to_numpy(dtype=float), pack) / pack) * pack
    cost = units["unit_cost"].to_numpy(dtype=float)
    daily = lines["demand_over_p"].to_numpy(dtype=float) / np.maximum(
        lines["protection_days"].to_numpy(dtype=float), 1.0
    )
    position = lines["position"].to_numpy(dtype=float)
    orderable = lines["orderable"].to_numpy(dtype=bool) & (daily > 0) & (cost > 0)
    value = order * cost
    for code, rows in lines.groupby("supplier").indices.items():
        floor = float(minimum.get(code, 0.0))
        total = float(value[rows].sum())
        if total <= 0 or total >= floor:
            continue
        heap = [((position[i] + order[i]) / daily[i], int(i)) for i in rows if orderable[i]]
        heapq.heapify(heap)
        while heap and total < floor:
            _, i = heapq.heappop(heap)
            step = pack[i] if order[i] > 0 else first[i]
            if (position[i] + order[i] + step) / daily[i] > settings.max_cover_days:
                continue  # this line is full; try the next most urgent
            order[i] += step
            total += step * cost[i]
            heapq.heappush(heap, ((position[i] + order[i]) / daily[i], i))
    added = order - lines["suggested_order"].to_numpy(dtype=float)
    if not (added > 0).any():
        return lines
    raised = added > 0
    out = lines.copy()
    out["suggested_order"] = order
    out["cases"] = order / pack
    out["order_value"] = order * cost
    lead = pd.to_timedelta(np.ceil(units["lead_time_days"].to_numpy(dtype=float)), unit="D")
    out["order_by"] = out["order_by"].where(~raised, as_of)
    out["expected_arrival"] = out["expected_arrival"].where(~raised, as_of + lead)
    note = [
        say("why.topped_up", lang, qty=a, supplier=s, minimum=minimum.get(s, 0.0))
        for a, s in zip(added[raised], out.loc[raised, "supplier"], strict=True)
    ]
    out.loc[raised, "why"] = out.loc[raised, "why"] + note
    return out

"""Demand classes of Syntetos & Boylan (2005): smooth, erratic, intermittent, lumpy.

Two statistics of each series, counted from its start:

* **ADI**, the average inter-demand interval: periods per period with demand
  (1.0 when every period has demand);
* **CV²**, the squared coefficient of variation of the non-zero demand sizes.

With the usual cut-offs ADI 1.32 and CV² 0.49 the classes are *smooth*
(frequent, regular sizes), *erratic* (frequent, irregular sizes),
*intermittent* (rare, regular sizes) and *lumpy* (rare, irregular sizes). A
series without any demand is *none*.
"""

from __future__ import annotations

import numpy as np

ADI_CUT = 1.32
CV2_CUT = 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "none")


def demand_statistics(y: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ADI and CV² of each row of ``y`` from its ``start`` period on.

    ADI is ``periods on sale / periods with demand`` (``inf`` without demand);
    CV² is 0 with fewer than two demands.

    Examples
    --------
    >>> adi, cv2 = demand_statistics(np.array([[0.0, 2, 0, 0, 4, 0]]), np.array([0]))
    >>> float(adi[0]), round(float(cv2[0]), 3)
    (3.0, 0.111)
    """
    on_sale = np.arange(y.shape[1])[None, :] >= start[:, None]
    demand = on_sale & (y > 0)
    periods = on_sale.sum(axis=1)
    count = demand.sum(axis=1)
    adi = np.divide(periods, count, out=np.full(len(y), np.inf), where=count > 0)
    sizes = np.where(demand, y, 0.0)
    mean = np.divide(sizes.sum(axis=1), count, out=np.zeros(len(y)), where=count > 0)
    squares = np.where(demand, (y - mean[:, None]) ** 2, 0.0).sum(axis=1)
    var = np.divide(squares, count, out=np.zeros(len(y)), where=count > 1)
    cv2 = np.divide(var, mean**2, out=np.zeros(len(y)), where=mean > 0)
    return adi, cv2


def demand_classes(y: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The Syntetos-Boylan class of each row (one of :data:`CLASSES`).

    >>> demand_classes(np.array([[5.0, 6, 5, 6], [0, 9, 0, 1], [0, 0, 0, 0]]), np.zeros(3, int))
    array(['smooth', 'lumpy', 'none'], dtype=object)
    """
    adi, cv2 = demand_statistics(y, start)
    frequent, regular = adi < ADI_CUT, cv2 < CV2_CUT
    out = np.select(
        [~np.isfinite(adi), frequent & regular, frequent, regular],
        ["none", "smooth", "erratic", "intermittent"],
        default="lumpy",
    )
    return out.astype(object)

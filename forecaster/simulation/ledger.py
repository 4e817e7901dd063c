"""Stock on hand and in transit of several replenishment policies replayed side by side.

One :class:`StockLedger` holds ``k`` policies x ``n`` planning units. Each day
of the replay runs, in this order:

1. :meth:`StockLedger.serve` -- the day's demand is served from stock; what
   finds no stock is lost, or back-ordered (then stock goes negative and the
   next arrival serves the backlog first);
2. :meth:`StockLedger.receive` -- orders due that day arrive at the end of the
   day and sell from the next: an order placed on day ``d`` with lead time
   ``L`` serves from day ``d + L + 1``, so with review period ``R`` it must last
   exactly the protection period ``L + R`` days (``d + 1 .. d + L + R``), as the
   policy assumes;
3. on a review day the policies look at :meth:`StockLedger.position` and
   :meth:`StockLedger.place` their orders, which arrive after the lead time.

Everything the outcome reports (demand, units served, stock-out days, stock
carried, order lines) is added up per policy, unit and week as it happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class WeeklyTotals:
    """Per policy, unit and replayed week (shape (k, n, weeks)).

    Attributes
    ----------
    demand
        Units asked for.
    served
        Units served from stock on the day they were asked for.
    short_days
        Days on which some demand found no stock.
    stock
        End-of-day units on hand, added over the days (divide by the days for the mean).
    lines
        Order lines placed (one per unit and review with a positive order).
    ordered
        Units ordered.
    """

    demand: np.ndarray
    served: np.ndarray
    short_days: np.ndarray
    stock: np.ndarray
    lines: np.ndarray
    ordered: np.ndarray

    @classmethod
    def zeros(cls, policies: int, units: int, weeks: int) -> WeeklyTotals:
        shape = (policies, units, weeks)
        return cls(*(np.zeros(shape) for _ in range(6)))


@dataclass
class StockLedger:
    """Net stock and orders in transit of ``k`` policies x ``n`` units over ``days`` days.

    ``net`` is on hand minus back-orders (never negative when demand is lost);
    ``due[p, u, d]`` are the units policy ``p`` receives for unit ``u`` at the
    end of day ``d`` (day 0 is the first review date).
    """

    policies: int
    units: int
    days: int
    weeks: int
    backorder: bool = False
    transit_days: int = 0  # longest lead time: orders arriving after the last day still count
    net: np.ndarray = field(init=False)
    due: np.ndarray = field(init=False)
    totals: WeeklyTotals = field(init=False)

    def __post_init__(self) -> None:
        self.net = np.zeros((self.policies, self.units))
        self.due = np.zeros((self.policies, self.units, self.days + 1 + self.transit_days))
        self.totals = WeeklyTotals.zeros(self.policies, self.units, self.weeks)

    def stock_up(self, qty: np.ndarray) -> None:
        """Put ``qty`` (k, n) on hand at once: the starting stock."""
        self.net += qty

    def receive(self, day: int) -> None:
        """Orders due on ``day`` arrive (after the day's demand was served)."""
        self.net += self.due[:, :, day]

    def serve(self, day: int, demand: np.ndarray, week: int) -> None:
        """Serve ``demand`` (n,) of ``day`` from stock and record the day in ``week``.

        The stock recorded is the end-of-day stock after the day's arrivals.
        """
        available = np.maximum(self.net, 0.0)
        served = np.minimum(available, demand)
        self.net -= demand if self.backorder else served
        t = self.totals
        t.demand[:, :, week] += demand
        t.served[:, :, week] += served
        t.short_days[:, :, week] += served < demand - 1e-9
        t.stock[:, :, week] += np.maximum(self.net + self.due[:, :, day], 0.0)

    def on_order(self, day: int) -> np.ndarray:
        """Units in transit at the end of ``day`` (after its arrivals), shape (k, n)."""
        return np.asarray(self.due[:, :, day + 1 :].sum(axis=2))

    def position(self, day: int) -> np.ndarray:
        """Inventory position at the end of ``day``: net stock + in transit, shape (k, n)."""
        return np.asarray(self.net + self.on_order(day))

    def place(self, qty: np.ndarray, arrival: np.ndarray, week: int) -> None:
        """Order ``qty`` (k, n) arriving at the end of day ``arrival`` (n,).

        An order arriving after the last day is still in transit (and in the
        position) until then; one beyond ``days + transit_days`` is refused.
        """
        if (arrival >= self.due.shape[2]).any():
            raise ValueError("an order arrives after the ledger's last day in transit")
        cols = np.arange(self.units)
        self.due[:, cols, arrival] += qty
        if 0 <= week < self.weeks:
            self.totals.lines[:, :, week] += qty > 0
            self.totals.ordered[:, :, week] += qty

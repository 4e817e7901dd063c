"""Replay the weekly plan on the shop's own history, beside the planner's rule of thumb.

:func:`simulate` loads the tables once and walks day by day from the first
review date (day 0) to the end of the replay:

* **Review days.** A unit is reviewed every ``review_period_days`` of its
  supplier from day 0 (every 7 days by default). On a review day forecaster
  orders exactly as ``forecaster run --as-of <that day>`` would
  (:func:`forecaster.pipeline.plan_orders`: forecast, lifecycle, ABC
  targets, MOQ, case packs, minimum order value, budget) from the sales up to
  that day and the replayed stock and open orders -- except that ETS and Theta
  are estimated only every ``simulation.refit_weeks`` weeks
  (:class:`forecaster.models.rolling.RollingEngine`: in between, validation,
  the choice of models and the error model are redone on the data up to the
  review, and ETS and Theta forecast from their fitted states;
  ``refit_weeks = 1`` estimates them at every review); the rule orders up to its
  trailing average x (lead + review + k days), rounded to the same MOQ and
  case packs, once for every ``k`` of ``simulation.rule_safety_days``.
  Discontinued SKUs get no order from either.
* **Orders** arrive ``lead_time_days`` later, at the end of the day (they
  sell from the next day), so an order lasts exactly the protection period
  until the next one arrives. Where a SKU has a
  ``lead_time_std_days``, each review draws one lead time per unit
  (normal, rounded to whole days, at least 1 day) that every policy's order
  of that review shares, so the policies see the same luck.
* **Demand** is the sales that really followed. Demand that finds no stock
  is lost or back-ordered, as ``replenishment.unmet_demand`` says (lost by
  default; ``--backorder`` / ``--lost-sales`` override it for the replay and
  the policy alike, so forecaster plans for the demand it is replayed on); a
  back-order waits for the next arrival and counts as not served on its day.
* **The start is the same for every policy.** On day 0 each policy gets its
  own first order-up-to quantity on hand at once (as if it had been running
  in steady state) and nothing in transit; serving starts on day 1. So no
  policy is judged on a stock it did not choose, and there is no warm-up
  to leave out.

Only the forecast of each review uses history; the replay's own stock
starts at day 0, so the stock, open POs and receipts tables of the data
folder are not used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from forecaster.config import Settings
from forecaster.errors import ConfigError
from forecaster.inventory.replenishment import round_order
from forecaster.io.dataset import Dataset, load_dataset
from forecaster.io.schema import TABLES
from forecaster.models.rolling import RollingEngine
from forecaster.pipeline import plan_orders
from forecaster.progress import Progress, Silent
from forecaster.simulation.ledger import StockLedger, WeeklyTotals
from forecaster.simulation.rule import rule_order_up_to
from forecaster.units import demand_matrix, planning_units, protection_days, unit_index

FORECASTER = "forecaster"


@dataclass(frozen=True)
class Replay:
    """What a replay did and measured.

    Attributes
    ----------
    units
        The planning units (SKU master columns, ``abc_class`` and
        ``fill_rate_target`` as planned on day 0).
    start, end
        Day 0 (the first review date) and the last day served.
    policies
        ``forecaster`` then one ``rule k=..`` per safety cover.
    safety_days
        The rule's ``k`` per policy (NaN for forecaster).
    totals
        Demand, units served, stock-out days, stock and orders per policy, unit and week.
    forecast_p, rule_p, actual_p
        Per unit, added over its review days whose protection period ended by
        :attr:`end`: forecaster's forecast of demand over the protection
        period, the rule's (trailing average x protection days), and the demand
        that came. Their ratio is the bias of the protection-period total.
    reviews
        Review days planned.
    full_fits
        Reviews whose forecast estimated ETS and Theta afresh (the others used the
        states of the last such fit).
    backorder
        Whether unmet demand was back-ordered (else lost).
    seconds
        Wall time of the replay.
    """

    units: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    policies: list[str]
    safety_days: np.ndarray
    totals: WeeklyTotals
    forecast_p: np.ndarray
    rule_p: np.ndarray
    actual_p: np.ndarray
    reviews: int
    full_fits: int
    backorder: bool
    seconds: float

    @property
    def days(self) -> int:
        """Days served."""
        return int((self.end - self.start).days)

    @property
    def weeks(self) -> int:
        return int(self.totals.demand.shape[2])

    def week_start(self, week: int) -> pd.Timestamp:
        """First day served in ``week`` (0-based)."""
        return self.start + pd.Timedelta(days=7 * week + 1)


def simulate(
    settings: Settings,
    start: date | None = None,
    weeks: int | None = None,
    backorder: bool | None = None,
    progress: Progress | None = None,
) -> Replay:
    """Replay ``weeks`` weekly reviews from ``start`` (see the module docstring).

    ``start`` defaults to ``weeks`` x 7 days before the last sales date; the
    replay ends on the last sales date (or the planning date of the settings).

    Raises
    ------
    InvalidInput
        The input tables are invalid.
    ConfigError
        The replay does not fit the history (no sales before ``start``, or
        less than a week after it).
    """
    progress = progress or Silent()
    began = time.perf_counter()
    sim = settings.simulation
    weeks = sim.weeks if weeks is None else weeks
    if backorder is None:
        backorder = settings.replenishment.unmet_demand == "backorder"
    else:  # the policy plans for the demand the replay serves
        settings = _unmet_demand(settings, "backorder" if backorder else "lost")
    with progress.stage("Reading and validating tables", total=len(TABLES)) as advance:
        ds = load_dataset(settings, on_table=lambda _name: advance(1))
    first_sale = ds.sales["date"].min()
    day0 = ds.as_of - pd.Timedelta(days=7 * weeks) if start is None else pd.Timestamp(start)
    if not day0 > first_sale:
        raise ConfigError(
            f"--from {day0:%Y-%m-%d}: the replay needs sales history before it "
            f"(the first sale is on {first_sale:%Y-%m-%d})"
        )
    days = min(7 * weeks, int((ds.as_of - day0).days))
    if days < 7:
        raise ConfigError(
            f"--from {day0:%Y-%m-%d}: less than a week of sales after it to replay "
            f"(the last sale is on {ds.as_of:%Y-%m-%d})"
        )

    units = planning_units(ds)
    n = len(units)
    history_days = int((day0 - first_sale).days) + 1
    demand = demand_matrix(ds.sales, units, day0 + pd.Timedelta(days=days), history_days + days)
    today = history_days - 1  # column of day 0 in ``demand``
    cum_demand = np.concatenate([np.zeros((n, 1)), np.cumsum(demand, axis=1)], axis=1)
    safety = np.asarray(sim.rule_safety_days, dtype=float)
    policies = [FORECASTER, *(f"rule k={k:g}" for k in safety)]
    lead = units["lead_time_days"].to_numpy(dtype=float)
    lead_sd = units["lead_time_std_days"].fillna(0.0).to_numpy(dtype=float)
    longest = int(np.ceil(lead + 6 * lead_sd).max(initial=0)) + 1  # a draw is clipped at 6 sd
    ledger = StockLedger(len(policies), n, days, -(-days // 7), backorder, longest)
    review = np.maximum(np.ceil(units["review_period_days"].to_numpy(dtype=float)), 1).astype(int)
    protection = protection_days(units)
    moq = units["moq"].to_numpy(dtype=float)
    pack = units["case_pack"].to_numpy(dtype=float)
    active = (units["status"] != "discontinued").to_numpy()
    rng = np.random.default_rng(sim.seed)
    engine = RollingEngine(sim.refit_weeks)

    forecast_p, rule_p, actual_p = np.zeros(n), np.zeros(n), np.zeros(n)
    classes = pd.DataFrame(index=units.index, columns=["abc_class", "fill_rate_target"])
    review_days = [d for d in range(days) if (d % review == 0).any()]
    with progress.stage(f"Replaying {len(review_days)} reviews", total=len(review_days)) as step:
        for d in range(days + 1):
            if d > 0:
                ledger.serve(d, demand[:, today + d], (d - 1) // 7)
                ledger.receive(d)
            if d not in review_days:
                continue
            due = active & (d % review == 0)
            position = ledger.position(d)
            plan = plan_orders(
                _dataset_on(ds, units, day0, d, ledger), settings, engine.forecast_units
            )
            lines = plan.replenishment.iloc[_rows_of(plan.units, units)]
            ours = np.where(due, lines["suggested_order"].to_numpy(dtype=float), 0.0)
            past = demand[:, : today + d + 1]
            level = rule_order_up_to(past, sim.rule_window_days, protection, safety)
            theirs = np.stack(
                [
                    round_order(np.where(due, s - p, 0.0), moq, pack)[2]
                    for s, p in zip(level, position[1:], strict=True)
                ]
            )
            orders = np.vstack([ours, theirs])
            if d == 0:
                ledger.stock_up(orders)
                classes[:] = lines[["abc_class", "fill_rate_target"]].to_numpy()
            else:
                days_late = _lead_draws(rng, lead, lead_sd)
                ledger.place(orders, d + days_late, (d - 1) // 7)
            seen = due & (d + protection <= days)
            totals = _span_totals(cum_demand, today + d, protection)
            forecast_p += np.where(seen, lines["demand_over_p"].to_numpy(dtype=float), 0.0)
            rule_p += np.where(seen, level[0], 0.0)
            actual_p += np.where(seen, totals, 0.0)
            step(1)

    return Replay(
        units.assign(
            abc_class=classes["abc_class"].to_numpy(),
            fill_rate_target=classes["fill_rate_target"].to_numpy(dtype=float),
        ),
        day0,
        day0 + pd.Timedelta(days=days),
        policies,
        np.r_[np.nan, safety],
        ledger.totals,
        forecast_p,
        rule_p,
        actual_p,
        len(review_days),
        engine.fits,
        backorder,
        time.perf_counter() - began,
    )


def _unmet_demand(settings: Settings, unmet: str) -> Settings:
    """``settings`` with ``replenishment.unmet_demand`` set to ``unmet``."""
    terms = settings.replenishment.model_copy(update={"unmet_demand": unmet})
    return settings.model_copy(update={"replenishment": terms})


def _lead_draws(rng: np.random.Generator, lead: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Whole days until an order placed today arrives, one draw per unit (at least 1; normal,
    clipped at 6 standard deviations)."""
    drawn = lead + sd * np.clip(rng.standard_normal(len(lead)), -6.0, 6.0)
    return np.asarray(np.maximum(np.rint(np.where(sd > 0, drawn, np.ceil(lead))), 1), dtype=int)


def _rows_of(planned: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Row of each replayed unit in a review's plan (every unit is planned at every review)."""
    rows = unit_index(planned, units)
    if (rows < 0).any():
        raise RuntimeError("a replayed unit is missing from a review's plan")
    return rows


def _span_totals(cum: np.ndarray, today: int, days: np.ndarray) -> np.ndarray:
    """Demand per unit over the ``days`` days after column ``today`` (as far as the data go),
    from the cumulative demand ``cum`` (a leading zero column, then the running totals)."""
    hi = np.minimum(today + 1 + days, cum.shape[1] - 1)
    return np.asarray(cum[np.arange(len(cum)), hi] - cum[:, today + 1])


def _dataset_on(
    ds: Dataset, units: pd.DataFrame, day0: pd.Timestamp, d: int, ledger: StockLedger
) -> Dataset:
    """The dataset as it stood at the end of replay day ``d``, with forecaster's replayed stock.

    Stock on hand is the replayed net stock (back-orders as allocated units)
    and the open POs are forecaster's orders in transit.
    """
    as_of = day0 + pd.Timedelta(days=d)
    net = ledger.net[0]
    inventory = pd.DataFrame(
        {
            "sku": units["sku"],
            "warehouse": units["warehouse"],
            "on_hand": np.maximum(net, 0.0),
            "allocated": np.maximum(-net, 0.0),
            "last_receipt_date": pd.Series(pd.NaT, index=units.index, dtype="datetime64[ns]"),
        }
    ).astype(ds.inventory.dtypes.to_dict())
    rows, days = np.nonzero(ledger.due[0, :, d + 1 :])
    orders = pd.DataFrame(
        {
            "po_id": [f"SIM-{r}-{k}" for r, k in zip(rows, days, strict=True)],
            "sku": units["sku"].to_numpy()[rows],
            "warehouse": units["warehouse"].to_numpy()[rows],
            "qty": ledger.due[0, rows, d + 1 + days],
            "eta": as_of + pd.to_timedelta(days + 1, unit="D"),
        }
    ).astype(ds.purchase_orders.dtypes.to_dict())
    return replace(
        ds,
        as_of=as_of,
        sales=ds.sales[ds.sales["date"] <= as_of],
        inventory=inventory,
        purchase_orders=orders,
        receipts=ds.receipts.iloc[:0],
    )


__all__ = ["FORECASTER", "Replay", "simulate"]

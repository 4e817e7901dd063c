"""What a replay measured, as tables: overall, per ABC class, per SKU, per week, exchange curve.

Definitions (every policy alike):

* **fill rate** -- units served from stock on the day they were asked for /
  units asked for;
* **stock-out days** -- unit-days on which some demand found no stock;
* **stock at cost** -- the mean over the replayed days of the end-of-day units
  on hand x unit cost, added over the units;
* **order lines per week** -- unit x review pairs with a positive order;
* **bias of the protection-period total** -- forecast of the demand over the
  protection period, added over the review days whose period is over, / the
  demand that came - 1.

The rule's variants trace an exchange curve of stock against fill rate; the
rule's stock *at forecaster's fill rate* is read off it by linear
interpolation between the two neighbouring variants (NaN when forecaster's
fill is outside the curve's range).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import label
from forecaster.simulation.replay import FORECASTER, Replay

ABC = ("A", "B", "C")


@dataclass(frozen=True)
class Outcome:
    """The tables of a replay.

    Attributes
    ----------
    policies
        One row per policy: ``policy``, ``safety_days``, ``fill_rate``,
        ``stock_value``, ``stockout_days``, ``lines_per_week``, ``units_ordered``.
    classes
        One row per ABC class and ``all``: ``abc_class``, ``units``,
        ``fill_rate_target``, ``fill_rate``, ``gap`` (fill - target),
        ``stock_value``, ``rule_stock_value`` (the rule's stock at the same fill),
        ``stock_ratio``, ``bias_p``, ``rule_bias_p``.
    class_curves
        One row per ABC class and policy: ``abc_class``, ``policy``,
        ``safety_days``, ``fill_rate``, ``stock_value`` (each class's own
        exchange curve, forecaster's point first).
    skus
        One row per planning unit.
    weeks
        One row per replayed week.
    rule_at
        Index of the rule variant whose overall fill is nearest forecaster's
        (its figures stand beside forecaster's on the SKU and week sheets).
    """

    policies: pd.DataFrame
    classes: pd.DataFrame
    class_curves: pd.DataFrame
    skus: pd.DataFrame
    weeks: pd.DataFrame
    rule_at: int

    @property
    def overall(self) -> pd.Series:
        """The ``all`` row of :attr:`classes`."""
        return self.classes.set_index("abc_class").loc["all"]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.asarray(np.divide(num, den, out=np.full(np.shape(num), np.nan), where=den > 0))


def rule_stock_at(fill: float, rule_fill: np.ndarray, rule_stock: np.ndarray) -> float:
    """The rule's stock at fill rate ``fill``, interpolated along its exchange curve.

    The curve is taken in order of stock; a variant that holds more stock but
    serves no more than a leaner one is dominated and left out. NaN when
    ``fill`` is above the best variant's fill or below the leanest one's.

    >>> rule_stock_at(0.95, np.array([0.9, 0.94, 0.98]), np.array([10.0, 20.0, 40.0]))
    25.0
    >>> rule_stock_at(1.0, np.array([1.0, 1.0]), np.array([140.0, 420.0]))
    140.0
    """
    order = np.argsort(rule_stock, kind="stable")
    stock, served = rule_stock[order], rule_fill[order]
    best_before = np.maximum.accumulate(np.r_[-np.inf, served[:-1]])
    frontier = served > best_before
    stock, served = stock[frontier], served[frontier]
    if len(served) == 0 or np.isnan(fill) or fill > served[-1] + 1e-12 or fill < served[0]:
        return float("nan")
    return float(np.interp(fill, served, stock))


def summarise(replay: Replay) -> Outcome:
    """Every table of :class:`Outcome` from a replay."""
    t = replay.totals
    cost = replay.units["unit_cost"].to_numpy(dtype=float)
    days = replay.days
    demand = t.demand.sum(axis=2)  # (k, n)
    served = t.served.sum(axis=2)
    stock_units = t.stock.sum(axis=2) / days
    value = stock_units * cost
    fill_all = _ratio(served.sum(axis=1), demand.sum(axis=1))
    policies = pd.DataFrame(
        {
            "policy": replay.policies,
            "safety_days": replay.safety_days,
            "fill_rate": fill_all,
            "stock_value": value.sum(axis=1),
            "stockout_days": t.short_days.sum(axis=(1, 2)),
            "lines_per_week": t.lines.sum(axis=(1, 2)) / replay.weeks,
            "units_ordered": t.ordered.sum(axis=(1, 2)),
        }
    )
    rule_at = 1 + int(np.nanargmin(np.abs(fill_all[1:] - fill_all[0])))
    return Outcome(
        policies,
        _classes(replay, demand, served, value),
        _class_curves(replay, demand, served, value),
        _skus(replay, demand, served, stock_units, value, rule_at),
        _weeks(replay, cost, rule_at),
        rule_at,
    )


def _classes(
    replay: Replay, demand: np.ndarray, served: np.ndarray, value: np.ndarray
) -> pd.DataFrame:
    """Fill against target, stock and the rule's stock at the same fill, per class and overall."""
    abc = replay.units["abc_class"].to_numpy()
    target = replay.units["fill_rate_target"].to_numpy(dtype=float)
    rows = []
    for name in (*ABC, "all"):
        members = abc == name if name != "all" else np.ones(len(abc), dtype=bool)
        if not members.any():
            continue
        asked = demand[:, members].sum(axis=1)
        fill = _ratio(served[:, members].sum(axis=1), asked)
        stock = value[:, members].sum(axis=1)
        wanted = float(np.average(target[members], weights=demand[0, members] + 1e-12))
        at = rule_stock_at(float(fill[0]), fill[1:], stock[1:])
        rows.append(
            {
                "abc_class": name,
                "units": int(members.sum()),
                "demand": float(asked[0]),
                "fill_rate_target": wanted,
                "fill_rate": float(fill[0]),
                "gap": float(fill[0]) - wanted,
                "stock_value": float(stock[0]),
                "rule_stock_value": at,
                "stock_ratio": float(stock[0]) / at if at > 0 else float("nan"),
                "bias_p": _bias(replay.forecast_p[members], replay.actual_p[members]),
                "rule_bias_p": _bias(replay.rule_p[members], replay.actual_p[members]),
            }
        )
    return pd.DataFrame(rows)


def _class_curves(
    replay: Replay, demand: np.ndarray, served: np.ndarray, value: np.ndarray
) -> pd.DataFrame:
    """Fill rate and stock of every policy within each ABC class."""
    abc = replay.units["abc_class"].to_numpy()
    frames = []
    for name in ABC:
        members = abc == name
        if not members.any():
            continue
        frames.append(
            pd.DataFrame(
                {
                    "abc_class": name,
                    "policy": replay.policies,
                    "safety_days": replay.safety_days,
                    "fill_rate": _ratio(
                        served[:, members].sum(axis=1), demand[:, members].sum(axis=1)
                    ),
                    "stock_value": value[:, members].sum(axis=1),
                }
            )
        )
    columns = ["abc_class", "policy", "safety_days", "fill_rate", "stock_value"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _bias(forecast: np.ndarray, actual: np.ndarray) -> float:
    total = float(actual.sum())
    return float(forecast.sum()) / total - 1.0 if total > 0 else float("nan")


def _skus(
    replay: Replay,
    demand: np.ndarray,
    served: np.ndarray,
    stock_units: np.ndarray,
    value: np.ndarray,
    rule_at: int,
) -> pd.DataFrame:
    """One row per planning unit: forecaster's figures and the nearest rule variant's."""
    u = replay.units
    t = replay.totals
    frame = pd.DataFrame(
        {
            "sku": u["sku"],
            "name": u["name"],
            "warehouse": u["warehouse"],
            "supplier": u["supplier"],
            "abc_class": u["abc_class"],
            "fill_rate_target": u["fill_rate_target"],
            "demand": demand[0],
            "served": served[0],
            "fill_rate": _ratio(served[0], demand[0]),
            "stockout_days": t.short_days[0].sum(axis=1),
            "avg_stock": stock_units[0],
            "stock_value": value[0],
            "order_lines": t.lines[0].sum(axis=1),
            "bias_p": _ratio(replay.forecast_p, replay.actual_p) - 1.0,
            "rule_fill_rate": _ratio(served[rule_at], demand[rule_at]),
            "rule_stock_value": value[rule_at],
        }
    )
    return frame.sort_values(["abc_class", "sku", "warehouse"], kind="stable").reset_index(
        drop=True
    )


def _weeks(replay: Replay, cost: np.ndarray, rule_at: int) -> pd.DataFrame:
    """One row per replayed week: demand, fill, stock and orders of forecaster and the rule."""
    t = replay.totals
    days = np.minimum(7, replay.days - 7 * np.arange(replay.weeks))
    fill = _ratio(t.served.sum(axis=1), t.demand.sum(axis=1))  # (k, weeks)
    stock = (t.stock * cost[None, :, None]).sum(axis=1) / days[None, :]
    return pd.DataFrame(
        {
            "week_start": [replay.week_start(w) for w in range(replay.weeks)],
            "demand": t.demand[0].sum(axis=0),
            "fill_rate": fill[0],
            "stock_value": stock[0],
            "stockout_days": t.short_days[0].sum(axis=0),
            "order_lines": t.lines[0].sum(axis=0),
            "order_value": (t.ordered[0] * cost[:, None]).sum(axis=0),
            "rule_fill_rate": fill[rule_at],
            "rule_stock_value": stock[rule_at],
        }
    )


def verdict(outcome: Outcome, money: str = "{:,.0f}", lang: Lang = "en") -> str:
    """The one line a planner reads (in ``lang``), e.g. ``forecaster: 96.1% fill with
    41,020 of stock; your rule needs 63,400 for 96.1%``."""
    ours = outcome.policies.iloc[0]
    rules = outcome.policies.iloc[1:]
    fill, stock = float(ours["fill_rate"]), float(ours["stock_value"])
    head = label("verdict.head", lang).format(name=FORECASTER, fill=fill, stock=money.format(stock))
    at = rule_stock_at(fill, rules["fill_rate"].to_numpy(), rules["stock_value"].to_numpy())
    if not np.isnan(at):
        ratio = stock / at
        return head + label("verdict.needs", lang).format(
            at=money.format(at), fill=fill, ratio=ratio
        )
    best = rules.loc[rules["fill_rate"].idxmax()]
    if fill > float(best["fill_rate"]):
        return head + label("verdict.at_most", lang).format(
            best=float(best["fill_rate"]),
            k=float(best["safety_days"]),
            stock=money.format(float(best["stock_value"])),
        )
    lean = rules.loc[rules["stock_value"].idxmin()]
    return head + label("verdict.lean", lang).format(
        lean=float(lean["fill_rate"]),
        k=float(lean["safety_days"]),
        stock=money.format(float(lean["stock_value"])),
    )


def policy_names(frame: pd.DataFrame, lang: Lang) -> pd.Series:
    """The ``policy`` column of ``frame`` (which has ``safety_days``) as ``lang`` shows it:
    ``forecaster`` as it is, each rule as ``rule k=3`` (``经验法则 k=3``)."""
    if lang == "en":
        return frame["policy"]
    rules = frame["policy"] != FORECASTER
    named = frame["safety_days"].map(lambda k: label("policy.rule", lang).format(k=float(k)))
    return frame["policy"].where(~rules, named)

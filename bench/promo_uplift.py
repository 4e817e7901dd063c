"""How well past promotions predict the next one: the uplift estimate, prior by prior.

For a promotion that has happened, the uplift estimated the day before it
started (from the earlier promotions of the same name, as ``promo-check``
would have) times each unit's normal demand around it (measured afterwards)
predicts the units it sold during the promotion. The script prints the WAPE
of that prediction over all units with evidence, ``sum |sold - predicted| /
sum sold``, for:

* ``none``: no uplift (1.0);
* ``shop``: one pooled uplift for every unit;
* ``category``: the category's pooled uplift;
* ``k=...``: :func:`forecaster.models.uplift.shrink` down shop -> category ->
  SKU with ``uplift_prior_units = k`` (``k=0``: each SKU's own ratio; the
  shipped default is marked with ``*``).

Data sets:

* the shipped sample shop (``sample_data/``, units per SKU x warehouse): 1111
  of 2025 from 1111 of 2024, 618 of 2025 from 618 of 2024, 618 of 2026 from
  both earlier 618s;
* Walmart weekly department sales of stores 1-20 (``../shared/data``; real
  data, in dollars): each store x department is a unit of its department's
  category, each week one period (normal = 4 weeks each side, 1 guard week),
  the holiday weeks are the promotions: Super Bowl, Labor Day, Thanksgiving
  of 2011 from 2010, and Super Bowl and Labor Day of 2012 from both years
  before. Dollars are not units: the prior ``k`` is in dollars there.

::

    python bench/promo_uplift.py [--data ../shared/data]

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from forecaster.config import PromotionSettings, Settings
from forecaster.io.dataset import load_dataset
from forecaster.models.uplift import past_evidence, shrink
from forecaster.units import planning_units

PRIORS = (0.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 10000.0, 100000.0)
DEFAULT_PRIOR = PromotionSettings().uplift_prior_units
HOLIDAYS = {"2010-02-12": "super_bowl", "2010-09-10": "labor_day", "2010-11-26": "thanksgiving",
            "2010-12-31": "christmas", "2011-02-11": "super_bowl", "2011-09-09": "labor_day",
            "2011-11-25": "thanksgiving", "2011-12-30": "christmas", "2012-02-10": "super_bowl",
            "2012-09-07": "labor_day"}  # fmt: skip
WALMART_TARGETS = ("2011-02-11", "2011-09-09", "2011-11-25", "2012-02-10", "2012-09-07")


def scores(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    promotions: pd.DataFrame,
    target: int,
    settings: PromotionSettings,
) -> dict[str, float]:
    """WAPE of each estimate of promotion row ``target`` (see the module docstring)."""
    row = promotions.loc[target]
    before = row["start"] - pd.Timedelta(days=1)
    past = past_evidence(sales, units, promotions, row["name"], before, settings)
    after = row["end"] + pd.Timedelta(days=settings.guard_days + settings.baseline_days)
    renamed = promotions.copy()
    renamed.loc[target, "name"] = "__target__"
    truth = past_evidence(sales, units, renamed, "__target__", after, settings)
    keys = [units["category"].to_numpy(), units["sku"].to_numpy()]
    shop, category = shrink(past.sold, past.expected, keys[:1], 0.0)
    estimates = {"none": np.ones(len(units)), "shop": shop, "category": category}
    for k in PRIORS:
        mark = "*" if k == DEFAULT_PRIOR else ""
        estimates[f"k={k:g}{mark}"] = shrink(past.sold, past.expected, keys, k)[-1]
    seen = truth.expected > 0
    sold = truth.sold[seen]
    return {
        name: float(np.abs(sold - np.nan_to_num(est, nan=1.0)[seen] * truth.expected[seen]).sum())
        / float(sold.sum())
        for name, est in estimates.items()
    }


def sample_shop() -> Iterator[tuple[str, dict[str, float]]]:
    ds = load_dataset(Settings())
    units = planning_units(ds)
    promos = ds.promotions
    for name, year in (("1111", 2025), ("618", 2025), ("618", 2026)):
        target = promos.index[(promos["name"] == name) & (promos["start"].dt.year == year)][0]
        result = scores(ds.sales, units, promos, target, Settings().promotions)
        yield f"sample {name} {year}", result


def walmart(data: Path) -> Iterator[tuple[str, dict[str, float]]]:
    raw = pd.read_csv(data / "walmart_weekly_dev.csv.gz", dtype={"sku": str})
    weeks = pd.Index(sorted(raw["date"].unique()))
    period = pd.Timestamp("2000-01-01") + pd.to_timedelta(np.arange(len(weeks)), unit="D")
    as_day = dict(zip(weeks, period, strict=True))
    sales = pd.DataFrame(
        {
            "sku": raw["sku"],
            "warehouse": "",
            "date": raw["date"].map(as_day),
            "qty": raw["qty"].clip(lower=0.0),
        }
    )
    skus = sorted(sales["sku"].unique())
    first = sales[sales["qty"] > 0].groupby("sku")["date"].min()
    units = pd.DataFrame(
        {
            "sku": skus,
            "warehouse": "",
            "category": [sku.split("_")[1] for sku in skus],
            "launch_date": pd.Series(pd.NaT, index=range(len(skus)), dtype="datetime64[ns]"),
            "first_sale": first.reindex(skus).to_numpy(dtype="datetime64[ns]"),
        }
    )
    promos = pd.DataFrame(
        {
            "name": list(HOLIDAYS.values()),
            "start": [as_day[d] for d in HOLIDAYS],
            "end": [as_day[d] for d in HOLIDAYS],
            "uplift": np.nan,
            "category": "",
            "sku": "",
        }
    )
    weekly = PromotionSettings(baseline_days=4, guard_days=1)
    for date in WALMART_TARGETS:
        target = int(np.flatnonzero(promos["start"] == as_day[date])[0])
        yield f"walmart {HOLIDAYS[date]} {date[:4]}", scores(sales, units, promos, target, weekly)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    rows = dict(sample_shop())
    if (args.data / "walmart_weekly_dev.csv.gz").is_file():
        rows.update(walmart(args.data))
    else:
        print(f"{args.data}: no Walmart data, only the sample shop")
    table = pd.DataFrame(rows).T
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print("WAPE of the units sold during each promotion, predicted before it started")
        print((table * 100).round(1).to_string())


if __name__ == "__main__":
    main()

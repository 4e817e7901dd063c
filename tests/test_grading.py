"""Tests of forecaster.inventory.grading: slow movers and their S/A/B/C grades.

Default rules (first match wins): C = no sale in 30 d and age >= 180; B = movement < 0.1 or
age >= 180 or lifecycle decline; S = margin >= 0.4; A = the rest. Slow mover = stock and
(cover > 90 or movement < 0.2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from forecaster.config import Settings, SlowMoverSettings
from forecaster.inventory.grading import COLUMNS, grade_units, slow_mover_mask, slow_movers

DEFAULT = Settings().slow_movers

#: A slow mover (movement 0.15 < 0.2) that matches no C/B/S condition: grade A.
BASE: dict[str, object] = {
    "name": "",
    "sku": "A",
    "warehouse": "",
    "on_hand": 50.0,
    "days_of_cover": 60.0,
    "movement_rate_30d": 0.15,
    "days_since_last_sale": 5.0,
    "inventory_age_days": 50.0,
    "gross_margin": 0.3,
    "sell_through_30d": 0.3,
    "turnover_days": 60.0,
    "stock_value": 1000.0,
    "lifecycle": "maturity",
}


def health(*rows: Mapping[str, object]) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, **row} for row in rows])


def grade_of(row: Mapping[str, object], rules: SlowMoverSettings = DEFAULT) -> str:
    return str(grade_units(health(row), rules)[0])


@pytest.mark.parametrize(
    ("row", "grade"),
    [
        # C: no sale in 40 d >= 30 and age 200 >= 180
        ({"days_since_last_sale": 40.0, "inventory_age_days": 200.0, "movement_rate_30d": 0.0},
         "C"),
        # C boundary: exactly 30 d and exactly 180 d
        ({"days_since_last_sale": 30.0, "inventory_age_days": 180.0}, "C"),
        # B by movement 0.05 < 0.1 (margin 0.5 would be S, but B comes first)
        ({"movement_rate_30d": 0.05, "gross_margin": 0.5}, "B"),
        # B by age 200 >= 180 while sold 10 d ago (< 30: not C)
        ({"inventory_age_days": 200.0, "days_since_last_sale": 10.0, "gross_margin": 0.5}, "B"),
        # movement exactly 0.1 is not < 0.1; margin 0.45 >= 0.4: S
        ({"movement_rate_30d": 0.1, "gross_margin": 0.45}, "S"),
        # S boundary: margin exactly 0.4
        ({"gross_margin": 0.4}, "S"),
        # A: slow, young, low margin
        ({"gross_margin": 0.39}, "A"),
        # slow by cover 120 > 90 only (movement 0.5): A
        ({"movement_rate_30d": 0.5, "days_of_cover": 120.0}, "A"),
        # declining: B even with margin 0.5 (S) ...
        ({"lifecycle": "decline", "gross_margin": 0.5}, "B"),
        # ... but C first when unsold for 30 d and 180 d old
        ({"lifecycle": "decline", "days_since_last_sale": 30.0, "inventory_age_days": 180.0},
         "C"),
        # growth or introduction change nothing
        ({"lifecycle": "growth", "gross_margin": 0.5}, "S"),
        ({"lifecycle": "introduction"}, "A"),
    ],
)  # fmt: skip
def test_default_grades(row: dict[str, object], grade: str) -> None:
    """Each grade of the default table, with the rule that decides it."""
    assert grade_of(row) == grade


@pytest.mark.parametrize(
    "row",
    [
        {"movement_rate_30d": 0.5, "days_of_cover": 60.0},  # moves, cover 60 <= 90
        {"movement_rate_30d": 0.2, "days_of_cover": 90.0},  # both exactly at the limit
        {"on_hand": 0.0, "movement_rate_30d": 0.0, "days_of_cover": 365.0},  # no stock
        {"movement_rate_30d": 0.5, "days_of_cover": np.nan},  # unknown cover
    ],
)
def test_non_slow_movers_get_no_grade(row: dict[str, object]) -> None:
    """Not a slow mover: grade ''."""
    assert grade_of(row) == ""


def test_nan_age_never_satisfies_an_age_condition() -> None:
    """Age unknown, no sale in 40 d, movement 0.15, margin 0.2: not C, not B (age), not S -> A.
    Same with margin 0.5 -> S. With age 200 it would be C."""
    assert grade_of({"inventory_age_days": np.nan, "days_since_last_sale": 40.0}) == "A"
    assert (
        grade_of({"inventory_age_days": np.nan, "days_since_last_sale": 40.0, "gross_margin": 0.5})
        == "S"
    )
    assert grade_of({"inventory_age_days": 200.0, "days_since_last_sale": 40.0}) == "C"


def test_nan_margin_is_never_s() -> None:
    """Unit price 0 -> margin NaN: not S, falls through to A."""
    assert grade_of({"gross_margin": np.nan}) == "A"


def test_never_sold_is_c_when_old() -> None:
    """Never sold (days since last sale infinite) and 365 d old -> C."""
    assert grade_of({"days_since_last_sale": np.inf, "inventory_age_days": 365.0}) == "C"


def test_slow_mover_mask_thresholds_from_settings() -> None:
    """cover_days 30 makes a 60 d cover slow; movement_rate 0.1 makes 0.15 fast."""
    rules = SlowMoverSettings(cover_days=30, movement_rate=0.1)
    frame = health({"days_of_cover": 60.0, "movement_rate_30d": 0.5}, {"days_of_cover": 20.0})
    assert slow_mover_mask(frame, rules).tolist() == [True, False]


def test_custom_rules_from_toml_like_dicts() -> None:
    """S if margin >= 0.6; C if cover > 300 or stock value >= 5000; else B."""
    rules = SlowMoverSettings.model_validate(
        {
            "rules": [
                {"grade": "S", "all": ["gross_margin >= 0.6"]},
                {"grade": "C", "any": ["days_of_cover > 300", "stock_value >= 5000"]},
                {"grade": "B"},
            ]
        }
    )
    frame = health(
        {"sku": "s", "gross_margin": 0.7, "days_of_cover": 365.0},  # S before C
        {"sku": "c1", "days_of_cover": 301.0},  # cover > 300
        {"sku": "c2", "stock_value": 5000.0},  # stock value >= 5000
        {"sku": "b", "days_of_cover": 300.0, "stock_value": 4999.0},  # neither
        {"sku": "-", "movement_rate_30d": 0.9},  # not slow
    )
    assert grade_units(frame, rules).tolist() == ["S", "C", "C", "B", ""]


def test_custom_rule_with_all_and_any() -> None:
    """C needs margin < 0.2 AND (age > 100 or sell-through < 0.05)."""
    rules = SlowMoverSettings.model_validate(
        {
            "rules": [
                {
                    "grade": "C",
                    "all": ["gross_margin < 0.2"],
                    "any": ["inventory_age_days > 100", "sell_through_30d < 0.05"],
                },
                {"grade": "A"},
            ]
        }
    )
    frame = health(
        {"gross_margin": 0.1, "inventory_age_days": 150.0},  # all + first any
        {"gross_margin": 0.1, "sell_through_30d": 0.01},  # all + second any
        {"gross_margin": 0.1},  # all, no any
        {"gross_margin": 0.3, "inventory_age_days": 150.0},  # any, not all
    )
    assert grade_units(frame, rules).tolist() == ["C", "C", "A", "A"]


def test_lifecycle_conditions_from_toml_like_strings() -> None:
    """S for a growing SKU with margin >= 0.3; C for anything not in maturity; else A."""
    rules = SlowMoverSettings.model_validate(
        {
            "rules": [
                {"grade": "S", "all": ["lifecycle == growth", "gross_margin >= 0.3"]},
                {"grade": "C", "all": ["lifecycle != maturity"]},
                {"grade": "A"},
            ]
        }
    )
    frame = health(
        {"lifecycle": "growth", "gross_margin": 0.3},
        {"lifecycle": "growth", "gross_margin": 0.2},
        {"lifecycle": "decline"},
        {"lifecycle": "maturity"},
    )
    assert grade_units(frame, rules).tolist() == ["S", "C", "C", "A"]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("lifecycle < 2", "lifecycle == stage"),
        ("lifecycle == dying", "valid number"),
        ("gross_margin == 0.4", "<, <=, > or >="),
        ("gross_margin >= high", "valid number"),
    ],
)
def test_condition_operator_must_fit_the_metric(condition: str, message: str) -> None:
    """Stages compare with == / != to a known stage; numbers with inequalities to a number."""
    with pytest.raises(ValidationError, match=message):
        SlowMoverSettings.model_validate(
            {"rules": [{"grade": "C", "all": [condition]}, {"grade": "A"}]}
        )


def test_last_rule_must_catch_all() -> None:
    """A rule list ending with a condition is rejected."""
    with pytest.raises(ValidationError, match="last grading rule"):
        SlowMoverSettings.model_validate(
            {"rules": [{"grade": "A"}, {"grade": "S", "all": ["gross_margin >= 0.4"]}]}
        )


def test_unreadable_condition_is_rejected() -> None:
    """'margin is high' is not 'metric op number'."""
    with pytest.raises(ValidationError, match="cannot read condition"):
        SlowMoverSettings.model_validate(
            {"rules": [{"grade": "S", "all": ["margin is high"]}, {"grade": "A"}]}
        )


def test_slow_movers_recovery_and_order() -> None:
    """Default recovery rates: C 0.1 x 1000 = 100; S 0.6 x 500 = 300; A 0.5 x 2000 = 1000;
    B 0.3 x 800 = 240. Sorted by stock value: 2000, 1000, 800, 500; the fast unit is left out."""
    frame = health(
        {"sku": "c", "days_since_last_sale": 40.0, "inventory_age_days": 200.0,
         "stock_value": 1000.0},
        {"sku": "s", "gross_margin": 0.5, "stock_value": 500.0},
        {"sku": "a", "stock_value": 2000.0},
        {"sku": "b", "movement_rate_30d": 0.05, "stock_value": 800.0},
        {"sku": "fast", "movement_rate_30d": 0.9, "stock_value": 9999.0},
    )  # fmt: skip
    table = slow_movers(frame, grade_units(frame, DEFAULT), DEFAULT)
    assert list(table.columns) == COLUMNS
    assert table["sku"].tolist() == ["a", "c", "b", "s"]
    assert table["grade"].tolist() == ["A", "C", "B", "S"]
    assert table["expected_recovery"].tolist() == pytest.approx([1000.0, 100.0, 240.0, 300.0])
    assert table["action"].tolist() == [DEFAULT.grades[g].action for g in "ACBS"]


# --------------------------------------------------------------------------- properties

health_rows = st.fixed_dictionaries(
    {
        "on_hand": st.sampled_from([0.0, 1.0, 50.0]),
        "days_of_cover": st.one_of(st.just(np.nan), st.floats(0.0, 365.0)),
        "movement_rate_30d": st.floats(0.0, 1.0),
        "days_since_last_sale": st.one_of(st.just(np.inf), st.floats(0.0, 400.0)),
        "inventory_age_days": st.one_of(st.just(np.nan), st.floats(0.0, 400.0)),
        "gross_margin": st.one_of(st.just(np.nan), st.floats(-0.5, 1.0)),
        "stock_value": st.floats(0.0, 1e5),
        "lifecycle": st.sampled_from(["introduction", "growth", "maturity", "decline"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(health_rows, min_size=1, max_size=12), seed=st.integers(0, 2**32 - 1))
def test_grades_do_not_depend_on_row_order(rows: list[dict[str, object]], seed: int) -> None:
    """Shuffling the frame shuffles the grades the same way."""
    frame = health(*[{**row, "sku": f"U{i}"} for i, row in enumerate(rows)])
    order = np.random.default_rng(seed).permutation(len(frame))
    shuffled = frame.iloc[order].reset_index(drop=True)
    assert grade_units(shuffled, DEFAULT).tolist() == grade_units(frame, DEFAULT)[order].tolist()


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(health_rows, min_size=1, max_size=12))
def test_every_slow_mover_gets_exactly_one_grade(rows: list[dict[str, object]]) -> None:
    """Slow movers get one of S/A/B/C; every other unit gets ''."""
    frame = health(*rows)
    grades = grade_units(frame, DEFAULT)
    slow = slow_mover_mask(frame, DEFAULT)
    assert all(g in {"S", "A", "B", "C"} for g in grades[slow])
    assert all(g == "" for g in grades[~slow])

"""Settings: the shipped file equals the built-in defaults; bad files fail clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from forecaster.config import Condition, Settings, SlowMoverSettings, load_settings
from forecaster.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_toml_restates_the_built_in_defaults() -> None:
    assert load_settings(REPO / "configs" / "default.toml") == Settings()


def test_every_setting_in_default_toml_has_a_comment_with_its_meaning() -> None:
    lines = (REPO / "configs" / "default.toml").read_text(encoding="utf-8").splitlines()
    scalar = [
        ln
        for ln in lines
        if "=" in ln and not ln.startswith(("#", "[")) and "[" not in ln.split("=")[0]
    ]
    simple = [ln for ln in scalar if not ln.split("=", 1)[1].strip().startswith("[")]
    missing = [
        ln
        for ln in simple
        if "#" not in ln and not ln.strip().startswith(("grade", "action", "recovery_rate"))
    ]
    assert missing == []


def test_a_file_may_set_a_subset(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[replenishment]\nfill_rate = 0.95\n"))
    assert settings.replenishment.fill_rate == {"A": 0.95, "B": 0.95, "C": 0.95}
    by_class = "[replenishment.fill_rate]\nA = 0.99\nB = 0.9\nC = 0.8\n"
    settings = load_settings(write(tmp_path, by_class))
    assert settings.replenishment.fill_rate == {"A": 0.99, "B": 0.9, "C": 0.8}
    assert settings.replenishment.review_period_days == 7
    assert settings.alerts == Settings().alerts


def test_flags_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[data]\ndir = "a"\n[output]\ndir = "b"\nlang = "zh"\n')
    settings = load_settings(path).with_overrides(data_dir=Path("x"), as_of=date(2026, 1, 5))
    assert settings.data.dir == Path("x")
    assert settings.output.dir == Path("b") and settings.output.lang == "zh"
    assert settings.planning.as_of == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts\n", "not valid TOML"),
        (
            "[alerts]\noverstok_cover_days = 60\n",
            "[alerts] overstok_cover_days = 60: unknown setting",
        ),
        (
            '[simulation]\nunmet_demand = "backorder"\n',
            '[simulation] unmet_demand = "backorder": moved to [replenishment] unmet_demand',
        ),
        (
            "[replenishment]\nfill_rate = 1.5\n",
            "[replenishment] fill_rate.A = 1.5: must be less than 1",
        ),
        (
            "[replenishment.fill_rate]\nA = 0.98\n",
            "[replenishment] fill_rate: no fill rate for class(es) B, C",
        ),
        (
            "[replenishment]\nabc_shares = [0.9, 0.8]\n",
            "[replenishment] abc_shares = [0.9, 0.8]: the share closing class A must not exceed "
            "the one closing B",
        ),
        ('[output]\nlang = "fr"\n', "[output] lang = \"fr\": must be 'en' or 'zh'"),
        (
            '[[slow_movers.rules]]\ngrade = "S"\nall = ["margin > 0.4"]\n',
            "[slow_movers] rules[0].all[0].metric",
        ),
        (
            '[[slow_movers.rules]]\ngrade = "S"\nall = ["gross_margin is high"]\n',
            "cannot read condition 'gross_margin is high'",
        ),
        (
            '[[slow_movers.rules]]\ngrade = "S"\nall = ["gross_margin >= 0.4"]\n',
            "the last grading rule must have no conditions",
        ),
        ('[columns.aliases]\nskuu = ["货号"]\n', "aliases: unknown column 'skuu'"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert message in str(caught.value)
    assert str(tmp_path / "settings.toml") in str(caught.value)


def test_missing_default_file_means_built_in_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(None) == Settings()


def test_conditions_parse_and_evaluate() -> None:
    c = Condition.model_validate("inventory_age_days >= 180")
    assert (c.metric, c.op, c.value) == ("inventory_age_days", ">=", 180.0)
    assert str(c) == "inventory_age_days >= 180"
    values = np.array([179.0, 180.0, np.inf, np.nan])
    assert c.holds(values).tolist() == [False, True, True, False]


def test_custom_rule_table(tmp_path: Path) -> None:
    text = """
[[slow_movers.rules]]
grade = "C"
all = ["days_since_last_sale >= 60"]

[[slow_movers.rules]]
grade = "A"
"""
    rules = load_settings(write(tmp_path, text)).slow_movers.rules
    assert [r.grade for r in rules] == ["C", "A"]
    assert SlowMoverSettings().grades["S"].recovery_rate == 0.6

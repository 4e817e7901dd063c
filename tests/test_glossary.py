"""Tests of forecaster.glossary: both languages of every sentence fit together, and a
Chinese run writes its sentences in Chinese.

A template whose two languages name different values fails at run time only for the
language that is wrong, so the names are compared here; and a Chinese template with
English words left in it would show them to the planner.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from string import Formatter

import pandas as pd
import pytest
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import load_settings
from forecaster.glossary import LABELS, PHRASES, TERMS, in_words, say

REPO = Path(__file__).resolve().parents[1]
#: Values a language may leave out: the English plural ending.
ENGLISH_ONLY = {"s"}
#: Latin words Chinese planners use as they are.
LOANWORDS = {"sku", "abc"}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def english_words(template: str) -> set[str]:
    """Words of three letters or more in the literal text of ``template``."""
    literal = "".join(text for text, *_ in Formatter().parse(template))
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", literal)}


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_both_languages_fill_the_same_values(key: str) -> None:
    en, zh = PHRASES[key]
    assert fields(zh) == fields(en) - ENGLISH_ONLY


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_chinese_sentences_hold_no_english_words(key: str) -> None:
    assert english_words(PHRASES[key][1]) == set()


def test_every_header_and_label_has_chinese() -> None:
    for key, term in TERMS.items():
        assert term.zh and not english_words(term.zh) - LOANWORDS, key
    for key, (en, zh) in LABELS.items():
        assert zh and zh != en, key
        assert not english_words(zh) - LOANWORDS, key


def test_say_fills_the_template() -> None:
    assert say("alert.transfer", "en", qty=1400, warehouse="W2") == "transfer 1,400 units to W2"
    assert say("alert.transfer", "zh", qty=1400, warehouse="W2") == "调拨 1,400 件到 W2"


def test_codes_in_words() -> None:
    codes = pd.Series(["OUT_OF_STOCK", "high", "decline", "not-a-code"])
    assert in_words(codes, "en").tolist() == codes.tolist()
    assert in_words(codes, "zh").tolist() == ["缺货", "高", "衰退期", "not-a-code"]


def test_chinese_run_writes_chinese_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample shop under --lang zh: why, action, detail and uplift source are Chinese.

    The grade actions come from the config (bilingual there) and are cut out first; what
    is left may hold codes and numbers but no English word of any sentence template.
    """
    shutil.copytree(REPO / "sample_data", tmp_path / "sample_data")
    shutil.copytree(REPO / "configs", tmp_path / "configs")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command in (["run", "--budget", "1000000"], ["promo-check", "--promo", "1111"]):
        result = runner.invoke(app, [*command, "--lang", "zh"])
        assert result.exit_code == 0, result.output
    forbidden = set().union(*(english_words(en) for en, _ in PHRASES.values()))
    grade_actions = [g.action for g in load_settings(None).slow_movers.grades.values()]

    def check(path: Path, sheet: str, column: str, marker: str) -> None:
        texts = pd.read_excel(path, sheet_name=sheet)[column].dropna().astype(str)
        texts = texts[texts != "合计"]
        assert len(texts) > 0 and texts.str.contains(marker).any(), (sheet, column)
        for text in texts:
            for action in grade_actions:
                text = text.replace(action, "")
            assert not english_words(text) & forbidden, text

    plan = tmp_path / "out" / "补货建议_2026-10-18.xlsx"
    check(plan, "补货建议", "计算依据", "保护期")
    check(plan, "预警", "建议动作", "立即下单")
    check(plan, "预警", "说明", "可售")
    alerts = pd.read_excel(plan, sheet_name="预警")
    assert set(alerts["预警类型"]) == {"缺货", "断货风险", "库存积压", "售罄率低", "呆滞库存"}
    why = pd.read_excel(plan, sheet_name="补货建议")["计算依据"].dropna()
    assert why.str.contains("间歇需求").any() and why.str.contains("因预算").any()
    promo = tmp_path / "out" / "大促检查_1111_2026-10-18.xlsx"
    check(promo, "大促检查", "建议动作", "下单")
    check(promo, "大促检查", "倍数来源", "次历史")

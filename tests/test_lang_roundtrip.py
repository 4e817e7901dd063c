"""``--lang zh`` beyond the headers (sheet names, file names, status words) and the round
trip's language and formula cells (issue 17, items 5 and 6).

A tiny shop of two suppliers keeps every run under two seconds: S1's order is below
its minimum order value, S2's is not.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.glossary import LABELS, header, sheet_name
from forecaster.report.excel import sheet_title
from forecaster.report.promo_workbook import promo_workbook_name
from forecaster.simulation.outcome import policy_names, verdict
from tests.conftest import MINIMAL, write_tables

AS_OF = "2026-03-02"
runner = CliRunner()
#: The planner's workbook's sheets, in order, in Chinese.
ZH_SHEETS = [
    *("汇总", "看板", "补货建议", "库存健康", "预警"),
    *("滞销品", "预测", "图表", "预测跟踪", "周度变化", "供应商", "数据质量"),
]
SUPPLIERS = [
    {"supplier": "S1", "name": "Alpha", "min_order_value": 100000},
    {"supplier": "S2", "name": "Beta", "min_order_value": 0},
]
SKUS = [
    {"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7},
    {"sku": "B", "supplier": "S2", "unit_cost": 2, "unit_price": 3, "lead_time_days": 7},
]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shop") / "data"
    return write_tables(folder, {**MINIMAL, "skus": SKUS, "suppliers": SUPPLIERS})


def run(data: Path, out: Path, *options: str) -> None:
    result = runner.invoke(app, ["run", "--data", str(data), "--out", str(out), *options])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def zh_out(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a Chinese run."""
    out = tmp_path_factory.mktemp("zh") / "out"
    run(data, out, "--lang", "zh")
    return out


@pytest.fixture
def zh_plan(zh_out: Path, tmp_path: Path) -> Path:
    """A copy of the Chinese planner's workbook, to edit."""
    return Path(shutil.copy(zh_out / f"补货建议_{AS_OF}.xlsx", tmp_path / "edited.xlsx"))


def po_from(path: Path, out: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["po", "--from", str(path), "--out", str(out), *options])
    return result.exit_code, flat(result.output)


def files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")}


def test_sheet_names_fit_excel_and_differ_by_language() -> None:
    keys = [key for key in LABELS if key.startswith("sheet.")]
    for key in keys:
        en, zh = LABELS[key]
        assert sheet_title(en) == en and sheet_title(zh) == zh, key
    zh_names = [sheet_name(key.removeprefix("sheet."), "zh") for key in keys]
    assert len(set(zh_names)) == len(zh_names)


def test_chinese_run_names_sheets_and_files_in_chinese(zh_out: Path) -> None:
    assert files(zh_out) == {
        f"补货建议_{AS_OF}.xlsx",
        f"供应商/采购单_S1_{AS_OF}.xlsx",
        f"供应商/采购单_S2_{AS_OF}.xlsx",
    }
    wb = load_workbook(zh_out / f"补货建议_{AS_OF}.xlsx")
    assert wb.sheetnames == ZH_SHEETS
    po = load_workbook(zh_out / "供应商" / f"采购单_S1_{AS_OF}.xlsx")
    assert po.sheetnames == ["采购单"]


def test_every_chart_points_at_its_own_sheet(zh_out: Path) -> None:
    """Charts name their sheet in their references: in Chinese, the Chinese one."""
    wb = load_workbook(zh_out / f"补货建议_{AS_OF}.xlsx")
    charted = 0
    for ws in wb.worksheets:
        for chart in ws._charts:
            for series in chart.series:
                refs = [series.val.numRef.f, series.cat.numRef.f if series.cat.numRef else None]
                refs += [series.cat.strRef.f if series.cat.strRef else None]
                for ref in filter(None, refs):
                    assert ref.startswith(f"'{ws.title}'!"), (ws.title, ref)
                    charted += 1
    assert charted > 0


def test_chinese_summary_states_supplier_status_in_chinese(zh_out: Path) -> None:
    ws = load_workbook(zh_out / f"补货建议_{AS_OF}.xlsx")["汇总"]
    rows = [row for row in ws.iter_rows(values_only=True) if row[0] in ("S1", "S2")]
    status = {row[0]: row[6] for row in rows}
    assert status == {"S1": "低于最低起订金额", "S2": "正常"}


def test_english_file_names_on_request(data: Path, tmp_path: Path) -> None:
    """``[output] file_names = "en"``: English file names, Chinese sheets."""
    config = tmp_path / "en_names.toml"
    config.write_text('[output]\nfile_names = "en"\n', encoding="utf-8")
    out = tmp_path / "out"
    run(data, out, "--lang", "zh", "--config", str(config))
    assert files(out) == {
        f"replenishment_{AS_OF}.xlsx",
        f"suppliers/PO_S1_{AS_OF}.xlsx",
        f"suppliers/PO_S2_{AS_OF}.xlsx",
    }
    assert load_workbook(out / f"replenishment_{AS_OF}.xlsx").sheetnames == ZH_SHEETS
    name = promo_workbook_name("双11", pd.Timestamp(AS_OF), "zh")
    assert name == f"大促检查_双11_{AS_OF}.xlsx"


def test_english_run_keeps_english_names(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(data, out)
    assert f"suppliers/PO_S1_{AS_OF}.xlsx" in files(out)
    wb = load_workbook(out / f"replenishment_{AS_OF}.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Dashboard", "Replenishment"]
    rows = [row for row in wb["Summary"].iter_rows(values_only=True) if row[0] == "S1"]
    assert rows[0][6] == "below minimum order value"


def test_po_from_a_chinese_workbook_writes_chinese_pos(zh_plan: Path, tmp_path: Path) -> None:
    """No --lang: the workbook's language, for the POs and their names."""
    out = tmp_path / "po"
    code, output = po_from(zh_plan, out)
    assert code == 0, output
    assert files(out) == {f"供应商/采购单_S1_{AS_OF}.xlsx", f"供应商/采购单_S2_{AS_OF}.xlsx"}
    po = load_workbook(out / "供应商" / f"采购单_S2_{AS_OF}.xlsx")
    assert po.sheetnames == ["采购单"]
    texts = {cell for row in po.active.iter_rows(values_only=True) for cell in row}
    assert header("sku", "zh") in texts and "采购单号" in texts


def test_explicit_lang_en_wins(zh_plan: Path, tmp_path: Path) -> None:
    """--lang en: English POs under English names, and the Chinese ones of the same date
    (the same PO numbers) are removed."""
    out = tmp_path / "po"
    assert po_from(zh_plan, out)[0] == 0
    code, output = po_from(zh_plan, out, "--lang", "en")
    assert code == 0, output
    assert files(out) == {f"suppliers/PO_S1_{AS_OF}.xlsx", f"suppliers/PO_S2_{AS_OF}.xlsx"}
    po = load_workbook(out / "suppliers" / f"PO_S2_{AS_OF}.xlsx")
    assert po.sheetnames == ["Purchase order"]
    assert "Removed" in output


def set_final_order(path: Path, row: int, value: object) -> str:
    """Set Final order of sheet row ``row`` on the Chinese Replenishment sheet; its cell."""
    wb = load_workbook(path)
    ws = wb["补货建议"]
    column = [cell.value for cell in ws[1]].index(header("final_order", "zh")) + 1
    cell = ws.cell(row, column)
    cell.value = value
    wb.save(path)
    return str(cell.coordinate)


def test_a_supplier_left_without_lines_loses_its_chinese_po(zh_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "po"
    assert po_from(zh_plan, out)[0] == 0
    set_final_order(zh_plan, 2, 0)  # A, the only line of S1
    code, output = po_from(zh_plan, out)
    assert code == 0, output
    assert files(out) == {f"供应商/采购单_S2_{AS_OF}.xlsx"}
    assert "Removed" in output


def test_formula_without_saved_value_is_an_error_naming_the_cell(
    zh_plan: Path, tmp_path: Path
) -> None:
    """openpyxl saves a formula without calculating it: the cell reads blank, which would
    silently drop the line."""
    cell = set_final_order(zh_plan, 2, "=10*12")
    out = tmp_path / "po"
    code, output = po_from(zh_plan, out)
    assert code == 2
    assert (
        f"edited.xlsx: 补货建议!{cell} holds a formula with no saved value: save the "
        "workbook in Excel or WPS, or enter a number"
    ) in output
    assert not out.exists()


def test_formula_with_saved_value_is_read_as_its_value(zh_plan: Path, tmp_path: Path) -> None:
    """As Excel saves it: the formula and its value (``<v>120</v>``) in the sheet XML."""
    cell = set_final_order(zh_plan, 2, "=10*12")
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(zh_plan) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                pattern = rf'(<c r="{cell}"[^>]*><f>10\*12</f>)(<v\s*/>|<v>\s*</v>)?'
                content = re.sub(pattern, r"\1<v>120</v>", content.decode()).encode()
            target.writestr(item, content)
    out = tmp_path / "po"
    code, output = po_from(saved, out)
    assert code == 0, output
    ws = load_workbook(out / "供应商" / f"采购单_S1_{AS_OF}.xlsx").active
    rows = [row for row in ws.iter_rows(values_only=True) if row[0] == "A"]
    assert rows[0][header_index(ws, "quantity")] == 120


def header_index(ws: object, key: str) -> int:
    rows = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    head = next(row for row in rows if row[0] == header("sku", "zh"))
    return list(head).index(header(key, "zh"))


def test_formula_without_saved_value_in_an_english_workbook(data: Path, tmp_path: Path) -> None:
    run(data, tmp_path / "run")
    path = Path(shutil.copy(tmp_path / "run" / f"replenishment_{AS_OF}.xlsx", tmp_path / "e.xlsx"))
    wb = load_workbook(path)
    ws = wb["Replenishment"]
    column = [cell.value for cell in ws[1]].index("Final order") + 1
    cell = ws.cell(3, column)
    cell.value = "=2*7"
    wb.save(path)
    code, output = po_from(path, tmp_path / "po")
    assert code == 2
    assert (
        f"e.xlsx: Replenishment!{cell.coordinate} holds a formula with no saved value: save "
        "the workbook in Excel or WPS, or enter a number"
    ) in output
    assert not (tmp_path / "po").exists()


def test_language_comes_from_the_headers_whatever_the_sheet_names(
    zh_plan: Path, tmp_path: Path
) -> None:
    """A Chinese workbook whose sheets carry English names (as before issue 17) still
    gives Chinese POs."""
    wb = load_workbook(zh_plan)
    for key in ("summary", "replenishment", "suppliers"):
        wb[sheet_name(key, "zh")].title = sheet_name(key, "en")
    wb.save(zh_plan)
    code, output = po_from(zh_plan, tmp_path / "po")
    assert code == 0, output
    assert files(tmp_path / "po") == {
        f"供应商/采购单_S1_{AS_OF}.xlsx",
        f"供应商/采购单_S2_{AS_OF}.xlsx",
    }


def test_simulation_verdict_and_policies_in_chinese() -> None:
    """The replay's verdict and its rules' names are words of the workbook too."""
    policies = pd.DataFrame(
        {
            "policy": ["forecaster", "rule k=0", "rule k=7"],
            "safety_days": [float("nan"), 0.0, 7.0],
            "fill_rate": [0.95, 0.90, 0.97],
            "stock_value": [1000.0, 900.0, 2000.0],
        }
    )
    outcome = SimpleNamespace(policies=policies)
    en = verdict(outcome)  # type: ignore[arg-type]
    assert en.startswith("forecaster: 95.0% fill with 1,000 of stock at cost; your rule needs")
    zh = verdict(outcome, lang="zh")  # type: ignore[arg-type]
    assert zh.startswith("forecaster:满足率 95.0%,库存成本 1,000;经验法则达到 95.0% 需要")
    assert policy_names(policies, "en").tolist() == policies["policy"].tolist()
    assert policy_names(policies, "zh").tolist() == ["forecaster", "经验法则 k=0", "经验法则 k=7"]

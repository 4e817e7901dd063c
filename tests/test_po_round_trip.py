"""The round trip: the planner edits Final order in the workbook, `forecaster po --from`
rewrites the supplier files from it.

The sample shop is planned once per language; each test edits a copy of its workbook
with openpyxl (as Excel would) and reads the supplier files back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import Lang
from forecaster.glossary import TERMS, file_word, sheet_name
from forecaster.report.workbook import planner_workbook_name

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-10-18"
runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=["en", "zh"])
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planner's workbook of the sample shop, in English or Chinese."""
    out = tmp_path_factory.mktemp(f"run_{request.param}")
    result = runner.invoke(
        app,
        [
            "run",
            "--data", str(REPO / "sample_data"),
            "--config", str(REPO / "configs" / "default.toml"),
            "--out", str(out),
            "--lang", request.param,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out / planner_workbook_name(pd.Timestamp(AS_OF), request.param)


def lang_of(planned: Path) -> Lang:
    """The language a planned workbook was written in (its file name tells)."""
    return "en" if planned.name.startswith("replenishment_") else "zh"


def sheet_of(planned: Path) -> str:
    """The name of the Replenishment sheet of a planned workbook."""
    return sheet_name("replenishment", lang_of(planned))


def po_glob(lang: Lang, code: str = "*") -> str:
    """Where the supplier files of ``code`` are, relative to the output folder."""
    return f"{file_word('suppliers', lang)}/{file_word('po', lang)}_{code}_{AS_OF}.xlsx"


#: The columns read back (some Chinese headers are shared by other keys).
READ = (
    "sku", "warehouse", "final_order", "suggested_order", "order_value", "quantity",
    "unit_cost", "line_value", "supplier", "lead_time_days", "requested_delivery",
)  # fmt: skip
KEYS = {TERMS[key].en: key for key in READ} | {TERMS[key].zh: key for key in READ}


def keyed(headers: list[object]) -> list[str]:
    return [KEYS.get(str(h), str(h)) for h in headers]


def replenishment(path: Path) -> pd.DataFrame:
    """The Replenishment sheet with canonical column keys, without its total row."""
    frame = pd.read_excel(path, sheet_name=sheet_of(path), dtype={0: str})
    frame.columns = keyed(list(frame.columns))
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # sheet rows
    return frame.iloc[:-1]


def edit(planned: Path, tmp_path: Path, changes: dict[int, object]) -> Path:
    """A copy of the workbook with Final order set to ``changes[row]`` (sheet rows)."""
    path = tmp_path / "edited.xlsx"
    shutil.copy(planned, path)
    wb = load_workbook(path)
    ws = wb[sheet_of(planned)]
    column = keyed([cell.value for cell in ws[1]]).index("final_order") + 1
    for row, value in changes.items():
        ws.cell(row, column).value = value
    wb.save(path)
    return path


def po_from(path: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["po", "--from", str(path), "--out", str(out)])
    return result.exit_code, flat(result.output)


def po_lines(out: Path) -> pd.DataFrame:
    """Every line of every supplier file under ``out/suppliers`` (``out/供应商``; canonical
    keys), with the file name and the file's total line value."""
    frames = []
    for path in sorted([*out.glob(po_glob("en")), *out.glob(po_glob("zh"))]):
        ws = load_workbook(path).worksheets[0]
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        start = next(i for i, row in enumerate(rows) if keyed(row[:1]) == ["sku"])
        columns = keyed(rows[start])
        table = pd.DataFrame(rows[start + 1 : -1], columns=columns)
        total = rows[-1][columns.index("line_value")]
        frames.append(table.assign(file=path.name, file_total=total))
    lines = pd.concat(frames, ignore_index=True)
    return lines.assign(sku=lines["sku"].astype(str), warehouse=lines["warehouse"].astype(str))


def test_unedited_workbook_gives_the_run_s_orders(planned: Path, tmp_path: Path) -> None:
    """Final order starts as the suggestion: the files hold every suggested line."""
    code, output = po_from(planned, tmp_path)
    assert code == 0, output
    lines = po_lines(tmp_path)
    suggested = replenishment(planned).query("suggested_order > 0")
    assert len(lines) == len(suggested)
    assert lines["quantity"].sum() == suggested["suggested_order"].sum()
    value = suggested["suggested_order"] * suggested["unit_cost"]  # Order value is a formula
    assert lines["line_value"].sum() == pytest.approx(value.sum())
    assert "warning" not in output


def test_edited_quantities_reach_the_supplier_files(planned: Path, tmp_path: Path) -> None:
    """Row 2 set to 7 (below its MOQ, not whole cases), row 3 to 0 (dropped), row 4 left
    blank (dropped), row 5 doubled: the files follow, totals are the sum of the lines,
    and the two broken rules are warned about, naming the row and the SKU."""
    sheet = replenishment(planned)
    doubled = int(sheet.at[5, "final_order"]) * 2
    path = edit(planned, tmp_path, {2: 7, 3: 0, 4: None, 5: doubled})
    out = tmp_path / "out"
    code, output = po_from(path, out)
    assert code == 0, output
    assert f"row 2: {sheet.at[2, 'sku']} in {sheet.at[2, 'warehouse']} orders 7" in output
    assert "below its MOQ" in output and "not whole cases" in output
    lines = po_lines(out).set_index(["sku", "warehouse"])["quantity"]
    key = {
        row: (str(sheet.at[row, "sku"]), str(sheet.at[row, "warehouse"])) for row in (2, 3, 4, 5)
    }
    assert lines[key[2]] == 7
    assert key[3] not in lines.index and key[4] not in lines.index
    assert lines[key[5]] == doubled
    for _, group in po_lines(out).groupby("file"):
        assert group["line_value"].sum() == pytest.approx(group["file_total"].iloc[0])
        product = (group["quantity"] * group["unit_cost"]).to_numpy(dtype=float)
        assert group["line_value"].to_numpy(dtype=float) == pytest.approx(product)


def test_a_line_ordered_by_hand_is_requested_after_its_lead_time(
    planned: Path, tmp_path: Path
) -> None:
    """A line with no suggestion has no expected arrival; ordered by hand, its PO line asks
    for delivery on the planning date plus the lead time shown on the sheet."""
    sheet = replenishment(planned)
    row = sheet.index[sheet["suggested_order"] == 0][0]
    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, {row: 24}), out)
    assert code == 0, output
    lines = po_lines(out).set_index(["sku", "warehouse"])
    line = lines.loc[(str(sheet.at[row, "sku"]), str(sheet.at[row, "warehouse"]))]
    assert line["quantity"] == 24
    lead = pd.Timedelta(days=int(sheet.at[row, "lead_time_days"]))
    assert pd.Timestamp(line["requested_delivery"]) == pd.Timestamp(AS_OF) + lead


def test_a_supplier_left_without_lines_loses_its_old_file(planned: Path, tmp_path: Path) -> None:
    """Every line of one supplier set to 0: its PO of that date, written before, is removed
    (and said so); the other suppliers' files are rewritten."""
    out = tmp_path / "out"
    assert po_from(planned, out)[0] == 0
    lang = lang_of(planned)  # po --from writes the workbook's language
    before = {p.name for p in out.glob(po_glob(lang))}
    sheet = replenishment(planned)
    dropped = sorted(sheet.loc[sheet["final_order"] > 0, "supplier"].astype(str).unique())[0]
    rows = sheet.index[sheet["supplier"].astype(str) == dropped]
    code, output = po_from(edit(planned, tmp_path, dict.fromkeys(rows, 0)), out)
    assert code == 0, output
    after = {p.name for p in out.glob(po_glob(lang))}
    gone = Path(po_glob(lang, dropped)).name
    assert gone in before and after == before - {gone}
    assert "Removed" in output and gone in output.replace(" ", "")  # a long path wraps
    assert not list(out.glob(f"{file_word('suppliers', lang)}/.*"))  # no temporary or backup file


def test_no_formula_cells_in_supplier_files(planned: Path, tmp_path: Path) -> None:
    code, output = po_from(planned, tmp_path)
    assert code == 0, output
    for path in [*tmp_path.glob(po_glob("en")), *tmp_path.glob(po_glob("zh"))]:
        for ws in load_workbook(path).worksheets:
            assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("lots", "not a whole number"), (-5, "not a whole number"), (2.5, "not a whole number")],
)
def test_bad_final_order_is_an_error_naming_file_column_and_row(
    planned: Path, tmp_path: Path, value: object, problem: str
) -> None:
    path = edit(planned, tmp_path, {6: value})
    out = tmp_path / "out"
    code, output = po_from(path, out)
    assert code == 2
    headers = pd.read_excel(planned, sheet_name=sheet_of(planned), nrows=0).columns
    column = "Final order" if "Final order" in headers else "最终采购量"
    assert f"edited.xlsx, sheet {sheet_of(planned)}, column '{column}': {problem}" in output
    assert "row 6" in output
    assert "Traceback" not in output
    assert not out.exists()


def test_not_a_planner_workbook(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, index=False)
    code, output = po_from(other, tmp_path / "out")
    assert code == 2 and "other.xlsx: no sheet named" in output
    code, output = po_from(tmp_path / "missing.xlsx", tmp_path / "out")
    assert code == 2 and "missing.xlsx: file not found" in output
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    code, output = po_from(text, tmp_path / "out")
    assert code == 2 and "cannot be read as an Excel workbook" in output
    assert not (tmp_path / "out").exists()

"""Hostile files at the readers: a damaged or bloated workbook, UTF-16 without a BOM, two
columns for one field, hidden sheets, an edited plan with cleared cells.

Each either stops with exit code 2, a message naming the file and the cell or rows, and
nothing written, or is read and reported on the console and on the Data quality sheet.
Property tests feed random bytes, cells and dates into each reader: a valid result or a
ForecasterError, never another exception.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from forecaster.cli import app
from forecaster.config import Settings
from forecaster.errors import ForecasterError, InputError
from forecaster.glossary import TERMS
from forecaster.io import xlsx
from forecaster.io.dataset import load_dataset
from forecaster.io.files import detect_encoding, read_table
from forecaster.io.schema import TABLES
from forecaster.io.xlsx import MAX_COLUMNS, read_workbook
from forecaster.report.edited_plan import read_edited_plan
from tests.conftest import MINIMAL, write_tables

runner = CliRunner()
SHEET = "xl/worksheets/sheet1.xml"
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def flat(text: str) -> str:
    """Output with rich's line wrapping and box drawing undone."""
    return " ".join(text.replace("│", " ").split())


def workbook(
    path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
) -> Path:
    """Write ``sheets`` (name -> rows) with openpyxl; sheets in ``hidden`` are hidden."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def table_rows(name: str) -> list[list[object]]:
    """A MINIMAL table as sheet rows, header first."""
    frame = pd.DataFrame(MINIMAL[name])
    return [list(frame.columns), *frame.astype(object).values.tolist()]


def rewrite(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of a zip file (a sheet's XML) with ``change``."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def shop_with(tmp_path: Path, name: str, write: Callable[[Path], object]) -> Path:
    """The MINIMAL shop with table ``name`` written by ``write(path)`` (path without suffix)."""
    data = write_tables(tmp_path / "data", {**MINIMAL, name: None})
    write(data / name)
    return data


def run(data: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["run", "--data", str(data), "--out", str(out)])
    assert "Traceback" not in result.output
    return result.exit_code, flat(result.output)


def assert_stops(data: Path, tmp_path: Path, message: str) -> None:
    """`run` exits 2 with ``message`` and writes nothing."""
    out = tmp_path / "out"
    code, output = run(data, out)
    assert code == 2, output
    assert message in output
    assert not out.exists()


def quality_messages(out: Path) -> str:
    """Every cell of the planner's workbook's Data quality sheet, as one text."""
    [path] = out.glob("replenishment_*.xlsx")
    ws = load_workbook(path, read_only=True)["Data quality"]
    return flat(" ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v))


# --------------------------------------------------------------------------- damaged workbooks


def _corrupt_deflate(path: Path) -> None:
    """Flip bytes in the middle of the sheet's compressed data (its CRC check fails or
    zlib cannot inflate it)."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 40)):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    b"</sheetData></worksheet>"
)

DAMAGED = {
    "zip data": (
        _corrupt_deflate,
        "inventory.xlsx: cannot be read as an Excel workbook (the file is damaged: its zip "
        "data cannot be unpacked",
    ),
    "malformed sheet XML": (
        lambda p: rewrite(p, SHEET, lambda xml: xml[: len(xml) // 2]),
        "inventory.xlsx: cannot be read as an Excel workbook (the file is damaged: its XML "
        "is malformed",
    ),
    "entity bomb": (
        lambda p: rewrite(p, SHEET, lambda xml: BOMB),
        "inventory.xlsx: cannot be read as an Excel workbook (it declares XML entities, "
        "which are refused as a possible XML bomb)",
    ),
    "cut short": (
        lambda p: p.write_bytes(p.read_bytes()[:800]),
        "inventory.xlsx: cannot be read as an Excel workbook (the file is damaged or "
        "incomplete: its zip directory is missing)",
    ),
    "old .xls": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
        "inventory.xlsx: cannot be read as an Excel workbook (it is an old .xls workbook or "
        "protected by a password)",
    ),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_workbook_stops_the_run(tmp_path: Path, case: str) -> None:
    damage, message = DAMAGED[case]

    def write(stem: Path) -> None:
        path = workbook(stem.with_suffix(".xlsx"), {"Sheet1": table_rows("inventory")})
        damage(path)

    assert_stops(shop_with(tmp_path, "inventory", write), tmp_path, message)


def test_a_workbook_saved_as_csv_is_named(tmp_path: Path) -> None:
    def write(stem: Path) -> None:
        workbook(stem.with_suffix(".xlsx"), {"Sheet1": table_rows("inventory")})
        stem.with_suffix(".xlsx").rename(stem.with_suffix(".csv"))

    data = shop_with(tmp_path, "inventory", write)
    message = "inventory.csv: is an Excel workbook (or another zip file), not CSV text"
    assert_stops(data, tmp_path, message + ". Rename it to .xlsx")


# --------------------------------------------------------------------------- bounded memory


def test_a_stray_cell_at_the_last_cell_of_excel_is_refused_naming_it(tmp_path: Path) -> None:
    """6 KB on disk, a million rows by 16,384 columns once padded: refused, by the cell."""

    def write(stem: Path) -> None:
        path = workbook(stem.with_suffix(".xlsx"), {"Sheet1": table_rows("sales")})
        wb = load_workbook(path)
        wb["Sheet1"]["XFD1048576"] = "x"
        wb.save(path)
        assert path.stat().st_size < 10_000

    data = shop_with(tmp_path, "sales", write)
    assert_stops(
        data,
        tmp_path,
        "sales.xlsx, sheet Sheet1: the sheet is too large to be a table: cell XFD1048576 is "
        "beyond column ALL. Delete the stray cells",
    )


def test_far_stray_rows_are_not_padded(tmp_path: Path) -> None:
    """A cell far below the table, within the width: one more row, numbered truly."""
    path = workbook(tmp_path / "sales.xlsx", {"Sheet1": table_rows("sales")})
    wb = load_workbook(path)
    wb["Sheet1"]["A1048576"] = "A"
    wb.save(path)
    raw = read_table(path, TABLES["sales"], {}, {})
    assert len(raw.frame) == 4
    assert (raw.frame.index + raw.first_row).tolist() == [2, 3, 4, 1_048_576]


DIMENSION = b'<dimension ref="A1:XFD1048576"'


def test_a_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    """The <dimension> tag claims A1:XFD1048576; the sheet holds four rows: it reads."""
    path = workbook(tmp_path / "sales.xlsx", {"Sheet1": table_rows("sales")})
    rewrite(path, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', DIMENSION, xml))
    assert b"XFD1048576" in zipfile.ZipFile(path).read(SHEET)
    sheet = read_workbook(path).sheets["Sheet1"]
    assert sheet.rows == (1, 2, 3, 4) and sheet.width == 3


def test_the_widest_sheet_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"wide": [[None] * (MAX_COLUMNS - 1) + ["x"]]})
    assert read_workbook(path).sheets["wide"].width == MAX_COLUMNS
    workbook(path, {"wide": [[None] * MAX_COLUMNS + ["x"]]})
    with pytest.raises(InputError, match=r"cell ALM1 is beyond column ALL"):
        read_workbook(path)


def test_a_sheet_of_too_many_cells_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip bomb inflates to millions of real cells: the reader stops counting at a cap."""
    monkeypatch.setattr(xlsx, "MAX_CELLS", 10)
    path = workbook(tmp_path / "sales.xlsx", {"Sheet1": table_rows("sales") * 2})
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    assert str(caught.value).startswith(
        "sales.xlsx, sheet Sheet1: the sheet is too large to be a table: more than 10 cells "
        "by row 4"
    )


def test_a_workbook_unpacking_to_too_much_is_refused_unparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 1 << 10)
    path = workbook(tmp_path / "sales.xlsx", {"Sheet1": table_rows("sales")})
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    text = str(caught.value)
    assert text.startswith("sales.xlsx: it unpacks to ") and "a table may take" in text
    assert text.endswith("Export the table as CSV")


# --------------------------------------------------------------------------- UTF-16 without BOM


@pytest.mark.parametrize(("codec", "label"), [("utf-16-le", "LE"), ("utf-16-be", "BE")])
def test_utf16_without_a_byte_order_mark_is_decoded(tmp_path: Path, codec: str, label: str) -> None:
    text = "sku\ton_hand\n保温杯A\t10\nB\t4\n".replace("保温杯A", "A")
    data = write_tables(tmp_path / "data", {**MINIMAL, "inventory": None})
    (data / "inventory.csv").write_bytes(text.encode(codec))
    assert not (data / "inventory.csv").read_bytes().startswith(codecs.BOM_UTF16_LE)
    assert detect_encoding(data / "inventory.csv") == codec
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    assert ds.inventory.set_index("sku")["on_hand"].to_dict() == {"A": 10.0, "B": 4.0}
    notes = [i.message for i in ds.quality.issues if i.file == "inventory.csv"]
    assert f"read with encoding UTF-16 {label} (without byte-order mark)" in notes


def test_chinese_utf16_without_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "skus.csv"
    text = "商品编码,供应商,成本价,售价,采购提前期\n保温杯,义乌,5,10,7\n"
    path.write_bytes(text.encode("utf-16-le"))
    raw = read_table(path, TABLES["skus"], Settings().columns.aliases, {})
    assert raw.frame["sku"].tolist() == ["保温杯"]


# --------------------------------------------------------------------------- two columns, one field


def _sales_csv(tmp_path: Path, text: str) -> Path:
    data = write_tables(tmp_path / "data", {**MINIMAL, "sales": None})
    (data / "sales.csv").write_text(text, encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("header", "second"),
    [("sku,date,qty,qty", "'qty' (column D)"), ("sku,date,qty,数量", "'数量' (column D)")],
)
def test_two_columns_for_one_field_that_disagree_stop_the_run(
    tmp_path: Path, header: str, second: str
) -> None:
    data = _sales_csv(
        tmp_path, f"{header}\nA,2026-03-01,2,2\nA,2026-03-02,3,30\nB,2026-03-02,1,1.0\n"
    )
    assert_stops(
        data,
        tmp_path,
        f"sales.csv: columns 'qty' (column C) and {second} both hold 'qty' but disagree in "
        "row 3. Delete one of them, or rename it so it matches no column name",
    )


def test_two_columns_that_agree_are_read_with_a_note(tmp_path: Path) -> None:
    """``1`` and ``1.0`` agree as numbers."""
    data = _sales_csv(
        tmp_path, "sku,date,qty,数量\nA,2026-03-01,2,2\nA,2026-03-02,3,3\nB,2026-03-02,1,1.0\n"
    )
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    assert ds.sales["qty"].sum() == 6
    [issue] = [i for i in ds.quality.issues if i.check == "alias_ignored"]
    assert issue.severity == "note"
    assert issue.message == (
        "columns 'qty' (column C) and '数量' (column D) both hold 'qty', with the same values: "
        "'qty' is used"
    )


def test_two_aliases_that_disagree_are_used_by_precedence_and_warned(tmp_path: Path) -> None:
    """An ERP export with an order date and a payment date: the first alias listed wins,
    and the planner hears about it on the console and the Data quality sheet."""
    data = _sales_csv(
        tmp_path,
        "商品编码,下单日期,付款日期,数量\nA,2026-03-01,2026-03-01,2\nA,2026-03-02,2026-03-03,3\n"
        "B,2026-03-02,2026-03-02,1\n",
    )
    out = tmp_path / "out"
    code, output = run(data, out)
    assert code == 0, output
    message = (
        "columns '下单日期' (column B) and '付款日期' (column C) both hold 'date' but disagree: "
        "'下单日期' is used"
    )
    assert message in quality_messages(out)
    assert "both hold 'date' but disagree" in output


def test_duplicate_headers_in_a_workbook_are_compared_too(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "inventory.xlsx", {"Sheet1": [["sku", "on_hand", "on_hand"], ["A", 1, 2]]}
    )
    with pytest.raises(InputError) as caught:
        read_table(path, TABLES["inventory"], {}, {})
    assert str(caught.value).startswith(
        "inventory.xlsx: columns 'on_hand' (column B) and 'on_hand' (column C) both hold "
        "'on_hand' but disagree in row 2"
    )


# --------------------------------------------------------------------------- hidden sheets


def test_a_hidden_first_sheet_is_skipped_and_reported(tmp_path: Path) -> None:
    stale = [["sku", "date", "qty"], ["A", "2026-03-01", 999]]

    def write(stem: Path) -> None:
        workbook(
            stem.with_suffix(".xlsx"), {"old": stale, "Sales": table_rows("sales")}, hidden=("old",)
        )

    data = shop_with(tmp_path, "sales", write)
    out = tmp_path / "out"
    code, output = run(data, out)
    assert code == 0, output
    message = "the first visible sheet 'Sales' is read, hidden sheet(s) 'old' skipped"
    assert message in output
    assert message in quality_messages(out)
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    assert ds.sales["qty"].sum() == 6  # not 999


def _hide_every_sheet(xml: bytes) -> bytes:
    xml = re.sub(rb' state="[a-zA-Z]*"', b"", xml)
    return xml.replace(b"<sheet ", b'<sheet state="hidden" ')


def test_a_workbook_of_hidden_sheets_only_stops(tmp_path: Path) -> None:
    def write(stem: Path) -> None:
        path = workbook(stem.with_suffix(".xlsx"), {"a": table_rows("sales"), "b": [["x"]]})
        # Excel refuses to save such a workbook; another program need not.
        rewrite(path, "xl/workbook.xml", _hide_every_sheet)

    data = shop_with(tmp_path, "sales", write)
    assert_stops(data, tmp_path, "sales.xlsx: the workbook has no visible worksheet")


# --------------------------------------------------------------------------- po --from


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planner's workbook of the MINIMAL shop (both SKUs ordered, rows 2 and 3)."""
    root = tmp_path_factory.mktemp("planned")
    data = write_tables(root / "data", MINIMAL)
    code, output = run(data, root / "out")
    assert code == 0, output
    [path] = (root / "out").glob("replenishment_*.xlsx")
    return path


def edit(planned: Path, tmp_path: Path, change: Callable[[Workbook], object]) -> Path:
    path = tmp_path / "edited.xlsx"
    shutil.copy(planned, path)
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def clear(key: str, row: int) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        ws = wb["Replenishment"]
        headers = [c.value for c in ws[1]]
        ws.cell(row, headers.index(TERMS[key].en) + 1).value = None

    return change


def po_from(path: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["po", "--from", str(path), "--out", str(out)])
    assert "Traceback" not in result.output
    return result.exit_code, flat(result.output)


@pytest.mark.parametrize(("key", "header"), [("supplier", "Supplier"), ("sku", "SKU")])
def test_an_ordered_line_without_its_sku_or_supplier_stops_po(
    planned: Path, tmp_path: Path, key: str, header: str
) -> None:
    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, clear(key, 3)), out)
    assert code == 2, output
    assert (
        f"edited.xlsx, sheet Replenishment, column '{header}': empty cells on a line with a "
        "final order in row 3. Fill them in, or set the line's final order to 0"
    ) in output
    assert not out.exists()


def test_a_line_without_sku_and_without_order_is_ignored(planned: Path, tmp_path: Path) -> None:
    def change(wb: Workbook) -> None:
        clear("sku", 3)(wb)
        clear("final_order", 3)(wb)

    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, change), out)
    assert code == 0, output
    assert list((out / "suppliers").glob("PO_S1_*.xlsx"))


def test_a_stray_cell_in_the_edited_workbook_is_refused(planned: Path, tmp_path: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["Replenishment"]["XFD1048576"] = 1

    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, change), out)
    assert code == 2
    assert (
        "edited.xlsx, sheet Replenishment: the sheet is too large to be a table: cell "
        "XFD1048576 is beyond column ALL"
    ) in output
    assert not out.exists()


def test_a_damaged_edited_workbook_is_refused(planned: Path, tmp_path: Path) -> None:
    path = tmp_path / "edited.xlsx"
    shutil.copy(planned, path)
    rewrite(path, SHEET, lambda xml: xml[: len(xml) // 2])
    out = tmp_path / "out"
    code, output = po_from(path, out)
    assert code == 2
    assert "edited.xlsx: cannot be read as an Excel workbook (the file is damaged" in output
    assert not out.exists()


def test_a_column_twice_in_the_edited_workbook_must_agree(planned: Path, tmp_path: Path) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["Replenishment"]
        extra = ws.max_column + 1
        ws.cell(1, extra).value = TERMS["final_order"].en
        for row in (2, 3):
            ws.cell(row, extra).value = 99

    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, change), out)
    assert code == 2
    assert (
        "edited.xlsx, sheet Replenishment: columns 'Final order' (column "
    ) in output and "both hold 'Final order' but disagree in rows 2, 3" in output
    assert not out.exists()


def test_an_expected_arrival_that_is_not_a_date_stops_po(planned: Path, tmp_path: Path) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["Replenishment"]
        headers = [c.value for c in ws[1]]
        ws.cell(2, headers.index(TERMS["expected_arrival"].en) + 1).value = "next week"

    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, change), out)
    assert code == 2
    column = TERMS["expected_arrival"].en
    assert (
        f"edited.xlsx, sheet Replenishment, column '{column}': not a date in row 2 ('next week')"
    ) in output
    assert not out.exists()


def test_a_file_that_is_no_workbook_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("sku,qty\nA,1\n", encoding="utf-8")
    code, output = po_from(path, tmp_path / "out")
    assert code == 2
    assert "plan.csv: cannot be read as an Excel workbook (it is not an .xlsx workbook)" in output


def test_hidden_sheets_of_the_edited_workbook_are_warned_about(
    planned: Path, tmp_path: Path
) -> None:
    def change(wb: Workbook) -> None:
        copy = wb.copy_worksheet(wb["Replenishment"])
        copy.title = "Replenishment old"
        copy.sheet_state = "hidden"
        wb["Suppliers"].sheet_state = "hidden"

    out = tmp_path / "out"
    code, output = po_from(edit(planned, tmp_path, change), out)
    assert code == 0, output
    assert (
        "warning: sheet Suppliers is hidden: it is read all the same; check that it is the "
        "one you edited"
    ) in output
    assert "warning: hidden sheet Replenishment old is not read" in output


# --------------------------------------------------------------------------- property tests

SUFFIXES = (".csv", ".xlsx", ".parquet")


def _valid_xlsx() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    for row in table_rows("sales"):
        wb.active.append(row)
    wb.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_xlsx()


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    """Random bytes, or a valid workbook with random bytes overwritten or cut."""
    if draw(st.booleans()):
        return draw(st.binary(min_size=1, max_size=400))
    raw = bytearray(VALID_XLSX)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(raw) - 1))
        raw[at] = draw(st.integers(0, 255))
    return bytes(raw[: draw(st.integers(1, len(raw)))])


@FAST
@given(content=damaged_bytes(), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_give_a_table_or_an_input_error(
    tmp_path: Path, content: bytes, suffix: str
) -> None:
    path = tmp_path / f"sales{suffix}"
    path.write_bytes(content)
    with contextlib.suppress(*OUTCOMES):
        read_table(path, TABLES["sales"], Settings().columns.aliases, {})
    if suffix == ".xlsx":
        with contextlib.suppress(*OUTCOMES):
            read_edited_plan(path)


CELLS = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.dates(min_value=date(1900, 3, 1)),
)


#: What a reader may end in besides a result: an error the CLI prints (dates outside the
#: supported range included).
OUTCOMES = (ForecasterError,)


@FAST
@given(cells=st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_random_cells_give_a_dataset_or_an_input_error(
    tmp_path_factory: pytest.TempPathFactory, cells: list[list[object]]
) -> None:
    data = tmp_path_factory.mktemp("cells")
    write_tables(data, {**MINIMAL, "sales": None})
    rows = [["sku", "date", "qty", "qty"], *([*row, *[None] * 4][:4] for row in cells)]
    workbook(data / "sales.xlsx", {"Sheet1": rows})
    with contextlib.suppress(*OUTCOMES):
        load_dataset(Settings().with_overrides(data_dir=data))


DATES = st.one_of(
    st.text(alphabet="0123456789-/.年月日T: ", max_size=16),
    st.dates(min_value=date(1, 1, 1)).map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-30", "99999", "20260230", "2026-02-29"]),
)


@FAST
@given(
    dates=st.lists(DATES, min_size=1, max_size=5), column=st.sampled_from(["date", "launch_date"])
)
def test_random_dates_give_a_dataset_or_an_input_error(
    tmp_path_factory: pytest.TempPathFactory, dates: list[str], column: str
) -> None:
    data = tmp_path_factory.mktemp("dates")
    if column == "date":
        sales = [{"sku": "A", "date": d, "qty": 1} for d in dates]
        write_tables(data, {**MINIMAL, "sales": sales})
    else:
        first, second = MINIMAL["skus"]
        skus = [{**first, "launch_date": dates[0]}, {**second, "launch_date": dates[-1]}]
        write_tables(data, {**MINIMAL, "skus": skus})
    with contextlib.suppress(*OUTCOMES):
        load_dataset(Settings().with_overrides(data_dir=data))


EDITABLE = ["sku", "supplier", "final_order", "moq", "case_pack", "unit_cost", "expected_arrival"]


@FAST
@given(
    values=st.lists(
        st.tuples(st.sampled_from(EDITABLE), CELLS),
        min_size=1,
        max_size=4,
    )
)
def test_random_cells_in_an_edited_plan_give_a_plan_or_an_input_error(
    planned: Path, tmp_path_factory: pytest.TempPathFactory, values: list[tuple[str, object]]
) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["Replenishment"]
        headers = [c.value for c in ws[1]]
        for i, (key, value) in enumerate(values):
            ws.cell(2 + i % 2, headers.index(TERMS[key].en) + 1).value = value

    path = edit(planned, tmp_path_factory.mktemp("plan"), change)
    with contextlib.suppress(*OUTCOMES):
        read_edited_plan(path)

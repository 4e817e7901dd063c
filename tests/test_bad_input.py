"""Every bad input stops `run` and `validate` with exit code 2, a message naming the
file, column and rows, no traceback, and no file written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forecaster.cli import app
from tests.conftest import MINIMAL, write_tables

SKU = {"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7}


def _skus(**changes: object) -> list[dict[str, object]]:
    return [{**SKU, **changes}, MINIMAL["skus"][1]]


def _write_raw(name: str, content: bytes):  # type: ignore[no-untyped-def]
    def write(folder: Path) -> None:
        (folder / name).write_bytes(content)

    return write


CASES = {
    "missing required column": (
        {"sales": [{"sku": "A", "date": "2026-03-01"}]},
        None,
        "sales.csv: required column 'qty' is missing",
    ),
    "text in a number column": (
        {
            "sales": [
                {"sku": "A", "date": "2026-03-01", "qty": 2},
                {"sku": "A", "date": "2026-03-02", "qty": "two"},
            ]
        },
        None,
        "sales.csv, column 'qty': text in a number column in row 3 ('two')",
    ),
    "unparseable date": (
        {"sales": [{"sku": "A", "date": "31/12/2025", "qty": 2}]},
        None,
        "sales.csv, column 'date': cannot read the date in row 2 ('31/12/2025')",
    ),
    "negative lead time": (
        {"skus": _skus(lead_time_days=-3)},
        None,
        "skus.csv, column 'lead_time_days': negative values in row 2 (-3.0)",
    ),
    "negative lead time under a Chinese header": (
        {
            "skus": [
                {("采购提前期" if k == "lead_time_days" else k): v for k, v in row.items()}
                for row in _skus(lead_time_days=-3)
            ]
        },
        None,
        "skus.csv, column '采购提前期' ('lead_time_days'): negative values in row 2 (-3.0)",
    ),
    "negative MOQ": (
        {"skus": _skus(moq=-10)},
        None,
        "skus.csv, column 'moq': negative values in row 2 (-10.0)",
    ),
    "negative case pack": (
        {"skus": _skus(case_pack=-6)},
        None,
        "skus.csv, column 'case_pack': negative values in row 2 (-6.0)",
    ),
    "SKU twice with different values": (
        {"skus": [*_skus(), {**SKU, "unit_cost": 6}]},
        None,
        "skus.csv, column 'sku': SKU 'A' is listed twice with different values in rows 2, 4",
    ),
    "unknown status": (
        {"skus": _skus(status="sold out")},
        None,
        "skus.csv, column 'status': unknown SKU status in row 2 ('sold out')",
    ),
    "empty file": ({"sales": None}, _write_raw("sales.csv", b""), "sales.csv: the file is empty"),
    "header only": (
        {"inventory": None},
        _write_raw("inventory.csv", b"sku,on_hand\n"),
        "inventory.csv: the table has a header but no data rows",
    ),
    "unreadable workbook": (
        {"inventory": None},
        _write_raw("inventory.xlsx", b"PK\x03\x04 this is not really a workbook"),
        "inventory.xlsx: cannot be read as an Excel workbook",
    ),
    "required table missing": (
        {"inventory": None},
        None,
        "inventory.csv: required table not found",
    ),
    "two files for one table": (
        {},
        _write_raw("sales.xlsx", b"x"),
        "several files hold the table 'sales' (sales.csv, sales.xlsx)",
    ),
    "promotion ends before it starts": (
        {"promotions": [{"name": "618", "start": "2026-06-18", "end": "2026-06-01"}]},
        None,
        "promotions.csv, column 'end': the promotion ends before it starts in row 2 ('618')",
    ),
    "empty required cell": (
        {"skus": _skus(unit_cost="")},
        None,
        "skus.csv, column 'unit_cost': empty cells in a required column in row 2",
    ),
    "per-warehouse data with a PO table lacking warehouses": (
        {
            "sales": [{"sku": "A", "date": "2026-03-01", "qty": 2, "warehouse": "E"}],
            "inventory": [{"sku": "A", "on_hand": 1, "warehouse": "E"}],
            "purchase_orders": [{"sku": "A", "qty": 5, "eta": "2026-03-09"}],
        },
        None,
        "purchase_orders.csv: no warehouse column, but sales and inventory are per warehouse",
    ),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def bad_shop(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    tables, extra, message = CASES[request.param]
    data = write_tables(tmp_path / "data", {**MINIMAL, **tables})
    if extra is not None:
        extra(data)
    return data, message


def test_run_stops_with_a_clear_message_and_writes_nothing(
    bad_shop: tuple[Path, str], tmp_path: Path
) -> None:
    data, message = bad_shop
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # undo rich's line wrapping
    assert message in text
    assert "Traceback" not in result.output
    assert not out.exists()


def test_validate_reports_the_same_error(bad_shop: tuple[Path, str]) -> None:
    data, message = bad_shop
    result = CliRunner().invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    data = write_tables(
        tmp_path / "data",
        {
            **MINIMAL,
            "sales": [{"sku": "A", "date": "yesterday", "qty": "many"}],
            "skus": _skus(moq=-1),
        },
    )
    result = CliRunner().invoke(app, ["validate", "--data", str(data)])
    text = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "3 problems in the input data" in text
    for part in ("column 'date'", "column 'qty'", "column 'moq'"):
        assert part in text


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    sales = [{"sku": "A", "date": "2026-03-01", "qty": f"n{i}"} for i in range(12)]
    data = write_tables(tmp_path / "data", {**MINIMAL, "sales": sales})
    result = CliRunner().invoke(app, ["validate", "--data", str(data)])
    text = " ".join(result.output.split())
    assert "rows 2 ('n0'), 3 ('n1'), 4 ('n2'), 5 ('n3'), 6 ('n4') and 7 more" in text


def test_a_failure_while_writing_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planner's workbook is complete when a supplier file fails: neither appears."""
    import forecaster.report.purchase_orders as purchase_orders

    data = write_tables(tmp_path / "data", MINIMAL)
    out = tmp_path / "out"

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(purchase_orders, "_write_one", broken)
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    assert "No space left on device" in result.output or "cannot" in result.output
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))

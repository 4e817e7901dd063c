"""Tests of forecaster.report.staging: all-or-nothing output and safe file names."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecaster.errors import OutputError
from forecaster.report.staging import OutputStage, safe_filename, unique_names


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) with its text, by relative path."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def folders(root: Path) -> list[str]:
    """Every folder under ``root``, by relative path."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir())


# --------------------------------------------------------------------------- OutputStage


def test_commit_moves_every_file_into_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputStage(out) as stage:
        plan = stage.path("plan.xlsx")
        plan.write_text("plan", encoding="utf-8")
        assert plan.parent == out
        assert plan.name.startswith(".plan.xlsx.") and plan.name.endswith(".tmp")
        assert not (out / "plan.xlsx").exists()  # nothing final before the commit
        stage.path(Path("orders") / "供应商_A.xlsx").write_text("po A", encoding="utf-8")
        stage.path("orders/B.xlsx").write_text("po B", encoding="utf-8")
        placed = stage.commit()
    assert placed == [
        out / "plan.xlsx",
        out / "orders" / "供应商_A.xlsx",
        out / "orders" / "B.xlsx",
    ]
    assert tree(out) == {
        "plan.xlsx": "plan",
        "orders/供应商_A.xlsx": "po A",
        "orders/B.xlsx": "po B",
    }
    assert stage.state == "committed"


def test_with_block_commits_on_success_and_replaces_old_files(tmp_path: Path) -> None:
    (tmp_path / "plan.xlsx").write_text("old", encoding="utf-8")
    with OutputStage(tmp_path) as stage:
        stage.path("plan.xlsx").write_text("new", encoding="utf-8")
    assert tree(tmp_path) == {"plan.xlsx": "new"}


def test_failure_leaves_nothing_and_keeps_old_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.xlsx").write_text("last week", encoding="utf-8")
    with pytest.raises(RuntimeError, match="model failed"), OutputStage(out) as stage:
        stage.path("plan.xlsx").write_text("half", encoding="utf-8")
        stage.path("orders/2024/A.xlsx").write_text("po", encoding="utf-8")
        raise RuntimeError("model failed")
    assert tree(out) == {"plan.xlsx": "last week"}
    assert folders(out) == []
    assert stage.state == "discarded"


def test_retired_files_go_with_the_commit(tmp_path: Path) -> None:
    """A retired file is removed on commit (and listed), a missing one is no error."""
    (tmp_path / "PO_B.xlsx").write_text("last run", encoding="utf-8")
    with OutputStage(tmp_path) as stage:
        stage.path("PO_A.xlsx").write_text("new", encoding="utf-8")
        stage.retire("PO_B.xlsx")
        stage.retire("PO_C.xlsx")
    assert tree(tmp_path) == {"PO_A.xlsx": "new"}
    assert stage.removed == [tmp_path / "PO_B.xlsx"]


def test_retired_files_stay_when_the_run_fails(tmp_path: Path) -> None:
    (tmp_path / "PO_B.xlsx").write_text("last run", encoding="utf-8")
    with pytest.raises(RuntimeError, match="failed"), OutputStage(tmp_path) as stage:
        stage.retire("PO_B.xlsx")
        raise RuntimeError("failed")
    assert tree(tmp_path) == {"PO_B.xlsx": "last run"}
    assert stage.removed == []


def test_retiring_outside_the_output_folder_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(OutputError), OutputStage(tmp_path / "out") as stage:
        stage.retire("../x.xlsx")


def test_failure_removes_a_created_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    with pytest.raises(KeyboardInterrupt), OutputStage(out) as stage:
        stage.path("plan.xlsx").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert not (tmp_path / "new").exists()


def test_discard_keeps_folders_holding_other_files(tmp_path: Path) -> None:
    stage = OutputStage(tmp_path / "out")
    stage.path("orders/A.xlsx").write_text("po", encoding="utf-8")
    (tmp_path / "out" / "orders" / "notes.txt").write_text("mine", encoding="utf-8")
    stage.discard()
    stage.discard()  # idempotent
    assert tree(tmp_path / "out") == {"orders/notes.txt": "mine"}


@pytest.mark.parametrize("relative", ["../../x", "/etc/x", "a/../../x", "..", "", ".", "a/.."])
def test_paths_outside_the_output_folder_are_rejected(tmp_path: Path, relative: str) -> None:
    stage = OutputStage(tmp_path / "out")
    with pytest.raises(OutputError):
        stage.path(relative)
    assert not (tmp_path / "out").exists()


def test_dot_dot_inside_the_folder_is_fine(tmp_path: Path) -> None:
    with OutputStage(tmp_path) as stage:
        stage.path("a/../b.txt").write_text("b", encoding="utf-8")
    assert tree(tmp_path) == {"b.txt": "b"}


def test_symlink_out_of_the_folder_is_rejected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="leaves"):
        OutputStage(out).path("link/x.xlsx")


def test_same_final_path_twice_is_rejected(tmp_path: Path) -> None:
    stage = OutputStage(tmp_path)
    stage.path("orders/A.xlsx")
    with pytest.raises(OutputError, match="twice"):
        stage.path("orders/./A.xlsx")
    with pytest.raises(OutputError, match="twice"):
        stage.path("orders/a.XLSX")  # one file on Windows and macOS


def test_registered_but_unwritten_file_fails_the_commit(tmp_path: Path) -> None:
    stage = OutputStage(tmp_path)
    stage.path("a.txt").write_text("a", encoding="utf-8")
    stage.path("b.txt")
    with pytest.raises(OutputError, match=r"b\.txt was registered but never written"):
        stage.commit()
    assert tree(tmp_path) == {}


def test_failed_move_restores_the_files_already_moved(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    stage = OutputStage(tmp_path)
    stage.path("a.txt").write_text("new a", encoding="utf-8")
    stage.path("new.txt").write_text("new", encoding="utf-8")
    stage.path("b.txt").write_text("new b", encoding="utf-8")
    stage.path("c.txt").write_text("new c", encoding="utf-8")
    (tmp_path / "b.txt").mkdir()  # a folder in the way: b.txt cannot be replaced
    (tmp_path / "b.txt" / "keep").write_text("k", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write .*b\.txt"):
        stage.commit()
    assert tree(tmp_path) == {"a.txt": "old a", "b.txt/keep": "k"}


def test_folder_that_cannot_be_made_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot create folder"):
        OutputStage(tmp_path / "file" / "out").path("plan.xlsx")


def test_os_errors_on_stage_files_become_output_errors(tmp_path: Path) -> None:
    denied = r"cannot write .*plan\.xlsx: Permission denied"
    with pytest.raises(OutputError, match=denied), OutputStage(tmp_path) as stage:
        temp = stage.path("plan.xlsx")
        raise PermissionError(errno.EACCES, "Permission denied", str(temp))
    with pytest.raises(OutputError, match="No space left"), OutputStage(tmp_path) as stage:
        stage.path("plan.xlsx").write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(FileNotFoundError), OutputStage(tmp_path) as stage:
        (tmp_path / "missing-input.csv").read_text(encoding="utf-8")
    assert tree(tmp_path) == {}


def test_stage_is_used_once(tmp_path: Path) -> None:
    stage = OutputStage(tmp_path)
    stage.commit()
    with pytest.raises(RuntimeError, match="already committed"):
        stage.path("late.txt")


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "x"),
        ("供应商/A", "供应商_A"),
        ("Acme GmbH & Co. KG", "Acme_GmbH_Co._KG"),
        ('a:b*c?"d<e>f|g\\h', "a_b_c_d_e_f_g_h"),
        ("\x00ab\ncd\t", "ab_cd_"),
        ("...hidden", "hidden"),
        ("--_x", "x"),
        ("trailing dots...", "trailing_dots"),
        ("Cafe\u0301", "Café"),  # composed, as macOS may hand it decomposed
        ("नमस्ते", "नमस्ते"),  # marks of Indic scripts are kept
        ("", "unnamed"),
        ("/// ...", "unnamed"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("com1", "_com1"),
        ("LPT9.xlsx", "_LPT9.xlsx"),
        ("COM10", "COM10"),
        ("CONSOLE", "CONSOLE"),
    ],
)
def test_safe_filename_examples(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_length_is_counted_in_bytes() -> None:
    """A cut name keeps whole characters and ends in ~ and a hash of the whole name."""
    long = safe_filename("x" * 200)
    assert len(long.encode()) == 120 and long.startswith("x" * 111 + "~")
    chinese = safe_filename("供" * 200, max_bytes=20)
    assert chinese.startswith("供" * 3 + "~") and len(chinese.encode()) == 18
    assert safe_filename("ab.cd", max_bytes=3) == "ab"
    assert safe_filename("供" * 30) == "供" * 30  # 90 bytes: fits
    with pytest.raises(ValueError):
        safe_filename("x", max_bytes=0)


def test_unique_names() -> None:
    assert unique_names(["A/B", "A:B", "a b", "A/B"]) == ["A_B", "A_B_2", "a_b_3", "A_B"]
    assert unique_names(["Acme", "Beta"]) == ["Acme", "Beta"]
    assert unique_names(["x", ".x", "x_2"]) == ["x", "x_3", "x_2"]
    first, second = unique_names(["a" * 200, "a" * 200 + "!"])
    assert first != second and first[:100] == second[:100] == "a" * 100


NAME_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@NAME_SETTINGS
@given(name=st.text(max_size=120), max_bytes=st.integers(min_value=1, max_value=100))
def test_safe_filename_stays_in_the_folder(tmp_path: Path, name: str, max_bytes: int) -> None:
    result = safe_filename(name, max_bytes=max_bytes)
    assert result
    assert len(result.encode()) <= max_bytes
    assert not result.startswith(".")
    assert not any(char in result for char in '/\\:*?"<>|\x00')
    assert (tmp_path / result).resolve().parent == tmp_path.resolve()


@NAME_SETTINGS
@given(names=st.lists(st.text(max_size=12, alphabet="aA/ :._-1"), max_size=12))
def test_unique_names_differ_for_different_inputs(names: list[str]) -> None:
    result = unique_names(names)
    assert len(result) == len(names)
    by_input = dict(zip(names, result, strict=True))
    assert len({name.casefold() for name in by_input.values()}) == len(by_input)
    assert all(name == by_input[source] for source, name in zip(names, result, strict=True))

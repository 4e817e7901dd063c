"""Atomic placement of a run's output files.

A run writes several files (the planner's workbook, one purchase-order
workbook per supplier). A run that fails must leave nothing half-written and
must not replace last week's good files with partial ones. :class:`OutputStage`
hands out hidden temporary paths next to the final files; only when every file
is written are they moved into place, each with :func:`os.replace` (atomic on
one file system). If moving one of them fails (a file open in Excel on
Windows, a read-only file), the files already moved are put back as they were.

File names built from data (supplier names) go through :func:`safe_filename`
or :func:`unique_names` first.

Examples
--------
>>> with OutputStage(Path("out")) as stage:  # doctest: +SKIP
...     wb.save(stage.path("plan.xlsx"))
...     for name, po in zip(unique_names(suppliers), orders):
...         po.save(stage.path(Path("orders") / f"{name}.xlsx"))
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, Literal

from forecaster.errors import OutputError

__all__ = ["OutputStage", "fit_bytes", "safe_filename", "unique_names"]

StageState = Literal["open", "committed", "discarded"]

#: Default longest file name made by :func:`safe_filename`, in bytes of UTF-8. File
#: systems cap a name at 255 bytes (not characters: a Chinese character takes 3); the
#: fixed parts callers add around it (``PO_``, the date, ``.xlsx``) and the temporary
#: name's additions fit in the rest.
MAX_NAME_BYTES: Final = 120
#: Bytes of the final name kept in a temporary name (keeps it under 255 bytes).
TEMP_NAME_BYTES: Final = 120
#: Hex digits of the hash that ends a name cut to fit, so two long names never collide.
HASH_DIGITS: Final = 8
#: Name used when nothing of a name survives :func:`safe_filename`.
UNNAMED: Final = "unnamed"
#: Device names Windows reserves, with or without an extension, in any case.
WINDOWS_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{device}{digit}" for device in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)
#: Errors that mean the output disk cannot take the files, whoever raised them.
DISK_ERRNOS: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})

_REPEATED_UNDERSCORES: Final = re.compile(r"_{2,}")


@dataclass(frozen=True)
class _Entry:
    """A registered output file: where it goes and where it is written first."""

    final: Path
    temp: Path


class OutputStage:
    """Collects a run's output files and puts them in place all together or not at all.

    Use as a context manager: the files are committed when the ``with`` block
    ends normally and discarded when it raises (the exception propagates; an
    ``OSError`` about one of the stage's files, or a full disk, becomes an
    :class:`~forecaster.errors.OutputError` naming the final file).

    Parameters
    ----------
    out_dir
        Output folder; created on first use if missing (and removed again on
        discard if it is still empty).
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._entries: list[_Entry] = []
        self._retiring: list[Path] = []
        self._removed: list[Path] = []
        self._keys: set[str] = set()
        self._created: list[Path] = []
        self._state: StageState = "open"

    def __enter__(self) -> OutputStage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state != "open":
            return
        if exc is None:
            self.commit()
            return
        self.discard()
        if isinstance(exc, OSError):
            translated = self._output_error(exc)
            if translated is not None:
                raise translated from exc

    @property
    def state(self) -> StageState:
        """``open`` until :meth:`commit` or :meth:`discard`."""
        return self._state

    def path(self, relative: str | Path) -> Path:
        """Register output file ``out_dir / relative`` and return the temporary path to write.

        The temporary file is hidden (``.<name>.<random>.tmp``) and sits in the
        same folder as the final file, so the final move is a rename; missing
        folders are created (and remembered, so :meth:`discard` can remove them).

        Raises
        ------
        OutputError
            If ``relative`` is absolute or leaves ``out_dir``, names a folder, is
            registered twice (compared case-insensitively, as Windows and macOS
            do), or a folder cannot be created.
        """
        self._check_open()
        final = self._final_path(relative)
        key = os.path.normcase(final).casefold()
        if key in self._keys:
            raise OutputError(f"{final} is written twice in one run")
        if final.is_dir():
            raise OutputError(f"cannot write {final}: it is a folder")
        self._make_dirs(final.parent)
        temp = _hidden_sibling(final, "tmp")
        self._entries.append(_Entry(final, temp))
        self._keys.add(key)
        return temp

    def retire(self, relative: str | Path) -> None:
        """Register file ``out_dir / relative`` to be removed when the stage commits.

        For outputs an earlier run left that this one supersedes (a supplier's PO
        that has no lines any more). Nothing happens if the file is not there;
        if the commit fails, it stays.
        """
        self._check_open()
        self._retiring.append(self._final_path(relative))

    @property
    def removed(self) -> list[Path]:
        """The retired files the commit removed."""
        return list(self._removed)

    def commit(self) -> list[Path]:
        """Move every temporary file onto its final path.

        Returns
        -------
        list of Path
            The final paths, in registration order.

        Raises
        ------
        OutputError
            If a registered file was never written or cannot be moved into
            place; files already moved are then restored and the stage is
            discarded.
        """
        self._check_open()
        unwritten = [entry.final for entry in self._entries if not entry.temp.is_file()]
        if unwritten:
            self.discard()
            raise OutputError(f"{unwritten[0]} was registered but never written")
        placed: list[tuple[_Entry, Path | None]] = []
        for entry in self._entries:
            try:
                placed.append((entry, _replace_keeping_backup(entry)))
            except OSError as error:
                _roll_back(placed)
                self.discard()
                raise OutputError(f"cannot write {entry.final}: {_reason(error)}") from error
        for final in self._retiring:
            if not final.is_file():
                continue
            kept = _hidden_sibling(final, "bak")
            try:
                os.replace(final, kept)
            except OSError as error:
                _roll_back(placed)
                self._removed.clear()
                self.discard()
                raise OutputError(f"cannot remove {final}: {_reason(error)}") from error
            # a failure from here on puts it back, as it does a replaced file
            placed.append((_Entry(final, kept), kept))
            self._removed.append(final)
        for _, backup in placed:
            _remove_quietly(backup)
        self._state = "committed"
        return [entry.final for entry in self._entries]

    def discard(self) -> None:
        """Remove the temporary files and the folders this stage created, if empty.

        Best effort and idempotent: files or folders that cannot be removed are
        left behind rather than hiding the error that led here.
        """
        if self._state == "committed":
            raise RuntimeError("the output stage is already committed")
        for entry in self._entries:
            _remove_quietly(entry.temp)
        for folder in reversed(self._created):
            # not empty (holds files this stage did not make) or already gone: leave it
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._created.clear()
        self._state = "discarded"

    # ----------------------------------------------------------------- internals

    def _check_open(self) -> None:
        """Refuse work once the stage is committed or discarded."""
        if self._state != "open":
            raise RuntimeError(f"the output stage is already {self._state}")

    def _final_path(self, relative: str | Path) -> Path:
        """``out_dir / relative``, checked to stay inside ``out_dir``."""
        rel = Path(relative)
        if rel.is_absolute() or rel.anchor:
            raise OutputError(f"output path {relative} must be relative to {self.out_dir}")
        normal = Path(os.path.normpath(rel))
        if normal.parts[:1] in ((), ("..",), (".",)):
            raise OutputError(f"output path {relative} leaves the output folder {self.out_dir}")
        final = self.out_dir / normal
        # through symbolic links, too, the file must land inside the output folder
        if not final.parent.resolve().is_relative_to(self.out_dir.resolve()):
            raise OutputError(f"output path {relative} leaves the output folder {self.out_dir}")
        return final

    def _make_dirs(self, folder: Path) -> None:
        """Create ``folder`` and missing parents, remembering the ones created here."""
        missing: list[Path] = []
        while not folder.exists():
            missing.append(folder)
            if folder.parent == folder:
                break
            folder = folder.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue  # made meanwhile by someone else: not ours to remove
            except OSError as error:
                raise OutputError(f"cannot create folder {path}: {_reason(error)}") from error
            self._created.append(path)

    def _output_error(self, error: OSError) -> OutputError | None:
        """An ``OutputError`` for an ``OSError`` about this stage's files or a full disk."""
        if error.filename is not None:
            for entry in self._entries:
                if str(error.filename) == str(entry.temp):
                    return OutputError(f"cannot write {entry.final}: {_reason(error)}")
            return None
        if error.errno in DISK_ERRNOS:
            return OutputError(f"cannot write the output files in {self.out_dir}: {_reason(error)}")
        return None


def _hidden_sibling(path: Path, suffix: Literal["tmp", "bak"]) -> Path:
    """A new hidden name next to ``path``: ``.<name>.<random>.<suffix>``."""
    return path.with_name(
        f".{fit_bytes(path.name, TEMP_NAME_BYTES)}.{secrets.token_hex(8)}.{suffix}"
    )


def _replace_keeping_backup(entry: _Entry) -> Path | None:
    """Move ``entry.temp`` onto ``entry.final``; return a backup of the file it replaced.

    The backup is a hard link where the file system allows it, else a copy;
    ``None`` when there was no file. On failure nothing has changed.
    """
    backup: Path | None = None
    if entry.final.is_file():
        backup = _hidden_sibling(entry.final, "bak")
        try:
            _link_or_copy(entry.final, backup)
        except OSError:
            _remove_quietly(backup)
            raise
    try:
        os.replace(entry.temp, entry.final)
    except OSError:
        _remove_quietly(backup)
        raise
    return backup


def _link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` a hard link to ``source``, or a copy where links are not supported."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _roll_back(placed: Sequence[tuple[_Entry, Path | None]]) -> None:
    """Undo moved files: restore each backup, or remove a file that did not exist before."""
    for entry, backup in reversed(placed):
        # best effort: the error that caused the roll-back is the one reported
        with contextlib.suppress(OSError):
            if backup is None:
                entry.final.unlink(missing_ok=True)
            else:
                os.replace(backup, entry.final)


def _remove_quietly(path: Path | None) -> None:
    """Delete file ``path`` if there is one; ignore failures."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _reason(error: OSError) -> str:
    """The human part of an ``OSError`` ("Permission denied")."""
    return error.strerror or str(error)


def fit_bytes(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that takes at most ``max_bytes`` bytes of UTF-8,
    cut between characters (never inside one).

    >>> fit_bytes("供应商A", 7)
    '供应'
    """
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


def safe_filename(name: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name built from data (a supplier code, a promotion name) that is safe on
    every system.

    Letters, digits and marks of any script, ``-``, ``_`` and ``.`` are kept;
    every other character (path separators, ``:*?"<>|``, quotes, control
    characters, spaces) becomes ``_``. Repeated ``_`` collapse; leading ``.``,
    ``_`` and ``-`` and trailing ``.`` (which Windows drops) are removed.
    Windows device names (``CON``, ``nul.txt``, ``COM1`` ...) get a leading
    ``_``. Nothing left: ``unnamed``.

    The name takes at most ``max_bytes`` bytes of UTF-8. A longer one is cut
    between characters and ends in ``~`` and :data:`HASH_DIGITS` hex digits of
    a hash of the whole name, so two long names that start alike stay apart.

    >>> safe_filename("../../x")
    'x'
    >>> safe_filename("供应商/A")
    '供应商_A'
    >>> safe_filename("供应商" * 20, max_bytes=24)
    '供应商供应~186c1751'
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be at least 1")
    whole = unicodedata.normalize("NFC", name)
    text = "".join(char if _is_kept(char) else "_" for char in whole)
    text = _REPEATED_UNDERSCORES.sub("_", text).lstrip("._-").rstrip(".")
    if not text:
        return fit_bytes(UNNAMED, max_bytes)
    if text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = f"_{text}"
    if _utf8_size(text) <= max_bytes:
        return text
    tag = "~" + hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]
    if max_bytes <= len(tag):
        return fit_bytes(text, max_bytes).rstrip(".") or fit_bytes(UNNAMED, max_bytes)
    return fit_bytes(text, max_bytes - len(tag)).rstrip(".") + tag


def _is_kept(char: str) -> bool:
    """Whether :func:`safe_filename` keeps ``char``: a letter, digit or mark, or ``-_.``."""
    return char in "-_." or unicodedata.category(char)[0] in "LNM"


def unique_names(names: Sequence[str], *, max_bytes: int = MAX_NAME_BYTES) -> list[str]:
    """:func:`safe_filename` of each name, made unique (case-insensitively).

    Equal inputs get equal names. When different inputs collapse to the same
    name, the first keeps it and the others get ``_2``, ``_3`` ... (cut to fit
    ``max_bytes``), never clashing with another input's name.

    >>> unique_names(["A/B", "A:B", "a b", "A/B"])
    ['A_B', 'A_B_2', 'a_b_3', 'A_B']
    """
    distinct = list(dict.fromkeys(names))
    base = {name: safe_filename(name, max_bytes=max_bytes) for name in distinct}
    owner: dict[str, str] = {}
    for name in distinct:
        owner.setdefault(base[name].casefold(), name)
    taken = set(owner)
    chosen: dict[str, str] = {}
    for name in distinct:
        if owner[base[name].casefold()] == name:
            chosen[name] = base[name]
            continue
        number = 2
        while True:
            suffix = f"_{number}"
            if len(suffix) >= max_bytes:
                raise ValueError(f"max_bytes {max_bytes} leaves no room to tell names apart")
            candidate = fit_bytes(base[name], max_bytes - len(suffix)) + suffix
            if candidate.casefold() not in taken:
                break
            number += 1
        taken.add(candidate.casefold())
        chosen[name] = candidate
    return [chosen[name] for name in names]

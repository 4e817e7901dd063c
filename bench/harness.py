"""What the benchmark scripts share: the machine they ran on and their child processes.

The scripts run as ``python bench/<name>.py``, so this module is imported as ``harness``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def package_version(name: str) -> str:
    """``name version`` of an installed distribution, or ``name -``."""
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} -"


def describe(packages: Sequence[str], memory_note: str = "") -> list[str]:
    """Lines naming the processor, cores, memory, Python and the ``packages`` that matter.

    ``memory_note`` follows the memory figure (e.g. what is available, the load).
    """
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        model = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
        cpu = model.group(1).strip() if model else cpu
    except OSError:
        pass
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"machine : {platform.system()} {platform.release()}, {cpu}",
        f"cores   : {os.cpu_count()} ({usable} usable), memory {total:.1f} GiB{memory_note}",
        f"python  : {platform.python_implementation()} {platform.python_version()}",
        f"packages: {', '.join(package_version(name) for name in packages)}",
    ]


def run_child(script: str, args: Sequence[str]) -> tuple[int, str]:
    """Run ``script`` with ``args`` in a fresh interpreter; return its exit code and stderr tail.

    The child's stdout goes straight to ours.
    """
    command = [sys.executable, str(Path(script).resolve()), *args]
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True, check=False)
    return done.returncode, "\n".join(done.stderr.strip().splitlines()[-5:])


def failure(what: str, code: int, stderr: str) -> str:
    """Describe a failed child process."""
    if code in (-9, 137):
        return f"{what} was killed (SIGKILL: most likely out of memory)"
    return f"{what} failed with exit code {code}: {stderr}"


def parse_sizes(text: str) -> list[int]:
    """``1000,10000,30_000`` as a list of positive SKU counts."""
    try:
        sizes = [int(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"SKU counts must be at least 1: {text!r}")
    return sizes

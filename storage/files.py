"""Files with personal data are private to their owner: 0600 files in 0700 folders.

Entry points call :func:`use_private_umask` so every file they create starts private; the writers of
databases, snapshots and the access file also call :func:`make_private` on what they create, so the
rule holds when they are called as a library. :func:`exposed` lists what others can still read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE, DIR_MODE = 0o600, 0o700


def use_private_umask() -> None:
    """New files and folders of this process are readable by their owner only."""
    os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """``path`` (a file, or a folder this product created) readable and writable by its owner only."""
    os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)


def private_dir(path: Path) -> Path:
    """Create ``path`` if needed as a folder only its owner can enter."""
    path.mkdir(mode=DIR_MODE, exist_ok=True)
    make_private(path)
    return path


def exposed(paths: Iterable[Path]) -> list[Path]:
    """Those of ``paths`` that exist and that users other than the owner can read (or enter)."""
    return [p for p in paths if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077]

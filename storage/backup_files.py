"""The files of a backup copy: the one error every backup step raises, the copy's manifest and
sealed-file names, and the careful file handling they share (private folders and files, fsync,
SHA-256, one backup at a time per folder)."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SEALED = ".sealed"


class BackupError(RuntimeError):
    """The backup, check or restore could not be done; str() is one line saying why."""


def private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One backup at a time into a folder (a second waits)."""
    descriptor = os.open(folder / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


@contextmanager
def new_private_file(path: Path) -> Iterator[Any]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with open(descriptor, "wb") as out:
        yield out


def flush(out: Any) -> None:
    out.flush()
    os.fsync(out.fileno())


def fsync_file(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename), to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


fsync_folder = fsync_file  # a folder is opened and flushed the same way


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def first_line(message: str) -> str:
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"

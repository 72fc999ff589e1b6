"""Checking and restoring a backup copy: its manifest and checksum, decryption into a private
temporary folder, `verify` (the copy's contents without restoring) and `restore` (into an empty
database, or `force`, then migrated to the current schema)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage import migrations
from storage.backup_crypt import SealError, open_sealed
from storage.backup_files import MANIFEST, SEALED, BackupError, new_private_file, sha256
from storage.backup_postgresql import check_pg_archive, counts, restore_postgresql
from storage.backup_sqlite import check_sqlite_file, restore_sqlite, sqlite_path


def read_manifest(path: Path) -> tuple[Path, dict[str, Any]]:
    """(the copy's data file, its manifest) for a copy folder or the data file in it."""
    folder = path if path.is_dir() else path.parent
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        stored = folder / manifest["file"]
        if not isinstance(manifest["tables"], dict) or not manifest["sha256"] or not manifest["engine"]:
            raise ValueError("fields missing")
    except FileNotFoundError:
        raise BackupError(f"no {MANIFEST} beside {path}: not a complete copy") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MANIFEST} in {folder} is damaged: {type(exc).__name__}") from None
    if path.is_file() and path.resolve() != stored.resolve():
        raise BackupError(f"{path.name} is not the file its manifest names ({manifest['file']})")
    if "/" in manifest["file"] or not stored.is_file():
        raise BackupError(f"the copy's file {manifest['file']} is missing")
    return stored, manifest


@contextmanager
def opened_copy(path: Path, key: bytes | None, *, work_in: Path | None = None
                ) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Checksum first; then (a plain file of the database, the manifest), decrypted into a
    private temporary folder (in `work_in`, default the system's) when sealed, removed afterwards."""
    stored, manifest = read_manifest(path)
    _check_checksum(stored, manifest)
    if not manifest.get("encrypted"):
        yield stored, manifest
        return
    if key is None:
        raise BackupError(f"{stored.name} is encrypted: set BACKUP_KEY to the key it was made with")
    work = Path(tempfile.mkdtemp(prefix=".crps-restore-", dir=work_in))  # 0700
    try:
        plain = work / stored.name.removesuffix(SEALED)
        try:
            with stored.open("rb") as source, new_private_file(plain) as out:
                open_sealed(source, out, key)
        except SealError as exc:
            raise BackupError(f"{stored.name}: {exc}") from None
        if sha256(plain) != manifest.get("plain_sha256"):
            raise BackupError(f"{stored.name}: decrypted contents do not match the manifest")
        yield plain, manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_checksum(stored: Path, manifest: dict[str, Any]) -> None:
    if stored.stat().st_size != manifest.get("size") or sha256(stored) != manifest["sha256"]:
        raise BackupError(f"{stored.name}: SHA-256 does not match its manifest: the copy was changed or "
                          "damaged; do not restore it")


def verify(path: Path, key: bytes | None) -> dict[str, Any]:
    """Check a copy without restoring it: manifest, checksum, decryption, then integrity_check
    and every table's row count (SQLite) or the archive's table of contents (PostgreSQL).
    An encrypted copy without its key: the checksum only."""
    stored, manifest = read_manifest(path)
    if manifest.get("encrypted") and key is None:
        _check_checksum(stored, manifest)
        return manifest
    with opened_copy(path, key) as (plain, manifest):
        if manifest["engine"] == "sqlite":
            tables, revision, _ = check_sqlite_file(plain)
            if tables != manifest["tables"] or revision != manifest.get("schema_revision"):
                raise BackupError(f"{plain.name}: tables or row counts differ from the manifest")
        else:
            check_pg_archive(plain)
    return manifest


def is_empty(url: str) -> bool:
    """No tables at all (a new SQLite file, a new PostgreSQL database)."""
    if make_url(url).get_backend_name() == "sqlite":
        target = sqlite_path(url)
        if not target.exists() or target.stat().st_size == 0:
            return True
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def restore(path: Path, url: str, *, key: bytes | None, force: bool = False) -> list[tuple[str, int, int | None]]:
    """Restore a checked copy into `url`, migrate it to the current schema, and return
    (table, rows in the manifest, rows now) for every table in either. Refuses a non-empty
    database unless `force`. Stop the app first: a restore replaces the whole database."""
    _, manifest = read_manifest(path)
    engine_name = make_url(url).get_backend_name()
    if manifest["engine"] != engine_name:
        raise BackupError(f"this is a {manifest['engine']} copy; restore it into a {manifest['engine']} database, "
                          f"not {engine_name}")
    if not force and not is_empty(url):
        raise BackupError("the target database is not empty; nothing changed (add --force to replace it)")
    work_in = None
    if engine_name == "sqlite":  # decrypt beside the target: one write of a big file, then a rename
        work_in = sqlite_path(url).parent
        work_in.mkdir(parents=True, exist_ok=True, mode=0o700)
    with opened_copy(path, key, work_in=work_in) as (plain, _):
        if engine_name == "sqlite":
            check_sqlite_file(plain)
            restore_sqlite(plain, url, move=bool(manifest.get("encrypted")))
        else:
            restore_postgresql(plain, url)
    migrations.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            now = counts(connection)[0]
    finally:
        engine.dispose()
    names = sorted(set(manifest["tables"]) | set(now))
    return [(name, manifest["tables"].get(name, 0), now.get(name)) for name in names]

"""PostgreSQL copies: `pg_dump` custom format on an exported snapshot (the row counts read in that
same snapshot), its check with `pg_restore --list`, the restore with `pg_restore`, and finding
those tools and handing them the connection in libpq variables."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import NullPool

from settings import child_environment
from storage.backup_files import BackupError, first_line, flush, fsync_file, new_private_file

DEBIAN_POSTGRESQL = Path("/usr/lib/postgresql")  # <version>/bin/pg_dump, not on PATH on Debian


def dump_postgresql(url: str, plain: Path, kb_per_second: int = 0) -> tuple[dict[str, int], str | None, list[str]]:
    """`pg_dump` custom format on an exported snapshot. With a cap, the dump is written to a pipe
    and copied at most `kb_per_second`: pg_dump, and the server backend feeding it, wait on the
    pipe instead of taking the CPU the clinic's saves need. (A piped archive has no data offsets,
    so `pg_restore` cannot restore it in parallel; ours restores in one process.)"""
    pg_dump = postgres_tool("pg_dump")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection, new_private_file(plain) as out:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"]
                with tempfile.TemporaryFile() as errors:
                    dump = subprocess.Popen(  # noqa: S603 - an argument list, no shell
                        [*command, f"--file={plain}"] if kb_per_second == 0 else command,
                        env=libpq_environment(make_url(url)), stdout=subprocess.PIPE if kb_per_second else
                        subprocess.DEVNULL, stderr=errors)
                    try:
                        tables, revision, versions = counts(connection)  # the same snapshot as the dump
                        if dump.stdout is not None:
                            copy_at_most(dump.stdout, out, kb_per_second * 1024)
                    finally:
                        if dump.stdout is not None:
                            dump.stdout.close()  # a dump left unread ends (broken pipe) instead of waiting
                        dump.wait()
                    errors.seek(0)
                    said = errors.read().decode(errors="replace")
                flush(out)
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {first_line(said)}")
    finally:
        engine.dispose()
    os.chmod(plain, 0o600)
    fsync_file(plain)
    check_pg_archive(plain)
    return tables, revision, versions


def copy_at_most(source: IO[bytes], out: IO[bytes], bytes_per_second: int) -> None:
    """Copy `source` to `out`, never faster than `bytes_per_second` on average."""
    started, copied = time.monotonic(), 0
    while chunk := source.read(64 * 1024):
        out.write(chunk)
        copied += len(chunk)
        ahead = copied / bytes_per_second - (time.monotonic() - started)
        if ahead > 0:
            time.sleep(ahead)


def counts(connection: Connection) -> tuple[dict[str, int], str | None, list[str]]:
    """(row counts per table, schema revision, questionnaire versions) on any engine, in the
    connection's transaction."""
    names = sorted(inspect(connection).get_table_names())
    tables = {name: int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
              for name in names}  # table(): the catalogue's names, quoted by SQLAlchemy
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    versions: list[str] = []
    if "submissions" in tables:
        versions = [f"{qid} {version}" for qid, version in connection.execute(text(
            "SELECT DISTINCT questionnaire_id, questionnaire_version FROM submissions ORDER BY 1, 2"))]
    return tables, revision, versions


def check_pg_archive(path: Path) -> None:
    listed = subprocess.run([postgres_tool("pg_restore"), "--list", str(path)],  # noqa: S603 - no shell
                            capture_output=True)
    if listed.returncode != 0 or b"TABLE DATA" not in listed.stdout:
        raise BackupError(f"{path.name} is not a readable pg_dump archive: "
                          f"{first_line(listed.stderr.decode(errors='replace'))}")


def postgres_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which(name)
    if found is None:
        candidates = sorted(DEBIAN_POSTGRESQL.glob(f"*/bin/{name}"),
                            key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
        found = str(candidates[-1]) if candidates else None
    if found is None:
        raise BackupError(f"{name} is missing: install the PostgreSQL client tools "
                          "(apt-get install postgresql-client) matching the server's version")
    return found


def libpq_environment(url: URL) -> dict[str, str]:
    """The connection for pg_dump / pg_restore in libpq variables (no password on a command line)."""
    query_host = url.query.get("host")
    values = {"PGHOST": url.host or (query_host if isinstance(query_host, str) else None),
              "PGPORT": str(url.port) if url.port else None, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return child_environment({name: value for name, value in values.items() if value}, drop_prefix="PG")


def restore_postgresql(plain: Path, url: str) -> None:
    parsed = make_url(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():  # --force: replace everything
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    restored = subprocess.run(  # noqa: S603 - an argument list, no shell
        [postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--no-password", f"--dbname={parsed.database}", str(plain)],
        env=libpq_environment(parsed), capture_output=True)
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {first_line(restored.stderr.decode(errors='replace'))}")

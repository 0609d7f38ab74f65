"""Backups: one file holds the whole depot, since uploaded photos and documents live in the
database too.

SQLite: the online backup API copies the live database in one step inside one read
transaction, so the copy is consistent while the app goes on writing (WAL lets writers and
this reader work side by side); the copy is a single self-contained file (journal mode
DELETE). A restore runs the same API the other way, from the backup into the database, so
even a database the app holds open is replaced whole, under SQLite's own locks.
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner` in one
transaction, with the password handed over in PGPASSWORD, never on a command line.

A restore checks first that the file is a Depot backup (its alembic_version row names a
schema revision this Depot knows) and refuses to overwrite a database holding data unless
forced. Backups are written under a temporary name, made readable by their owner only (they
hold password hashes and customers' addresses) and renamed into place when complete.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL, make_url

from depot.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from depot.models.search import outside_metadata

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# Tables the migrations fill themselves: a database holding rows only there is still empty.
SEEDED_TABLES = frozenset({"alembic_version", "finding_codes"})
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    backend: str    # "sqlite" or "postgresql"
    size: int       # bytes of the backup file
    revision: str   # the schema's Alembic revision in the backup


def backend_of(database_url: str) -> str:
    backend = make_url(database_url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InvalidInputError("backups support SQLite and PostgreSQL databases, not "
                                "%(backend)s", code="backup_unsupported", backend=backend)
    return backend


def backup(database_url: str, target: Path) -> BackupReport:
    """Write a consistent copy of the running depot's database to `target` (replaced if it
    exists)."""
    target = Path(target)
    if not target.parent.is_dir():
        raise InvalidInputError("the folder %(folder)s does not exist", code="invalid_path",
                                folder=str(target.parent))
    url = make_url(database_url)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        if backend_of(database_url) == "sqlite":
            _not_the_database(target, _sqlite_path(url))
            revision = _sqlite_backup(_sqlite_path(url), partial)
        else:
            revision = _pg_backup(url, partial)
        _publish(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, url.get_backend_name(), target.stat().st_size, revision)


def restore(database_url: str, source: Path, *, force: bool = False) -> BackupReport:
    """Put the backup `source` in place of the database. Refused when the file is not a Depot
    backup of this kind of database, or when the database holds data and `force` is false."""
    source = Path(source)
    backend = backend_of(database_url)
    url = make_url(database_url)
    if backend == "sqlite":
        _not_the_database(source, _sqlite_path(url))
    found, revision = inspect_backup(source)
    if found != backend:
        raise ConflictError("%(path)s is a %(found)s backup; this depot runs on %(backend)s",
                            code="backup_mismatch", path=str(source), found=found,
                            backend=backend)
    if backend == "sqlite":
        path = _sqlite_path(url)
        if not path.parent.is_dir():
            raise InvalidInputError("the folder %(folder)s does not exist", code="invalid_path",
                                    folder=str(path.parent))
        if not force:
            _refuse_if_data(_sqlite_tables_with_rows(path) if path.exists() else [])
        _sqlite_restore(source, path)
    else:
        if not force:
            _refuse_if_data(_pg_tables_with_rows(url))
        _pg_restore(url, source)
    return BackupReport(source, backend, source.stat().st_size, revision)


def inspect_backup(source: Path) -> tuple[str, str]:
    """(backend, schema revision) of a Depot backup file; InvalidInputError when it is not one,
    ConflictError when its schema is newer than this Depot knows."""
    if not source.is_file():
        raise NotFoundError("no file %(path)s", code="backup_not_found", path=str(source))
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        backend, revision = "sqlite", _sqlite_backup_revision(source)
    elif head.startswith(PG_MAGIC):
        backend, revision = "postgresql", _pg_backup_revision(source)
    else:
        raise _not_a_backup(source, "neither a SQLite database nor a pg_dump archive")
    try:
        ScriptDirectory(str(MIGRATIONS)).get_revision(revision)
    except CommandError:
        raise ConflictError("the backup is at schema revision %(revision)s, which this Depot "
                            "does not know: restore it with the Depot version that made it",
                            code="backup_too_new", revision=revision) from None
    return backend, revision


def _not_a_backup(source: Path, problem: str) -> InvalidInputError:
    return InvalidInputError("%(path)s is not a Depot backup (%(problem)s)",
                             code="not_a_backup", path=str(source), problem=problem)


def _refuse_if_data(tables: list[str]) -> None:
    if tables:
        raise ConflictError("the database already holds data (in %(tables)s): restore into an "
                            "empty database, or pass --force to replace it",
                            code="database_not_empty", tables=", ".join(tables))


def _publish(partial: Path, target: Path) -> None:
    """Make the finished copy durable and private, then give it its name in one step."""
    partial.chmod(0o600)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# SQLite ------------------------------------------------------------------------------------

def _sqlite_path(url: URL) -> Path:
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise InvalidInputError("backups need a SQLite database in a file",
                                code="backup_unsupported")
    return Path(name)


def _not_the_database(file: Path, database: Path) -> None:
    if file.resolve() == database.resolve():
        raise InvalidInputError("a backup file cannot be the database itself",
                                code="invalid_path", path=str(file))


def _sqlite_backup(path: Path, partial: Path) -> str:
    if not path.is_file():
        raise NotFoundError("no database at %(path)s", code="database_missing", path=str(path))
    source = sqlite3.connect(path, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the backup
            revision = _sqlite_revision(copy)
        finally:
            copy.close()
    finally:
        source.close()
    if revision is None:
        raise ConflictError("the database has no Depot schema yet (no alembic_version row): "
                            "run flask db upgrade first", code="no_schema")
    return revision


def _sqlite_restore(source: Path, path: Path) -> None:
    backup_file = _sqlite_read_only(source)
    try:
        database = sqlite3.connect(path, timeout=30)
        try:
            database.execute("PRAGMA busy_timeout=30000")
            backup_file.backup(database)
        finally:
            database.close()
    finally:
        backup_file.close()


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    # immutable: the backup is a finished file nobody writes, so no -wal or -shm is looked for
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # no such table
        return None
    return rows[0][0] if len(rows) == 1 else None


def _sqlite_backup_revision(source: Path) -> str:
    try:
        conn = _sqlite_read_only(source)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            revision = _sqlite_revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _not_a_backup(source, str(exc)) from None
    if check != "ok":
        raise _not_a_backup(source, f"damaged: {check}")
    if revision is None:
        raise _not_a_backup(source, "no alembic_version row")
    return revision


def _sqlite_tables_with_rows(path: Path) -> list[str]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return [name for name in names if name not in SEEDED_TABLES
                and not outside_metadata(name, "table") and conn.execute(
                    f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]]
    finally:
        conn.close()


# PostgreSQL --------------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """The PostgreSQL client `name` on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))

    candidates = sorted(glob.glob(f"{PG_BIN_DIRS}/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise UnavailableError("%(tool)s was not found on PATH or in /usr/lib/postgresql/*/bin: "
                           "install the PostgreSQL client tools", code="tool_missing", tool=name)


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URL of a SQLAlchemy one, without its password, and the environment carrying
    the password (PGPASSWORD) for the client tools."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # URL.set(password=None) would keep the password: build the URL without one.
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UnavailableError("%(tool)s failed: %(error)s", code="backup_failed",
                               tool=Path(args[0]).name,
                               error=(done.stderr.strip() or f"exit {done.returncode}")[-2000:])
    return done.stdout


def _pg_backup(url: URL, partial: Path) -> str:
    dsn, env = libpq_connection(url)
    _run([pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}",
          f"--dbname={dsn}"], env)
    try:
        return _pg_backup_revision(partial)
    except InvalidInputError:
        raise ConflictError("the database has no Depot schema yet (no alembic_version row): "
                            "run flask db upgrade first", code="no_schema") from None


def _pg_backup_revision(source: Path) -> str:
    """The alembic_version row inside a pg_dump archive, read back by pg_restore."""
    script = _run([pg_tool("pg_restore"), "--data-only", "--table=alembic_version",
                   "--file=-", str(source)], dict(os.environ))
    lines = script.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"COPY \S*alembic_version ", line)), None)
    if start is None:
        raise _not_a_backup(source, "no alembic_version table")
    rows = []
    for line in lines[start + 1:]:
        if line == "\\.":
            break
        rows.append(line.strip())
    if len(rows) != 1 or not rows[0]:
        raise _not_a_backup(source, "no alembic_version row")
    return rows[0]


def _pg_restore(url: URL, source: Path) -> None:
    dsn, env = libpq_connection(url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--no-password", f"--dbname={dsn}", str(source)], env)


def _pg_tables_with_rows(url: URL) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            quote = engine.dialect.identifier_preparer.quote
            names = sorted(sa.inspect(conn).get_table_names())
            return [name for name in names if name not in SEEDED_TABLES and conn.execute(
                sa.text(f"SELECT EXISTS (SELECT 1 FROM {quote(name)})")).scalar()]
    except sa.exc.OperationalError as exc:  # libpq's words name no password
        raise UnavailableError("the database cannot be reached: %(error)s",
                               code="database_unavailable",
                               error=str(exc.orig).strip()[:500]) from None
    finally:
        engine.dispose()

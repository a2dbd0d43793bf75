"""The database: one connection per caller, the pragmas, the one write-transaction helper.

Every write goes through `write(db)`: BEGIN IMMEDIATE takes the write lock up front, so a writer waits
on busy_timeout instead of failing when a deferred read-then-write transaction tries to upgrade.
The schema's migrations are in services.migrations; connect() applies any a database lacks.
"""

import contextlib
import os
import pathlib
import sqlite3
import threading
from collections.abc import Generator, Iterator, Sequence
from typing import Any, cast

import sqlite_utils

from . import files, uploads
from .migrations import migrations
from .rows import Row

DEFAULT_PATH = pathlib.Path(__file__).resolve().parent.parent / "data" / "linbang.db"
BUSY_TIMEOUT_MS = 5000
Params = Sequence[Any] | dict[str, Any]  # a statement's ? or :name values


def database_path() -> pathlib.Path:
    return pathlib.Path(os.environ.get("LINBANG_DB") or DEFAULT_PATH)


def connect(path: str | pathlib.Path | None = None) -> "Database":
    """Open a connection with the house pragmas and every migration applied.

    isolation_level=None stops the driver from opening hidden transactions: only `write()` begins one.
    check_same_thread=False because Streamlit runs each rerun of a session on a fresh thread; a
    connection still belongs to exactly one session (or one test thread) and is never shared.
    Before opening, the board's files are made private to its account again (_make_private).
    """
    path = pathlib.Path(path or database_path())
    _make_private(path)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=FULL")
    db = Database(conn)
    if migrations.pending(db):
        with write(db):
            migrations.apply(db)
    return db


def _make_private(path: pathlib.Path) -> None:
    """The database file, its -wal and -shm, the mail password and every upload beside it 0600, their
    folders 0700, before SQLite opens the file (SQLite gives the -wal and -shm it creates the
    database file's mode).

    Done on every connect, so a board made before this rule, or a copy restored with looser modes,
    is private again. The database's own folder is made 0700 when the board creates it; an existing
    one is tightened only if it is the default data/ (LINBANG_DB may name a folder others share).
    """
    if not path.parent.exists() or path.parent.resolve() == DEFAULT_PATH.parent:
        files.private_folder(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(files.create_private(path))
    beside = (path.name + "-wal", path.name + "-shm", files.SMTP_PASSWORD_FILE)
    for file in (path, *(path.with_name(name) for name in beside)):
        files.restrict(file)
    files.restrict_tree(uploads.root_for(path))


class Database(sqlite_utils.Database):
    """sqlite-utils' Database, whose statements take turns between threads.

    A session's connection can be used by two threads at once: Streamlit starts the next run before
    the interrupted one has stopped, and a button's callback, on the new run's thread, calls services
    with the connection of the run that drew it. So a write transaction (write()) is one thread's at
    a time; and so is every statement, because sqlite-utils runs each query() in a SAVEPOINT: a read
    on one thread while another's transaction is open would join that transaction, and the other's
    COMMIT would take its savepoint away ("no such savepoint": a crash box after a double click,
    #11). A query's rows are read whole while it has its turn."""

    def __init__(self, conn: sqlite3.Connection):
        self.turn = threading.RLock()  # before sqlite-utils' own set-up runs statements
        super().__init__(conn)

    def query(self, sql: str, params: Params | None = None) -> Generator[dict, None, None]:
        with self.turn:
            rows = list(super().query(sql, params))
            return (row for row in rows)  # a generator, as sqlite-utils' own, over rows already read

    def execute(self, sql: str, parameters: Params | None = None) -> sqlite3.Cursor:
        with self.turn:
            return super().execute(sql, parameters)


@contextlib.contextmanager
def write(db: "Database") -> Iterator["Database"]:
    """One write transaction: everything inside commits together or not at all.

    Nested use (on the same thread) joins the outer transaction through a savepoint (sqlite-utils'
    atomic()); another thread waits for the transaction to end.
    """
    with db.turn:
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


def the_one(db: sqlite_utils.Database, sql: str, params: Params = ()) -> Row:
    """The row of a query that always returns exactly one: an aggregate (COUNT, SUM), or a row known to exist."""
    return list(db.query(sql, params))[0]


def one(db: sqlite_utils.Database, sql: str, params: Params = ()) -> Row | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def insert(db: sqlite_utils.Database, table: str, row: Row) -> int:
    """Insert one row into `table` and return its id (every table written this way has an integer one)."""
    return cast(int, db.table(table).insert(row).last_pk)


def filled_in(db: sqlite_utils.Database, table: str, person_id: int, key: str | None) -> tuple[str | None, int | None]:
    """One person's filling-in of a form (ui.forms.Filling): its request key, the person's id and the
    form's `key` (so another person's key never finds their row), and the id of the row of `table`
    it already recorded (sent again: a double click), or None. No key (a caller with no form): None
    for both. Inside the write transaction."""
    if key is None:
        return None, None
    request_key = f"{person_id}:{key}"
    row = one(db, f"SELECT id FROM {table} WHERE request_key = ?", [request_key])
    return request_key, row["id"] if row else None

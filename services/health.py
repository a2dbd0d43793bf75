"""Is the board able to work? `python -m services.health` exits 0 when the database opens and a
write transaction commits, and 1 with what went wrong otherwise (no database there, a file or disk
that is read-only or full, a file that is no board). For a service manager or a proxy to call
(deploy/); the app's own connect is not used, so a check neither applies migrations nor changes modes.
"""

import contextlib
import pathlib
import sqlite3
import sys
from datetime import datetime

from . import settings
from .clock import utcnow
from .db import BUSY_TIMEOUT_MS, Database, database_path, write


class Unhealthy(Exception):
    """The board cannot work; the message says why, in plain English for the operator's log."""


def check(db_path: pathlib.Path, now: datetime) -> None:
    """Open the database and commit a write (the time of this check, a settings row): what every
    action of the board needs. Raises Unhealthy."""
    if not db_path.is_file():
        raise Unhealthy(f"no database at {db_path}")
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        with contextlib.closing(conn):
            db = Database(conn)
            with write(db):
                settings.save(db, {"health_checked_at": now.isoformat()})
    except (sqlite3.Error, OSError) as error:
        raise Unhealthy(f"cannot write to the database at {db_path}: {error}") from None


def main() -> int:
    path = database_path()
    try:
        check(path, utcnow())
    except Unhealthy as problem:
        sys.stderr.write(f"unhealthy: {problem}\n")
        return 1
    sys.stdout.write(f"ok: {path} opens and takes a write\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

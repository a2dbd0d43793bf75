"""CSV files the board hands out (a wallet's history; the organizer's jobs, people, ledger lines and
reviews), made safe and readable for spreadsheet programs.

A spreadsheet runs a cell that starts with = + - @ (and, in some programs, a tab or carriage return)
as a formula, so a note typed as `=HYPERLINK("http://…","Refund")` would become a live link or worse
(OWASP, "CSV Injection"). Every cell therefore goes through `cell()`: text starting with one of those
characters gets a leading `'`, which makes a spreadsheet show it as text. Amounts are written as plain
numbers (`-80.00`, yuan): a number is no formula, so it is left as it is and a spreadsheet can add it
up; a `'` in front of it would show, and turn it into text.
"""

import csv
import io
import re
from collections.abc import Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import NamedTuple

from . import users
from .clock import from_db
from .db import Database

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def yuan(fen: int) -> str:
    """Integer fen -> '-80.00': yuan as a plain number, no currency sign or grouping."""
    return f"{Decimal(fen) / 100:.2f}"


def cell(value: str) -> str:
    """`value` as a spreadsheet shows it as text: a leading ' if it could start a formula."""
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, str]], header: Sequence[str] | None = None) -> bytes:
    """Rows of text (dicts with the `header`'s keys, in its order; None: the first row's keys) as a CSV
    file, every cell through cell(). UTF-8 with a byte-order mark, so spreadsheet programs read Chinese
    right. The one CSV writer of the board."""
    names = list(header if header is not None else rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(name) for name in names])
    writer.writerows([cell(row[name]) for name in names] for row in rows)
    return out.getvalue().encode("utf-8-sig")


class Table(NamedTuple):
    """One of the organizer's exports: the columns that go out, and the query that reads them."""

    columns: tuple[str, ...]  # exactly what leaves the board, nothing else the query reads
    sql: str


# The organizer's exports (#16 item 5). Columns ending in _yuan hold fen in the query and go out as
# yuan (yuan()); those ending in _at are stored UTC times and go out on the community's clock
# ("2026-11-25 14:00"). The people's export names no private field: no e-mail, phone, password hash,
# picture or identity check, and a job's export no exact place or address note.
TABLES = {
    "jobs": Table(
        (
            "id",
            "posted_at",
            "category",
            "title",
            "mode",
            "status",
            "price_type",
            "price_yuan",
            "agreed_yuan",
            "poster_id",
            "poster",
            "worker_id",
            "worker",
            "starts_at",
            "ends_at",
            "finished_at",
        ),
        """SELECT j.id, j.created_at AS posted_at, j.category, j.title, j.mode, j.status, j.price_type,
                  j.price_fen AS price_yuan, j.agreed_fen AS agreed_yuan, j.poster_id, p.username AS poster,
                  j.worker_id, w.username AS worker, j.window_start AS starts_at, j.window_end AS ends_at,
                  j.finished_at
           FROM jobs j JOIN users p ON p.id = j.poster_id LEFT JOIN users w ON w.id = j.worker_id ORDER BY j.id""",
    ),
    "users": Table(
        ("id", "username", "display_name", "role", "language", "joined_at", "blocked_at", "takes_jobs", "verification"),
        """SELECT u.id, u.username, u.display_name, u.role, u.language, u.created_at AS joined_at, u.blocked_at,
                  COALESCE(w.taking_jobs, 0) AS takes_jobs, COALESCE(w.verification, '') AS verification
           FROM users u LEFT JOIN worker_profiles w ON w.user_id = u.id ORDER BY u.id""",
    ),
    "ledger": Table(
        (
            "line_id",
            "transfer_id",
            "recorded_at",
            "kind",
            "account",
            "user_id",
            "username",
            "job_id",
            "amount_yuan",
            "note",
            "recorded_by",
        ),
        """SELECT l.id AS line_id, t.id AS transfer_id, t.created_at AS recorded_at, t.kind, a.kind AS account,
                  a.user_id, u.username, COALESCE(a.job_id, t.job_id) AS job_id, l.amount_fen AS amount_yuan,
                  t.note, r.username AS recorded_by
           FROM ledger_lines l JOIN transfers t ON t.id = l.transfer_id JOIN accounts a ON a.id = l.account_id
           LEFT JOIN users u ON u.id = a.user_id LEFT JOIN users r ON r.id = t.actor_id ORDER BY l.id""",
    ),
    "reviews": Table(
        (
            "id",
            "job_id",
            "rated_at",
            "author_id",
            "author",
            "author_role",
            "subject_id",
            "subject",
            "stars",
            "comment",
        ),
        """SELECT v.id, v.job_id, v.created_at AS rated_at, v.author_id, a.username AS author, v.author_role,
                  v.subject_id, s.username AS subject, v.stars, v.comment
           FROM reviews v JOIN users a ON a.id = v.author_id JOIN users s ON s.id = v.subject_id ORDER BY v.id""",
    ),
}


def _text(column: str, value: object, tz: tzinfo) -> str:
    """One value of `column` as it goes out (see TABLES)."""
    if value is None:
        return ""
    if column.endswith("_yuan"):
        return yuan(int(value))  # type: ignore[call-overload]
    if column.endswith("_at"):
        return from_db(str(value)).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return str(value)


def table_csv(db: Database, actor: object, name: str, tz: tzinfo) -> bytes:
    """The export `name` (a key of TABLES) as a CSV file (csv_bytes), times on the clock of `tz`.
    Organizers only: raises NotAllowed. Raises KeyError for an unknown name."""
    users.organizer(db, actor)
    table = TABLES[name]
    rows = [{column: _text(column, row[column], tz) for column in table.columns} for row in db.query(table.sql)]
    return csv_bytes(rows, table.columns)

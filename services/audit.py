"""The organizers' audit log (#16 item 6): every organizer action is one row that nobody can change or
delete afterwards (triggers refuse UPDATE and DELETE, as on the ledger's lines).

A service that carries out an organizer action calls `record` inside the write transaction of the
action, so an action that fails or is rolled back leaves no row, and one that commits always has one.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import export, users
from .clock import from_db, to_db
from .db import Database, insert, the_one, write
from .rows import Row, User

KINDS = (
    "verify",
    "revoke",
    "block",
    "unblock",
    "top_up",
    "payout",
    "dispute_decision",
    "setting_changed",
    "report_handled",
    "backup_taken",
    "organizer_granted",
    "organizer_revoked",
    "announcement",
)
# Which kinds have a sentence about a person, about a job, or about the board as a whole (the catalogs'
# audit.person.*, audit.job.*, audit.board.*): a row is told by the first its user_id, job_id allow.
ABOUT_PERSON = (
    "verify",
    "revoke",
    "block",
    "unblock",
    "top_up",
    "payout",
    "report_handled",
    "organizer_granted",
    "organizer_revoked",
)
ABOUT_JOB = ("dispute_decision", "report_handled")
ABOUT_BOARD = ("setting_changed", "backup_taken", "announcement")
# The names a row's before and after may hold, each with its words in the catalogs (audit.field.*).
FIELDS = (
    "verification",
    "reason",
    "blocked",
    "balance_fen",
    "amount_fen",
    "status",
    "decision",
    "split_fen",
    "role",
    "body",
    "ends_at",
    "organizer_contact",
    "commission_pct",
    "cancel_fee_pct",
    "cancel_fee_cap_fen",
    "cancel_window_hours",
    "id_photo_keep_days",
    "alerts_daily_cap",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
    "smtp_from",
    "public_url",
    "backup_daily",
    "backup_hour",
    "backup_keep",
    "archive",
    "integrity",
)
PAGE_SIZE = 25


def record(
    db: Database,
    actor: User | None,
    kind: str,
    *,
    user_id: int | None = None,
    job_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    now: datetime,
) -> int:
    """Write one row of the audit log and return its id: the organizer `actor` (None: the board itself,
    a scheduled backup say) did `kind` (one of KINDS) to the person `user_id` and/or the job `job_id`
    (either may be None: a setting concerns no one), changing `before` into `after` (small dicts of
    plain values, stored as JSON; amounts as *_fen, times as services.clock.to_db text).

    Call it INSIDE the write transaction of the action it records (services.db.write), after the
    action's own checks: the row then commits or rolls back with the action (called outside one, it
    is a transaction of its own). Example, in a report's handling:
        audit.record(db, actor, "report_handled", user_id=report["user_id"],
                     before={"status": "open"}, after={"status": "hidden"}, now=now)
    Raises NotAllowed when `actor` is not an organizer in the database (users.organizer); a kind not
    in KINDS is a programming error (ValueError).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    with write(db):
        acting = users.organizer(db, actor) if actor is not None else None
        return insert(db, "audit_log", _row(acting, kind, user_id, job_id, before, after, now))


def _row(
    actor: User | None,
    kind: str,
    user_id: int | None,
    job_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    now: datetime,
) -> Row:
    return {
        "actor_id": actor["id"] if actor else None,
        "kind": kind,
        "user_id": user_id,
        "job_id": job_id,
        "before": json.dumps(dict(before or {}), ensure_ascii=False, sort_keys=True),
        "after": json.dumps(dict(after or {}), ensure_ascii=False, sort_keys=True),
        "at": to_db(now),
    }


AUDIT_SELECT = """
    SELECT a.id, a.kind, a.actor_id, a.user_id, a.job_id, a.before, a.after, a.at,
           o.display_name AS actor_name, o.username AS actor_username,
           u.display_name AS user_name, u.username AS user_username, j.title AS job_title
    FROM audit_log a LEFT JOIN users o ON o.id = a.actor_id LEFT JOIN users u ON u.id = a.user_id
    LEFT JOIN jobs j ON j.id = a.job_id"""


def _read(row: Row) -> Row:
    return {**row, "before": json.loads(row["before"]), "after": json.loads(row["after"]), "at": from_db(row["at"])}


def page(db: Database, actor: User, number: int = 1, size: int = PAGE_SIZE) -> tuple[list[Row], int]:
    """One page (from 1) of the log, newest first, with the names of who acted and of the person and
    the job the action concerned; and how many pages there are (at least 1). Organizers only:
    raises NotAllowed."""
    users.organizer(db, actor)
    total = the_one(db, "SELECT COUNT(*) AS n FROM audit_log")["n"]
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = db.query(AUDIT_SELECT + " ORDER BY a.id DESC LIMIT ? OFFSET ?", [size, (number - 1) * size])
    return [_read(row) for row in rows], pages


def csv_file(db: Database, actor: User) -> bytes:
    """The whole log as a CSV file (services.export: UTF-8 with a BOM, every cell safe for a
    spreadsheet), newest first: when (UTC), who, what, on whom, which job, before, after (JSON).
    The log has at least one row (the page offers the file only then). Organizers only: raises
    NotAllowed."""
    users.organizer(db, actor)
    rows = [
        {
            "at": row["at"],
            "organizer": row["actor_username"] or "",
            "kind": row["kind"],
            "user": row["user_username"] or "",
            "job": str(row["job_id"] or ""),
            "before": row["before"],
            "after": row["after"],
        }
        for row in db.query(AUDIT_SELECT + " ORDER BY a.id DESC")
    ]
    return export.csv_bytes(rows)

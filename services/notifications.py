"""Notifications: what happened, told to each person entitled to know, in the transaction that made it.

A service calls `tell` (or `job_step` for a step of a job) inside its own write transaction, so a
rolled-back action tells nobody; each row is keyed by the person and its cause (`source`), so an
action done twice tells once. A row stores its kind (a catalog key under `notice.`) and the values
its sentence names, and is put into words in the reader's language when shown (ui.notices).

Kinds are named '<group>.<what>': the group is what a person switches on for e-mail
(users.email_kinds) and what the inbox links to.
"""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Literal, cast

from . import outbox, users
from .clock import to_db
from .db import Database, one, the_one, write
from .rows import Job, Row, User
from .transitions import TRANSITIONS

Group = Literal["job", "message", "nearby", "account"]
GROUPS: tuple[Group, ...] = ("job", "message", "nearby", "account")
# Every kind there is (each has its sentence, notice.<kind>, in every catalog).
KINDS: tuple[str, ...] = (
    *(f"job.{action}" for action in TRANSITIONS),  # a step of the job state machine
    "job.tip",
    "job.declined",  # a waiting application or invitation closed because someone else got the job
    "job.closed",  # ... because the job was cancelled or expired
    "job.extra_approved",
    "job.extra_declined",
    "job.applied",
    "job.invited",
    *(f"job.{kind}_{answer}" for kind in ("apply", "invite") for answer in ("declined", "withdrawn")),
    *(f"job.material_{answer}" for answer in ("added", "approved", "rejected")),
    "job.statement",
    "account.review",
    "account.review_reply",  # the person rated answered the review (services.reviews.reply)
    "account.verified",
    "account.rejected",
    "account.revoked",
    "account.topup",
    "account.payout",
    "account.reset_code",  # the organizer made a password reset code for the person
    "account.reset_link",  # ... or e-mailed them a reset link
    "account.warned",  # the organizer warned the person after a report (services.reports), in their words
    "nearby.job",
    "message.new",
    "message.question",
    "message.answer",
    "job.contact_shared",
    "job.edited",  # the poster changed an open job someone waits on (an application, a question)
)
INBOX_SIZE = 50  # the newest shown; older ones stay until read


def group_of(kind: str) -> Group:
    """The group of a kind: the part of its name before the first dot."""
    group = kind.split(".", 1)[0]
    if kind not in KINDS or group not in GROUPS:
        raise ValueError(f"unknown notification kind {kind!r}")
    return group


def tell(
    db: Database,
    people: Iterable[int | None],
    kind: str,
    source: str,
    now: datetime,
    *,
    job_id: int | None = None,
    **params: object,
) -> list[int]:
    """Inside the caller's write transaction: one notification of `kind` for each person in `people`
    (None and repeats skipped) about `source`, its cause (the same cause tells nobody twice).
    `params` are the values its sentence names (a title, a name, an amount in fen: `*_fen`).
    Each row a person wants by e-mail is queued in the outbox in the same transaction (services.outbox).
    Returns the ids of the rows written."""
    group_of(kind)
    written = []
    for user_id in dict.fromkeys(p for p in people if p is not None):
        cursor = db.execute(
            """INSERT OR IGNORE INTO notifications (user_id, kind, job_id, params, source, created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [user_id, kind, job_id, json.dumps(params, ensure_ascii=False), source, to_db(now)],
        )
        if cursor.rowcount:
            written.append(cast(int, cursor.lastrowid))
    outbox.queue(db, written, now)
    return written


def name_of(db: Database, user_id: int | None) -> str:
    """A person's display name as a notification names them ("" for the board itself)."""
    row = one(db, "SELECT display_name FROM users WHERE id = ?", [user_id]) if user_id else None
    return row["display_name"] if row else ""


def organizers_apart_from(db: Database, job: Job) -> list[int]:
    """The organizers who are neither side of `job`: who settles its dispute."""
    rows = db.query(
        "SELECT id FROM users WHERE role = 'organizer' AND blocked_at IS NULL AND id NOT IN (?, ?)",
        [job["poster_id"], job["worker_id"] or 0],
    )
    return [row["id"] for row in rows]


def job_step(
    db: Database,
    job: Job,
    kind: str,
    source: str,
    actor_id: int | None,
    now: datetime,
    *,
    worker_id: int | None,
    also: Iterable[int] = (),
    **params: object,
) -> None:
    """A step on `job` (as stored, its title and poster): its two sides hear of it, the poster and
    `worker_id` (the worker before or after the step, whoever had it), and `also`; never the person
    who took it (`actor_id`; None for the board's own clock)."""
    people = [job["poster_id"], worker_id, *also]
    tell(
        db,
        [p for p in people if p != actor_id],
        kind,
        source,
        now,
        job_id=job["id"],
        title=job["title"],
        name=name_of(db, actor_id),
        **params,
    )


# Where a notification without a job sends its reader, by kind (a page's address: /wallet).
PLACES = {
    "account.topup": "wallet",
    "account.payout": "wallet",
    "account.verified": "worker",
    "account.rejected": "worker",
    "account.revoked": "worker",
    "account.reset_code": "account",
    "account.reset_link": "account",  # the e-mail's link opens the login page's reset form (services.resets)
}


def place(row: Row) -> tuple[str, dict[str, str]]:
    """Where the reader acts on a notification (its `kind`, `job_id` and `user_id`): a page's address
    and its query, the same in the inbox (ui.notices) and in an e-mail's link (services.mail)."""
    if row["kind"] == "account.review":
        return "profile", {"id": str(row["user_id"])}
    if row["job_id"] is not None:
        return "job", {"id": str(row["job_id"])}
    return PLACES.get(row["kind"], "inbox"), {}


# --- reading --------------------------------------------------------------------------------------


def unread_count(db: Database, user_id: int) -> int:
    """How many notifications `user_id` has not opened: the badge. One query on the partial index of
    unread rows, so its cost follows the person's unread count, not the size of the table."""
    sql = "SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL"
    return cast(int, the_one(db, sql, [user_id])["n"])


def inbox(db: Database, viewer: User) -> list[Row]:
    """The acting person's newest notifications (INBOX_SIZE), newest first, params decoded."""
    viewer = users.active(db, viewer)
    rows = list(
        db.query("SELECT * FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?", [viewer["id"], INBOX_SIZE])
    )
    for row in rows:
        row["params"] = json.loads(row["params"])
    return rows


def mark_read(db: Database, viewer: User, notification_id: int, now: datetime) -> None:
    """The person opened one of their notifications (someone else's id changes nothing)."""
    with write(db):
        viewer = users.active(db, viewer)
        db.execute(
            "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
            [to_db(now), notification_id, viewer["id"]],
        )


def mark_all_read(db: Database, viewer: User, now: datetime, *, job_id: int | None = None) -> int:
    """Every unread notification of the person (only those about `job_id`, when given: they opened
    that job's page) is read now. Returns how many. Writes only when there is something to mark."""
    viewer = users.active(db, viewer)
    where, params = "user_id = ? AND read_at IS NULL", [viewer["id"]]
    if job_id is not None:
        where, params = where + " AND job_id = ?", [*params, job_id]
    if not one(db, f"SELECT 1 AS x FROM notifications WHERE {where} LIMIT 1", params):
        return 0
    with write(db):
        return db.execute(f"UPDATE notifications SET read_at = ? WHERE {where}", [to_db(now), *params]).rowcount

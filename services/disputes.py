"""Disputes: the poster opens one instead of confirming (the `dispute` transition, whose reason is
the first statement), both sides add statements, and an organizer who is neither side resolves it
(resolve_pay / resolve_refund / resolve_split, services.transitions)."""

from datetime import datetime

from . import access, jobs, notifications, users
from .clock import to_db
from .db import Database, insert, one, write
from .rows import Job, Row, User
from .validate import Typed, text


def record(db: Database, job_id: int, author: User, body: str, key: str, now: datetime) -> int:
    """Store one statement under `key` (the same key again returns the first one). Inside the
    caller's write transaction; the caller has checked who may."""
    again = one(db, "SELECT id FROM dispute_statements WHERE request_key = ?", [key])
    if again:
        return again["id"]
    row = {"job_id": job_id, "author_id": author["id"], "body": body, "request_key": key, "created_at": to_db(now)}
    return insert(db, "dispute_statements", row)


def add_statement(db: Database, actor: User, job_id: int, body: Typed, *, key: str, now: datetime) -> int:
    """The poster or the worker adds their side to a disputed job. `key` identifies one filling-in of
    the form (sending it again returns the first statement). Returns the statement's id."""
    body = text(body, "statement", min_len=1, max_len=1000)
    with write(db):
        job, actor = access.load(db, job_id, actor, "add_statement")
        statement_id = record(db, job_id, actor, body, f"statement:{actor['id']}:{key}", now)
        settlers = notifications.organizers_apart_from(db, job)
        notifications.job_step(
            db,
            job,
            "job.statement",
            f"statement:{statement_id}",
            actor["id"],
            now,
            worker_id=job["worker_id"],
            also=settlers,
        )
        return statement_id


def statements(db: Database, job: Job, viewer: User | None) -> list[Row]:
    """A dispute's statements, oldest first (the poster's reason first): the two sides and organizers."""
    if access.refusal(db, job, viewer, "see_private"):
        return []
    return list(
        db.query(
            """SELECT s.*, u.display_name AS author_name FROM dispute_statements s JOIN users u ON u.id = s.author_id
               WHERE s.job_id = ? ORDER BY s.id""",
            [job["id"]],
        )
    )


def unresolved(db: Database, actor: User) -> list[Job]:
    """Jobs waiting for an organizer's resolution, longest waiting first. Organizers only."""
    actor = users.organizer(db, actor)
    rows = db.query(jobs.JOB_SELECT + " WHERE j.status = 'disputed' ORDER BY j.updated_at")
    return [jobs.for_viewer(db, row, actor) for row in rows]

"""Conversations: one thread per job and pair, the poster and one worker, in text and photos.

A thread opens when the pair forms: a booking application or invitation opens it with its message
(and quote) as the first line (services.booking), a worker who gets a job has one with the poster
(services.jobs). When the poster disputes the work, an organizer joins the thread of the job's worker
with a line of the board's own, and organizers who are neither side read and write there while the
dispute is open (and read it once resolved).

Who may read or write on a job at all is services.access (`see_messages`, `message`); this module
says which of the job's threads: the poster is in all of them, a worker in their own, an organizer
who is neither side in the job's worker's. A thread whose worker is no longer part of the job (a
declined applicant) can still be read by its two people, and no longer written in.

Read receipts: each person's newest message seen (thread_reads); a line is read once the other side
has seen it.
"""

from datetime import datetime
from typing import cast

from . import access, fraud, notifications, reports, uploads, users
from .clock import to_db
from .db import Database, filled_in, insert, one, the_one, write
from .errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from .rows import Job, Row, User
from .validate import Typed, text

MAX_BODY = 1000
EXCERPT = 40  # characters of a message a notification quotes


# --- opening, inside another service's write transaction -------------------------------------------


def open_thread(db: Database, job_id: int, worker_id: int, now: datetime) -> int:
    """The thread of `job_id` between its poster and `worker_id`, opened if it is not yet. Inside the
    caller's write transaction; the caller has checked who may. Returns its id."""
    db.execute(
        "INSERT OR IGNORE INTO threads (job_id, worker_id, created_at) VALUES (?, ?, ?)",
        [job_id, worker_id, to_db(now)],
    )
    return the_one(db, "SELECT id FROM threads WHERE job_id = ? AND worker_id = ?", [job_id, worker_id])["id"]


def _line(db: Database, thread_id: int, author_id: int | None, kind: str, now: datetime, **columns: object) -> int:
    """Store one line; its text is flagged when it looks like a scam's request (services.fraud)."""
    body = cast(str, columns.get("body", ""))
    row = {"thread_id": thread_id, "author_id": author_id, "kind": kind, "flagged": int(bool(fraud.flags(body)))}
    message_id = insert(db, "messages", {**row, **columns, "created_at": to_db(now)})
    if author_id is not None:  # the author has seen everything up to their own line
        _mark_read(db, thread_id, author_id, message_id)
    return message_id


def opened_by_application(
    db: Database,
    job_id: int,
    worker_id: int,
    author_id: int,
    kind: str,
    message: str,
    quote_fen: int | None,
    now: datetime,
) -> int:
    """A booking application (kind 'apply', by the worker, with their quote) or invitation ('invite',
    by the poster) opens the pair's thread with its message as the first line. Inside the caller's
    write transaction. Returns the line's id."""
    thread_id = open_thread(db, job_id, worker_id, now)
    line_kind = "applied" if kind == "apply" else "invited"
    return _line(db, thread_id, author_id, line_kind, now, body=message, quote_fen=quote_fen)


def organizer_joined(db: Database, job: Job, key: str, now: datetime) -> None:
    """The job (as stored, with its worker) was just disputed: the thread of its poster and worker
    says that an organizer joined. Inside jobs.act's write transaction; `key` is the dispute's cause."""
    thread_id = open_thread(db, job["id"], cast(int, job["worker_id"]), now)
    if not one(db, "SELECT 1 AS x FROM messages WHERE request_key = ?", [key]):
        _line(db, thread_id, None, "joined", now, request_key=key)


# --- who is in a thread ----------------------------------------------------------------------------


def _thread(db: Database, thread_id: int) -> Row:
    thread = one(db, "SELECT * FROM threads WHERE id = ?", [thread_id])
    if not thread:
        raise NotFound()
    return thread


def _reads(job: Job, user: User, worker_id: int) -> bool:
    """Whether `user`, who may see the job's messages (see_messages), is in the thread of `worker_id`."""
    if user["id"] in (job["poster_id"], worker_id):
        return True
    disputed = job["status"] in ("disputed", "resolved")
    return disputed and user["role"] == "organizer" and user["id"] != job["worker_id"] and worker_id == job["worker_id"]


def _readable(db: Database, viewer: object, thread_id: int) -> tuple[Row, Job, User]:
    """The thread, its stored job and the viewer as active, when the viewer may read the thread.
    Raises NotFound, NotAllowed."""
    thread = _thread(db, thread_id)
    job, viewer = access.load(db, thread["job_id"], viewer, "see_messages")
    if not _reads(job, viewer, thread["worker_id"]):
        raise NotAllowed()
    return thread, job, viewer


def readable_line(db: Database, viewer: object, message_id: int) -> Row:
    """One stored message (with its thread's `job_id`) that `viewer` may read. Raises NotFound,
    NotAllowed."""
    line = one(
        db, "SELECT m.*, t.job_id FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ?", [message_id]
    )
    if not line:
        raise NotFound()
    _readable(db, viewer, line["thread_id"])
    return line


def _is_open(db: Database, job: Job, worker_id: int) -> bool:
    """Whether the thread of `worker_id` can still be written in: they are the job's worker, or their
    application or invitation still waits (a declined applicant's thread is read-only)."""
    if worker_id == job["worker_id"]:
        return True
    sql = "SELECT 1 AS x FROM applications WHERE job_id = ? AND worker_id = ? AND status = 'pending'"
    return one(db, sql, [job["id"], worker_id]) is not None


# --- writing ---------------------------------------------------------------------------------------


def send(
    db: Database,
    actor: User,
    job_id: int,
    worker_id: int,
    body: Typed,
    photo: bytes | None,
    *,
    key: str,
    now: datetime,
) -> int:
    """`actor` writes in the job's thread with `worker_id`: text, a photo (checked and re-encoded by
    services.uploads, like a receipt) or both. `key` identifies one filling-in of the form: sending it
    again returns the first message's id. Text that looks like a scam's request is flagged, never
    refused. The thread's other people are told. Returns the message id; stores nothing (no file
    either) on error.

    Raises ValidationError (no text and no photo, too long, not a picture), NotFound, NotAllowed (not
    `message` on the job, or not in this thread), InvalidTransition (the thread is closed: its worker
    is no longer part of the job)."""
    body = text(body, "body", max_len=MAX_BODY)
    cleaned = uploads.reencoded(photo, "photo") if photo is not None else None
    if not body and cleaned is None:
        raise ValidationError("body", "error.required")
    with uploads.saving(db, "private") as save, write(db):
        job, actor = access.load(db, job_id, actor)
        request_key, again = filled_in(db, "messages", actor["id"], key)
        if again:
            return again
        access.require(db, job, actor, "message")
        if not _reads(job, actor, worker_id):
            raise NotAllowed()
        if not _is_open(db, job, worker_id):
            raise InvalidTransition("error.thread_closed")
        thread_id = open_thread(db, job_id, worker_id, now)
        kind, picture = ("photo", save(cleaned)) if cleaned is not None else ("text", None)
        message_id = _line(db, thread_id, actor["id"], kind, now, body=body, photo=picture, request_key=request_key)
        _tell(db, job, worker_id, actor, message_id, body, now)
        return message_id


def _tell(db: Database, job: Job, worker_id: int, actor: User, message_id: int, body: str, now: datetime) -> None:
    """The thread's other people hear of a new message: the poster, its worker, and, while the job is
    disputed in this thread, the organizers who settle it."""
    disputed_here = job["status"] == "disputed" and worker_id == job["worker_id"]
    settlers = notifications.organizers_apart_from(db, job) if disputed_here else []
    excerpt = body if len(body) <= EXCERPT else body[:EXCERPT].rstrip() + "…"
    source = f"message:{message_id}"
    notifications.job_step(
        db, job, "message.new", source, actor["id"], now, worker_id=worker_id, also=settlers, excerpt=excerpt or "📷"
    )


# --- reading ---------------------------------------------------------------------------------------

UNREAD = """(SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.author_id IS NOT :me
             AND m.id > COALESCE((SELECT last_read_id FROM thread_reads
                                  WHERE thread_id = t.id AND user_id = :me), 0))"""


def threads(db: Database, job: Job, viewer: User | None) -> list[Row]:
    """The job's threads `viewer` may read: the poster's all, a worker's their own, an organizer's
    (neither side, once disputed) the job's worker's. The job's worker's first, then the newest. Each
    with `other_name` (the other person: for the poster, the worker; for the worker, the poster; for
    an organizer, the worker), `unread` (for the viewer), `open` (may still be written in: _is_open)
    and the last line (`last_body`, `last_kind`, `last_at`; None when empty). Raises NotAllowed
    (not see_messages on the job)."""
    viewer = users.active(db, viewer)
    access.require(db, job, viewer, "see_messages")
    rows = db.query(
        f"""SELECT t.id, t.worker_id, w.display_name AS worker_name, {UNREAD} AS unread,
                   m.body AS last_body, m.kind AS last_kind, m.created_at AS last_at, m.id AS last_id, m.hidden_at
            FROM threads t JOIN users w ON w.id = t.worker_id
            LEFT JOIN messages m ON m.id = (SELECT MAX(id) FROM messages WHERE thread_id = t.id)
            WHERE t.job_id = :job ORDER BY t.worker_id IS NOT :worker, m.id IS NULL, m.id DESC, t.id DESC""",
        {"me": viewer["id"], "job": job["id"], "worker": job["worker_id"]},
    )
    poster_name = notifications.name_of(db, job["poster_id"])
    shown = []
    for row in reports.shown(viewer, list(rows), "last_body"):  # the last line hidden: no words shown of it
        if not _reads(job, viewer, row["worker_id"]):
            continue
        mine = row["worker_id"] == viewer["id"]
        shown.append(
            {
                **row,
                "other_name": poster_name if mine else row["worker_name"],
                "open": _is_open(db, job, row["worker_id"]),
            }
        )
    return shown


def read(db: Database, viewer: User, thread_id: int) -> list[Row]:
    """The thread's lines, oldest first, with `author_name`, `author_role` (poster, worker or organizer;
    None for the board's own line), `mine` (the viewer wrote it) and `read`: whether the other side has
    seen it (the worker for the poster's lines, the poster for the worker's, either for the board's and
    an organizer's). Marks them read for the viewer. Raises NotFound, NotAllowed."""
    thread, job, viewer = _readable(db, viewer, thread_id)
    lines = list(
        db.query(
            """SELECT m.id, m.author_id, u.display_name AS author_name, m.kind, m.body,
                      m.photo IS NOT NULL AS has_photo,
                      m.quote_fen, m.flagged, m.created_at, m.hidden_at
               FROM messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.thread_id = ? ORDER BY m.id""",
            [thread_id],
        )
    )
    seen = {
        row["user_id"]: row["last_read_id"]
        for row in db.query("SELECT user_id, last_read_id FROM thread_reads WHERE thread_id = ?", [thread_id])
    }
    poster_seen, worker_seen = seen.get(job["poster_id"], 0), seen.get(thread["worker_id"], 0)
    roles = {job["poster_id"]: "poster", thread["worker_id"]: "worker", None: None}
    for line in lines:
        other = {job["poster_id"]: worker_seen, thread["worker_id"]: poster_seen}.get(
            line["author_id"], max(poster_seen, worker_seen)
        )
        line["read"] = other >= line["id"]
        line["author_role"] = roles.get(line["author_id"], "organizer")
        line["mine"] = line["author_id"] == viewer["id"]
    reports.shown(viewer, lines, "body", "has_photo")  # a hidden line: its words and photo for organizers only
    if lines and seen.get(viewer["id"], 0) < lines[-1]["id"]:
        with write(db):
            _mark_read(db, thread_id, viewer["id"], lines[-1]["id"])
    return lines


def _mark_read(db: Database, thread_id: int, user_id: int, message_id: int) -> None:
    db.execute(
        """INSERT INTO thread_reads (thread_id, user_id, last_read_id) VALUES (?, ?, ?)
           ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_id = MAX(last_read_id, excluded.last_read_id)""",
        [thread_id, user_id, message_id],
    )


def version(db: Database, viewer: User, thread_id: int) -> tuple[int, int]:
    """What changes when the thread does, for a page to redraw it only then: its newest line's id and
    the sum of what its people have read (a read receipt). Raises NotFound, NotAllowed."""
    _readable(db, viewer, thread_id)
    row = the_one(
        db,
        """SELECT (SELECT COALESCE(MAX(id), 0) FROM messages WHERE thread_id = :t) AS newest,
                  (SELECT COALESCE(SUM(last_read_id), 0) FROM thread_reads WHERE thread_id = :t) AS seen""",
        {"t": thread_id},
    )
    return row["newest"], row["seen"]


def unread_total(db: Database, viewer: User) -> int:
    """How many lines wait unread for the person across their threads (as poster or worker)."""
    viewer = users.active(db, viewer)
    sql = f"""SELECT COALESCE(SUM({UNREAD}), 0) AS n FROM threads t JOIN jobs j ON j.id = t.job_id
              WHERE j.poster_id = :me OR t.worker_id = :me"""
    return the_one(db, sql, {"me": viewer["id"]})["n"]


def photo_bytes(db: Database, viewer: User | None, message_id: int) -> bytes:
    """A message's photo, for those who may read its thread. Raises NotFound (no such message or no
    photo), NotAllowed."""
    message = one(db, "SELECT thread_id, photo, hidden_at FROM messages WHERE id = ?", [message_id])
    if not message:
        raise NotFound()
    viewer = _readable(db, viewer, message["thread_id"])[2]
    if not reports.shown(viewer, [message], "photo")[0]["photo"]:  # none, or hidden by the organizer
        raise NotFound()
    return uploads.read(db, "private", message["photo"])

"""Announcements (#16 item 7): an organizer's notice, shown at the top of every page to everyone,
signed in or not, until it ends (its end time, or an organizer ending it early)."""

from datetime import datetime, timedelta
from typing import cast

from . import audit, users
from .clock import from_db, to_db
from .db import Database, filled_in, insert, one, write
from .errors import NotFound, ValidationError
from .rows import Row, User
from .validate import Typed, text

MAX_BODY = 300
LONGEST = timedelta(days=60)  # a notice nobody ends stops on its own


def post(db: Database, actor: User, body: Typed, ends_at: datetime, *, key: str | None = None, now: datetime) -> int:
    """An organizer posts a notice shown until `ends_at` (after `now`, within LONGEST), written in the
    audit log. `key` identifies one filling-in of the form: sending it again returns the first notice.
    Returns its id. Raises NotAllowed, ValidationError("body" or "ends_at"); stores nothing on error."""
    body = text(body, "body", min_len=2, max_len=MAX_BODY)
    if not now < ends_at <= now + LONGEST:
        raise ValidationError("ends_at", "error.announcement_end", days=LONGEST.days)
    with write(db):
        actor = users.organizer(db, actor)
        request_key, done = filled_in(db, "announcements", actor["id"], key)
        if done:
            return done
        row = {"body": body, "author_id": actor["id"], "created_at": to_db(now), "ends_at": to_db(ends_at)}
        announcement_id = insert(db, "announcements", {**row, "request_key": request_key})
        audit.record(db, actor, "announcement", after={"body": body, "ends_at": row["ends_at"]}, now=now)
        return announcement_id


def end(db: Database, actor: User, announcement_id: int, now: datetime) -> None:
    """An organizer ends a notice now, before its time (one already ended: nothing changes), written in
    the audit log. Raises NotAllowed, NotFound."""
    with write(db):
        actor = users.organizer(db, actor)
        row = one(db, "SELECT ends_at FROM announcements WHERE id = ?", [announcement_id])
        if not row:
            raise NotFound()
        if from_db(row["ends_at"]) <= now:
            return
        db.execute("UPDATE announcements SET ends_at = ? WHERE id = ?", [to_db(now), announcement_id])
        ended = {"ends_at": to_db(now)}
        audit.record(db, actor, "announcement", before={"ends_at": row["ends_at"]}, after=ended, now=now)


def current(db: Database, now: datetime) -> list[Row]:
    """The notices showing at `now`, newest first: id, body, ends_at (a datetime). Open to everyone."""
    rows = db.query("SELECT id, body, ends_at FROM announcements WHERE ends_at > ? ORDER BY id DESC", [to_db(now)])
    return [cast(Row, {**row, "ends_at": from_db(row["ends_at"])}) for row in rows]

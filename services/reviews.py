"""Mutual ratings: after a job is settled (completed, or its dispute resolved), the poster and the
worker each rate the other once; the person rated may answer once, publicly (#16 item 2).

Ratings are double-blind (Airtasker's rule), so that nobody rates in revenge: a review shows, to
everyone and to both sides, once both sides have rated the job or BLIND_DAYS after the job ended,
whichever comes first. REVEAL works that moment out in SQL from stored times (nothing runs on a
timer); averages and counts take only reviews shown by then.
"""

from datetime import datetime, timedelta

from . import access, notifications, reports, users
from .clock import from_db, to_db
from .db import Database, insert, one, the_one, write
from .errors import AlreadyDone, NotAllowed, NotFound, ValidationError
from .rows import Job, Row, User
from .transitions import SETTLED
from .validate import Typed, text, visible_len

BLIND_DAYS = 14
MAX_TEXT = 500
# When review `r` shows: its blind_until (the job's end + BLIND_DAYS), or earlier, the moment the
# other side's rating of the same job joined it (the later of the two ratings).
REVEAL = """MIN(r.blind_until, COALESCE(
    (SELECT MAX(o.created_at, r.created_at) FROM reviews o WHERE o.job_id = r.job_id AND o.author_id <> r.author_id),
    r.blind_until))"""


def author_role(job: Job, author: User) -> str:
    """Which side of the job a person who may rate it (capability `rate`) is on: 'poster' or
    'worker'; they rate the other side."""
    return "poster" if author["id"] == job["poster_id"] else "worker"


def rate(db: Database, actor: User, job_id: int, *, stars: Typed, comment: Typed = "", now: datetime) -> int:
    """Store `actor`'s rating of the other side of a completed job. Returns the review id.

    Raises NotAllowed (not a party to the job), InvalidTransition (job not settled), AlreadyDone
    (already rated by this person), ValidationError (stars outside 1–5, comment too long).
    """
    with write(db):
        job, actor = access.load(db, job_id, actor, "rate")
        role = author_role(job, actor)
        subject = job["worker_id"] if role == "poster" else job["poster_id"]
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            raise ValidationError("stars", "error.stars")
        comment = text(comment, "comment", max_len=MAX_TEXT)
        if one(db, "SELECT 1 AS x FROM reviews WHERE job_id = ? AND author_id = ?", [job["id"], actor["id"]]):
            raise AlreadyDone("error.already_rated")
        review_id = insert(
            db,
            "reviews",
            {
                "job_id": job["id"],
                "author_id": actor["id"],
                "subject_id": subject,
                "author_role": role,
                "stars": stars,
                "comment": comment,
                "created_at": to_db(now),
                "blind_until": to_db(ended_at(db, job["id"]) + timedelta(days=BLIND_DAYS)),
            },
        )
        # the job's other side, who was rated, hears (not the stars: they are hidden until revealed)
        notifications.job_step(
            db, job, "account.review", f"review:{review_id}", actor["id"], now, worker_id=job["worker_id"]
        )
        return review_id


def ended_at(db: Database, job_id: int) -> datetime:
    """When the job was settled (its completion, or its dispute's resolution): its last step into one
    of SETTLED. Raises NotFound for a job never settled."""
    row = the_one(
        db,
        f"SELECT MAX(at) AS at FROM job_events WHERE job_id = ? AND to_status IN ({', '.join('?' * len(SETTLED))})",
        [job_id, *SETTLED],
    )
    if row["at"] is None:
        raise NotFound()
    return from_db(row["at"])


def reply(db: Database, actor: User, review_id: int, *, reply: Typed, now: datetime) -> None:
    """The reviewed person answers a review of them once, publicly (公开回复评价); its author hears.
    Sending the same answer again (a double click) changes nothing.

    Raises NotFound (no such review, or still hidden), NotAllowed (not the person it is about; its
    kind AlreadyDone: they answered already), ValidationError("reply": empty or too long).
    """
    reply = text(reply, "reply", max_len=MAX_TEXT)
    if not visible_len(reply):
        raise ValidationError("reply", "error.reply_empty")
    with write(db):
        review = one(db, f"SELECT r.*, {REVEAL} AS reveal_at FROM reviews r WHERE r.id = ?", [review_id])
        if review is None or review["reveal_at"] > to_db(now):
            raise NotFound()
        job, actor = access.load(db, review["job_id"], actor)
        if review["subject_id"] != actor["id"]:
            raise NotAllowed()
        if review["reply"] == reply:  # sent twice: answered as done
            return
        access.require(db, job, actor, "reply_review")
        db.execute("UPDATE reviews SET reply = ?, replied_at = ? WHERE id = ?", [reply, to_db(now), review_id])
        notifications.tell(
            db,
            [review["author_id"]],
            "account.review_reply",
            f"review_reply:{review_id}",
            now,
            job_id=job["id"],
            title=job["title"],
            name=actor["display_name"],
        )


def summary(db: Database, user_id: int, *, now: datetime) -> Row:
    """{'average': float | None, 'count': int} over the ratings the user received that show at `now`,
    but those the organizer hid."""
    row = the_one(
        db,
        f"""SELECT AVG(stars) AS average, COUNT(*) AS count FROM reviews r
            WHERE subject_id = ? AND hidden_at IS NULL AND {REVEAL} <= ?""",
        [user_id, to_db(now)],
    )
    return {"average": row["average"], "count": row["count"]}


def received(db: Database, user_id: int, viewer: User | None, *, now: datetime) -> list[Row]:
    """The reviews of the user that show at `now` (double-blind), newest first, with their author's name
    and their job's title, as `viewer` may see them: one the organizer hid has no stars or words but for
    organizers (services.reports.shown); `reply` is the user's answer (None: none yet). Raises
    NotAllowed for a blocked viewer."""
    viewer = users.active_or_none(db, viewer)
    rows = list(
        db.query(
            f"""SELECT r.*, u.display_name AS author_name, j.title AS job_title,
                      COALESCE(w.verification = 'verified', 0) AS author_verified
               FROM reviews r JOIN users u ON u.id = r.author_id JOIN jobs j ON j.id = r.job_id
               LEFT JOIN worker_profiles w ON w.user_id = r.author_id
               WHERE r.subject_id = ? AND {REVEAL} <= ? ORDER BY r.id DESC""",
            [user_id, to_db(now)],
        )
    )
    return reports.shown(viewer, rows, "stars", "comment", "reply")


def by_author(db: Database, job_id: int, author_id: int) -> Row | None:
    """The person's own review of the job (always theirs to see), with `reveal_at`: when it shows to
    the others."""
    return one(
        db, f"SELECT r.*, {REVEAL} AS reveal_at FROM reviews r WHERE job_id = ? AND author_id = ?", [job_id, author_id]
    )


def of_person(db: Database, job_id: int, subject_id: int, *, now: datetime) -> Row | None:
    """The other side's review of the person on this job, once it shows at `now` (None before, or none)."""
    return one(
        db,
        f"SELECT r.* FROM reviews r WHERE job_id = ? AND subject_id = ? AND {REVEAL} <= ?",
        [job_id, subject_id, to_db(now)],
    )

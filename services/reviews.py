"""Mutual ratings: after a job is settled (completed, or its dispute resolved), the poster and the
worker each rate the other once."""

from datetime import datetime

from . import access, notifications, reports, users
from .clock import to_db
from .db import Database, insert, one, the_one, write
from .errors import AlreadyDone, ValidationError
from .rows import Job, Row, User
from .validate import Typed, text


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
        comment = text(comment, "comment", max_len=500)
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
            },
        )
        # the job's other side, who was rated, hears
        notifications.job_step(
            db, job, "account.review", f"review:{review_id}", actor["id"], now, worker_id=job["worker_id"], stars=stars
        )
        return review_id


def summary(db: Database, user_id: int) -> Row:
    """{'average': float | None, 'count': int} over every rating the user received but those the
    organizer hid."""
    row = the_one(
        db,
        "SELECT AVG(stars) AS average, COUNT(*) AS count FROM reviews WHERE subject_id = ? AND hidden_at IS NULL",
        [user_id],
    )
    return {"average": row["average"], "count": row["count"]}


def received(db: Database, user_id: int, viewer: User | None) -> list[Row]:
    """The reviews the user received, newest first, as `viewer` may see them: one the organizer hid
    has no stars or words but for organizers (services.reports.shown). Raises NotAllowed for a
    blocked viewer."""
    viewer = users.active_or_none(db, viewer)
    rows = list(
        db.query(
            """SELECT r.*, u.display_name AS author_name, j.title AS job_title,
                      COALESCE(w.verification = 'verified', 0) AS author_verified
               FROM reviews r JOIN users u ON u.id = r.author_id JOIN jobs j ON j.id = r.job_id
               LEFT JOIN worker_profiles w ON w.user_id = r.author_id
               WHERE r.subject_id = ? ORDER BY r.id DESC""",
            [user_id],
        )
    )
    return reports.shown(viewer, rows, "stars", "comment")


def by_author(db: Database, job_id: int, author_id: int) -> Row | None:
    return one(db, "SELECT * FROM reviews WHERE job_id = ? AND author_id = ?", [job_id, author_id])

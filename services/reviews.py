"""Mutual ratings: after a job is settled (completed, or its dispute resolved), the poster and the
worker each rate the other once."""

from datetime import datetime

from . import users
from .clock import to_db
from .db import one, write
from .errors import InvalidTransition, NotAllowed, ValidationError
from .jobs import SETTLED
from .jobs import get as get_job
from .validate import text


def rate(db, actor: dict, job_id: int, *, stars, comment="", now: datetime) -> int:
    """Store `actor`'s rating of the other side of a completed job. Returns the review id.

    Raises NotAllowed (not a party to the job), InvalidTransition (job not completed, or already
    rated by this person), ValidationError (stars outside 1–5, comment too long).
    """
    with write(db):
        actor = users.active(db, actor)
        job = get_job(db, job_id, None)  # only its people and status are needed: none is private
        if actor["id"] == job["poster_id"]:
            role, subject = "poster", job["worker_id"]
        elif actor["id"] == job["worker_id"]:
            role, subject = "worker", job["poster_id"]
        else:
            raise NotAllowed()
        if job["status"] not in SETTLED:
            raise InvalidTransition("error.rate_not_completed")
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            raise ValidationError("stars", "error.stars")
        comment = text(comment, "comment", max_len=500)
        if one(db, "SELECT 1 AS x FROM reviews WHERE job_id = ? AND author_id = ?", [job["id"], actor["id"]]):
            raise InvalidTransition("error.already_rated")
        return (
            db["reviews"]
            .insert(
                {
                    "job_id": job["id"],
                    "author_id": actor["id"],
                    "subject_id": subject,
                    "author_role": role,
                    "stars": stars,
                    "comment": comment,
                    "created_at": to_db(now),
                }
            )
            .last_pk
        )


def summary(db, user_id: int) -> dict:
    """{'average': float | None, 'count': int} over every rating the user received."""
    row = one(db, "SELECT AVG(stars) AS average, COUNT(*) AS count FROM reviews WHERE subject_id = ?", [user_id])
    return {"average": row["average"], "count": row["count"]}


def received(db, user_id: int) -> list[dict]:
    return list(
        db.query(
            """SELECT r.*, u.display_name AS author_name, j.title AS job_title,
                      COALESCE(w.verification = 'verified', 0) AS author_verified
               FROM reviews r JOIN users u ON u.id = r.author_id JOIN jobs j ON j.id = r.job_id
               LEFT JOIN worker_profiles w ON w.user_id = r.author_id
               WHERE r.subject_id = ? ORDER BY r.id DESC""",
            [user_id],
        )
    )


def by_author(db, job_id: int, author_id: int) -> dict | None:
    return one(db, "SELECT * FROM reviews WHERE job_id = ? AND author_id = ?", [job_id, author_id])

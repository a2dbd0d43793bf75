"""Public questions on open jobs (Airtasker's "Questions"): a verified helper asks before taking a
job, the poster answers, and everyone, signed-out visitors too, reads both on the job's page.

A question and its answer are public: they carry the asker's display name and nothing private of the
job (the exact place and the address note stay with services.jobs, shown only under see_private).
Each question has one answer; the poster may edit it while the job is open (a better answer replaces
the first, and the asker is told once). Questions stay on the page after the job is taken.

Fraud phrases (a deposit, a transfer off the board) are not checked here yet: `flagged` stays 0
until services.fraud marks it.
"""

from datetime import datetime
from typing import cast

from . import access, fraud, notifications, reports, users
from .clock import to_db
from .db import Database, filled_in, insert, one, write
from .errors import NotFound
from .rows import Job, Question, User
from .validate import Typed, text

MAX_QUESTION = 300  # a question, not a conversation (services.messages has those)
MAX_ANSWER = 500


def ask(db: Database, actor: User, job_id: int, body: Typed, *, key: str, now: datetime) -> int:
    """A verified helper who is not the poster asks a question on an open job (capability `ask`);
    the poster is told. `key` identifies one filling-in of the form: sending it again returns the first
    question's id and tells nobody again. Returns the question's id.
    Raises ValidationError("question"), NotFound, NotAllowed (or its kinds); stores nothing on error."""
    body = text(body, "question", min_len=1, max_len=MAX_QUESTION)
    with write(db):
        job, actor = access.load(db, job_id, actor)
        request_key, again = filled_in(db, "questions", actor["id"], key)
        if again:
            return again
        access.require(db, job, actor, "ask")
        row = {
            "job_id": job_id,
            "author_id": actor["id"],
            "body": body,
            "flagged": int(bool(fraud.flags(body))),  # warned about, never refused
            "request_key": request_key,
            "created_at": to_db(now),
        }
        question_id = insert(db, "questions", row)
        notifications.tell(
            db,
            [job["poster_id"]],
            "message.question",
            f"question:{question_id}",
            now,
            job_id=job_id,
            title=job["title"],
            name=actor["display_name"],
        )
        return question_id


def answer(db: Database, actor: User, question_id: int, body: Typed, *, now: datetime) -> None:
    """The poster answers a question on their open job (capability `answer_question`), or edits their
    answer while the job is open; the asker is told of the first answer only. Sending the same answer
    again is a no-op, even once the job was taken.
    Raises ValidationError("answer"), NotFound, NotAllowed (or its kinds); stores nothing on error."""
    body = text(body, "answer", min_len=1, max_len=MAX_ANSWER)
    with write(db):
        question = one(db, "SELECT * FROM questions WHERE id = ?", [question_id])
        if not question:
            raise NotFound()
        job, actor = access.load(db, question["job_id"], actor)
        if access.require(db, job, actor, "answer_question", done_already=question["answer"] == body):
            return
        flagged = int(bool(fraud.flags(question["body"], body)))
        db.execute(
            "UPDATE questions SET answer = ?, answered_at = ?, flagged = ? WHERE id = ?",
            [body, to_db(now), flagged, question_id],
        )
        notifications.tell(
            db,
            [question["author_id"]],
            "message.answer",
            f"answer:{question_id}",
            now,
            job_id=job["id"],
            title=job["title"],
            name=actor["display_name"],
        )


def for_job(db: Database, job: Job, viewer: User | None) -> list[Question]:
    """A job's questions with their answers, oldest first, for anyone (signed out: None): each names
    its asker by display name only; one the organizer hid has no words but for organizers (`hidden`,
    services.reports.shown). Raises NotAllowed for a blocked viewer."""
    viewer = users.active_or_none(db, viewer)
    rows = db.query(
        """SELECT q.id, q.job_id, q.author_id, u.display_name AS author_name, q.body, q.answer, q.answered_at,
                  q.flagged, q.created_at, q.hidden_at
           FROM questions q JOIN users u ON u.id = q.author_id WHERE q.job_id = ? ORDER BY q.id""",
        [job["id"]],
    )
    return cast(list[Question], reports.shown(viewer, list(rows), "body", "answer"))

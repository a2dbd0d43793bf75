"""Booking mode (预约): verified workers apply to a job with a quote, or the poster invites a helper
from the directory; the poster accepts one application (or the invited helper accepts).

Accepting goes through jobs.act ('accept' / 'accept_invitation'), the same compare-and-set as a
claim, inside one write transaction that also marks the application accepted; jobs.act declines
every other waiting application of the job in that transaction, so applicants are told at once.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar, cast

from . import access, categories, jobs, messages, notifications, users, workers
from .access import Capability
from .clock import from_db, to_db
from .db import Database, insert, one, write
from .errors import AlreadyDone, InvalidTransition, NotAllowed, NotFound, ValidationError
from .rows import Application, Job, Row, User
from .transitions import Action, Assign
from .validate import Typed, text, yuan_to_fen

# The capability that answers (accepts or declines) each kind of application, and the one that takes
# it back: the poster answers applications and takes back invitations; the helper answers invitations
# and takes back applications.
ANSWERS: dict[str, Action] = {"apply": "accept", "invite": "accept_invitation"}
TAKES_BACK: dict[str, Capability] = {"apply": "withdraw", "invite": "invite"}
Needed = TypeVar("Needed", bound=Capability)  # what _application names: an Action for ANSWERS


def _proposed_time(value: Typed, job: Job) -> str | None:
    """Optional; when given it must fall inside the job's time window."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError("proposed_time", "error.proposed_time")
    if not from_db(job["window_start"]) <= value <= from_db(job["window_end"]):
        raise ValidationError("proposed_time", "error.proposed_time")
    return to_db(value)


def apply(
    db: Database,
    actor: User,
    job_id: int,
    *,
    quote_yuan: Typed,
    message: Typed = "",
    proposed_time: Typed = None,
    safety: object = False,
    now: datetime,
) -> int:
    """A verified worker offers to do an open booking-mode job. Returns the application id. The
    message (with the quote) opens the worker's conversation with the poster (services.messages).

    The quote is in the job's price type: a total for a fixed-price job, a rate for an hourly one.
    `safety`: True once the job's safety notes were shown with this tap (a hazardous category's job).
    Raises NotFound, NotAllowed (not verified, own job, not booking mode), InvalidTransition (job
    not open, already applied), ValidationError (the fields; "safety": the notes not shown).
    """
    quote_fen = yuan_to_fen(quote_yuan, "quote")
    message = text(message, "message", max_len=300)
    with write(db):
        job, actor = access.load(db, job_id, actor, "apply")
        categories.require_safety_seen(db, job["category"], safety)
        row = {
            "job_id": job_id,
            "worker_id": actor["id"],
            "kind": "apply",
            "quote_fen": quote_fen,
            "message": message,
            "proposed_time": _proposed_time(proposed_time, job),
            "created_at": to_db(now),
        }
        application_id = insert(db, "applications", row)
        messages.opened_by_application(db, job_id, actor["id"], actor["id"], "apply", message, quote_fen, now)
        _tell(db, job, "job.applied", application_id, actor["id"], actor["id"], now, quote_fen=quote_fen)
        return application_id


def invite(db: Database, actor: User, job_id: int, worker_id: int, *, message: Typed = "", now: datetime) -> int:
    """The poster asks one helper to do an open booking-mode job at its posted price ("请他来做"). The
    message opens their conversation (services.messages).

    Raises NotFound, NotAllowed (not the poster, helper not verified), InvalidTransition.
    """
    message = text(message, "message", max_len=300)
    with write(db):
        job, actor = access.load(db, job_id, actor, "invite")
        refusal = access.worker_refusal(db, job, worker_id, named_by_poster=True)
        if refusal:
            raise refusal
        waiting = "SELECT 1 AS x FROM applications WHERE job_id = ? AND worker_id = ? AND status = 'pending'"
        if one(db, waiting, [job_id, worker_id]):
            raise AlreadyDone("error.already_applied")
        row = {"job_id": job_id, "worker_id": worker_id, "kind": "invite", "message": message, "created_at": to_db(now)}
        application_id = insert(db, "applications", row)
        messages.opened_by_application(db, job_id, worker_id, actor["id"], "invite", message, None, now)
        _tell(db, job, "job.invited", application_id, actor["id"], worker_id, now)
        return application_id


def _tell(
    db: Database,
    job: Job,
    kind: str,
    application_id: int,
    actor_id: int,
    worker_id: int,
    now: datetime,
    quote_fen: int | None = None,
) -> None:
    """The other side of an application hears of a step on it: the poster of an application or
    a helper's answer, the helper of an invitation or the poster's answer."""
    source = f"application:{application_id}:{kind}"
    notifications.job_step(db, job, kind, source, actor_id, now, worker_id=worker_id, quote_fen=quote_fen)


def _application(
    db: Database, actor: User, application_id: int, capabilities: Mapping[str, Needed]
) -> tuple[Application, Job, User, Needed]:
    """An application, its stored job, the acting user and the capability `capabilities` names for
    the application's kind (not yet required). The helper's side (answering an invitation, taking
    back an application) acts only on their own."""
    row = one(db, "SELECT * FROM applications WHERE id = ?", [application_id])
    if not row:
        raise NotFound()
    application = cast(Application, row)
    needed = capabilities[application["kind"]]
    job, actor = access.load(db, application["job_id"], actor)
    if needed in ("accept_invitation", "withdraw") and application["worker_id"] != actor["id"]:
        raise NotAllowed()
    return application, job, actor, needed


def accept(db: Database, actor: User, application_id: int, *, now: datetime) -> Job:
    """The poster accepts an application, or the invited worker accepts an invitation: the job is
    assigned to that worker at the quoted price (an invitation: the posted price). Returns the job.

    Of two acceptances at the same moment exactly one assigns the job; the other raises AlreadyTaken.
    Accepting again what was just accepted (a double click) changes nothing. Raises NotFound,
    NotAllowed, AlreadyTaken, InvalidTransition (withdrawn or declined).
    """
    with write(db):
        application, job, actor, action = _application(db, actor, application_id, ANSWERS)
        if access.require(db, job, actor, action, done_already=application["status"] == "accepted"):
            return jobs.get(db, job["id"], actor)
        if application["status"] != "pending":
            raise InvalidTransition("error.application_closed")
        jobs.act(db, job["id"], action, actor, _assignment(application), now=now)
        _close(db, application_id, "accepted", action, now)
    return jobs.get(db, job["id"], actor)


def preview(db: Database, actor: User, application_id: int, *, now: datetime) -> jobs.Preview:
    """What accepting the application (or the invitation) would hold and pay, before the person
    confirms: services.jobs.preview of the acceptance accept() makes. Raises what accept() would
    (NotFound, NotAllowed, AlreadyTaken, InvalidTransition), and InsufficientFunds when the poster's
    wallet cannot cover the hold."""
    application, job, actor, action = _application(db, actor, application_id, ANSWERS)
    if application["status"] != "pending":
        raise InvalidTransition("error.application_closed")
    return jobs.preview(db, job["id"], action, actor, _assignment(application), now=now)


def _assignment(application: Application) -> Assign:
    """The acceptance's request: the application's worker at their quote (an invitation: the posted price)."""
    return Assign(assignee=application["worker_id"], agreed_fen=application["quote_fen"])


def _close(db: Database, application_id: int, status: str, outcome: str, now: datetime) -> None:
    changed = db.execute(
        "UPDATE applications SET status = ?, outcome = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
        [status, outcome, to_db(now), application_id],
    ).rowcount
    if not changed:
        raise InvalidTransition("error.application_closed")


def decline(db: Database, actor: User, application_id: int, *, now: datetime) -> None:
    """The poster turns down an application, or the invited worker turns down an invitation."""
    _answer(db, actor, application_id, "declined", ANSWERS, now)


def withdraw(db: Database, actor: User, application_id: int, *, now: datetime) -> None:
    """The worker takes back their own application (or the poster an invitation they sent)."""
    _answer(db, actor, application_id, "withdrawn", TAKES_BACK, now)


def _answer(
    db: Database, actor: User, application_id: int, status: str, capabilities: Mapping[str, Capability], now: datetime
) -> None:
    """Close a waiting application as `status`, for an actor with `capabilities[kind]` on its job."""
    with write(db):
        application, job, actor, needed = _application(db, actor, application_id, capabilities)
        access.require(db, job, actor, needed)
        _close(db, application_id, status, status, now)
        kind = f"job.{application['kind']}_{status}"  # e.g. job.apply_declined, job.invite_withdrawn
        _tell(db, job, kind, application_id, actor["id"], application["worker_id"], now)


APPLICANT_SELECT = """SELECT a.*, u.display_name AS worker_name FROM applications a
    JOIN users u ON u.id = a.worker_id"""


def for_job(db: Database, job: Job, viewer: User | None, *, now: datetime) -> list[Row]:
    """A job's applications and invitations as `viewer` may see them, newest first: the poster and
    organizers see all, each with the worker's public standing (badge, rating shown at `now`, completed jobs);
    a worker sees their own; anyone else nothing. Applications of blocked accounts are left out."""
    viewer = users.active_or_none(db, viewer)
    if viewer is None:
        return []
    everyone = access.refusal(db, job, viewer, "see_applicants") is None
    # a blocked worker has no public standing (and cannot be accepted): their applications are not shown
    rows = db.query(APPLICANT_SELECT + " WHERE a.job_id = ? AND u.blocked_at IS NULL ORDER BY a.id DESC", [job["id"]])
    shown = [r for r in rows if everyone or r["worker_id"] == viewer["id"]]
    for row in shown:
        standing = workers.public_profile(db, row["worker_id"], now=now)
        row.update({key: standing[key] for key in ("verified", "rating_average", "rating_count", "completed")})
    return shown


def mine(db: Database, worker: User) -> list[Row]:
    """The acting worker's applications and invitations with their job's title and status, newest first."""
    worker = users.active(db, worker)
    return list(
        db.query(
            """SELECT a.*, j.title AS job_title, j.status AS job_status, j.price_type, j.price_fen, j.est_minutes
               FROM applications a JOIN jobs j ON j.id = a.job_id WHERE a.worker_id = ? ORDER BY a.id DESC""",
            [worker["id"]],
        )
    )

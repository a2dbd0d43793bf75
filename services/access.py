"""Who may do or see what on a job, right now: the one answer for services and pages.

`capabilities()` names everything a person may do or see on a job; a service checks one with
`require()` (or loads the job and checks in one step with `load()`), and a page draws exactly the
buttons and sections the set names. Each capability is one rule below: first who the person must
be (NotAllowed), then what state the job must be in (InvalidTransition, a kind of NotAllowed).
"""

from collections.abc import Callable
from functools import cached_property
from typing import Literal, cast

from . import community, materials, pricing, users, workers
from .db import Database, one
from .errors import AlreadyDone, AlreadyTaken, InvalidTransition, LinbangError, NotAllowed, NotFound
from .rows import Candidate, Job, User
from .transitions import SETTLED, TRANSITIONS, Action, Actor, Status

Capability = Literal[
    Action,
    "add_material",  # the worker adds what they bought
    "answer_material",  # the poster approves or rejects a material line
    "answer_extra_hours",  # the poster approves or declines hours above the estimate
    "add_statement",  # either side adds their side to a dispute
    "rate",  # either side rates the other once the job is settled
    "see_private",  # the exact pin, the address note, the job's money, materials and dispute statements
    "see_history",  # the job's events, with names
    "see_applicants",  # every application and invitation of a booking job, with standing
    "apply",  # a verified worker offers to do a booking job
    "withdraw",  # the applicant takes their waiting application back
    "invite",  # the poster asks a helper to do their booking job (or takes the invitation back)
    "see_messages",  # read the job's conversations the person is in (services.messages says which)
    "message",  # write in them
    "ask",  # a helper asks a public question on an open job
    "answer_question",  # the poster answers one
    "share_contact",  # switch "share my phone for this job" on or off
    "see_contact",  # see the phone the other side shared for this job
    "edit_job",  # the poster changes the job's words, price, time or place while nobody has taken it
    "post_again",  # the poster starts a new job like this completed one
    "book_again",  # ... in booking mode, asking the same helper again
    "see_receipt",  # where a settled job's money went: held, paid, commission, tip, materials, refund
    "report",  # tell the organizer something is wrong with the job (its questions and messages: services.reports)
    "reply_review",  # the person rated answers the other side's review of them, once, publicly
    "tell_someone",  # the worker of an evening job shares its time and rough area with family (services.safety)
    "ask_handover_code",  # the poster has the board make a handover code (取件码) for their open job
    "see_handover_code",  # ... and reads it, to tell the worker in person
    "type_handover_code",  # the worker types it to finish the job
]
OPEN_FOR_MATERIALS: tuple[Status, ...] = ("in_progress", "done")  # bought once the work started
TALKING: tuple[Status, ...] = ("open", "assigned", "in_progress", "done", "disputed")  # not yet ended
SHARING: tuple[Status, ...] = ("assigned", "in_progress")  # a phone is switched on while the work is ahead
SHARED: tuple[Status, ...] = (*SHARING, "done", "disputed")  # ... and shown until the job ends
HANDING_OVER: tuple[Status, ...] = ("open", "assigned", "in_progress")  # the code is still to be given


class Standing:
    """Who one person is to one job, as the database says now: all any rule looks at. Built for a
    user as users.active has them (a signed-out visitor has none: refusal() and capabilities() answer
    for them), or a candidate worker; what needs a query is read when a rule asks."""

    def __init__(self, db: Database, job: Job, user: User | Candidate):
        self._db, self._job, self.user = db, job, user
        self.poster = bool(user) and user["id"] == job["poster_id"]
        self.worker = bool(user) and user["id"] == job["worker_id"]
        self.organizer = bool(user) and user["role"] == "organizer"

    @property
    def party(self) -> bool:
        return self.poster or self.worker

    @property
    def involved(self) -> bool:
        """The poster, the worker and organizers: who sees the exact place and the job's money."""
        return self.party or self.organizer

    @cached_property
    def verified(self) -> bool:
        """May take jobs: a verified helper, not blocked."""
        return workers.is_verified_worker(self._db, self.user["id"])

    @cached_property
    def _waiting(self) -> set[str]:
        sql = "SELECT kind FROM applications WHERE job_id = ? AND worker_id = ? AND status = 'pending'"
        return {row["kind"] for row in self._db.query(sql, [self._job["id"], self.user["id"]])}

    @property
    def applied(self) -> bool:
        """An application of theirs waits for the poster."""
        return "apply" in self._waiting

    @property
    def invited(self) -> bool:
        """An invitation to them waits for their answer."""
        return "invite" in self._waiting

    @cached_property
    def ever_applied(self) -> bool:
        """They applied to the job or were invited to it, whatever became of it: they have a
        conversation with the poster (services.messages)."""
        sql = "SELECT 1 AS x FROM applications WHERE job_id = ? AND worker_id = ? LIMIT 1"
        return one(self._db, sql, [self._job["id"], self.user["id"]]) is not None

    @cached_property
    def has_counterpart(self) -> bool:
        """Someone is on the other side of the poster's conversations: the job's worker, or a
        booking application or invitation still waiting."""
        sql = "SELECT 1 AS x FROM applications WHERE job_id = ? AND status = 'pending' LIMIT 1"
        return self._job["worker_id"] is not None or one(self._db, sql, [self._job["id"]]) is not None

    @cached_property
    def money_unanswered(self) -> bool:
        """The poster has not yet answered every material line, or the hours above the estimate."""
        return bool(materials.waiting(self._db, self._job["id"])) or _extra_waiting(self._job)

    @cached_property
    def has_code(self) -> bool:
        """The job has a handover code (read from the database: a job as a page shows it has the code
        blanked for everyone but the poster)."""
        sql = "SELECT 1 AS x FROM jobs WHERE id = ? AND handover_code IS NOT NULL"
        return one(self._db, sql, [self._job["id"]]) is not None

    @cached_property
    def rated(self) -> bool:
        """They rated the job's other side already (once is all)."""
        sql = "SELECT 1 AS x FROM reviews WHERE job_id = ? AND author_id = ?"
        return one(self._db, sql, [self._job["id"], self.user["id"]]) is not None

    @cached_property
    def reply_refusal(self) -> LinbangError | None:
        """Why they may not answer the other side's review of them on this job: none was written, or
        they answered it already."""
        sql = "SELECT reply FROM reviews WHERE job_id = ? AND subject_id = ?"
        review = one(self._db, sql, [self._job["id"], self.user["id"]])
        if review is None:
            return InvalidTransition("error.no_review")
        return AlreadyDone("error.already_replied") if review["reply"] is not None else None

    @cached_property
    def evening(self) -> bool:
        return community.starts_in_evening(self._db, self._job)

    @cached_property
    def was_assigned(self) -> bool:
        """The job was theirs once (released, say): job_events.worker_id is who had it then."""
        sql = "SELECT 1 AS x FROM job_events WHERE job_id = ? AND worker_id = ? LIMIT 1"
        return one(self._db, sql, [self._job["id"], self.user["id"]]) is not None


# A rule: why this person may not have one capability on this job now (None: they may).
Rule = Callable[[Job, Standing], LinbangError | None]


def worker_refusal(db: Database, job: Job, worker_id: int, *, named_by_poster: bool = False) -> LinbangError | None:
    """Why this person may not become the job's worker (None: they may). named_by_poster: the poster
    picked this helper (invited or accepted them), so a refusal speaks about the helper rather than
    to the person acting."""
    row = one(db, "SELECT id, role FROM users WHERE id = ?", [worker_id])
    candidate = cast(Candidate, row) if row else Candidate(id=worker_id, role=None)
    return _taker(job, Standing(db, job, candidate), named_by_poster=named_by_poster)


# --- the rules: each returns why not (an error to raise), or None --------------------------------


def _as(allowed: bool, key: str = "error.not_allowed") -> LinbangError | None:
    return None if allowed else NotAllowed(key)


def _in(job: Job, statuses: tuple[Status, ...], key: str) -> LinbangError | None:
    return None if job["status"] in statuses else InvalidTransition(key)


def _if(condition: bool, key: str) -> LinbangError | None:
    """Something about the job the capability needs, whoever asks (an evening job, a code to give)."""
    return None if condition else InvalidTransition(key)


def _mode(job: Job, mode: str | None) -> LinbangError | None:
    if mode is None or job["mode"] == mode:
        return None
    return NotAllowed("error.only_grab" if mode == "grab" else "error.only_booking")


def _taker(job: Job, s: Standing, *, named_by_poster: bool = False) -> LinbangError | None:
    """The person would become the job's worker: a verified helper, never on their own job."""
    if s.poster:
        return NotAllowed("error.own_job")
    return _as(s.verified, "error.helper_not_verified" if named_by_poster else "error.not_verified")


def _waiting(waits: bool) -> LinbangError | None:
    """The person's own application or invitation must still wait for an answer."""
    return None if waits else InvalidTransition("error.application_closed")


PEOPLE: dict[Actor, Rule] = {  # who may take a transition (services.transitions.Actor), apart from the clock
    "poster": lambda job, s: _as(s.poster),
    "worker": lambda job, s: _as(s.worker),
    "invitee": _taker,  # and their invitation waits (checked after the job's status)
    "organizer": lambda job, s: _as(s.organizer and not s.party),
    "claimer": _taker,
}


def _extra_waiting(job: Job) -> bool:
    return job["status"] == "done" and bool(pricing.extra_fen(job)) and job["extra_decision"] is None


def _disputed(job: Job) -> bool:
    """An organizer who is neither side talks in the job's conversation while its dispute is open."""
    return job["status"] == "disputed"


def _disputed_once(job: Job) -> bool:
    """... and reads it while the dispute is open or once it is resolved."""
    return job["status"] in ("disputed", "resolved")


FURTHER: dict[Action, Rule] = {  # what else a transition needs, once the job is in one of its sources
    "accept_invitation": lambda job, s: _waiting(s.invited),
    "confirm": lambda job, s: InvalidTransition("error.answer_money_first") if s.money_unanswered else None,
}


def _transition(action: Action) -> Rule:
    rule = TRANSITIONS[action]

    def refusal(job: Job, s: Standing) -> LinbangError | None:
        why = _mode(job, rule.mode) or PEOPLE[rule.actor](job, s)
        if why:
            return why
        if job["status"] not in rule.sources:
            if rule.worker in ("claimer", "assignee"):
                return AlreadyTaken()
            return InvalidTransition(action=action, status=job["status"])
        return FURTHER[action](job, s) if action in FURTHER else None

    return refusal


RULES: dict[Capability, Rule] = {
    **{action: _transition(action) for action, rule in TRANSITIONS.items() if rule.actor != "clock"},
    "add_material": lambda job, s: _as(s.worker) or _in(job, OPEN_FOR_MATERIALS, "error.materials_closed"),
    "answer_material": lambda job, s: _as(s.poster) or _in(job, OPEN_FOR_MATERIALS, "error.material_decided"),
    "answer_extra_hours": lambda job, s: (
        _as(s.poster) or (None if _extra_waiting(job) else InvalidTransition("error.extra_not_waiting"))
    ),
    "add_statement": lambda job, s: _as(s.party) or _in(job, ("disputed",), "error.not_disputed"),
    "rate": lambda job, s: (
        _as(s.party)
        or _in(job, SETTLED, "error.rate_not_completed")
        or (AlreadyDone("error.already_rated") if s.rated else None)
    ),
    "see_private": lambda job, s: _as(s.involved),
    "see_history": lambda job, s: _as(s.involved or s.was_assigned),
    "see_applicants": lambda job, s: _mode(job, "booking") or _as(s.poster or s.organizer),
    "apply": lambda job, s: (
        _mode(job, "booking")
        or _taker(job, s)
        or _in(job, ("open",), "error.job_not_open")
        or (AlreadyDone("error.already_applied") if s.applied or s.invited else None)
    ),
    "withdraw": lambda job, s: _mode(job, "booking") or _waiting(s.applied),
    "invite": lambda job, s: _mode(job, "booking") or _as(s.poster) or _in(job, ("open",), "error.job_not_open"),
    "see_messages": lambda job, s: _as(s.party or s.ever_applied or (s.organizer and _disputed_once(job))),
    "message": lambda job, s: (
        _as(s.worker or (s.poster and s.has_counterpart) or s.applied or s.invited or (s.organizer and _disputed(job)))
        or _in(job, TALKING, "error.conversation_closed")
    ),
    "ask": lambda job, s: _taker(job, s) or _in(job, ("open",), "error.job_not_open"),
    "answer_question": lambda job, s: _as(s.poster) or _in(job, ("open",), "error.job_not_open"),
    "share_contact": lambda job, s: _as(s.party) or _in(job, SHARING, "error.contact_closed"),
    "see_contact": lambda job, s: _as(s.party) or _in(job, SHARED, "error.contact_closed"),
    "edit_job": lambda job, s: _as(s.poster) or _in(job, ("open",), "error.job_not_open"),
    "post_again": lambda job, s: _as(s.poster) or _in(job, ("completed",), "error.not_completed"),
    "book_again": lambda job, s: (
        _mode(job, "booking") or _as(s.poster) or _in(job, ("completed",), "error.not_completed")
    ),
    "see_receipt": lambda job, s: _as(s.involved) or _in(job, SETTLED, "error.receipt_not_settled"),
    "report": lambda job, s: _as(not s.poster, "error.report_own"),
    "reply_review": lambda job, s: _as(s.party) or _in(job, SETTLED, "error.rate_not_completed") or s.reply_refusal,
    "tell_someone": lambda job, s: (
        _as(s.worker) or _in(job, SHARING, "error.tell_closed") or _if(s.evening, "error.not_evening")
    ),
    "ask_handover_code": lambda job, s: (
        _as(s.poster) or _in(job, ("open",), "error.job_not_open") or _if(not s.has_code, "error.handover_code_set")
    ),
    "see_handover_code": lambda job, s: (
        _as(s.poster) or _if(s.has_code, "error.no_handover_code") or _in(job, HANDING_OVER, "error.handover_over")
    ),
    "type_handover_code": lambda job, s: (
        _as(s.worker) or _if(s.has_code, "error.no_handover_code") or _in(job, ("in_progress",), "error.handover_over")
    ),
}
CAPABILITIES: tuple[Capability, ...] = tuple(RULES)


def refusal(db: Database, job: Job, user: User | None, capability: Capability) -> LinbangError | None:
    """Why `user` may not have `capability` on `job` now (the error a service raises), or None."""
    user = users.active_or_none(db, user)
    return NotAllowed() if user is None else RULES[capability](job, Standing(db, job, user))


def capabilities(db: Database, job: Job, user: User | None) -> frozenset[Capability]:
    """Everything `user` may do or see on `job` now (nothing for a signed-out visitor)."""
    user = users.active_or_none(db, user)
    if user is None:
        return frozenset()
    s = Standing(db, job, user)
    return frozenset(name for name, rule in RULES.items() if rule(job, s) is None)


def require(db: Database, job: Job, user: User | None, capability: Capability, *, done_already: bool = False) -> bool:
    """Raise why `user` may not have `capability` on `job` (NotAllowed or one of its kinds).

    done_already: what the person asks is already so (their answer, sent twice). Then a refusal for
    the job's state is none, since nothing needs doing; a refusal of the person still is. Returns
    done_already, so that a caller can `if require(...): return`."""
    why = refusal(db, job, user, capability)
    if why and not (done_already and isinstance(why, InvalidTransition)):
        raise why
    return done_already


def stored_job(db: Database, job_id: int) -> Job:
    """The stored job, every column (for services' own checks, never shown). Raises NotFound."""
    job = one(db, "SELECT * FROM jobs WHERE id = ?", [job_id])
    if not job:
        raise NotFound()
    return cast(Job, job)


def load(db: Database, job_id: int, actor: object, need: Capability | None = None) -> tuple[Job, User]:
    """For a service inside its write transaction: the stored job and the acting user as the database
    has them, with `need` checked (require). Raises NotFound, NotAllowed."""
    actor = users.active(db, actor)
    job = stored_job(db, job_id)
    if need:
        require(db, job, actor, need)
    return job, actor

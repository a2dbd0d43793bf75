"""The job state machine as one table: each action's sources and target, who may take it, what it
takes from the person, what it does to the job's worker and money, and whether a page asks first.

services.jobs.act performs a row; services.access decides who may; services.escrow moves its money;
the pages draw their buttons from it. Adding an action means one new row (and its request type if it
takes new input) and its tests.
"""

import json
from dataclasses import dataclass, fields, replace
from typing import Literal, TypedDict, get_args

from . import categories, ledger
from .db import Database
from .errors import InvalidTransition, ValidationError
from .rows import Job
from .validate import Typed, minutes_of, visible_len, yuan_to_fen

Status = Literal["open", "assigned", "in_progress", "done", "disputed", "completed", "resolved", "cancelled", "expired"]
Action = Literal[
    "claim",
    "accept",
    "accept_invitation",
    "release",
    "start",
    "finish",
    "confirm",
    "auto_confirm",
    "cancel",
    "expire",
    "dispute",
    "resolve_pay",
    "resolve_refund",
    "resolve_split",
]
Mode = Literal["grab", "booking"]
# Who takes an action: 'claimer' (a verified worker who is not the poster), 'worker' (the assigned
# worker), 'poster', 'invitee' (the worker a pending booking invitation names), 'organizer' (one who
# is neither the poster nor the worker), or 'clock' (the board itself, on a timer).
Actor = Literal["claimer", "worker", "poster", "invitee", "organizer", "clock"]
STATUSES: tuple[Status, ...] = get_args(Status)
SETTLED: tuple[Status, ...] = ("completed", "resolved")  # the work was done and the money went where it belongs


# --- what a person sends with an action -------------------------------------------------------


class Terms(TypedDict, total=False):
    """What a request adds once checked against the job (Request.terms)."""

    actual_minutes: int | None  # finishing an hourly job: the minutes worked (as estimated when none typed)
    tip_fen: int  # confirming: the tip
    split_fen: int  # a split: the worker's share


@dataclass(frozen=True)
class Request:
    """What comes with an action: an optional note (`detail`), kept in the job's history."""

    detail: str = ""

    def terms(self, db: Database, job: Job) -> Terms:
        """Check the request against the stored job before anything is written; returns the columns
        and money it adds (actual_minutes, tip_fen, split_fen). Raises ValidationError or
        InvalidTransition."""
        return {}

    def comparable(self) -> str:
        """The request as one string, so that sending the same request twice reads as a repeat: typed
        amounts in fen and hours in minutes where they read as such ("", "0", "0.00" are one tip)."""
        typed = {field.name: _normal(field.name, getattr(self, field.name)) for field in fields(self)}
        return json.dumps(typed, sort_keys=True, default=str)

    def with_detail(self, detail: str) -> "Request":
        return replace(self, detail=detail)


@dataclass(frozen=True)
class Reason(Request):
    """A dispute: `detail` is the reason, which must say something (zero-width spaces say nothing)."""

    def terms(self, db: Database, job: Job) -> Terms:
        if not visible_len(self.detail):
            raise ValidationError("detail", "error.dispute_reason")
        return {}


@dataclass(frozen=True)
class Claim(Request):
    """Claiming: `safety` is True when the helper was shown the job's safety notes with this tap (a
    hazardous category's job is taken only so)."""

    safety: object = False

    def terms(self, db: Database, job: Job) -> Terms:
        categories.require_safety_seen(db, job["category"], self.safety)
        return {}


@dataclass(frozen=True)
class Finish(Request):
    """Finishing: for an hourly job, the hours actually worked as typed (None: as estimated); the
    handover code as typed, for a job that has one (services.safety checks it, counting wrong tries)."""

    hours: object = None
    code: object = None

    def terms(self, db: Database, job: Job) -> Terms:
        if job["price_type"] != "hourly":
            return {}
        if self.hours is None:
            return {"actual_minutes": job["est_minutes"]}
        return {"actual_minutes": minutes_of(self.hours, "hours", "error.actual_hours", 15)}  # 15: a quarter hour


@dataclass(frozen=True)
class Confirm(Request):
    """Confirming: an optional tip as typed."""

    tip_yuan: object = None

    def terms(self, db: Database, job: Job) -> Terms:
        return {"tip_fen": yuan_to_fen(self.tip_yuan or "0", "tip")}


@dataclass(frozen=True)
class Split(Request):
    """A dispute resolved by an amount: the worker's share as typed; `detail` is the organizer's note."""

    split_yuan: object = None

    def terms(self, db: Database, job: Job) -> Terms:
        """The share in fen, strictly between nothing and all the job's escrow holds."""
        held = ledger.balance_of(db, "escrow", job_id=job["id"])
        share = yuan_to_fen(self.split_yuan, "split")
        if not 0 < share < held:
            raise ValidationError("split", "error.split_range", held_fen=held)
        return {"split_fen": share}


@dataclass(frozen=True)
class Assign(Request):
    """A booking's acceptance (services.booking): the worker who gets the job and the agreed price
    in fen (None: the posted price). Made by the board from an application, never typed."""

    assignee: int | None = None
    agreed_fen: int | None = None


def _normal(name: str, value: Typed) -> object:
    """A typed value as it compares: amounts in fen, hours in minutes, anything unreadable as typed."""
    if name.endswith("_yuan"):
        try:
            return yuan_to_fen(value or "0", "amount") or None
        except ValidationError:
            return str(value)
    if name == "hours" and value is not None:
        try:
            return round(float(value) * 60)
        except (TypeError, ValueError, OverflowError):
            return str(value)
    return value


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: tuple[Status, ...]
    target: Status
    actor: Actor
    mode: Mode | None = None  # only for jobs of this mode
    # the job's worker: 'claimer' becomes it, the request's 'assignee' becomes it, or it 'frees' the job
    worker: Literal["claimer", "assignee", "frees"] | None = None
    # the job's escrow: 'hold' the estimate, 'pay' the worker in full, 'refund' the poster, or 'split'
    money: Literal["hold", "pay", "refund", "split"] | None = None
    takes: type[Request] = Request  # what the person sends with it
    stamp: str | None = None  # a column set to the moment it happens
    confirm: bool = False  # it undoes something: the page asks once more
    form: bool = False  # it needs words or a decision typed in a form of its own (ui.disputes)
    primary: bool = False  # the one next step forward: the page's primary button


TRANSITIONS: dict[Action, Transition] = {
    "claim": Transition(("open",), "assigned", "claimer", mode="grab", worker="claimer", takes=Claim, primary=True),
    "accept": Transition(
        ("open",), "assigned", "poster", mode="booking", worker="assignee", money="hold", takes=Assign
    ),
    "accept_invitation": Transition(
        ("open",), "assigned", "invitee", mode="booking", worker="assignee", money="hold", takes=Assign
    ),
    "release": Transition(("assigned",), "open", "worker", worker="frees", confirm=True),
    "start": Transition(("assigned",), "in_progress", "worker", primary=True),
    "finish": Transition(("in_progress",), "done", "worker", takes=Finish, stamp="finished_at", primary=True),
    "confirm": Transition(("done",), "completed", "poster", money="pay", takes=Confirm, primary=True),
    "auto_confirm": Transition(("done",), "completed", "clock", money="pay"),
    "cancel": Transition(("open", "assigned"), "cancelled", "poster", money="refund", confirm=True),
    "expire": Transition(("open",), "expired", "clock", money="refund"),
    "dispute": Transition(("done",), "disputed", "poster", takes=Reason, form=True),
    "resolve_pay": Transition(("disputed",), "resolved", "organizer", money="pay", form=True),
    "resolve_refund": Transition(("disputed",), "resolved", "organizer", money="refund", form=True),
    "resolve_split": Transition(("disputed",), "resolved", "organizer", money="split", takes=Split, form=True),
}
RESOLUTIONS: tuple[Action, ...] = tuple(a for a, rule in TRANSITIONS.items() if rule.target == "resolved")
# the actions that made someone a job's worker (a worker's reliability counts them)
ASSIGNING: tuple[Action, ...] = tuple(a for a, rule in TRANSITIONS.items() if rule.worker in ("claimer", "assignee"))


def request(action: Action, **typed: Typed) -> Request:
    """The request `action` takes, from what the person typed (hours=, tip_yuan=, split_yuan=, detail=)."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise InvalidTransition(action=action)
    return rule.takes(**typed)

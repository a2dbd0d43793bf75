"""The credit ledger under random job lifecycles: a hypothesis state machine over every money path.

Each example starts from a fresh copy of the session's set-up community (conftest's template: the poster
has STARTING_CREDIT, nobody else has anything), posts a few jobs and takes 25 random steps: posting
paid and free favours, fixed-price and hourly, grab and booking jobs (by the poster or a stranger); claiming,
applying, inviting and accepting; starting, releasing, cancelling; finishing (hourly: the actual
hours, sometimes above the estimate, which the poster then approves or declines); materials added and
approved or rejected; confirming with a tip; disputing, stating a side and resolving (pay, refund,
split); time passing with the clock expiring and auto-confirming; the cashier's top-ups and payouts;
the money settings; and double clicks and retries that reuse an idempotency key. People act at random:
often the wrong person, at the wrong moment, with amounts they cannot cover.

The model (`Job`, `MoneyMachine.money`) predicts from the rules in services.jobs, escrow, materials and
booking what every step must do: the error a refused step raises, and where each fen goes when it
goes through. A refused step must leave the ledger exactly as it was (number of transfers and every
account's balance); a double click or a retry with a used key must add no transfer.

Checked after every step (the @invariant methods):
- the books (ledger.check_books: all lines sum to zero, each transfer sums to zero, no wallet, escrow
  or commission account below zero) and every account's balance equal to the model's;
- each job's escrow, summed independently from ledger_lines: what hold transfers put in less what
  left it; nothing else ever goes in; 0 for every ended job (completed, resolved, cancelled, expired);
  the model's estimate + approved extra hours + approved materials for every open grab, assigned, in
  progress, done or disputed job; for an open booking job, what an earlier acceptance still holds;
- commission: at most one transfer with a commission line per job, exactly one for each job the
  model paid a commission > 0 on (confirmed, auto-confirmed, resolved by pay or split) and none for
  any other (cancelled, expired, refunded, free); the commission account holds the model's total;
- no idempotency key twice in `transfers`;
- the wallets as statements (services.statements, #15): every line named, the last one's balance the
  wallet's, and only a job's helper reads "paid", "tip from the poster" and the like; each settled
  job's receipt adds up (held = paid + commission + what came back, a refund after a dispute read as
  one), its commission is the model's, and it equals what the poster's and the helper's wallet lines
  of the job add up to;
- conservation: wallets + escrows + commission = minus the cash account (what the organizer holds);
- notifications (#14): a refused step or a repeat writes none; every job step told exactly the job's
  sides but whoever took it (and organizers of a new dispute), once; nothing about a job reached anyone
  with no part in it (but nearby-job alerts, which are about a job nobody has yet).
"""

import pathlib
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from services import booking, disputes, fees, jobs, ledger, materials, statements, transitions, users
from services import db as database
from services.errors import (
    AlreadyDone,
    AlreadyTaken,
    InsufficientFunds,
    InvalidTransition,
    LinbangError,
    NotAllowed,
    ValidationError,
)
from services.settings import DEFAULTS as SETTING_DEFAULTS
from services.transitions import request
from services.validate import MAX_PRICE_FEN
from tests.budget import budget
from tests.services.conftest import STARTING_CREDIT, valid_job_fields

START_FEN = int(STARTING_CREDIT) * 100
PEOPLE = ("poster", "stranger", "verified_worker", "second_worker", "unverified_worker", "organizer")
POSTERS = ("poster", "stranger")  # the organizer never posts, so it can always resolve a dispute
WORKERS = ("verified_worker", "second_worker")
ENDED = ("completed", "resolved", "cancelled", "expired")
OPEN_FOR_MATERIALS = ("in_progress", "done")
RESOLUTIONS = ("resolve_pay", "resolve_refund", "resolve_split")
REFUNDS = ("cancel", "expire", "resolve_refund")
REASON = "The tap still drips"
REFUSED = object()  # what attempt() returns for a step the services refused

# None: the person whose turn it is (the poster, the job's worker, the organizer); else anyone.
WHO = st.one_of(st.none(), st.sampled_from(PEOPLE))
FEN = st.one_of(
    st.just(0), st.integers(1, 99), st.integers(100, 50_000), st.integers(50_000, 3_000_000)
)  # free favours, odd fen, everyday prices, more than a stranger has
MINUTES = st.integers(2, 32).map(lambda quarters: quarters * 15)  # estimates: 30 min to 8 h
JOB = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(jobs.MODES),
        "price_type": st.sampled_from(jobs.PRICE_TYPES),
        "price_fen": FEN,
        "est_minutes": MINUTES,
        "start_h": st.integers(-3, 72),  # the window starts this many hours from now
        "length_h": st.integers(1, 96),
    }
)
HOURS = st.one_of(
    st.none(),  # "as estimated"
    st.integers(1, 96).map(lambda quarters: str(quarters * 15 / 60)),  # 15 min to 24 h, often above the estimate
    st.sampled_from(["0.1", "24.5", "lots"]),  # refused
)


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def fen_of(yuan_text: str) -> int:
    return int(Decimal(yuan_text) * 100)


def request_of(terms: dict) -> tuple:
    """What jobs.act compares to tell a double click (the same values again) from a new request:
    the reason, the hours in minutes, the tip and the split in fen (no tip and a tip of 0 alike)."""
    hours = terms.get("hours")
    try:
        minutes = None if hours is None else round(float(hours) * 60)
    except ValueError:
        minutes = hours
    tip, split = terms.get("tip_yuan"), terms.get("split_yuan")
    return terms.get("detail", ""), minutes, fen_of(tip) if tip else 0, fen_of(split) if split else 0


def hourly(rate_fen: int, minutes: int) -> int:
    return (rate_fen * minutes + 30) // 60


@dataclass
class Job:
    """What the model knows of one job: its terms, where it is, and what its escrow must hold."""

    id: int
    poster: str
    mode: str
    price_type: str
    price_fen: int
    est_minutes: int | None
    window_start: datetime
    window_end: datetime
    status: str = "open"
    worker: str | None = None
    agreed_fen: int | None = None
    actual_minutes: int | None = None
    extra_decision: str | None = None
    finished_at: datetime | None = None
    held: int = 0
    commission_fen: int = 0  # the commission the job paid (0 until paid; at most one transfer)
    materials: dict = field(default_factory=dict)  # line id -> {"fen": amount, "status": ...}
    last: tuple | None = None  # (action, who) of the job's last event: a double click repeats it
    last_request: tuple | None = None  # ... with these values (request_of)
    replay: tuple | None = None  # (label, call, expected error) doing that last step again

    def estimate(self, rate: int | None = None) -> int:
        if rate is None:
            rate = self.agreed_fen if self.agreed_fen is not None else self.price_fen
        return hourly(rate, self.est_minutes) if self.price_type == "hourly" else rate

    def worked(self) -> int:
        if self.price_type == "hourly" and self.actual_minutes is not None:
            return hourly(self.agreed_fen if self.agreed_fen is not None else self.price_fen, self.actual_minutes)
        return self.estimate()

    def extra(self) -> int:
        return max(0, self.worked() - self.estimate())

    def labor_due(self) -> int:
        return self.estimate() if self.extra() and self.extra_decision != "approved" else self.worked()

    def approved_materials(self) -> int:
        return sum(line["fen"] for line in self.materials.values() if line["status"] == "approved")

    def waiting_materials(self) -> int:
        return sum(line["status"] == "pending" for line in self.materials.values())


class MoneyMachine(RuleBasedStateMachine):
    """A community's jobs and money. `copy_community` is conftest's fixture; `now` its NOW."""

    job_ids = Bundle("jobs")
    application_ids = Bundle("applications")
    line_ids = Bundle("lines")

    def __init__(self, copy_community, now):
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        path = pathlib.Path(self.tmp.name) / "linbang.db"
        copy_community(path)
        self.db = database.connect(path)
        self.names = {row["id"]: row["username"] for row in self.db.query("SELECT id, username FROM users")}
        self.people = {name: users.get(self.db, users.by_username(self.db, name)["id"]) for name in PEOPLE}
        self.people["clock"] = jobs.CLOCK
        self.now = now
        # the model
        self.money = Counter({("wallet", "poster"): START_FEN, ("cash",): -START_FEN})
        self.settings = dict(SETTING_DEFAULTS)
        self.model_jobs: dict[int, Job] = {}
        self.model_applications: dict[int, dict] = {}
        # (request key, who sent it) -> line id: a key belongs to one person's filling-in of the form
        self.material_keys: dict[tuple[str, str], int] = {}
        self.cash_keys: dict[tuple[str, str], tuple] = {}  # (kind, key) -> (transfer id, the call)
        self.serial = 0

    def teardown(self):
        self.db.conn.close()
        self.tmp.cleanup()

    # --- helpers ---------------------------------------------------------------------------------

    def fresh(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def ledger_state(self) -> tuple:
        rows = self.db.execute(
            "SELECT account_id, SUM(amount_fen) FROM ledger_lines GROUP BY account_id ORDER BY account_id"
        ).fetchall()
        return self.db["transfers"].count, tuple(rows)

    def told(self) -> int:
        """How many notifications were written: a refused step or a repeat writes none."""
        return self.db["notifications"].count

    def attempt(self, expected, label: str, call):
        """Run one service call. It must raise exactly `expected` (None: go through); a refusal must
        leave the ledger untouched. Returns the call's result, or REFUSED."""
        before, told = self.ledger_state(), self.told()
        try:
            result = call()
        except LinbangError as error:
            event(f"{label}: {type(error).__name__}")
            assert type(error) is expected, f"{label}: expected {getattr(expected, '__name__', 'success')}, {error!r}"
            assert self.ledger_state() == before, f"{label} was refused ({error!r}) but changed the ledger"
            assert self.told() == told, f"{label} was refused ({error!r}) but told someone"
            return REFUSED
        event(f"{label}: ok")
        assert expected is None, f"{label}: expected {expected.__name__}, but it went through"
        return result

    def unchanged(self, label: str, call, expected=None):
        """A double click or a retry: must raise `expected` (None: go through) and move nothing."""
        before, told = self.ledger_state(), self.told()
        result = self.attempt(expected, label, call)
        assert self.ledger_state() == before, f"{label} repeated moved money"
        assert self.told() == told, f"{label} repeated told someone again"
        return result

    def overdraws(self, moves: Counter) -> bool:
        return any(key[0] == "wallet" and self.money[key] + fen < 0 for key, fen in moves.items())

    def move(self, moves: Counter) -> None:
        self.money.update(moves)

    def holder(self, job: Job, action: str) -> str:
        """The person whose turn `action` is on `job`."""
        kind = transitions.TRANSITIONS[action].actor
        if kind == "poster":
            return job.poster
        if kind == "worker":
            return job.worker or WORKERS[0]
        if kind == "organizer":
            return "organizer"
        return WORKERS[0]

    def may(self, job: Job, action: str, who: str) -> bool:
        """Who may do what (services.jobs._may), whatever the status."""
        rule_ = transitions.TRANSITIONS[action]
        if rule_.mode and job.mode != rule_.mode:
            return False
        if rule_.actor == "clock" or who == "clock":
            return rule_.actor == who == "clock"
        if rule_.actor == "claimer":
            return who in WORKERS and who != job.poster
        return who == {"poster": job.poster, "worker": job.worker, "organizer": "organizer"}[rule_.actor]

    def record(self, job: Job, action: str, who: str, replay=None, request: tuple | None = None) -> None:
        job.last, job.replay, job.last_request = (action, who), replay, request or request_of({})

    def leave_open(self, job: Job, assignee: str | None = None) -> None:
        """Waiting applications are declined when a job leaves 'open' (but the assignee's)."""
        for application in self.model_applications.values():
            if application["job"] == job.id and application["status"] == "pending":
                if application["worker"] != assignee:
                    application["status"] = "declined"

    def settlement(self, job: Job, action: str, split: int | None = None) -> Counter:
        """Where the escrow goes when `action` ends the job (services.escrow.plan, restated)."""
        moves, held = Counter(), job.held
        if not held:
            return moves
        approved = job.approved_materials()
        if action in REFUNDS:
            window = timedelta(hours=self.settings["cancel_window_hours"])
            late = (
                action == "cancel"
                and job.status == "assigned"
                and job.window_start - self.now < window
                and self.now < job.window_end
            )
            fee = held * self.settings["cancel_fee_pct"] // 100
            to_worker, commission = min(fee, self.settings["cancel_fee_cap_fen"]) if late else 0, 0
        else:
            share = split if action == "resolve_split" else min(job.labor_due(), held - approved) + approved
            commission = max(0, share - approved) * self.settings["commission_pct"] // 100
            to_worker = share - commission
        moves[("escrow", job.id)] -= held
        moves[("wallet", job.poster)] += held - to_worker - commission
        if to_worker:
            moves[("wallet", job.worker)] += to_worker
        moves[("commission",)] += commission
        return moves

    def hold(self, job: Job, fen: int) -> Counter:
        return Counter({("wallet", job.poster): -fen, ("escrow", job.id): fen})

    # --- the job transitions (services.jobs.act) ---------------------------------------------------

    def act(self, job: Job, action: str, who: str, **terms) -> None:
        """`who` does `action` on `job` through jobs.act; the model predicts the outcome."""
        rule_ = transitions.TRANSITIONS[action]
        repeat = (
            who != "clock"
            and (job.last, job.last_request) == ((action, who), request_of(terms))
            and job.status == rule_.target
        )
        expected, moves, plan = None, Counter(), {}
        if repeat:
            pass
        elif not self.may(job, action, who):
            expected = NotAllowed
        elif job.status not in rule_.sources:
            expected = AlreadyTaken if action == "claim" else InvalidTransition
        else:
            expected, moves, plan = self.terms(job, action, terms)
            if expected is None and self.overdraws(moves):
                expected = InsufficientFunds

        def call():
            return jobs.act(self.db, job.id, action, self.people[who], request(action, **terms), now=self.now)

        if self.attempt(expected, action, call) is REFUSED or repeat:
            return
        self.transition(job, action, who, plan, moves)
        replay = (f"{action} again", call, None) if who != "clock" else None
        self.record(job, action, who, replay=replay, request=request_of(terms))

    def terms(self, job: Job, action: str, terms: dict) -> tuple:
        """(expected error, money moves, job changes) for an allowed transition, given what was typed."""
        plan = {}
        if action == "finish" and job.price_type == "hourly":
            hours = terms.get("hours")
            try:
                minutes = job.est_minutes if hours is None else round(float(hours) * 60)
            except ValueError:
                return ValidationError, Counter(), plan
            if not 15 <= minutes <= 24 * 60:
                return ValidationError, Counter(), plan
            plan["actual_minutes"] = minutes
        if action == "confirm" and (job.waiting_materials() or (job.extra() and job.extra_decision is None)):
            return InvalidTransition, Counter(), plan
        if action == "dispute" and not terms.get("detail"):
            return ValidationError, Counter(), plan
        split = None
        if action == "resolve_split":
            split = fen_of(terms["split_yuan"])
            if not 0 < split < job.held:
                return ValidationError, Counter(), plan
        if action in ("confirm", "auto_confirm", "cancel", "expire", *RESOLUTIONS):
            moves = self.settlement(job, action, split)
            tip = fen_of(terms.get("tip_yuan") or "0")
            if tip:
                moves[("wallet", job.poster)] -= tip
                moves[("wallet", job.worker)] += tip
            return None, moves, plan
        return None, Counter(), plan

    def transition(self, job: Job, action: str, who: str, plan: dict, moves: Counter) -> None:
        """The model's job and money after a transition went through."""
        self.move(moves)
        job.held += moves[("escrow", job.id)]
        job.commission_fen += moves[("commission",)]
        if job.status == "open":
            self.leave_open(job)
        before, job.status = job.status, transitions.TRANSITIONS[action].target
        if action == "claim":
            job.worker, job.agreed_fen = who, job.price_fen
        elif action == "release":
            job.worker, job.agreed_fen = None, None
            for application in self.model_applications.values():
                if application["job"] == job.id and application["worker"] == who:
                    if application["status"] == "accepted":
                        application["status"] = "withdrawn"
        elif action == "finish":
            job.finished_at = self.now
            job.actual_minutes = plan.get("actual_minutes")
        if job.status in ("completed", "resolved"):
            for line in job.materials.values():
                if line["status"] == "pending":
                    line["status"] = "rejected"
        event(f"{before} -> {job.status} by {action}")

    # --- rules: posting --------------------------------------------------------------------------

    @initialize(
        target=job_ids, specs=st.lists(JOB, min_size=1, max_size=3), credit=st.sampled_from([0, 5_000, 500_000])
    )
    def a_few_jobs_and_some_credit_for_the_stranger(self, specs, credit):
        """Every example starts with jobs by the poster (who has credit) and maybe credit for the stranger."""
        if credit:
            self.cash_move("topup", "organizer", "stranger", credit)
        return multiple(*(job_id for spec in specs if (job_id := self.post(poster="poster", **spec)) is not REFUSED))

    @rule(target=job_ids, poster=st.sampled_from(POSTERS), spec=JOB)
    def post_a_job(self, poster, spec):
        job_id = self.post(poster=poster, **spec)
        return multiple() if job_id is REFUSED else job_id

    def post(self, *, poster, mode, price_type, price_fen, est_minutes, start_h, length_h):
        """`poster` posts a job through jobs.post; returns its id or REFUSED."""
        start = self.now + timedelta(hours=start_h)
        end = start + timedelta(hours=length_h)
        job = Job(0, poster, mode, price_type, price_fen, est_minutes if price_type == "hourly" else None, start, end)
        fields = valid_job_fields(
            self.now,
            price_yuan=yuan(price_fen),
            price_type=price_type,
            est_hours=str(est_minutes / 60) if price_type == "hourly" else None,
            mode=mode,
            window_start=start,
            window_end=end,
        )
        hold = job.estimate() if mode == "grab" else 0
        expected = None
        if end <= self.now:
            expected = ValidationError
        elif self.money[("wallet", poster)] < hold:
            expected = InsufficientFunds
        job_id = self.attempt(expected, f"post {mode}", lambda: jobs.post(self.db, self.people[poster], **fields))
        if job_id is REFUSED:
            return REFUSED
        job.id = job_id
        self.model_jobs[job_id] = job
        self.move(self.hold(job, hold))
        job.held = hold
        self.record(job, "post", poster)
        return job_id

    # --- rules: taking a job -----------------------------------------------------------------------

    @rule(job=job_ids, who=st.one_of(st.sampled_from(WORKERS), st.sampled_from(PEOPLE)))
    def claim(self, job, who):
        self.act(self.model_jobs[job], "claim", who)

    @rule(target=application_ids, job=job_ids, who=WHO, quote_fen=FEN)
    def apply(self, job, who, quote_fen):
        return self.apply_for(self.model_jobs[job], who or WORKERS[0], quote_fen)

    def apply_for(self, job: Job, who: str, quote_fen: int):
        refused = self.booking_refusal(job, who not in WORKERS or who == job.poster)
        expected = refused or (AlreadyDone if self.waiting_application(job, who) else None)

        def call():
            return booking.apply(self.db, self.people[who], job.id, quote_yuan=yuan(quote_fen), now=self.now)

        application_id = self.attempt(expected, "apply", call)
        if application_id is REFUSED:
            return multiple()
        self.model_applications[application_id] = {
            "job": job.id,
            "worker": who,
            "kind": "apply",
            "quote": quote_fen,
            "status": "pending",
        }
        return application_id

    @rule(target=application_ids, job=job_ids, who=WHO, worker=st.sampled_from((*WORKERS, "stranger")))
    def invite(self, job, who, worker):
        job = self.model_jobs[job]
        who = who or job.poster
        expected = self.booking_refusal(job, who != job.poster)
        if expected is None:
            expected = NotAllowed if worker not in WORKERS or worker == job.poster else None
        if expected is None and self.waiting_application(job, worker):
            expected = AlreadyDone

        def call():
            return booking.invite(self.db, self.people[who], job.id, self.people[worker]["id"], now=self.now)

        application_id = self.attempt(expected, "invite", call)
        if application_id is REFUSED:
            return multiple()
        self.model_applications[application_id] = {
            "job": job.id,
            "worker": worker,
            "kind": "invite",
            "quote": None,
            "status": "pending",
        }
        return application_id

    def booking_refusal(self, job: Job, person_refused: bool):
        """Why services.booking refuses to take an application or an invitation now (None: it may):
        the job's mode, then the person (`person_refused`), then the job's status, in the order
        services.access checks them."""
        if job.mode != "booking" or person_refused:
            return NotAllowed
        if job.status != "open":
            return InvalidTransition
        return None

    def waiting_application(self, job: Job, worker: str) -> bool:
        return any(
            a["job"] == job.id and a["worker"] == worker and a["status"] == "pending"
            for a in self.model_applications.values()
        )

    @rule(application=application_ids, who=WHO)
    def accept(self, application, who):
        self.accept_application(application, who)

    def accept_application(self, application_id: int, who: str | None) -> None:
        application = self.model_applications[application_id]
        job = self.model_jobs[application["job"]]
        decider = job.poster if application["kind"] == "apply" else application["worker"]
        who = who or decider
        action = "accept" if application["kind"] == "apply" else "accept_invitation"
        agreed = job.price_fen if application["quote"] is None else application["quote"]
        moves = self.hold(job, job.estimate(agreed) - job.held)
        expected = None
        accepted_already = who == decider and application["status"] == "accepted"  # a double click: done once
        if who != decider:
            expected = NotAllowed
        elif application["status"] not in ("pending", "accepted"):
            expected = AlreadyTaken if job.status != "open" else InvalidTransition
        elif not accepted_already and self.overdraws(moves):
            expected = InsufficientFunds

        def call():
            return booking.accept(self.db, self.people[who], application_id, now=self.now)

        before = self.ledger_state()
        if self.attempt(expected, action, call) is REFUSED:
            return
        if accepted_already:
            assert self.ledger_state() == before, "accepting again moved money"
            return
        self.move(moves)
        job.held += moves[("escrow", job.id)]
        self.leave_open(job, application["worker"])
        application["status"] = "accepted"
        job.status, job.worker, job.agreed_fen = "assigned", application["worker"], agreed
        self.record(job, action, who, replay=(f"{action} again", call, None))
        event(f"open -> assigned by {action}")

    # --- rules: doing the job ----------------------------------------------------------------------

    @rule(job=job_ids, action=st.sampled_from(["start", "release", "cancel"]), who=WHO)
    def step(self, job, action, who):
        job = self.model_jobs[job]
        self.act(job, action, who or self.holder(job, action))

    @rule(job=job_ids, who=WHO, hours=HOURS)
    def finish(self, job, who, hours):
        job = self.model_jobs[job]
        self.act(job, "finish", who or self.holder(job, "finish"), hours=hours)

    @rule(job=job_ids, who=WHO, approve=st.booleans())
    def answer_extra_hours(self, job, who, approve):
        job = self.model_jobs[job]
        who = who or job.poster
        answer = "approved" if approve else "declined"
        expected, moves = None, Counter()
        if who != job.poster:
            expected = NotAllowed
        elif job.extra_decision == answer:
            pass  # the same answer again: nothing happens
        elif job.status != "done" or not job.extra() or job.extra_decision is not None:
            expected = InvalidTransition
        elif approve:
            moves = self.hold(job, job.extra())
            expected = InsufficientFunds if self.overdraws(moves) else None

        def call():
            return jobs.answer_extra_hours(self.db, self.people[who], job.id, approve=approve, now=self.now)

        if self.attempt(expected, f"extra {answer}", call) is REFUSED or job.extra_decision == answer:
            return
        self.move(moves)
        job.held += moves[("escrow", job.id)]
        job.extra_decision = answer
        self.record(job, f"extra_{answer}", who)

    @rule(
        target=line_ids,
        job=job_ids,
        who=WHO,
        amount_fen=st.integers(0, 200_000),
        again=st.booleans(),
        data=st.data(),
    )
    def add_material(self, job, who, amount_fen, again, data):
        job = self.model_jobs[job]
        who = who or job.worker or WORKERS[0]
        used = sorted({key for key, _ in self.material_keys})
        reuse = bool(again and used and amount_fen)
        key = data.draw(st.sampled_from(used), label="key") if reuse else self.fresh("m")
        retry = (key, who) in self.material_keys  # their form sent again; someone else's key is new for them
        expected = None
        if not amount_fen:
            expected = ValidationError
        elif retry:
            pass  # the form sent again: the first line's id, nothing new
        elif who != job.worker:
            expected = NotAllowed
        elif job.status not in OPEN_FOR_MATERIALS:
            expected = InvalidTransition

        def call():
            return materials.add(
                self.db,
                self.people[who],
                job.id,
                what="Washers",
                amount_yuan=yuan(amount_fen),
                receipt=None,
                key=key,
                now=self.now,
            )

        before = self.ledger_state()
        line_id = self.attempt(expected, "add material", call)
        assert self.ledger_state() == before, "adding a material line moved money"
        if line_id is REFUSED:
            return multiple()
        if retry:
            assert line_id == self.material_keys[key, who], "a repeated materials form added a second line"
            return multiple()
        self.material_keys[key, who] = line_id
        job.materials[line_id] = {"fen": amount_fen, "status": "pending"}
        return line_id

    @rule(line=line_ids, who=WHO, approve=st.booleans())
    def decide_material(self, line, who, approve):
        job = next(j for j in self.model_jobs.values() if line in j.materials)
        item, who = job.materials[line], who or job.poster
        answer = "approved" if approve else "rejected"
        expected, moves = None, Counter()
        if who != job.poster:
            expected = NotAllowed
        elif item["status"] == answer:
            pass  # the same answer again: nothing happens
        elif item["status"] != "pending" or job.status not in OPEN_FOR_MATERIALS:
            expected = InvalidTransition
        elif approve:
            moves = self.hold(job, item["fen"])
            expected = InsufficientFunds if self.overdraws(moves) else None

        def call():
            return materials.decide(self.db, self.people[who], line, approve=approve, now=self.now)

        if self.attempt(expected, f"material {answer}", call) is REFUSED:
            return
        self.move(moves)
        job.held += moves[("escrow", job.id)]
        item["status"] = answer

    @rule(job=job_ids, who=WHO, tip_fen=st.one_of(st.just(0), st.integers(1, 5_000), st.integers(5_000, 5_000_000)))
    def confirm(self, job, who, tip_fen):
        job = self.model_jobs[job]
        self.act(job, "confirm", who or job.poster, tip_yuan=yuan(tip_fen) if tip_fen else None)

    @rule(job=job_ids, who=WHO, reason=st.sampled_from(["", REASON]))
    def dispute(self, job, who, reason):
        job = self.model_jobs[job]
        self.act(job, "dispute", who or job.poster, detail=reason)

    @rule(job=job_ids, who=WHO, side=st.sampled_from(["poster", "worker"]))
    def state_a_side(self, job, who, side):
        job = self.model_jobs[job]
        who = who or (job.poster if side == "poster" else job.worker or WORKERS[0])
        expected = None
        if who not in (job.poster, job.worker):
            expected = NotAllowed
        elif job.status != "disputed":
            expected = InvalidTransition

        def call():
            key = self.fresh("statement")
            return disputes.add_statement(self.db, self.people[who], job.id, "My side", key=key, now=self.now)

        before = self.ledger_state()
        self.attempt(expected, "statement", call)
        assert self.ledger_state() == before, "a statement moved money"

    @rule(job=job_ids, who=WHO, how=st.sampled_from(RESOLUTIONS), split=st.floats(-0.1, 1.1), cents=st.booleans())
    def resolve(self, job, who, how, split, cents):
        """A split is a fraction of what is held (sometimes 0, all of it or beyond: refused)."""
        job = self.model_jobs[job]
        terms = {}
        if how == "resolve_split":
            fen = max(0, round(job.held * split))
            terms["split_yuan"] = yuan(fen) if cents else str(fen // 100)
        self.act(job, how, who or "organizer", **terms)

    # --- rules: time and the cashier ---------------------------------------------------------------

    @rule(hours=st.one_of(st.integers(0, 12), st.sampled_from([24, 71, 72, 73]), st.integers(0, 96)))
    def time_passes_and_the_clock_runs(self, hours):
        self.now += timedelta(hours=hours)
        due = [
            (job, "expire" if job.status == "open" else "auto_confirm")
            for job in self.model_jobs.values()
            if (job.status == "open" and job.window_end < self.now)
            or (job.status == "done" and job.finished_at <= self.now - jobs.AUTO_CONFIRM_AFTER)
        ]
        before = self.ledger_state()
        assert jobs.run_clock(self.db, self.now) == len(due)
        if not due:
            assert self.ledger_state() == before
        for job, action in due:
            _, moves, plan = self.terms(job, action, {})
            self.transition(job, action, "clock", plan, moves)
            self.record(job, action, "clock")

    @rule(who=WHO, user=st.sampled_from(PEOPLE), amount_fen=st.one_of(st.just(0), st.integers(1, 3_000_000)))
    def top_up(self, who, user, amount_fen):
        self.cash_move("topup", who or "organizer", user, amount_fen)

    @rule(
        who=WHO,
        user=st.sampled_from(PEOPLE),
        amount=st.one_of(st.sampled_from(["all", "more"]), st.integers(0, 200_000)),
    )
    def payout(self, who, user, amount):
        held = self.money[("wallet", user)]
        fen = {"all": held, "more": held + 1}.get(amount, amount)
        self.cash_move("payout", who or "organizer", user, fen)

    def cash_move(self, kind: str, who: str, user: str, fen: int) -> None:
        into_wallet = fen if kind == "topup" else -fen
        moves = Counter({("wallet", user): into_wallet, ("cash",): -into_wallet})
        expected = None
        if who != "organizer":
            expected = NotAllowed
        elif not 0 < fen <= MAX_PRICE_FEN:
            expected = ValidationError
        elif self.overdraws(moves):  # a payout above the balance: the amount's error, with the balance (#15)
            expected = ValidationError
        key = self.fresh(kind)
        service = ledger.top_up if kind == "topup" else ledger.payout

        def call(user=user, fen=fen):
            return service(
                self.db, self.people[who], self.people[user]["id"], yuan(fen), key=key, again=True, now=self.now
            )

        transfer_id = self.attempt(expected, kind, call)
        if transfer_id is REFUSED:
            return
        self.move(moves)
        self.cash_keys[(kind, key)] = (transfer_id, call)

    @rule(data=st.data(), user=st.sampled_from(PEOPLE), fen=st.integers(1, 10_000_000))
    @precondition(lambda self: self.cash_keys)
    def a_cashier_retry_with_a_used_key_moves_nothing(self, data, user, fen):
        """The same key again, even for another person or amount: the first transfer's id, no money."""
        kind, key = data.draw(st.sampled_from(sorted(self.cash_keys)), label="key")
        transfer_id, call = self.cash_keys[(kind, key)]
        same = data.draw(st.booleans(), label="same call")
        again = self.unchanged(f"{kind} retry", call if same else lambda: call(user=user, fen=fen))
        assert again == transfer_id

    @rule(data=st.data())
    @precondition(lambda self: any(job.replay for job in self.model_jobs.values()))
    def a_double_click_moves_nothing(self, data):
        """The last thing a person did to a job, done again at once."""
        job = data.draw(st.sampled_from([j for j in self.model_jobs.values() if j.replay]), label="job")
        label, call, expected = job.replay
        self.unchanged(label, call, expected)

    @rule(
        who=WHO,
        commission=st.integers(0, 22),
        fee=st.integers(0, 100),
        cap=st.integers(0, 200),
        window=st.sampled_from([0, 1, 24, 48]),
    )
    def money_settings(self, who, commission, fee, cap, window):
        expected = NotAllowed if (who or "organizer") != "organizer" else ValidationError if commission > 20 else None

        def call():
            return fees.set_money_settings(
                self.db,
                self.people[who or "organizer"],
                commission_pct=commission,
                cancel_fee_pct=fee,
                cancel_fee_cap_yuan=str(cap),
                cancel_window_hours=window,
            )

        before = self.ledger_state()
        if self.attempt(expected, "settings", call) is not REFUSED:
            self.settings.update(
                commission_pct=commission, cancel_fee_pct=fee, cancel_fee_cap_fen=cap * 100, cancel_window_hours=window
            )
        assert self.ledger_state() == before

    # --- a nudge: random people rarely get a job far, so one step always moves one forward ---------

    @rule(target=job_ids, steps=st.sampled_from([1, 4, 8, 16]), data=st.data())
    def the_right_people_move_live_jobs_forward(self, steps, data):
        """Random people at random moments rarely get a job far: here, `steps` times, the person
        whose turn it is takes the next step on a job that has not ended (the poster posting one when
        none is left). The terms are still drawn at random, so some steps are refused."""
        posted = []
        for _ in range(steps):
            live = [job for job in self.model_jobs.values() if job.status not in ENDED]
            if not live:
                job_id = self.post(poster="poster", **data.draw(JOB, label="new job"))
                if job_id is REFUSED:
                    continue
                posted.append(job_id)
                live = [self.model_jobs[job_id]]
            self.forward(data.draw(st.sampled_from(live), label="job"), data)
        return multiple(*posted)

    def forward(self, job: Job, data) -> None:
        draw = data.draw
        if job.status in ("open", "assigned") and draw(st.sampled_from([False] * 5 + [True]), label="cancel"):
            self.act(job, "cancel", job.poster)
        elif job.status == "open" and job.mode == "grab":
            self.act(job, "claim", draw(st.sampled_from(WORKERS), label="claimer"))
        elif job.status == "open":
            worker = draw(st.sampled_from(WORKERS), label="applicant")
            application_id = self.apply_for(job, worker, draw(FEN, label="quote"))
            if not isinstance(application_id, int):  # a refusal: hypothesis's multiple()
                return
            self.accept_application(application_id, None)
        elif job.status == "assigned":
            self.act(job, draw(st.sampled_from(["start", "start", "release"]), label="action"), job.worker)
        elif job.status == "in_progress":
            if draw(st.booleans(), label="materials first"):
                self.add_material(job.id, None, draw(st.integers(1, 20_000), label="materials"), False, data)
            self.act(job, "finish", job.worker, hours=draw(self.hours_for(job), label="hours"))
        elif job.status == "done":
            waits = (job.extra() and job.extra_decision is None) or job.waiting_materials()
            first = "answer what waits" if waits else "confirm"
            choice = draw(st.sampled_from([first, first, "dispute", "never answer"]), label="poster")
            if choice == "never answer":  # three days pass and the clock confirms (everything else due too)
                self.time_passes_and_the_clock_runs(73)
            elif choice == "dispute":
                self.act(job, "dispute", job.poster, detail=REASON)
            elif choice == "confirm":
                self.act(job, "confirm", job.poster, tip_yuan=yuan(draw(st.integers(0, 2_000), label="tip")))
            elif choice == "answer what waits" and job.extra() and job.extra_decision is None:
                self.answer_extra_hours(job.id, None, draw(st.sampled_from([True, True, False]), label="approve"))
            elif choice == "answer what waits":
                line = next(i for i, line in job.materials.items() if line["status"] == "pending")
                self.decide_material(line, None, draw(st.sampled_from([True, True, False]), label="approve"))
        elif job.status == "disputed":
            how = draw(st.sampled_from(RESOLUTIONS), label="resolution")
            terms = {"split_yuan": yuan(draw(st.integers(1, max(1, job.held - 1)), label="split"))}
            self.act(job, how, "organizer", **(terms if how == "resolve_split" else {}))

    @staticmethod
    def hours_for(job: Job):
        """Hours a worker records: often more than estimated (the poster must answer), or fewer."""
        if job.price_type != "hourly":
            return st.none()
        more = st.integers(job.est_minutes // 15 + 1, 96).map(lambda quarters: str(quarters * 15 / 60))
        fewer = st.integers(1, job.est_minutes // 15).map(lambda quarters: str(quarters * 15 / 60))
        return st.one_of(more, fewer, HOURS)

    # --- invariants ----------------------------------------------------------------------------------

    def balances(self) -> dict:
        found = {}
        for kind, user_id, job_id, fen in self.db.execute(
            """SELECT a.kind, a.user_id, a.job_id, COALESCE(SUM(l.amount_fen), 0)
               FROM accounts a LEFT JOIN ledger_lines l ON l.account_id = a.id GROUP BY a.id"""
        ):
            key = ("wallet", self.names[user_id]) if kind == "wallet" else ("escrow", job_id) if job_id else (kind,)
            if fen:
                found[key] = fen
        return found

    @invariant()
    def the_books_balance(self):
        assert ledger.check_books(self.db) == []

    @invariant()
    def every_balance_is_what_the_model_expects(self):
        expected = {key: fen for key, fen in self.money.items() if fen}
        assert self.balances() == expected
        assert all(fen >= 0 for key, fen in expected.items() if key[0] != "cash")

    @invariant()
    def money_is_neither_created_nor_lost(self):
        found = self.balances()
        inside = sum(fen for key, fen in found.items() if key[0] != "cash")
        assert inside == -found.get(("cash",), 0)

    @invariant()
    def each_escrow_is_what_was_held_less_what_left_it(self):
        rows = self.db.execute(
            """SELECT a.job_id,
                      COALESCE(SUM(CASE WHEN l.amount_fen > 0 AND t.kind = 'hold' THEN l.amount_fen END), 0),
                      COALESCE(SUM(CASE WHEN l.amount_fen < 0 THEN -l.amount_fen END), 0),
                      COALESCE(SUM(CASE WHEN l.amount_fen > 0 AND t.kind != 'hold' THEN 1 END), 0),
                      COALESCE(SUM(t.job_id IS NOT a.job_id), 0)
               FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN transfers t ON t.id = l.transfer_id
               WHERE a.kind = 'escrow' GROUP BY a.id"""
        ).fetchall()
        from_lines = {}
        for job_id, held_in, paid_out, other_ins, foreign in rows:
            assert other_ins == 0, f"job {job_id}: money went into escrow other than by a hold"
            assert foreign == 0, f"job {job_id}: a transfer of another job touched its escrow"
            from_lines[job_id] = held_in - paid_out
        for job in self.model_jobs.values():
            held = from_lines.get(job.id, 0)
            assert held == ledger.balance_of(self.db, "escrow", job_id=job.id)
            if job.status in ENDED:
                assert held == 0, f"job {job.id} is {job.status} with {held} fen still in escrow"
            expected = job.estimate() + (job.extra() if job.extra_decision == "approved" else 0)
            expected += job.approved_materials()
            if job.status in ("assigned", "in_progress", "done", "disputed") or (
                job.status == "open" and job.mode == "grab"
            ):
                assert held == expected == job.held, (job.id, job.status, held, expected)
            elif job.status == "open":  # booking: what an earlier acceptance held, until accepted again
                assert held == job.held

    @invariant()
    def commission_is_booked_once_per_paid_job(self):
        per_job = dict(
            self.db.execute(
                """SELECT t.job_id, COUNT(DISTINCT t.id) FROM transfers t JOIN ledger_lines l ON l.transfer_id = t.id
                   JOIN accounts a ON a.id = l.account_id WHERE a.kind = 'commission' GROUP BY t.job_id"""
            ).fetchall()
        )
        assert None not in per_job, "commission booked outside a job"
        for job in self.model_jobs.values():
            count = per_job.get(job.id, 0)
            assert count <= 1, f"job {job.id}: commission booked {count} times"
            if job.status in ("cancelled", "expired") or job.last == ("resolve_refund", "organizer"):
                assert count == 0, f"job {job.id} was refunded ({job.status}) but paid commission"
            assert count == (1 if job.commission_fen else 0), (job.id, job.status, count, job.commission_fen)
        assert ledger.balance_of(self.db, "commission") == sum(job.commission_fen for job in self.model_jobs.values())

    def wallet_lines(self, name: str) -> list[dict]:
        return statements.wallet_lines(self.db, self.people[name]["id"], self.people["organizer"])

    @invariant()
    def every_wallet_line_is_named_and_the_last_runs_to_the_balance(self):
        for name in PEOPLE:
            lines = self.wallet_lines(name)
            assert [line["running_fen"] for line in lines[-1:]] == [self.money[("wallet", name)]][: len(lines)]
            for line in lines:
                job = self.model_jobs.get(line["job_id"])
                side = None if job is None else "poster" if name == job.poster else "worker"
                assert line["what"] in statements.WHAT
                assert (line["what"] in ("paid", "dispute_share", "cancel_fee", "tip_received")) == (side == "worker")

    @invariant()
    def each_settled_jobs_receipt_adds_up_and_matches_both_wallets(self):
        for job in self.model_jobs.values():
            if job.status not in ("completed", "resolved"):
                continue
            receipt = statements.receipt(self.db, self.people["organizer"], job.id)
            assert receipt.held_fen == receipt.paid_fen + receipt.commission_fen + receipt.back_fen, receipt
            assert receipt.commission_fen == job.commission_fen
            spent = sum(line["amount_fen"] for line in self.wallet_lines(job.poster) if line["job_id"] == job.id)
            assert -spent == receipt.poster_paid_fen
            got = sum(line["amount_fen"] for line in self.wallet_lines(job.worker) if line["job_id"] == job.id)
            assert got == receipt.helper_got_fen
            refunded = job.last[0] in ("resolve_refund", "resolve_split") and receipt.back_fen
            assert receipt.back_what == ("dispute_refund" if refunded else "unused_back")

    @invariant()
    def no_idempotency_key_is_used_twice(self):
        repeated = self.db.execute(
            "SELECT idempotency_key, COUNT(*) FROM transfers GROUP BY idempotency_key HAVING COUNT(*) > 1"
        ).fetchall()
        assert repeated == []

    @invariant()
    def each_step_tells_its_other_side_once_and_nobody_else(self):
        """Every step of a job told exactly the job's sides but whoever took it (organizers too, of a
        new dispute), once; and nothing about a job reached anyone with no part in it."""
        told: dict[str, set[int]] = {}
        for source, user_id in self.db.execute("SELECT source, user_id FROM notifications"):
            told.setdefault(source, set()).add(user_id)
        organizers = {row[0] for row in self.db.execute("SELECT id FROM users WHERE role = 'organizer'")}
        steps = self.db.execute(
            """SELECT e.id, e.action, e.actor_id, e.worker_id, j.poster_id FROM job_events e
               JOIN jobs j ON j.id = e.job_id WHERE e.action != 'post'"""
        ).fetchall()
        for event_id, action, actor_id, worker_id, poster_id in steps:
            expected = {poster_id, worker_id} | (organizers - {poster_id, worker_id} if action == "dispute" else set())
            assert told.get(f"event:{event_id}", set()) == expected - {actor_id, None}, (action, event_id)
        outsiders = self.db.execute(
            """SELECT n.kind, n.user_id FROM notifications n JOIN jobs j ON j.id = n.job_id
               WHERE n.kind != 'nearby.job' AND n.user_id != j.poster_id
                 AND n.user_id NOT IN (SELECT worker_id FROM job_events WHERE job_id = j.id AND worker_id IS NOT NULL)
                 AND n.user_id NOT IN (SELECT worker_id FROM applications WHERE job_id = j.id)
                 AND n.user_id NOT IN (SELECT id FROM users WHERE role = 'organizer')"""
        ).fetchall()
        assert outsiders == []

    @invariant()
    def jobs_and_materials_are_where_the_model_says(self):
        stored = dict(self.db.execute("SELECT id, status FROM jobs").fetchall())
        assert stored == {job.id: job.status for job in self.model_jobs.values()}
        lines = dict(self.db.execute("SELECT id, status FROM job_materials").fetchall())
        assert lines == {i: line["status"] for job in self.model_jobs.values() for i, line in job.materials.items()}


@pytest.mark.slow  # 500 random lifecycles of 25 steps
def test_money_is_conserved_through_random_job_lifecycles(copy_community, now):
    run_state_machine_as_test(
        lambda: MoneyMachine(copy_community, now),
        settings=settings(
            max_examples=budget(500),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

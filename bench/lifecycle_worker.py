"""One process of bench/ledger_stress.py: random job lifecycle operations on a shared database.

Each process has its own connection and its own random stream, and for a while does what the people
of a busy board do: residents post paid and free, fixed and hourly, grab and booking jobs; verified
workers claim, apply, start, finish (hourly: actual hours, sometimes above the estimate), add
materials; posters accept, answer extra hours and materials, confirm with a tip, dispute, cancel;
workers release; the organizer resolves disputes (pay, refund, split) and records top-ups and payouts;
the clock expires and auto-confirms; and now and then someone double-clicks or a form is sent again.

The processes pick their jobs from the same tables at the same time, so most races are real: a job
another process claimed, cancelled or settled a moment ago. Every domain refusal (services.errors:
AlreadyTaken, InvalidTransition, InsufficientFunds, ...) is expected and counted; anything else is
returned to the parent as a failure.

Time runs fast and shared: every process computes "now" from the same start, TIME_SCALE virtual seconds
per real second, so windows end, late cancellations start and done jobs auto-confirm within seconds.
"""

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.common import CENTER
from services import booking, jobs, ledger, materials, users
from services import db as database
from services.errors import LinbangError
from services.transitions import request

TIME_SCALE = 86_400  # one real second is a virtual day: a 5-second run sees expiries and auto-confirmations
ENDED = ("completed", "resolved", "cancelled", "expired")


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class Board:
    """One process's view: its connection, its people, its random stream and the shared clock."""

    def __init__(self, path: str, seed: int, epoch: float, base: datetime):
        self.rng, self.db, self.seed = random.Random(seed), database.connect(path), seed
        self.epoch, self.base = epoch, base
        people = [users.get(self.db, row["id"]) for row in self.db.query("SELECT id FROM users ORDER BY id")]
        self.organizer = next(p for p in people if p["role"] == "organizer")
        verified = {
            row["user_id"]
            for row in self.db.query("SELECT user_id FROM worker_profiles WHERE verification = 'verified'")
        }
        self.workers = [p for p in people if p["id"] in verified]
        self.residents = [p for p in people if p["id"] not in verified and p["role"] != "organizer"]
        self.by_id = {p["id"]: p for p in people}
        self.serial = 0
        self.last_act = None  # (job id, action, actor, terms): what a double click repeats

    def now(self) -> datetime:
        return self.base + timedelta(seconds=(time.time() - self.epoch) * TIME_SCALE)

    def key(self) -> str:
        self.serial += 1
        return f"p{self.seed}-{self.serial}"

    def job(self, *statuses: str, mode: str | None = None) -> dict | None:
        """A random job in one of `statuses` (as read now: another process may move it first)."""
        where = f"status IN ({', '.join('?' * len(statuses))})" + (" AND mode = ?" if mode else "")
        params = [*statuses, *([mode] if mode else [])]
        rows = list(self.db.query(f"SELECT * FROM jobs WHERE {where} ORDER BY RANDOM() LIMIT 1", params))
        return rows[0] if rows else None

    def act(self, job: dict, action: str, actor: dict, **terms) -> None:
        self.last_act = (job["id"], action, actor, terms)
        jobs.act(self.db, job["id"], action, actor, request(action, **terms), now=self.now())

    # --- the operations: each does one thing or raises a LinbangError; None when there is nothing to do

    def post(self):
        poster = self.rng.choice(self.residents)
        price_type = self.rng.choice(jobs.PRICE_TYPES)
        start = self.now() + timedelta(hours=self.rng.uniform(-2, 48))
        jobs.post(
            self.db,
            poster,
            title="Help wanted",
            description="Random bench job.",
            category=self.rng.choice(["moving", "parcel"]),
            price_yuan=yuan(self.rng.choice([0, self.rng.randint(1, 99), self.rng.randint(100, 50_000)])),
            price_type=price_type,
            est_hours=str(self.rng.randint(2, 16) * 15 / 60) if price_type == "hourly" else None,
            window_start=start,
            window_end=start + timedelta(hours=self.rng.uniform(1, 72)),
            lat=CENTER[0] + self.rng.uniform(-0.005, 0.005),
            lon=CENTER[1],
            mode=self.rng.choice(jobs.MODES),
            now=self.now(),
        )

    def claim(self):
        job = self.job("open", mode="grab")
        return job and self.act(job, "claim", self.rng.choice(self.workers))

    def apply_and_accept(self):
        job = self.job("open", mode="booking")
        if not job:
            return None
        worker = self.rng.choice(self.workers)
        quote = yuan(self.rng.choice([0, self.rng.randint(1, 50_000)]))
        if self.rng.random() < 0.7:
            booking.apply(self.db, worker, job["id"], quote_yuan=quote, now=self.now())
        pending = list(self.db.query("SELECT * FROM applications WHERE job_id = ? AND status = 'pending'", [job["id"]]))
        if pending:
            application = self.rng.choice(pending)
            decider = job["poster_id"] if application["kind"] == "apply" else application["worker_id"]
            booking.accept(self.db, self.by_id[decider], application["id"], now=self.now())
        return True

    def start_or_release(self):
        job = self.job("assigned")
        action = "release" if self.rng.random() < 0.2 else "start"
        return job and self.act(job, action, self.by_id[job["worker_id"]])

    def finish(self):
        job = self.job("in_progress")
        hours = str(self.rng.randint(1, 48) * 15 / 60) if self.rng.random() < 0.7 else None
        return job and self.act(job, "finish", self.by_id[job["worker_id"]], hours=hours)

    def add_material(self):
        job = self.job("in_progress", "done")
        if not job:
            return None
        return materials.add(
            self.db,
            self.by_id[job["worker_id"]],
            job["id"],
            what="Screws",
            amount_yuan=yuan(self.rng.randint(1, 20_000)),
            receipt=None,
            key=self.key(),
            now=self.now(),
        )

    def answer_what_waits(self):
        """The poster answers a waiting materials line or extra hours."""
        lines = list(self.db.query("SELECT * FROM job_materials WHERE status = 'pending' ORDER BY RANDOM() LIMIT 1"))
        line = lines[0] if lines else None
        approve = self.rng.random() < 0.7
        if line and self.rng.random() < 0.5:
            job = jobs.get(self.db, line["job_id"], None)
            return materials.decide(self.db, self.by_id[job["poster_id"]], line["id"], approve=approve, now=self.now())
        job = self.job("done")
        if not job:
            return None
        return jobs.answer_extra_hours(
            self.db, self.by_id[job["poster_id"]], job["id"], approve=approve, now=self.now()
        )

    def confirm_or_dispute(self):
        job = self.job("done")
        if not job:
            return None
        poster = self.by_id[job["poster_id"]]
        if self.rng.random() < 0.3:
            return self.act(job, "dispute", poster, detail="Not finished")
        return self.act(job, "confirm", poster, tip_yuan=yuan(self.rng.choice([0, self.rng.randint(1, 2_000)])))

    def resolve(self):
        job = self.job("disputed")
        if not job:
            return None
        action = self.rng.choice(["resolve_pay", "resolve_refund", "resolve_split"])
        held = ledger.balance_of(self.db, "escrow", job_id=job["id"])
        terms = {"split_yuan": yuan(self.rng.randint(0, held + 1))} if action == "resolve_split" else {}
        return self.act(job, action, self.organizer, **terms)

    def cancel(self):
        job = self.job("open", "assigned")
        return job and self.act(job, "cancel", self.by_id[job["poster_id"]])

    def run_clock(self):
        return jobs.run_clock(self.db, self.now())

    def cashier(self):
        person = self.rng.choice([*self.residents, *self.workers])
        move = ledger.top_up if self.rng.random() < 0.5 else ledger.payout
        key = f"p{self.seed}-repeat" if self.rng.random() < 0.1 else self.key()  # now and then a key used before
        return move(self.db, self.organizer, person["id"], yuan(self.rng.randint(1, 500_000)), key=key, now=self.now())

    def double_click(self):
        """The last job action again, at once: must change nothing (or be refused)."""
        if not self.last_act:
            return None
        job_id, action, actor, terms = self.last_act
        return jobs.act(self.db, job_id, action, actor, request(action, **terms), now=self.now())


OPERATIONS = [
    (Board.post, 4),
    (Board.claim, 3),
    (Board.apply_and_accept, 3),
    (Board.start_or_release, 3),
    (Board.finish, 3),
    (Board.add_material, 1),
    (Board.answer_what_waits, 2),
    (Board.confirm_or_dispute, 3),
    (Board.resolve, 2),
    (Board.cancel, 1),
    (Board.run_clock, 1),
    (Board.cashier, 2),
    (Board.double_click, 1),
]


def run(path: str, seed: int, seconds: float, epoch: float, base: datetime) -> tuple[int, Counter, list[str]]:
    """Random operations for `seconds`. Returns (how many went through, the refusals by error name,
    the unexpected errors as text)."""
    board = Board(path, seed, epoch, base)
    done, refused, unexpected = 0, Counter(), []
    functions, weights = zip(*OPERATIONS, strict=True)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            operation = board.rng.choices(functions, weights)[0]
            try:
                operation(board)
                done += 1
            except LinbangError as error:
                refused[type(error).__name__] += 1
            except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the run
                unexpected.append(f"{operation.__name__}: {error!r}")
    finally:
        board.db.conn.close()
    return done, refused, unexpected


if __name__ == "__main__":  # one process by hand: python -m bench.lifecycle_worker DB_PATH SEED SECONDS
    import sys

    print(run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), time.time(), datetime.now(UTC)))

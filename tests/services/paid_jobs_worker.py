"""The work of a forked process that runs paid jobs through their whole life as fast as it can, until it is killed:
post (the price held; the organizer tops the poster up when short), claim, start, a material added
and approved (held), finish, confirm with a tip (paid out, commission booked) — over and over.

Used by test_ledger_crash.py, which kills it with SIGKILL at random moments (a confirmation, the
longest transaction, is among the places it dies) and then checks every job's money against its status.
The database is a copy of tests/services/conftest.py's community template.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from services import db as database
from services import jobs, ledger, materials, users
from services.clock import utcnow
from services.transitions import Confirm
from tests.services.conftest import valid_job_fields


def run(path: str, seed: int, ready: Callable[[], None]) -> None:
    rng, db = random.Random(seed), database.connect(path)
    poster = users.get(db, users.by_username(db, "poster")["id"])
    worker = users.get(db, users.by_username(db, "verified_worker")["id"])
    organizer = users.get(db, users.by_username(db, "organizer")["id"])
    now = utcnow()
    ready()  # the test's clock for the kill starts now
    for n in range(1_000_000):
        now += timedelta(minutes=1)
        if ledger.balance_of(db, "wallet", user_id=poster["id"]) < 50_000:  # the organizer takes more cash in
            ledger.top_up(db, organizer, poster["id"], "10000", key=f"{seed}-{n}-cash", again=True, now=now)
        job_id = jobs.post(db, poster, **valid_job_fields(now, price_yuan=f"{rng.randint(1, 20000) / 100:.2f}"))
        for action in ("claim", "start"):
            jobs.act(db, job_id, action, worker, now=now)
        amount, key = f"{rng.randint(1, 5000) / 100:.2f}", f"{seed}-{n}"
        line = materials.add(db, worker, job_id, what="Tape", amount_yuan=amount, receipt=None, key=key, now=now)
        materials.decide(db, poster, line, approve=True, now=now)
        jobs.act(db, job_id, "finish", worker, now=now)
        jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan=str(rng.randint(0, 20))), now=now)

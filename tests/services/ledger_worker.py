"""The work of a forked process that records random top-ups and payouts as fast as it can, until it is killed.

Used by test_ledger_crash.py (killed with SIGKILL at random moments). A payout larger than the wallet
is refused whole by the ledger; now and then a key is used a second time, which must move nothing.
"""

import itertools
import random
from collections.abc import Callable

from services import db as database
from services import ledger
from services.clock import utcnow
from services.errors import InsufficientFunds, ValidationError


def run(path: str, seed: int, ready: Callable[[], None]) -> None:
    """Record transfers until killed."""
    rng, db = random.Random(seed), database.connect(path)
    people = [dict(r) for r in db.query("SELECT * FROM users ORDER BY id")]
    organizer = next(p for p in people if p["role"] == "organizer")
    ready()  # the test's clock for the kill starts now
    for n in itertools.count():
        move, who = rng.choice((ledger.top_up, ledger.payout)), rng.choice(people)
        key = f"{seed}-repeat" if rng.random() < 0.1 else f"{seed}-{n}"
        try:
            move(db, organizer, who["id"], f"{rng.randint(1, 5000) / 100:.2f}", key=key, again=True, now=utcnow())
        except (InsufficientFunds, ValidationError):  # a top-up beyond the cap, a payout beyond the wallet
            pass

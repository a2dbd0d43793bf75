"""A process that records random top-ups and payouts as fast as it can, until it is killed.

    python -m tests.services.ledger_worker DB_PATH SEED

Used by test_ledger_crash.py (killed with SIGKILL at random moments). A payout larger than the wallet
is refused whole by the ledger; now and then a key is used a second time, which must move nothing.
"""

import itertools
import random
import sys

from services import db as database
from services import ledger
from services.clock import utcnow
from services.errors import InsufficientFunds


def run(path: str, seed: int) -> None:
    """Record transfers until killed."""
    rng, db = random.Random(seed), database.connect(path)
    people = [dict(r) for r in db.query("SELECT * FROM users ORDER BY id")]
    organizer = next(p for p in people if p["role"] == "organizer")
    print("ready", flush=True)  # the test's clock for the kill starts now
    for n in itertools.count():
        move, who = rng.choice((ledger.top_up, ledger.payout)), rng.choice(people)
        key = f"{seed}-repeat" if rng.random() < 0.1 else f"{seed}-{n}"
        try:
            move(db, organizer, who["id"], f"{rng.randint(1, 5000) / 100:.2f}", key=key, again=True, now=utcnow())
        except InsufficientFunds:
            pass


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]))

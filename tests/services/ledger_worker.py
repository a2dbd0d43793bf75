"""A process that records random top-ups and payouts as fast as it can, until it is killed.

    python -m tests.services.ledger_worker DB_PATH SEED

Used by test_ledger_crash.py (killed with SIGKILL at random moments) and bench/ledger_stress.py (several
at once). A payout larger than the wallet is refused whole by the ledger; now and then a key is used a
second time, which must move nothing.
"""

import random
import sys
import time

from services import db as database
from services import ledger
from services.clock import utcnow
from services.errors import InsufficientFunds


def run(path: str, seed: int, seconds: float | None = None) -> int:
    """Record transfers for `seconds` (forever when None). Returns how many calls went through."""
    rng, db = random.Random(seed), database.connect(path)
    people = [dict(r) for r in db.query("SELECT * FROM users ORDER BY id")]
    organizer = next(p for p in people if p["role"] == "organizer")
    done, deadline = 0, None if seconds is None else time.monotonic() + seconds
    try:
        while deadline is None or time.monotonic() < deadline:
            move, who = rng.choice((ledger.top_up, ledger.payout)), rng.choice(people)
            key = f"{seed}-repeat" if rng.random() < 0.1 else f"{seed}-{done}-{rng.random()}"
            try:
                move(db, organizer, who["id"], f"{rng.randint(1, 5000) / 100:.2f}", key=key, now=utcnow())
                done += 1
            except InsufficientFunds:
                pass
    finally:
        db.conn.close()
    return done


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]))

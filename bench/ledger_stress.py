"""Ledger under load: P processes, each with its own connection, record random top-ups and payouts
(some refused for lack of credit, some repeating an idempotency key) on one temporary database for S
seconds; then the books are checked (services.ledger.check_books) and the integrity of the file.

Prints one line: transfers=N invariant_violations=N elapsed_s=X
Exits 1 on any violation. The moves are the cashier's for now; the job lifecycle's (hold, pay,
refund) join them when escrow lands (issue #4).

    .venv/bin/python bench/ledger_stress.py [--processes 4] [--seconds 10]
"""

import argparse
import multiprocessing
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.common import community_with_poster, person  # noqa: E402
from services import db as database  # noqa: E402
from services import ledger  # noqa: E402
from services.clock import utcnow  # noqa: E402
from tests.services.ledger_worker import run  # noqa: E402

PEOPLE = 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="linbang-ledger-") as tmp:
        path = pathlib.Path(tmp) / "linbang.db"
        db = database.connect(path)
        community_with_poster(db, name="Bench Court", radius_km=3, now=utcnow())
        for i in range(PEOPLE):
            person(db, f"resident{i}", f"Resident {i}", utcnow())
        db.conn.close()

        started = time.perf_counter()
        with multiprocessing.Pool(args.processes) as pool:
            calls = sum(pool.starmap(run, [(str(path), seed, args.seconds) for seed in range(args.processes)]))
        elapsed = time.perf_counter() - started

        db = database.connect(path)
        problems = ledger.check_books(db)
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        transfers = db["transfers"].count
        db.conn.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"transfers={transfers} invariant_violations={len(problems)} elapsed_s={elapsed:.3f}")
    print(f"calls={calls}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Ledger under load: P processes, each with its own connection, run random job lifecycle operations
(bench/lifecycle_worker.py: post, claim, apply and accept, start, finish, materials added and answered,
extra hours answered, confirm with a tip, dispute and resolve, cancel, release, the clock, the
cashier's top-ups and payouts, double clicks and reused idempotency keys) on one temporary database for
S seconds. Races between the processes are expected and refused by the services (AlreadyTaken,
InvalidTransition, InsufficientFunds, ...); anything else that escapes is a violation.

Then the database is checked: the books (services.ledger.check_books: all lines and every transfer
sum to zero, no wallet, escrow or commission below zero), PRAGMA integrity_check, every ended job
(completed, resolved, cancelled, expired) with an empty escrow, no idempotency key twice, no job's
commission booked twice.

Prints one line: transfers=N invariant_violations=N elapsed_s=X
Exits 1 on any violation.

    .venv/bin/python bench/ledger_stress.py [--processes 4] [--seconds 10]
"""

import argparse
import multiprocessing
import pathlib
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.common import community_with_poster, person  # noqa: E402
from bench.lifecycle_worker import ENDED, run  # noqa: E402
from demo import samples  # noqa: E402
from services import db as database  # noqa: E402
from services import ledger, users, workers  # noqa: E402
from services.clock import utcnow  # noqa: E402

RESIDENTS = 6  # besides the poster, who starts with ¥100,000
RESIDENT_CREDIT_YUAN = "2000"
WORKERS = 4  # verified: they claim, apply and get paid


def set_up(path: pathlib.Path, now) -> None:
    """The community, its organizer, a poster, residents with some credit and verified workers."""
    db = database.connect(path)
    try:
        organizer, _ = community_with_poster(db, name="Bench Court", radius_km=3, now=now)
        for i in range(RESIDENTS):
            resident = person(db, f"resident{i}", f"Resident {i}", now)
            ledger.top_up(db, organizer, resident["id"], RESIDENT_CREDIT_YUAN, key=f"bench-resident-{i}", now=now)
        for i in range(WORKERS):
            worker = person(db, f"worker{i}", f"Worker {i}", now)
            workers.set_taking_jobs(db, worker, taking_jobs=True, categories=["moving", "parcel"], now=now)
            samples.verify(db, organizer, users.get(db, worker["id"]), now)
    finally:
        db.conn.close()


def violations(db) -> list[str]:
    """Everything wrong with the books and the file after the run, as readable lines."""
    problems = ledger.check_books(db)
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    for row in db.query(
        f"""SELECT j.id, j.status, SUM(l.amount_fen) AS fen FROM jobs j
            JOIN accounts a ON a.kind = 'escrow' AND a.job_id = j.id JOIN ledger_lines l ON l.account_id = a.id
            WHERE j.status IN ({", ".join("?" * len(ENDED))}) GROUP BY j.id HAVING fen != 0""",
        ENDED,
    ):
        problems.append(f"job {row['id']} is {row['status']} with {row['fen']} fen still in escrow")
    for row in db.query("SELECT idempotency_key, COUNT(*) AS n FROM transfers GROUP BY idempotency_key HAVING n > 1"):
        problems.append(f"idempotency key {row['idempotency_key']!r} used by {row['n']} transfers")
    for row in db.query(
        """SELECT t.job_id, COUNT(DISTINCT t.id) AS n FROM transfers t JOIN ledger_lines l ON l.transfer_id = t.id
           JOIN accounts a ON a.id = l.account_id WHERE a.kind = 'commission' GROUP BY t.job_id HAVING n > 1"""
    ):
        problems.append(f"job {row['job_id']}: commission booked by {row['n']} transfers")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")  # no connection or lock state inherited by a fork
    with tempfile.TemporaryDirectory(prefix="linbang-ledger-") as tmp:
        path = pathlib.Path(tmp) / "linbang.db"
        base = utcnow().replace(microsecond=0)
        set_up(path, base)

        started, epoch = time.perf_counter(), time.time()  # the processes share one fast clock from here
        with context.Pool(args.processes) as pool:
            results = pool.starmap(
                run, [(str(path), seed, args.seconds, epoch, base) for seed in range(args.processes)]
            )
        elapsed = time.perf_counter() - started

        db = database.connect(path)
        try:
            problems = violations(db) + [error for _, _, unexpected in results for error in unexpected]
            transfers = db["transfers"].count
            statuses = dict(db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
        finally:
            db.conn.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"transfers={transfers} invariant_violations={len(problems)} elapsed_s={elapsed:.3f}")
    done, refused = sum(r[0] for r in results), sum((r[1] for r in results), Counter())
    print(f"operations={done} refused={dict(refused)} jobs={statuses}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

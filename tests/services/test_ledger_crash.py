"""Crash safety: a process recording transfers, or running paid jobs through their life, is killed with
SIGKILL at random moments; each time the database must pass its integrity check, every transfer must be
there whole or not at all, the books must balance, and every job's money must agree with its status."""

import contextlib
import multiprocessing
import os
import pathlib
import random
import signal
import time

import pytest

from services import db as database
from services import fees, ledger, pricing
from tests.budget import budget
from tests.services import ledger_worker, paid_jobs_worker

KILLS = budget(50)  # dev: 5
FORK = multiprocessing.get_context("fork")


def kill_at_random(path: pathlib.Path, work, seed: int, rng: random.Random, after: tuple[float, float]) -> None:
    """Fork a child that runs `work(path, seed, ready)` and SIGKILL it some seconds into its work.

    A fork starts with the test's imports done, so each of the many kills costs the work alone, not a
    new interpreter. The time counts from the child's `ready()` (its set-up done), not from its start,
    so a busy machine slows the child's work but never kills it before it began."""
    readiness, tell = FORK.Pipe(duplex=False)
    child = FORK.Process(target=work, args=(str(path), seed, lambda: tell.send("ready")))
    child.start()
    assert readiness.poll(60) and readiness.recv() == "ready", f"the child ended first (exit code {child.exitcode})"
    time.sleep(rng.uniform(*after))
    assert child.is_alive(), f"the child ended before it was killed (exit code {child.exitcode})"
    os.kill(child.pid, signal.SIGKILL)
    child.join()


@contextlib.contextmanager
def reopened_whole(path: pathlib.Path):
    """The database after a kill, once it has passed its integrity check and its books balance."""
    db = database.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ledger.check_books(db) == []
        yield db
    finally:
        db.conn.close()


@pytest.mark.slow
def test_killing_a_process_mid_transfer_never_leaves_half_a_transfer(copy_community, tmp_path):
    path = tmp_path / "linbang.db"
    copy_community(path)
    rng = random.Random(50)
    seen_transfers = 0
    for kill in range(KILLS):
        kill_at_random(path, ledger_worker.run, kill, rng, (0.05, 0.6))
        with reopened_whole(path) as db:
            transfers = db["transfers"].count
        seen_transfers = max(seen_transfers, transfers)
    assert seen_transfers > KILLS, "control: the children did record transfers before being killed"


# Every job with what its escrow holds, its approved materials, its pay transfers and what they gave its
# worker, in one pass: the check runs after each of 50 kills over every job the children made.
JOB_MONEY = """SELECT j.*, COALESCE(h.fen, 0) AS held, COALESCE(m.fen, 0) AS approved, COALESCE(p.pays, 0) AS pays,
        p.worker_got
    FROM jobs j
    LEFT JOIN (SELECT a.job_id, SUM(l.amount_fen) AS fen FROM accounts a JOIN ledger_lines l ON l.account_id = a.id
               WHERE a.kind = 'escrow' GROUP BY a.job_id) h ON h.job_id = j.id
    LEFT JOIN (SELECT job_id, SUM(amount_fen) AS fen FROM job_materials WHERE status = 'approved' GROUP BY job_id) m
        ON m.job_id = j.id
    LEFT JOIN (SELECT t.job_id, COUNT(DISTINCT t.id) AS pays,
                      SUM(CASE WHEN a.kind = 'wallet' AND a.user_id = pj.worker_id THEN l.amount_fen END) AS worker_got
               FROM transfers t JOIN jobs pj ON pj.id = t.job_id JOIN ledger_lines l ON l.transfer_id = t.id
               JOIN accounts a ON a.id = l.account_id WHERE t.kind = 'pay' GROUP BY t.job_id) p ON p.job_id = j.id"""


def job_money_disagreements(db) -> list[str]:
    """Every job whose money does not match its status: a job under way holds its price and its
    approved materials; a completed one holds nothing and was paid exactly once, less the commission."""
    problems = []
    for job in db.query(JOB_MONEY):
        held, approved, price = job["held"], job["approved"], pricing.estimated_total_fen(job)
        if job["status"] == "completed":
            expected = price - fees.commission_of(db, price) + approved
            if held or job["pays"] != 1 or job["worker_got"] != expected:
                problems.append(
                    f"completed job {job['id']}: held {held}, pays {job['pays']}, worker got {job['worker_got']}"
                )
        elif held != price + approved or job["pays"]:
            problems.append(f"{job['status']} job {job['id']}: held {held}, approved materials {approved}")
    return problems


@pytest.mark.slow
def test_killing_a_process_mid_confirmation_leaves_every_job_paid_once_or_not_at_all(copy_community, tmp_path):
    path = tmp_path / "linbang.db"
    copy_community(path)
    rng = random.Random(4)
    completed = 0
    for kill in range(KILLS):
        kill_at_random(path, paid_jobs_worker.run, kill, rng, (0.1, 1.2))
        with reopened_whole(path) as db:
            assert job_money_disagreements(db) == []
            completed = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'completed'").fetchone()[0]
    assert completed > KILLS, "control: the children did complete jobs before being killed"

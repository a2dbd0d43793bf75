"""Crash safety: a process recording transfers, or running paid jobs through their life, is killed with
SIGKILL at random moments; each time the database must pass its integrity check, every transfer must be
there whole or not at all, the books must balance, and every job's money must agree with its status."""

import contextlib
import pathlib
import random
import signal
import subprocess
import sys
import time

import pytest

from services import db as database
from services import escrow, fees, ledger, materials, pricing
from tests.budget import budget

KILLS = budget(50)  # dev: 5
ROOT = pathlib.Path(__file__).resolve().parents[2]


def kill_at_random(path: pathlib.Path, worker: str, seed: int, rng: random.Random, after: tuple[float, float]) -> None:
    """Start `python -m tests.services.<worker> path seed` and SIGKILL it some seconds in."""
    child = subprocess.Popen(
        [sys.executable, "-m", f"tests.services.{worker}", str(path), str(seed)], cwd=ROOT, stderr=subprocess.PIPE
    )
    time.sleep(rng.uniform(*after))
    assert child.poll() is None, child.stderr.read().decode()
    child.send_signal(signal.SIGKILL)
    child.wait()


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
@pytest.mark.serial  # each kill falls 0.6-1.2 s into the child's run: with the CPU shared it records less by then
def test_killing_a_process_mid_transfer_never_leaves_half_a_transfer(copy_community, tmp_path):
    path = tmp_path / "linbang.db"
    copy_community(path)
    rng = random.Random(50)
    seen_transfers = 0
    for kill in range(KILLS):
        kill_at_random(path, "ledger_worker", kill, rng, (0.6, 1.2))  # imports take ~0.5 s; then mid-stream
        with reopened_whole(path) as db:
            transfers = db["transfers"].count
        seen_transfers = max(seen_transfers, transfers)
    assert seen_transfers > KILLS, "control: the children did record transfers before being killed"


def job_money_disagreements(db) -> list[str]:
    """Every job whose money does not match its status: a job under way holds its price and its
    approved materials; a completed one holds nothing and was paid exactly once, less the commission."""
    problems = []
    for job in db.query("SELECT * FROM jobs"):
        held = escrow.job_held_fen(db, job["id"])
        approved = materials.approved_fen(db, job["id"])
        pays = list(db.query("SELECT id FROM transfers WHERE job_id = ? AND kind = 'pay'", [job["id"]]))
        if job["status"] == "completed":
            worker_line = db.execute(
                """SELECT l.amount_fen FROM ledger_lines l JOIN accounts a ON a.id = l.account_id
                   WHERE l.transfer_id = ? AND a.kind = 'wallet' AND a.user_id = ?""",
                [pays[0]["id"] if pays else None, job["worker_id"]],
            ).fetchone()
            price = pricing.estimated_total_fen(job)
            expected = price - fees.commission_of(db, price) + approved
            if held or len(pays) != 1 or not worker_line or worker_line[0] != expected:
                problems.append(f"completed job {job['id']}: held {held}, pays {len(pays)}, worker got {worker_line}")
        elif held != pricing.estimated_total_fen(job) + approved or pays:
            problems.append(f"{job['status']} job {job['id']}: held {held}, approved materials {approved}")
    return problems


@pytest.mark.slow
@pytest.mark.serial  # each kill falls 1.2-2.4 s into the child's run: with the CPU shared it completes less by then
def test_killing_a_process_mid_confirmation_leaves_every_job_paid_once_or_not_at_all(copy_community, tmp_path):
    path = tmp_path / "linbang.db"
    copy_community(path)
    rng = random.Random(4)
    completed = 0
    for kill in range(KILLS):
        kill_at_random(path, "paid_jobs_worker", kill, rng, (1.2, 2.4))  # imports ~1 s (pytest's conftest)
        with reopened_whole(path) as db:
            assert job_money_disagreements(db) == []
            completed = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'completed'").fetchone()[0]
    assert completed > KILLS, "control: the children did complete jobs before being killed"

"""Crash safety: a process recording transfers is killed with SIGKILL at random moments; each time the
database must pass its integrity check, every transfer must be there whole or not at all, and the
books must balance."""

import pathlib
import random
import signal
import subprocess
import sys
import time

from services import db as database
from services import ledger

KILLS = 50
ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_killing_a_process_mid_transfer_never_leaves_half_a_transfer(copy_community, tmp_path):
    path = tmp_path / "linbang.db"
    copy_community(path)
    rng = random.Random(50)
    seen_transfers = 0
    for kill in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.services.ledger_worker", str(path), str(kill)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.6, 1.2))  # imports take ~0.5 s; then it is mid-stream
        assert child.poll() is None, child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
        child.wait()

        db = database.connect(path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert ledger.check_books(db) == []
            transfers = db["transfers"].count
        finally:
            db.conn.close()
        seen_transfers = max(seen_transfers, transfers)
    assert seen_transfers > KILLS, "control: the children did record transfers before being killed"

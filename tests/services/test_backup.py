"""Backups of a board in use and their restore (services.backup), and the health check (services.health).

Real files throughout: the community template's database, writer threads on their own connections
posting, paying and recording cash while a backup is taken, archives unpacked and broken on purpose,
and the command lines run as a person runs them (subprocess).
"""

import contextlib
import io
import json
import os
import pathlib
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
from datetime import timedelta

import pytest

from services import backup, health, jobs, ledger, settings, users
from services import db as database
from services.errors import BackupRefused, ValidationError
from tests.services.conftest import NOW, act_as_sent, valid_job_fields

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIFE = ("claim", "start", "finish", "confirm")  # a grab job from open to paid


def transfer_ids(path: pathlib.Path) -> set[int]:
    """The transfers committed in the database at `path` now (a connection of its own)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM transfers")}


class Writers:
    """Threads, each on its own connection, writing through the real services until stopped: one
    posts jobs and takes each through its life to payment, two record top-ups and payouts."""

    def __init__(self, path: pathlib.Path):
        self.path, self.stop, self.errors = path, threading.Event(), []
        self.threads = [
            threading.Thread(target=self._guard, args=(self._jobs,)),
            *(threading.Thread(target=self._guard, args=(self._cash, n)) for n in range(2)),
        ]

    def __enter__(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        assert not self.errors, self.errors

    def _guard(self, work, *args) -> None:
        db = database.connect(self.path)
        try:
            work(db, *args)
        except Exception as error:  # reported by __exit__, in the test's thread
            self.errors.append(repr(error))
        finally:
            db.conn.close()

    def _jobs(self, db) -> None:
        poster, worker = (users.by_username(db, name) for name in ("poster", "verified_worker"))
        while not self.stop.is_set():
            job_id = jobs.post(db, poster, **valid_job_fields(NOW, price_yuan="12"))
            for action in LIFE:
                act_as_sent(db, job_id, action, poster if action == "confirm" else worker, NOW)

    def _cash(self, db, n: int) -> None:
        organizer, person = (users.by_username(db, name) for name in ("organizer", "second_worker"))
        turn = 0
        while not self.stop.is_set():  # two top-ups, then a payout of one of them: never below zero
            move = ledger.payout if turn % 3 == 2 else ledger.top_up
            move(db, organizer, person["id"], "3.50", key=f"{n}-{turn}", again=True, now=NOW)
            turn += 1


def members(archive: pathlib.Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def repack(archive: pathlib.Path, target: pathlib.Path, **changed: bytes) -> pathlib.Path:
    """A copy of `archive` with some members' contents replaced (the manifest by name too)."""
    with tarfile.open(target, "w:gz") as tar:
        for name, body in {**members(archive), **changed}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return target


def manifest_of(archive: pathlib.Path) -> dict:
    return json.loads(members(archive)[backup.MANIFEST])


def with_manifest(archive: pathlib.Path, **fields) -> bytes:
    return json.dumps({**manifest_of(archive), **fields}).encode()


@pytest.fixture
def archive(db, db_path, tmp_path):
    """An archive of the test's board (no traffic), taken with create."""
    return backup.create(db_path, tmp_path / "archives" / "board.tar.gz", NOW).path


def refused(key: str, call) -> BackupRefused:
    with pytest.raises(BackupRefused) as caught:
        call()
    assert caught.value.key == key
    return caught.value


# --- a backup while people keep using the board -------------------------------------------------


def test_backup_while_writers_post_and_pay_holds_every_transfer_committed_before_it(db, db_path, tmp_path):
    with Writers(db_path):
        while len(transfer_ids(db_path)) < 30:  # the writers are well under way
            threading.Event().wait(0.05)
        before = transfer_ids(db_path)
        taken = backup.create(db_path, tmp_path / "mid-traffic.tar.gz", NOW)
        during = transfer_ids(db_path)
    assert len(transfer_ids(db_path)) > len(during) >= len(before), "control: the writers kept writing throughout"
    assert taken.integrity == "ok"
    target = tmp_path / "restored" / "linbang.db"
    backup.restore(taken.path, target)
    assert transfer_ids(target) >= before
    restored = database.connect(target)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert ledger.check_books(restored) == []
    assert taken.counts["transfers"] == len(transfer_ids(target))
    restored.conn.close()


def test_archive_holds_the_uploads_and_a_manifest_naming_the_migrations(db, db_path, tmp_path, organizer, now):
    photo = backup.uploads.folder(db, "public") / ("a" * 32 + ".jpg")
    photo.write_bytes(b"picture")
    taken = backup.create(db_path, tmp_path / "board.tar.gz", now)
    inside = members(taken.path)
    assert inside["uploads/public/" + photo.name] == b"picture"
    manifest = json.loads(inside[backup.MANIFEST])
    assert manifest["migrations"] == backup.known_migrations()
    assert manifest["integrity"] == "ok" and manifest["counts"]["uploads"] == 1
    assert stat.S_IMODE(taken.path.stat().st_mode) == 0o600
    target = tmp_path / "elsewhere" / "linbang.db"
    backup.restore(taken.path, target)
    restored_photo = backup.uploads.root_for(target) / "public" / photo.name
    assert restored_photo.read_bytes() == b"picture"
    assert stat.S_IMODE(restored_photo.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backing_up_where_no_board_is_refused(tmp_path):
    refused("error.backup_no_board", lambda: backup.create(tmp_path / "none.db", tmp_path / "a.tar.gz"))
    assert not (tmp_path / "none.db").exists()


# --- restore refuses what it must ------------------------------------------------------------------


def test_truncated_archive_is_refused_and_nothing_is_written(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = tmp_path / "fresh" / "linbang.db"
    error = refused("error.backup_unreadable", lambda: backup.restore(cut, target))
    assert error.params["detail"]
    assert list(target.parent.iterdir()) == []  # not even the scratch folder stays


def test_archive_whose_database_has_a_flipped_byte_is_refused(archive, tmp_path):
    data = bytearray(members(archive)[backup.DATABASE])
    data[len(data) // 2] ^= 0xFF
    broken = repack(archive, tmp_path / "flipped.tar.gz", **{backup.DATABASE: bytes(data)})
    refused("error.backup_damaged", lambda: backup.restore(broken, tmp_path / "fresh" / "linbang.db"))


def test_archive_failing_the_integrity_check_is_refused(archive, tmp_path):
    """A page of an index overwritten (and the checksum made to match): only the check can tell."""
    data = bytearray(members(archive)[backup.DATABASE])
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        conn.deserialize(bytes(data))
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchone()[0]
    data[(root - 1) * page_size : root * page_size] = b"\xee" * page_size
    broken_db = bytes(data)
    digest = backup.hashlib.sha256(broken_db).hexdigest()
    broken = repack(
        archive,
        tmp_path / "failing.tar.gz",
        **{backup.DATABASE: broken_db, backup.MANIFEST: with_manifest(archive, sha256=digest)},
    )
    error = refused("error.backup_failed_check", lambda: backup.restore(broken, tmp_path / "fresh" / "linbang.db"))
    assert error.params["detail"]


def test_archive_from_a_newer_board_is_refused(archive, tmp_path):
    """The database has had a migration this code does not know."""
    unpacked = tmp_path / "newer.db"
    unpacked.write_bytes(members(archive)[backup.DATABASE])
    with contextlib.closing(sqlite3.connect(unpacked)) as conn, conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('linbang', 'm999_future', '')"
        )
    body = unpacked.read_bytes()
    newer = repack(
        archive,
        tmp_path / "newer.tar.gz",
        **{
            backup.DATABASE: body,
            backup.MANIFEST: with_manifest(archive, sha256=backup.hashlib.sha256(body).hexdigest()),
        },
    )
    error = refused("error.backup_newer", lambda: backup.restore(newer, tmp_path / "fresh" / "linbang.db"))
    assert error.params["names"] == "m999_future"


@pytest.mark.parametrize("name", ["../escape.db", "/tmp/absolute.db", "uploads/public/notes.txt", "extra.txt"])
def test_archive_with_a_member_a_backup_does_not_have_is_refused(archive, tmp_path, name):
    hostile = repack(archive, tmp_path / "hostile.tar.gz", **{name: b"x"})
    refused("error.backup_unreadable", lambda: backup.restore(hostile, tmp_path / "fresh" / "linbang.db"))
    assert not (tmp_path / "escape.db").exists()


def test_restore_never_overwrites_a_board_without_force(archive, db, db_path):
    before = db_path.read_bytes()
    refused("error.backup_board_exists", lambda: backup.restore(archive, db_path))
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("left", ["linbang.db-wal", "linbang.db-shm", "linbang.uploads"])
def test_a_stale_wal_shm_or_uploads_folder_alone_counts_as_a_board(archive, tmp_path, left):
    target = tmp_path / "fresh" / "linbang.db"
    target.parent.mkdir()
    (target.parent / left).mkdir() if left.endswith("uploads") else (target.parent / left).write_bytes(b"old")
    refused("error.backup_board_exists", lambda: backup.restore(archive, target))


def posted_then_killed(path: pathlib.Path, title: str) -> None:
    """A process posts a job and dies without closing its connection (a crash, a power cut): the
    job is committed in the -wal, which stays beside the database with its -shm."""
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        db = database.connect(path)
        jobs.post(db, users.by_username(db, "poster"), **valid_job_fields(NOW, title=title))
        os._exit(0)
    assert os.waitpid(child, 0)[1] == 0


def titles(path: pathlib.Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM jobs")]


def test_forced_restore_moves_the_old_database_with_its_wal_and_shm_aside(db, db_path, archive):
    """After a crash the board's last job is only in its -wal: the restored database never stands
    beside that -wal (SQLite would read it into the wrong file), and the old three are kept together,
    renamed, so the old board can still be read whole."""
    db.conn.close()
    posted_then_killed(db_path, "Posted after the backup")
    assert (db_path.parent / "linbang.db-wal").stat().st_size > 0 and (db_path.parent / "linbang.db-shm").exists()
    backup.restore(archive, db_path, force=True)
    beside = sorted(p.name for p in db_path.parent.iterdir())
    assert "linbang.db-wal" not in beside and "linbang.db-shm" not in beside
    aside = [name for name in beside if ".before-restore-" in name]
    assert sorted(name.split(".before-restore-")[0] for name in aside) == [
        "linbang.db",
        "linbang.db-shm",
        "linbang.db-wal",
    ]
    assert "Posted after the backup" not in titles(db_path)
    restored = database.connect(db_path)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and ledger.check_books(restored) == []
    restored.conn.close()
    old = db_path.parent / "old"
    old.mkdir()
    for name in aside:  # the old board, its -wal named to match its database again
        (db_path.parent / name).rename(old / name.split(".before-restore-")[0])
    assert "Posted after the backup" in titles(old / "linbang.db")


# --- the command line ---------------------------------------------------------------------------


def run_cli(module: str, *args: str, db_path: pathlib.Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LINBANG_DB": str(db_path)}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_command_line_backs_up_restores_and_refuses_to_overwrite(db, db_path, tmp_path):
    archive = tmp_path / "shell" / "board.tar.gz"
    created = run_cli("services.backup", "create", str(archive), db_path=db_path)
    assert created.returncode == 0, created.stderr
    assert "Check: ok" in created.stdout and "检查结果：ok" in created.stdout
    target = tmp_path / "other" / "linbang.db"
    restored = run_cli("services.backup", "restore", str(archive), db_path=target)
    assert restored.returncode == 0, restored.stderr
    again = run_cli("services.backup", "restore", str(archive), db_path=target)
    assert again.returncode == 1
    assert "--force" in again.stderr and "已经有平台数据" in again.stderr
    forced = run_cli("services.backup", "restore", str(archive), "--force", db_path=target)
    assert forced.returncode == 0, forced.stderr
    assert transfer_ids(target) == transfer_ids(db_path)


def test_command_line_refuses_a_truncated_archive_in_both_languages(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:300])
    result = run_cli("services.backup", "restore", str(cut), db_path=tmp_path / "fresh" / "linbang.db")
    assert result.returncode == 1
    assert "not a complete Linbang backup" in result.stderr and "不是完整的邻帮备份" in result.stderr


# --- in the app: now, the schedule, keeping N ---------------------------------------------------


def test_take_puts_the_archive_in_the_private_backups_folder(db, organizer, now):
    taken = backup.take(db, organizer, now)
    assert taken.path.parent.name == "backups" and backup.ARCHIVE_RE.match(taken.path.name)
    assert stat.S_IMODE(taken.path.parent.stat().st_mode) == 0o700
    assert backup.kept(db, organizer) == [taken._replace(created_at=taken.created_at)]


def test_only_the_newest_kept_number_of_backups_stay(db, organizer, now):
    backup.configure(db, organizer, daily=True, hour=3, keep=2)
    taken = [backup.take(db, organizer, now + timedelta(seconds=n)) for n in range(4)]
    assert [b.path for b in backup.kept(db, organizer)] == [taken[3].path, taken[2].path]


@pytest.mark.parametrize(
    ("hour", "keep", "field"), [(24, 3, "backup_hour"), (-1, 3, "backup_hour"), (3, 0, "backup_keep")]
)
def test_schedule_out_of_range_is_refused_under_its_field(db, organizer, hour, keep, field):
    with pytest.raises(ValidationError) as caught:
        backup.configure(db, organizer, daily=True, hour=hour, keep=keep)
    assert caught.value.field == field
    assert backup.schedule(db, organizer) == backup.Schedule(True, 3, 7)


def test_the_days_backup_is_taken_once_by_however_many_threads_ask(db, db_path, organizer):
    """Eight threads on their own connections (as eight server processes would be) ask at once,
    past the hour in the community's time zone (Shanghai, UTC+8): one takes it."""
    backup.configure(db, organizer, daily=True, hour=3, keep=5)
    past_the_hour = NOW.replace(hour=20)  # 04:00 the next day in Shanghai
    barrier, results = threading.Barrier(8), []

    def ask() -> None:
        conn = database.connect(db_path)
        barrier.wait()
        results.append(backup.run_schedule(conn, past_the_hour))
        conn.conn.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len([r for r in results if r is not None]) == 1 and len(results) == 8
    assert backup.run_schedule(db, past_the_hour + timedelta(hours=1)) is None  # the same day
    assert settings.read(db, ["backup_last_day"])["backup_last_day"] == "2026-11-26"


@pytest.mark.parametrize(
    ("daily", "utc_hour", "taken"),
    [(True, 18, False), (True, 19, True), (False, 19, False)],  # 02:00 / 03:00 in Shanghai
)
def test_the_daily_backup_waits_for_its_hour_and_can_be_off(db, organizer, daily, utc_hour, taken):
    backup.configure(db, organizer, daily=daily, hour=3, keep=5)
    assert (backup.run_schedule(db, NOW.replace(hour=utc_hour)) is not None) == taken


# --- the health check ---------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(path: pathlib.Path):
    """The file made read-only for the board's own account, root included (an immutable file:
    chattr +i; a plain chmod does not stop root)."""
    if os.geteuid() != 0:
        path.chmod(0o400)
        yield
        path.chmod(0o600)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root where chattr +i cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_health_check_passes_on_a_good_board_and_writes(db, db_path):
    result = run_cli("services.health", db_path=db_path)
    assert result.returncode == 0, result.stderr
    assert settings.read(db, ["health_checked_at"])["health_checked_at"]


def test_health_check_fails_on_a_read_only_board(db, db_path):
    db.conn.close()
    with read_only(db_path):
        result = run_cli("services.health", db_path=db_path)
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "readonly" in result.stderr


def test_health_check_fails_where_no_board_is(tmp_path):
    result = run_cli("services.health", db_path=tmp_path / "none.db")
    assert result.returncode == 1 and "no database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_health_check_in_process_names_the_problem(tmp_path):
    not_a_board = tmp_path / "notes.db"
    not_a_board.write_bytes(b"just some text, no database" * 100)
    with pytest.raises(health.Unhealthy):
        health.check(not_a_board, NOW)

"""Private data (issue #11): a job's history only for those involved and organizers; the database,
its WAL and every upload readable by the board's own account only (files 0600, folders 0700), on a
new board, on an old one, and on a restored copy. Real SQLite files, real modes read with os.stat."""

import os
import pathlib
import shutil
import stat

import pytest

from demo import samples
from services import access, files, jobs, mail, uploads, workers
from services import db as database

JPEG = samples.picture("Past work")


# --- the job's history -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "viewer", "sees"),
    [
        ("open", "poster", True),
        ("open", "organizer", True),
        ("open", "verified_worker", False),
        ("open", "stranger", False),
        ("open", None, False),
        ("assigned", "verified_worker", True),
        ("assigned", "second_worker", False),
        ("released", "verified_worker", True),  # gave the job back: still part of its story
        ("released", "second_worker", False),
        ("disputed", "verified_worker", True),
        ("disputed", "organizer", True),
        ("disputed", "stranger", False),
        ("disputed", None, False),
    ],
)
def test_history_is_shown_to_those_involved_and_organizers_only(db, people, job_in, path, viewer, sees):
    job_id = job_in(path)
    who = people[viewer] if viewer else None
    job = jobs.get(db, job_id, who)

    assert (access.refusal(db, job, who, "see_history") is None) is sees
    assert jobs.history(db, job, who) == (jobs.events(db, job_id) if sees else [])
    assert jobs.events(db, job_id), "control: the job has a history to hide"


def test_a_worker_who_gave_a_job_back_still_sees_what_happened_next(db, people, job_in, now):
    job_id = job_in("released")
    jobs.act(db, job_id, "claim", people["second_worker"], now=now)
    first = people["verified_worker"]

    shown = jobs.history(db, jobs.get(db, job_id, first), first)
    assert [(event["action"], event["actor_name"]) for event in shown] == [
        ("post", "Poster"),
        ("claim", "Verified Worker"),
        ("release", "Verified Worker"),
        ("claim", "Second Worker"),
    ]


# --- file modes --------------------------------------------------------------------------------


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def board_files(db_path) -> dict[pathlib.Path, int]:
    """Mode of the database, its -wal and -shm, the mail password (once saved), the uploads folder and
    every folder and file in it."""
    root = uploads.root_for(db_path)
    beside = [db_path.with_name(db_path.name + suffix) for suffix in ("", "-wal", "-shm")]
    password = [key for key in [db_path.with_name(files.SMTP_PASSWORD_FILE)] if key.exists()]
    return {path: mode(path) for path in [*beside, *password, root, *root.rglob("*")]}


def private(found: dict[pathlib.Path, int]) -> dict[pathlib.Path, int]:
    """What `found` must be: folders 0700, files 0600."""
    return {path: 0o700 if path.is_dir() else 0o600 for path in found}


def pictures(found: dict[pathlib.Path, int]) -> list[str]:
    return sorted(f"{path.parent.name}/{path.suffix}" for path in found if path.suffix == ".jpg")


@pytest.fixture
def loose_umask():
    """The usual umask (0022: new files 0644, folders 0755), whatever the test runner's is, so these
    tests would see the board relying on it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def save_pictures(db, worker, now) -> None:
    """A portfolio photo in the public folder and a picture in the private one."""
    workers.add_photo(db, worker, JPEG, "Shelf", now)
    with uploads.saving(db, "private") as save:
        save(uploads.reencoded(JPEG))


def test_a_new_board_creates_its_folder_database_wal_and_uploads_private(tmp_path, loose_umask, poster, now):
    db_path = tmp_path / "data" / "linbang.db"  # a folder that does not exist yet
    db = database.connect(db_path)  # every migration runs here, on the new file
    try:
        with uploads.saving(db, "private") as save:
            save(uploads.reencoded(JPEG))
        with database.write(db):  # a write, so the WAL holds something
            db["settings"].insert({"key": "written", "value": "yes"})

        assert mode(db_path.parent) == 0o700
        found = board_files(db_path)
        assert pictures(found) == ["private/.jpg"]
        assert found == private(found)
    finally:
        db.conn.close()


def test_uploads_are_written_private(db, db_path, verified_worker, now, loose_umask):
    save_pictures(db, verified_worker, now)

    found = board_files(db_path)
    assert pictures(found) == ["private/.jpg", "public/.jpg"]
    assert found == private(found)


def test_an_old_board_with_loose_modes_is_made_private_on_the_next_connect(
    db, db_path, verified_worker, organizer, now
):
    save_pictures(db, verified_worker, now)
    mail.configure(
        db,
        organizer,
        host="127.0.0.1",
        port="2525",
        security="none",
        user="board",
        password="the server's password",
        from_address="board@example.org",
        public_url="https://linbang.example.org",
    )
    assert db_path.with_name(files.SMTP_PASSWORD_FILE) in board_files(db_path)
    for path in board_files(db_path):  # as a board made before the rule left them
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    assert set(board_files(db_path).values()) == {0o755, 0o644}, "control: everything is readable by others"

    database.connect(db_path).conn.close()

    found = board_files(db_path)
    assert found == private(found)


def test_a_restored_copy_is_made_private_when_it_is_opened(db, db_path, verified_worker, now, tmp_path):
    save_pictures(db, verified_worker, now)
    db.conn.close()  # the board is stopped; its files are copied back as a restore tool might
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(db_path, restored / "linbang.db")
    shutil.copytree(uploads.root_for(db_path), uploads.root_for(restored / "linbang.db"))
    for folder, _, names in os.walk(restored):
        os.chmod(folder, 0o755)
        for name in names:
            os.chmod(os.path.join(folder, name), 0o644)

    opened = database.connect(restored / "linbang.db")
    try:
        found = board_files(restored / "linbang.db")  # with the -wal and -shm of the open connection
        assert pictures(found) == ["private/.jpg", "public/.jpg"]
        assert found == private(found)
    finally:
        opened.conn.close()


def test_the_default_data_folder_is_made_private_even_when_it_exists(tmp_path, monkeypatch, loose_umask):
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    monkeypatch.setattr(database, "DEFAULT_PATH", data / "linbang.db")
    monkeypatch.delenv("LINBANG_DB", raising=False)

    database.connect().conn.close()

    assert (mode(data), mode(data / "linbang.db")) == (0o700, 0o600)


def test_an_existing_folder_named_by_linbang_db_keeps_its_own_mode(tmp_path, loose_umask):
    shared = tmp_path / "shared"  # the organizer's choice, perhaps their home folder: not ours to lock
    shared.mkdir()
    os.chmod(shared, 0o755)

    database.connect(shared / "board.db").conn.close()

    assert (mode(shared), mode(shared / "board.db")) == (0o755, 0o600)

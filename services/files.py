"""Files only the board's own account may read: the database, its WAL, every upload.

Residents' data must not be readable by the machine's other local users, so the board creates its
files 0600 and its folders 0700 itself, with explicit modes rather than a process-wide umask (which
would also apply to every other thread of the Streamlit server). services.db.connect re-asserts the
modes each time the database is opened, so a board made before this rule, or a copy restored with
looser modes, is closed again.
"""

import contextlib
import os
import pathlib
import secrets
import sqlite3

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SMTP_PASSWORD_FILE = "smtp.key"  # beside the database: the mail server's password (services.mail)


def database_file(conn: sqlite3.Connection) -> pathlib.Path:
    """The file of the database open on `conn`: what the board's other files are kept beside."""
    return pathlib.Path(conn.execute("PRAGMA database_list").fetchone()[2])


def secret_key(conn: sqlite3.Connection, name: str) -> bytes:
    """The key in the file `name` beside the database open on `conn`, made once (32 random bytes,
    FILE_MODE): it signs links, so it is never inside the database (a copy of the database alone
    signs nothing)."""
    path = database_file(conn).with_name(name)
    try:
        with open(create_private(path), "wb") as out:
            out.write(secrets.token_bytes(32))
    except FileExistsError:
        pass  # made before (or at this moment by another session): read what is there
    return path.read_bytes()


def private_folder(path: pathlib.Path) -> pathlib.Path:
    """Make `path` (and any missing parents) and set it to FOLDER_MODE; it must be the board's own."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)  # mkdir's mode passes through the umask and skips existing folders
    return path


def create_private(path: pathlib.Path) -> int:
    """Create `path` FILE_MODE and open it for writing; returns the descriptor. FileExistsError if
    it exists already."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)


def restrict(path: pathlib.Path) -> None:
    """Set an existing file to FILE_MODE (a file that vanished meanwhile, e.g. a -wal, is fine)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, FILE_MODE)


def restrict_tree(root: pathlib.Path) -> None:
    """Every folder under `root` (itself included) FOLDER_MODE, every file FILE_MODE. Nothing if absent."""
    if not root.is_dir():
        return
    os.chmod(root, FOLDER_MODE)
    for folder, subfolders, names in os.walk(root):
        for name in subfolders:
            os.chmod(os.path.join(folder, name), FOLDER_MODE)
        for name in names:
            restrict(pathlib.Path(folder, name))

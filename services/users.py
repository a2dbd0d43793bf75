"""Accounts: registration, password checks with lock-out, session validity, blocking, language.

The streamlit-authenticator library only carries the re-login cookie; every decision about who may
sign in is made here (DESIGN §5, "Known holes of this stack").
"""

import re
from datetime import datetime, timedelta

import bcrypt

from .clock import to_db
from .db import one, write
from .errors import AuthFailed, LockedOut, NotAllowed, NotFound, ValidationError
from .validate import LANGUAGES, text

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 -]{5,20}$")
MIN_PASSWORD = 8
LOCK_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 20
# Checked against for unknown usernames so that a miss costs as much time as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"linbang-timing-equaliser", bcrypt.gensalt()).decode()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _check_password(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


def register(
    db,
    *,
    username,
    display_name,
    password,
    password_again=None,
    email="",
    phone="",
    language,
    role="resident",
    now: datetime,
) -> int:
    """Create an account and return its id. Raises ValidationError naming the field at fault."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError("username", "error.username_format")
    display_name = text(display_name, "display_name", min_len=1, max_len=40)
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError("password", "error.password_short", min=MIN_PASSWORD)
    if len(password) > 72 or len(password.encode()) > 72:  # bcrypt reads only 72 bytes
        raise ValidationError("password", "error.password_long")
    if password_again is not None and password_again != password:
        raise ValidationError("password_again", "error.password_mismatch")
    email = text(email, "email", max_len=120)
    if email and not EMAIL_RE.match(email):
        raise ValidationError("email", "error.email")
    phone = text(phone, "phone", max_len=20)
    if phone and not PHONE_RE.match(phone):
        raise ValidationError("phone", "error.phone")
    if language not in LANGUAGES:
        raise ValidationError("language", "error.invalid")
    if role not in ("resident", "organizer"):
        raise ValidationError("role", "error.invalid")
    password_hash = hash_password(password)  # slow: done before the write lock is taken
    with write(db):
        if one(db, "SELECT 1 AS x FROM users WHERE username = ?", [username]):
            raise ValidationError("username", "error.username_taken")
        return (
            db["users"]
            .insert(
                {
                    "username": username,
                    "display_name": display_name,
                    "email": email,
                    "phone": phone,
                    "password_hash": password_hash,
                    "role": role,
                    "language": language,
                    "created_at": to_db(now),
                }
            )
            .last_pk
        )


def _failures_for_username(db, username: str, now: datetime) -> int:
    """Failures within the lock window since this name last signed in successfully."""
    row = one(
        db,
        """SELECT COUNT(*) AS n FROM login_attempts
           WHERE username = ? AND ok = 0 AND at > ?
             AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = ? AND ok = 1), '')""",
        [username, to_db(now - LOCK_WINDOW), username],
    )
    return row["n"]


def _failures_for_client(db, client: str, now: datetime) -> int:
    """Every failure from this client within the window: a success with one's own account must not
    reset the count, or guessing other people's passwords would go on between own logins."""
    row = one(
        db,
        "SELECT COUNT(*) AS n FROM login_attempts WHERE client = ? AND ok = 0 AND at > ?",
        [client, to_db(now - LOCK_WINDOW)],
    )
    return row["n"]


def authenticate(db, username: str, password: str, *, client: str, now: datetime) -> dict:
    """Check a password and return the user row (without its hash).

    Raises LockedOut when this username or this client failed too often lately, and AuthFailed —
    the same error, after the same bcrypt work — for an unknown name, a wrong password or a
    blocked account.
    """
    username = (username or "").strip()[:64]
    if (
        _failures_for_username(db, username, now) >= MAX_FAILURES_PER_USERNAME
        or _failures_for_client(db, client, now) >= MAX_FAILURES_PER_CLIENT
    ):
        raise LockedOut(minutes=int(LOCK_WINDOW.total_seconds() // 60))
    row = one(db, "SELECT * FROM users WHERE username = ?", [username])
    password_ok = _check_password(password or "", row["password_hash"] if row else _DUMMY_HASH)
    ok = bool(row and password_ok and not row["blocked_at"])
    with write(db):
        db["login_attempts"].insert({"username": username, "client": client, "at": to_db(now), "ok": int(ok)})
    if not ok:
        raise AuthFailed()
    return _public_row(row)


def _public_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "password_hash"}


def get(db, user_id: int) -> dict:
    row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    if not row:
        raise NotFound()
    return _public_row(row)


def active(db, actor) -> dict:
    """The acting user as the database has them now: the one answer to "who is acting".

    Only the id is taken from `actor`; role and blocked state come from the row, so a dict that says
    role="organizer" gains nothing, and a block takes effect at once. Mutations call this (or
    organizer()) inside their write transaction. Raises NotAllowed for no such account or a blocked one.
    """
    actor_id = actor.get("id") if isinstance(actor, dict) else None
    row = one(db, "SELECT * FROM users WHERE id = ?", [actor_id]) if isinstance(actor_id, int) else None
    if not row or row["blocked_at"]:
        raise NotAllowed()
    return _public_row(row)


def organizer(db, actor) -> dict:
    """active(), and the account is an organizer in the database. Raises NotAllowed."""
    user = active(db, actor)
    if user["role"] != "organizer":
        raise NotAllowed()
    return user


def active_or_none(db, viewer) -> dict | None:
    """For reads open to signed-out visitors: None stays None (signed out); anyone else as active()."""
    return None if viewer is None else active(db, viewer)


def self_or_organizer(db, actor, user_id: int) -> dict:
    """active(), and the account is `user_id` itself or an organizer: who may read a person's own
    records (wallet, identity check). Raises NotAllowed."""
    user = active(db, actor)
    if user["id"] != user_id and user["role"] != "organizer":
        raise NotAllowed()
    return user


def by_username(db, username: str) -> dict | None:
    row = one(db, "SELECT * FROM users WHERE username = ?", [username])
    return _public_row(row) if row else None


def session_user(db, username: str, issued_at: float) -> dict | None:
    """The user a session or re-login cookie issued at `issued_at` (epoch seconds) stands for.

    None when the account is gone or blocked, or the session was issued before the user last
    logged out (`sessions_valid_after`), so a copied cookie stops working at logout.
    """
    user = by_username(db, username) if username else None
    if not user or user["blocked_at"] or issued_at <= user["sessions_valid_after"]:
        return None
    return user


def log_out_everywhere(db, user_id: int, now: datetime) -> None:
    """Invalidate every session and cookie issued before `now`."""
    with write(db):
        db.execute("UPDATE users SET sessions_valid_after = ? WHERE id = ?", [now.timestamp(), user_id])


def set_language(db, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError("language", "error.invalid")
    with write(db):
        db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def set_blocked(db, actor: dict, user_id: int, blocked: bool, now: datetime) -> None:
    """Organizers block or unblock an account; a block also ends its sessions at once."""
    with write(db):
        actor = organizer(db, actor)
        if user_id == actor["id"]:
            raise NotAllowed()
        get(db, user_id)
        db.execute(
            "UPDATE users SET blocked_at = ?, sessions_valid_after = MAX(sessions_valid_after, ?) WHERE id = ?",
            [to_db(now) if blocked else None, now.timestamp() if blocked else 0, user_id],
        )


def list_users(db, actor: dict) -> list[dict]:
    organizer(db, actor)
    return [_public_row(r) for r in db.query("SELECT * FROM users ORDER BY id")]

"""Accounts: registration, password checks slowed after failures, session validity, blocking, one's own
details, a password reset with a code the organizer issued (services.resets).

The streamlit-authenticator library only carries the re-login cookie; every decision about who may
sign in is made here (DESIGN §5, "Known holes of this stack").
"""

import hashlib
import hmac
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import cast

import bcrypt

from . import audit, jobs, uploads
from .clock import from_db, to_db
from .db import Database, insert, one, the_one, write
from .errors import AuthFailed, NotAllowed, NotFound, TooManyAttempts, ValidationError
from .rows import Row, User
from .validate import LANGUAGES, Typed, encodable, is_invisible, text

# Letters and digits of any script (小王, Lǐ, Ана), and _ . -; no spaces, nothing invisible. Two
# characters are enough: many Chinese names are two.
USERNAME_RE = re.compile(r"[\w.-]{2,32}")
# What a reset code is written in: no 0/O, 1/I/L, so that a code read aloud or copied by hand is typed right.
RESET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RESET_FAILED = "error.reset_failed"  # one message for every failed reset, as for sign-ins
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 -]{5,20}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no more (and bcrypt 5 raises beyond)
# Guessing is slowed, never locked out (OWASP): failed sign-ins are remembered for FAILURE_MEMORY, and
# after the free tries each further failure doubles the wait before the next try: 2, 4, 8 ... seconds,
# at most MAX_WAIT_SECONDS.
FAILURE_MEMORY = timedelta(minutes=15)
FREE_TRIES_PER_NAME_AND_CLIENT = 3  # one name from one client: a person mistyping
FREE_TRIES_PER_NAME = 10  # one name from all clients together: a guesser using many addresses
FREE_TRIES_PER_CLIENT = 10  # one client, all names together: a guesser trying many names
MAX_WAIT_SECONDS = 60
PRODUCTION_BCRYPT_ROUNDS = 12  # bcrypt's own default: ~0.3 s per hash on the board's kind of server
BCRYPT_ROUNDS_RANGE = range(4, 32)  # what bcrypt.gensalt accepts


def bcrypt_rounds(environ: Mapping[str, str]) -> int:
    """The bcrypt cost: LINBANG_BCRYPT_ROUNDS if set, else the production value. Only the tests lower
    it (a registration then hashes in milliseconds). A value that is not a whole number from 4 to 31
    raises ValueError, so a mistyped setting stops the board at start-up instead of changing its hashes."""
    value = environ.get("LINBANG_BCRYPT_ROUNDS", "").strip()
    if not value:
        return PRODUCTION_BCRYPT_ROUNDS
    if not re.fullmatch(r"[0-9]{1,2}", value) or int(value) not in BCRYPT_ROUNDS_RANGE:
        raise ValueError(f"LINBANG_BCRYPT_ROUNDS must be a whole number from 4 to 31, not {value!r}")
    return int(value)


BCRYPT_ROUNDS = bcrypt_rounds(os.environ)
# Checked against for unknown usernames so that a miss costs as much time as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"linbang-timing-equaliser", bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def _check_password(password: str, password_hash: str) -> bool:
    """A password longer than bcrypt's 72 bytes always fails: registration refuses one, so no account
    has it. Its first 72 bytes are still checked, so the answer takes as long as any other."""
    secret = password.encode()
    matches = bcrypt.checkpw(secret[:MAX_PASSWORD_BYTES], password_hash.encode())
    return matches and len(secret) <= MAX_PASSWORD_BYTES


def register(
    db: Database,
    *,
    username: Typed,
    display_name: Typed,
    password: Typed,
    password_again: Typed = None,
    email: Typed = "",
    phone: Typed = "",
    language: Typed,
    role: Typed = "resident",
    takes_jobs: bool = False,
    now: datetime,
) -> int:
    """Create an account and return its id. With `takes_jobs` ("I take jobs too") the account is a
    worker from the start: "I take jobs" is on, with the categories still to choose, and the identity
    check still to send, as for anyone who switches it on later (services.workers). Raises
    ValidationError naming the field at fault; writes nothing then."""
    username = _username(username)
    display_name = _display_name(display_name)
    password = _new_password(password, password_again)
    email = _email(email)
    phone = _phone(phone)
    _language(language)
    if role not in ("resident", "organizer"):
        raise ValidationError("role", "error.invalid")
    password_hash = hash_password(password)  # slow: done before the write lock is taken
    with write(db):
        if one(db, "SELECT 1 AS x FROM users WHERE username_key = ?", [username_key(username)]):
            raise ValidationError("username", "error.username_taken")
        user_id = insert(
            db,
            "users",
            {
                "username": username,
                "username_key": username_key(username),
                "display_name": display_name,
                "email": email,
                "phone": phone,
                "password_hash": password_hash,
                "role": role,
                "language": language,
                "created_at": to_db(now),
            },
        )
        if takes_jobs:
            db.execute(
                "INSERT INTO worker_profiles (user_id, taking_jobs, updated_at) VALUES (?, 1, ?)", [user_id, to_db(now)]
            )
        return user_id


def username_key(username: str) -> str:
    """What is unique about a username: NFKC then case-folded (and NFKC again, as case folding can
    undo it), so "Li", "li" and a full-width "ＬＩ" are one name, in every script."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def _username(value: Typed) -> str:
    """A new username as stored: NFKC (a full-width "ｌｉ" typed on a Chinese keyboard is "li").
    Raises ValidationError("username")."""
    username = unicodedata.normalize("NFKC", value.strip()) if isinstance(value, str) and encodable(value) else ""
    if not USERNAME_RE.fullmatch(username) or any(is_invisible(ch) for ch in username):
        raise ValidationError("username", "error.username_format")
    return username


def _display_name(value: Typed) -> str:
    return text(value, "display_name", min_len=1, max_len=40, single_line=True)


def _email(value: Typed) -> str:
    """An e-mail address as typed ("" for none). Raises ValidationError("email")."""
    email = text(value, "email", max_len=120, single_line=True)
    if email and not EMAIL_RE.match(email):
        raise ValidationError("email", "error.email")
    return email


def _language(value: Typed) -> str:
    if value not in LANGUAGES:
        raise ValidationError("language", "error.invalid")
    return cast(str, value)


def _new_password(password: Typed, password_again: Typed) -> str:
    """A new password as chosen (registration, a change): long enough, within bcrypt's 72 bytes, typed
    the same twice (when asked twice). Raises ValidationError("password" or "password_again")."""
    if not isinstance(password, str) or not encodable(password):
        raise ValidationError("password", "error.unreadable_text")
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", "error.password_short", min=MIN_PASSWORD)
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValidationError("password", "error.password_long", max=MAX_PASSWORD_BYTES)
    if password_again is not None and password_again != password:
        raise ValidationError("password_again", "error.password_mismatch")
    return password


def change_password(
    db: Database, actor: User, *, current: Typed, password: Typed, password_again: Typed, client: str, now: datetime
) -> None:
    """The acting person chooses a new password (#15). The current one is checked as a sign-in is, so
    wrong tries count and are slowed the same way (TooManyAttempts); a wrong one raises
    ValidationError("current_password"). The new one follows registration's rules. Every session and
    re-login cookie issued until `now` ends, as at logout (the page starts a new one for the person
    changing it). Raises NotAllowed for a blocked or unknown actor; changes nothing on error."""
    actor = active(db, actor)
    password = _new_password(password, password_again)
    try:
        authenticate(db, actor["username"], current if isinstance(current, str) else "", client=client, now=now)
    except AuthFailed:
        raise ValidationError("current_password", "error.current_password") from None
    password_hash = hash_password(password)  # slow: done before the write lock is taken
    with write(db):
        active(db, actor)
        db.execute(
            "UPDATE users SET password_hash = ?, sessions_valid_after = ? WHERE id = ?",
            [password_hash, now.timestamp(), actor["id"]],
        )


def _phone(value: Typed) -> str:
    """A phone number as typed ("" for none). Raises ValidationError("phone")."""
    phone = text(value, "phone", max_len=20, single_line=True)
    if phone and not PHONE_RE.match(phone):
        raise ValidationError("phone", "error.phone")
    return phone


def _failures(db: Database, now: datetime, *, reset_by_success: bool, **match: str) -> tuple[int, datetime | None]:
    """How many sign-ins matching `match` (username=, client= or both) failed within FAILURE_MEMORY,
    and when the last of them did; with `reset_by_success`, only those after the last success that
    matches too."""
    where = " AND ".join(f"{column} = :{column}" for column in match)  # column names from this module
    if reset_by_success:
        where += f" AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE ok = 1 AND {where}), '')"
    row = the_one(
        db,
        f"SELECT COUNT(*) AS n, MAX(at) AS last FROM login_attempts WHERE ok = 0 AND at > :since AND {where}",
        {**match, "since": to_db(now - FAILURE_MEMORY)},
    )
    return row["n"], from_db(row["last"])


def _backoff(failures: int, free: int) -> int:
    """Seconds to wait after the last of `failures`: none while fewer than `free` have failed, then 2, 4,
    8 ... up to MAX_WAIT_SECONDS."""
    return 0 if failures < free else min(MAX_WAIT_SECONDS, 2 ** (failures - free + 1))


def _seconds_to_wait(db: Database, username: str, client: str, now: datetime) -> int:
    """How long `client` must wait before trying `username` again; 0: it may try now.

    Every wait runs from the client's own last failure, so whatever anyone else does, a client waits at
    most MAX_WAIT_SECONDS after its own last failed try, and one that has not failed lately does not
    wait. Failures for the name from everywhere lengthen the wait only of clients that failed on it
    too: a guesser spread over many addresses gets one quick try per address; the owner is not held up.
    """
    pair, pair_last = _failures(db, now, reset_by_success=True, username=username, client=client)
    name, _ = _failures(db, now, reset_by_success=True, username=username)
    # Not reset by a success: signing in to one's own account must not clear the count, or guessing
    # other people's passwords could go on between one's own sign-ins.
    own, own_last = _failures(db, now, reset_by_success=False, client=client)
    waits = [(own_last, _backoff(own, FREE_TRIES_PER_CLIENT))]
    if pair:
        name_wait = max(_backoff(pair, FREE_TRIES_PER_NAME_AND_CLIENT), _backoff(name, FREE_TRIES_PER_NAME))
        waits.append((pair_last, name_wait))
    remaining = max(
        (last + timedelta(seconds=wait) - now for last, wait in waits if wait and last), default=timedelta()
    )
    return max(0, math.ceil(remaining.total_seconds()))


def authenticate(db: Database, username: str, password: str, *, client: str, now: datetime) -> User:
    """Check a password and return the user row (without its hash).

    `client` names who is knocking (ui.auth.client_id: the client's network address). Raises
    TooManyAttempts(seconds=...) when failures came too fast (_seconds_to_wait), and AuthFailed — the
    same error, after the same bcrypt work — for an unknown name, a wrong or too long password or a
    blocked account. A name or password that is no valid text (a lone surrogate: register refuses it, so
    no account has one) fails at once, before anything is counted or stored.
    """
    username, attempt_id = _counted_try(db, username, password, client, now)
    row = one(db, "SELECT * FROM users WHERE username_key = ?", [username_key(username)])
    password_ok = _check_password(password or "", row["password_hash"] if row else _DUMMY_HASH)
    if not (row and password_ok and not row["blocked_at"]):
        raise AuthFailed()
    with write(db):
        db.execute("UPDATE login_attempts SET ok = 1 WHERE id = ?", [attempt_id])
    return _public_row(row)


def _counted_try(
    db: Database, username: Typed, secret: Typed, client: str, now: datetime, refusal: str = AuthFailed.key
) -> tuple[str, int]:
    """Count a try at an account (a sign-in, a reset code) before it is judged: returns the name tried
    (stripped) and the id of its login_attempts row, a failure until the caller marks it ok. Raises
    TooManyAttempts when the client must wait (_seconds_to_wait); AuthFailed(`refusal`), counting
    nothing, for a name or secret that is no valid text (no account has one)."""
    username, secret = username or "", secret or ""
    if not all(isinstance(given, str) and encodable(given) for given in (username, secret)):
        raise AuthFailed(refusal)  # no account has such a name or password (register refuses them)
    # Counted under the name's key: every way of writing one name ("Li", "LI", "ｌｉ") counts as one.
    username = username.strip()[:64]
    key = username_key(username)
    attempt = {"username": key, "client": client, "at": to_db(now), "ok": 0}
    with write(db):  # checked and counted in one transaction: tries sent at the same moment all count
        seconds = _seconds_to_wait(db, key, client, now)
        if seconds:
            raise TooManyAttempts(seconds=seconds)
        return username, insert(db, "login_attempts", attempt)


def reset_digest(secret: str) -> str:
    """What is stored of a reset code or link token: the sha256 of its letters as the alphabet writes
    them. Typing is forgiven: full-width letters, lower case, spaces and dashes. (A code has ~59 random
    bits and lives 24 hours: too many to try through the slowed sign-in, or against the digest alone.)"""
    letters = unicodedata.normalize("NFKC", secret).upper()
    return hashlib.sha256("".join(ch for ch in letters if ch in RESET_ALPHABET).encode()).hexdigest()


def reset_password(
    db: Database, *, username: Typed, code: Typed, password: Typed, password_again: Typed, client: str, now: datetime
) -> User:
    """A person who forgot their password chooses a new one with the code (or e-mailed link) the
    organizer gave them (services.resets): the code is used up, and every session and re-login cookie
    issued until `now` ends. Returns the account (without its hash).

    The new password follows registration's rules (ValidationError "password" / "password_again").
    Tries are counted and slowed with sign-ins (TooManyAttempts); an unknown name, a wrong, used,
    replaced or expired code and a blocked account all raise the one AuthFailed(RESET_FAILED), after
    the same work. Changes nothing on error."""
    password = _new_password(password, password_again)
    username, attempt_id = _counted_try(db, username, code, client, now, RESET_FAILED)
    password_hash = hash_password(password)  # slow: done before the write lock is taken, for every try
    with write(db):
        row = one(db, "SELECT * FROM users WHERE username_key = ?", [username_key(username)])
        reset = one(db, "SELECT * FROM password_resets WHERE user_id = ?", [row["id"] if row else None])
        given = reset_digest(cast(str, code or ""))  # text: _counted_try refused anything else
        if not (row and reset and not row["blocked_at"] and from_db(reset["expires_at"]) > now):
            raise AuthFailed(RESET_FAILED)
        if not hmac.compare_digest(reset["secret_hash"], given):
            raise AuthFailed(RESET_FAILED)
        db.execute(
            "UPDATE users SET password_hash = ?, sessions_valid_after = ? WHERE id = ?",
            [password_hash, now.timestamp(), row["id"]],
        )
        db.execute("DELETE FROM password_resets WHERE user_id = ?", [row["id"]])
        db.execute("UPDATE login_attempts SET ok = 1 WHERE id = ?", [attempt_id])
    return get(db, row["id"])


def _public_row(row: Row) -> User:
    return cast(User, {k: v for k, v in row.items() if k != "password_hash"})


def get(db: Database, user_id: int) -> User:
    row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    if not row:
        raise NotFound()
    return _public_row(row)


def active(db: Database, actor: object) -> User:
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


def organizer(db: Database, actor: object) -> User:
    """active(), and the account is an organizer in the database. Raises NotAllowed."""
    user = active(db, actor)
    if user["role"] != "organizer":
        raise NotAllowed()
    return user


def active_or_none(db: Database, viewer: object) -> User | None:
    """For reads open to signed-out visitors: None stays None (signed out); anyone else as active()."""
    return None if viewer is None else active(db, viewer)


def self_or_organizer(db: Database, actor: object, user_id: int) -> User:
    """active(), and the account is `user_id` itself or an organizer: who may read a person's own
    records (wallet, identity check). Raises NotAllowed."""
    user = active(db, actor)
    if user["id"] != user_id and user["role"] != "organizer":
        raise NotAllowed()
    return user


def by_username(db: Database, username: str) -> User | None:
    """The account of `username` written any way that is the same name (username_key), or None."""
    row = one(db, "SELECT * FROM users WHERE username_key = ?", [username_key(username)])
    return _public_row(row) if row else None


def session_user(db: Database, username: str, issued_at: float) -> User | None:
    """The user a session or re-login cookie issued at `issued_at` (epoch seconds) stands for.

    None when the account is gone or blocked, or the session was issued before the user last
    logged out (`sessions_valid_after`), so a copied cookie stops working at logout.
    """
    user = by_username(db, username) if username else None
    if not user or user["blocked_at"] or issued_at <= user["sessions_valid_after"]:
        return None
    return user


def log_out_everywhere(db: Database, user_id: int, now: datetime) -> None:
    """Invalidate every session and cookie issued before `now`."""
    with write(db):
        db.execute("UPDATE users SET sessions_valid_after = ? WHERE id = ?", [now.timestamp(), user_id])


def set_language(db: Database, user_id: int, language: str) -> None:
    _language(language)
    with write(db):
        db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def set_larger_text(db: Database, actor: User, on: bool) -> None:
    """The person switches larger text (长辈模式) on or off for every page they open, on any device.
    Raises NotAllowed for a blocked or unknown actor."""
    with write(db):
        actor = active(db, actor)
        db.execute("UPDATE users SET larger_text = ? WHERE id = ?", [int(bool(on)), actor["id"]])


def update_details(
    db: Database,
    actor: User,
    *,
    display_name: Typed,
    phone: Typed,
    email: Typed,
    language: Typed,
    picture: bytes | None = None,
    remove_picture: bool = False,
) -> User:
    """The acting person changes their own details: display name, phone ("" none: it is never shown
    but where they share it for a job, services.contact), e-mail ("" none), language, and a picture of
    themselves (`picture`: an upload, re-encoded by services.uploads; `remove_picture` takes the
    stored one away). Returns the account as now stored.

    Raises ValidationError naming the field (display_name, phone, email, language, picture), and
    NotAllowed; on any error nothing is stored, no new picture file is left behind. A replaced
    picture's file is deleted once the new details are stored."""
    fields: dict[str, object] = {
        "display_name": _display_name(display_name),
        "phone": _phone(phone),
        "email": _email(email),
        "language": _language(language),
    }
    cleaned = uploads.reencoded(picture, "picture") if picture is not None else None
    with uploads.saving(db, "public") as save, write(db):
        actor = active(db, actor)
        if cleaned is not None or remove_picture:
            fields["avatar"] = save(cleaned) if cleaned is not None else None
        assignments = ", ".join(f"{column} = ?" for column in fields)  # column names from this function
        db.execute(f"UPDATE users SET {assignments} WHERE id = ?", [*fields.values(), actor["id"]])
    if "avatar" in fields:
        uploads.delete(db, "public", actor["avatar"])
    return get(db, actor["id"])


def picture_bytes(db: Database, person: User) -> bytes | None:
    """The person's picture of themselves (public: shown beside their name), or None for none."""
    if not person["avatar"]:
        return None
    try:
        return uploads.read(db, "public", person["avatar"])
    except NotFound:
        return None  # a file lost outside the board: the name is shown without a picture


def set_blocked(db: Database, actor: User, user_id: int, blocked: bool, now: datetime) -> None:
    """Organizers block or unblock an account. A block, in one transaction, also ends its sessions
    and re-login cookies at once, cancels the jobs it posted that nobody started (their holds refunded)
    and releases the jobs it holds as a worker (services.jobs.end_for_blocked). Blocking an account
    already blocked changes nothing. Raises NotAllowed (not an organizer, or oneself), NotFound.
    Written in the audit log (services.audit)."""
    with write(db):
        actor = organizer(db, actor)
        if user_id == actor["id"]:
            raise NotAllowed()
        if bool(get(db, user_id)["blocked_at"]) == blocked:
            return
        was = get(db, user_id)["blocked_at"] is not None
        audit.record(
            db,
            actor,
            "block" if blocked else "unblock",
            user_id=user_id,
            before={"blocked": was},
            after={"blocked": blocked},
            now=now,
        )
        db.execute(
            "UPDATE users SET blocked_at = ?, sessions_valid_after = MAX(sessions_valid_after, ?) WHERE id = ?",
            [to_db(now) if blocked else None, now.timestamp() if blocked else 0, user_id],
        )
        if blocked:
            jobs.end_for_blocked(db, actor, user_id, now)


def list_users(db: Database, actor: User) -> list[User]:
    organizer(db, actor)
    return [_public_row(r) for r in db.query("SELECT * FROM users ORDER BY id")]

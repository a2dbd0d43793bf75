"""Forgotten passwords (#15): the organizer gives a person a one-time code, or e-mails them a link.

A person has at most one live reset (password_resets, one row per person): a new code or link
replaces the last one, using it (users.reset_password) deletes it, and it works for VALID. Only its
digest is stored (users.reset_digest). A code is seen once, by the organizer who made it, to pass on
by word of mouth. A link's token must still be known when the outbox sends the e-mail, later and in
another thread, yet it is not stored either: it is HMAC(key, salt), the salt in the row and the key
in a file beside the database (reset.key, readable by the board's account only), so the database
file alone (a backup, a copy) holds no code and no token that works.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from . import files, notifications, outbox, users
from .clock import to_db
from .db import Database, one, write
from .errors import NotAllowed, ValidationError
from .rows import Row, User

VALID = timedelta(hours=24)
CODE_LENGTH = 12  # letters of users.RESET_ALPHABET (31): about 59 bits
TOKEN_LENGTH = 24  # a link's token is never typed: about 119 bits
KEY_FILE = "reset.key"


def issue_code(db: Database, actor: User, user_id: int, now: datetime) -> str:
    """An organizer makes a reset code for the person `user_id`, valid for VALID, replacing any code
    or link they had. Returns it in groups of four (ABCD-EFGH-JKMN), the only time it is seen. The
    person is told, by name of the organizer, so that a code they never asked for does not go
    unnoticed. Raises NotAllowed (not an organizer; one's own account: its page changes the password),
    NotFound."""
    code = "".join(secrets.choice(users.RESET_ALPHABET) for _ in range(CODE_LENGTH))
    with write(db):
        organizer = _replace(db, actor, user_id, code, None, now)
        source = f"reset_code:{user_id}:{to_db(now)}"
        notifications.tell(db, [user_id], "account.reset_code", source, now, name=organizer["display_name"])
    return "-".join(code[start : start + 4] for start in range(0, CODE_LENGTH, 4))


def send_link(db: Database, actor: User, user_id: int, now: datetime) -> str:
    """An organizer has a reset link e-mailed to the person `user_id`: a one-time token under the same
    rules as a code (it replaces their code or link), in an e-mail queued in the outbox whatever
    e-mail the person chose to get. Returns the address it goes to. Raises NotAllowed, NotFound, and
    ValidationError: no mail server set up ("smtp_host"), no e-mail address on the account ("email")."""
    salt = secrets.token_hex(16)
    with write(db):
        if not outbox.configured(db):
            raise ValidationError("smtp_host", "error.mail_not_set")
        person = users.get(db, user_id)
        if not person["email"]:
            raise ValidationError("email", "error.reset_no_email")
        organizer = _replace(db, actor, user_id, _token(db, salt), salt, now)
        source = f"reset_link:{salt}"
        written = notifications.tell(db, [user_id], "account.reset_link", source, now, name=organizer["display_name"])
        outbox.queue(db, written, now, chosen_only=False)
    return person["email"]


def _replace(db: Database, actor: User, user_id: int, secret: str, salt: str | None, now: datetime) -> User:
    """Inside the write: the organizer's new reset for `user_id` in place of any other. Returns the
    organizer. Raises NotAllowed, NotFound."""
    organizer = users.organizer(db, actor)
    if user_id == organizer["id"]:
        raise NotAllowed()
    users.get(db, user_id)
    db.execute(
        """INSERT OR REPLACE INTO password_resets (user_id, secret_hash, salt, issued_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [user_id, users.reset_digest(secret), salt, organizer["id"], to_db(now), to_db(now + VALID)],
    )
    return organizer


def link_query(db: Database, notification: Row) -> dict[str, str]:
    """For the e-mail of a notification (its `kind` and `user_id`): the query of the login page's
    reset form, the person's name and link token, when it is a reset link's and that link is still
    the person's live reset; else nothing (used, replaced by a newer code or link)."""
    if notification["kind"] != "account.reset_link":
        return {}
    row = one(
        db,
        """SELECT r.salt, u.username FROM password_resets r JOIN users u ON u.id = r.user_id
           WHERE r.user_id = ? AND r.salt IS NOT NULL""",
        [notification["user_id"]],
    )
    return {"username": row["username"], "reset": _token(db, row["salt"])} if row else {}


def _token(db: Database, salt: str) -> str:
    """A link's token: HMAC(key, salt) written in the reset alphabet."""
    number = int.from_bytes(hmac.new(_key(db), salt.encode(), hashlib.sha256).digest())
    letters = []
    for _ in range(TOKEN_LENGTH):
        number, index = divmod(number, len(users.RESET_ALPHABET))
        letters.append(users.RESET_ALPHABET[index])
    return "".join(letters)


def _key(db: Database) -> bytes:
    """The key of the link tokens, made once beside the database (never inside it)."""
    return files.secret_key(db.conn, KEY_FILE)

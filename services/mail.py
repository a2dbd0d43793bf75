"""E-mail: the organizer's mail server, what each person wants by e-mail, and the sender that empties
the outbox (services.outbox) after the actions that filled it.

The server's password is kept like the cookie key: never in the database, never shown back. It comes
from LINBANG_SMTP_PASSWORD, else from the file smtp.key beside the database (mode 0600, written
through services.files when the organizer types a new one).

`send_due` runs outside any action, in a background thread (ui.mailer): the due rows are claimed in a
short write transaction (their next attempt moved CLAIM later, so no other pass takes them meanwhile),
the server is talked to with no lock held, and the results are recorded in another short transaction.
A failed attempt is tried again after the next BACKOFF step; after MAX_ATTEMPTS the row is 'failed'
and the organizer sees it (`delivery_report`). A delivery failure never reaches the action that
queued the e-mail, which committed long before.
"""

import contextlib
import json
import os
import pathlib
import re
import smtplib
import ssl
import unicodedata
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import NamedTuple, cast
from urllib.parse import urlencode

from . import files, notifications, outbox, resets, settings, users
from .catalogs import readable, text_in
from .clock import from_db, to_db, utcnow
from .db import Database, one, write
from .errors import ValidationError
from .rows import Row, User
from .users import EMAIL_RE
from .validate import Typed, encodable, text

SECURITY = ("starttls", "ssl", "none")  # how the connection to the server is protected
PASSWORD_ENV = "LINBANG_SMTP_PASSWORD"
PASSWORD_FILE = files.SMTP_PASSWORD_FILE
MAX_PASSWORD = 200
# A host name (letters, digits, hyphens between dots) or an IPv4 address.
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
HOST_RE = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})*$")
PUBLIC_URL_RE = re.compile(r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$")
# The waits after the 1st, 2nd ... failed attempt; the attempt after the last wait is the last one.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM = timedelta(minutes=10)  # longer than a pass can take: a row is never sent twice at once
BATCH = 20  # rows per pass: one connection to the server each
TIMEOUT_SECONDS = 20  # per network operation with the server
REPORT_SIZE = 10  # the newest problems the organizer sees
# What the server answers about one letter (its sender, a recipient, its content): the others still go.
LETTER_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, smtplib.SMTPNotSupportedError)


class Server(NamedTuple):
    """The mail server as the organizer set it up (the password is kept apart: `password`)."""

    host: str  # "": no server, nothing is sent
    port: int
    security: str  # one of SECURITY
    user: str  # "": the server takes mail without signing in
    from_address: str
    public_url: str  # the board's address, without a trailing slash


class EmailChoice(NamedTuple):
    """What a person's account page offers about e-mail."""

    offered: bool  # the organizer set up a mail server
    address: str  # the person's e-mail address ("": none)
    groups: list[str]  # the notification groups they want by e-mail (notifications.GROUPS)


# --- the organizer's settings ---------------------------------------------------------------------


def server(db: Database) -> Server:
    """The mail server as saved (each setting's default until the organizer saves one)."""
    values = settings.read(db, ["smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_from", "public_url"])
    return Server(
        host=str(values["smtp_host"]),
        port=int(values["smtp_port"]),
        security=str(values["smtp_security"]),
        user=str(values["smtp_user"]),
        from_address=str(values["smtp_from"]),
        public_url=str(values["public_url"]),
    )


def password_file(db: Database) -> pathlib.Path:
    """Where the saved password is kept: beside the database, readable by the board's account only."""
    return files.database_file(db.conn).with_name(PASSWORD_FILE)


def password(db: Database) -> str:
    """LINBANG_SMTP_PASSWORD, else the saved one, else ""."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    with contextlib.suppress(FileNotFoundError):
        return password_file(db).read_text(encoding="utf-8")
    return ""


def password_saved(db: Database) -> bool:
    return password(db) != ""


def configure(
    db: Database,
    actor: User,
    *,
    host: Typed,
    port: Typed,
    security: Typed,
    user: Typed,
    password: Typed,
    from_address: Typed,
    public_url: Typed,
    now: datetime | None = None,
) -> None:
    """The organizer sets up the mail server: its host ("" switches e-mail off: nothing more is
    queued), port (1-65535), security (SECURITY), the account to sign in with ("" for none), a new
    password ("" keeps the saved one), the sender's address and the board's public address for the
    links. Written in the audit log at `now` (None: the clock's), never the password. Raises NotAllowed,
    ValidationError naming the field; stores nothing on error."""
    with write(db):
        actor = users.organizer(db, actor)
        host = text(host, "smtp_host", max_len=253, single_line=True)
        if host and not HOST_RE.match(host):
            raise ValidationError("smtp_host", "error.mail_host")
        digits = str(port if port is not None else "").strip()
        if not digits.isdigit() or not 1 <= int(digits) <= 65535:
            raise ValidationError("smtp_port", "error.mail_port")
        if security not in SECURITY:
            raise ValidationError("smtp_security", "error.invalid")
        values = {
            "smtp_host": host,
            "smtp_port": int(digits),
            "smtp_security": cast(str, security),
            "smtp_user": text(user, "smtp_user", max_len=200, single_line=True),
        }
        new_password = _checked_password(password)
        values["smtp_from"] = text(from_address, "smtp_from", max_len=120, single_line=True)
        if (host or values["smtp_from"]) and not EMAIL_RE.match(cast(str, values["smtp_from"])):
            raise ValidationError("smtp_from", "error.email")
        values["public_url"] = text(public_url, "public_url", max_len=300, single_line=True).rstrip("/")
        if (host or values["public_url"]) and not PUBLIC_URL_RE.match(cast(str, values["public_url"])):
            raise ValidationError("public_url", "error.mail_public_url")
        settings.change(db, actor, values, now or utcnow())
        if new_password:
            _save_password(db, new_password)  # last: an error before it leaves the saved one as it was


def _checked_password(value: Typed) -> str:
    """A new password as typed (spaces and all: it is the server's), or "" for none typed."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not encodable(value):
        raise ValidationError("smtp_password", "error.unreadable_text")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError("smtp_password", "error.control_chars")
    if len(value) > MAX_PASSWORD:
        raise ValidationError("smtp_password", "error.too_long", max=MAX_PASSWORD)
    return value


def _save_password(db: Database, secret: str) -> None:
    """Into a new file readable by the board's account only, then in place of the old one at once."""
    path = password_file(db)
    fresh = path.with_name(PASSWORD_FILE + ".new")
    with contextlib.suppress(FileNotFoundError):
        fresh.unlink()  # left by a save that died half-way
    with os.fdopen(files.create_private(fresh), "w", encoding="utf-8") as out:
        out.write(secret)
    os.replace(fresh, path)


# --- each person's choice -------------------------------------------------------------------------


def email_choice(db: Database, viewer: User) -> EmailChoice:
    """Whether e-mail is on offer to the acting person, to which address, and what they chose."""
    viewer = users.active(db, viewer)
    return EmailChoice(outbox.configured(db), viewer["email"] or "", json.loads(viewer["email_kinds"]))


def set_email_kinds(db: Database, actor: User, groups: Typed) -> None:
    """The acting person chooses which groups of notifications (notifications.GROUPS) also come by
    e-mail; none: no e-mail. Raises NotAllowed, ValidationError("email_kinds")."""
    if not isinstance(groups, list | tuple) or not set(groups) <= set(notifications.GROUPS):
        raise ValidationError("email_kinds", "error.invalid")
    with write(db):
        actor = users.active(db, actor)
        chosen = [group for group in notifications.GROUPS if group in groups]
        db.execute("UPDATE users SET email_kinds = ? WHERE id = ?", [json.dumps(chosen), actor["id"]])


# --- sending --------------------------------------------------------------------------------------


def send_due(db: Database, now: datetime) -> int:
    """Send the outbox rows due by `now` (BATCH at most), each in its reader's language, and record
    each outcome: sent, or tried again later, or failed for good. Returns how many were sent.
    A server that cannot be reached or refuses is recorded on the rows, never raised."""
    if not outbox.configured(db):
        return 0  # switched off since they were queued: they wait, nothing leaves the machine
    claimed = _claim(db, now)
    if not claimed:
        return 0
    config = server(db)
    letters = [_notice_letter(config, row, now, resets.link_query(db, row)) for row in claimed]
    outcomes = _deliver(config, password(db), letters)
    _record(db, claimed, outcomes, now)
    return outcomes.count(None)


def _claim(db: Database, now: datetime) -> list[Row]:
    """The due rows, each moved CLAIM later so another pass leaves them alone while they are sent. An
    empty outbox is seen with one read, without taking the write lock every pass."""
    due = "SELECT 1 AS x FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? LIMIT 1"
    if not one(db, due, [to_db(now)]):
        return []
    with write(db):
        rows = list(
            db.query(
                """SELECT o.id, o.to_address, o.attempts, n.kind, n.job_id, n.user_id, n.params, u.language
                   FROM outbox o JOIN notifications n ON n.id = o.notification_id JOIN users u ON u.id = n.user_id
                   WHERE o.status = 'pending' AND o.next_attempt_at <= ?
                   ORDER BY o.next_attempt_at, o.id LIMIT ?""",
                [to_db(now), BATCH],
            )
        )
        if not rows:
            return rows
        db.execute(
            f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({', '.join('?' * len(rows))})",
            [to_db(now + CLAIM), *(row["id"] for row in rows)],
        )
    return rows


def _record(db: Database, rows: list[Row], outcomes: list[str | None], now: datetime) -> None:
    with write(db):
        for row, error in zip(rows, outcomes, strict=True):
            attempts = row["attempts"] + 1
            if error is None:
                status, next_attempt = "sent", now
            elif attempts >= MAX_ATTEMPTS:
                status, next_attempt = "failed", now
            else:
                status, next_attempt = "pending", now + BACKOFF[attempts - 1]
            db.execute(
                """UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
                   last_attempt_at = ?, sent_at = ? WHERE id = ?""",
                [
                    status,
                    attempts,
                    to_db(next_attempt),
                    error or "",
                    to_db(now),
                    to_db(now) if error is None else None,
                    row["id"],
                ],
            )


def send_test(db: Database, actor: User, to_address: Typed, now: datetime) -> str | None:
    """The organizer sends a test e-mail to `to_address` through the saved server, at once, and
    hears how it went: None when the server took it, else what went wrong (its answer, or why it
    could not be reached). Raises NotAllowed; ValidationError when the address is not one, or no
    server is set up (smtp_host)."""
    actor = users.organizer(db, actor)
    to_address = text(to_address, "to_address", max_len=120, single_line=True)
    if not EMAIL_RE.match(to_address):
        raise ValidationError("to_address", "error.email")
    if not outbox.configured(db):
        raise ValidationError("smtp_host", "error.mail_not_set")
    config = server(db)
    language = actor["language"]
    subject = text_in(language, "mail.test_subject")
    body = text_in(language, "mail.test_body", link=_address(config, "", {}))
    return _deliver(config, password(db), [_letter(config, language, to_address, subject, body, now)])[0]


def delivery_report(db: Database, actor: User) -> tuple[dict[str, int], list[Row]]:
    """For the organizer: how many e-mails are pending, sent and failed, and the newest that failed
    or are being tried again (REPORT_SIZE), with to whom, when last tried and the error. Raises NotAllowed."""
    users.organizer(db, actor)
    counts = {status: 0 for status in ("pending", "sent", "failed")}
    counts.update({row["status"]: row["n"] for row in db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY 1")})
    problems = db.query(
        """SELECT o.id, o.to_address, o.status, o.attempts, o.last_error, o.last_attempt_at, o.next_attempt_at,
                  u.display_name, u.username
           FROM outbox o JOIN notifications n ON n.id = o.notification_id JOIN users u ON u.id = n.user_id
           WHERE o.status != 'sent' AND o.last_error != '' ORDER BY o.last_attempt_at DESC, o.id DESC LIMIT ?""",
        [REPORT_SIZE],
    )
    return counts, [{**row, "last_attempt_at": from_db(row["last_attempt_at"])} for row in problems]


# --- the letters ----------------------------------------------------------------------------------


def _address(config: Server, page: str, query: dict[str, str]) -> str:
    """The board's public address of `page` (a page's address: "job", "wallet"; "" the board)."""
    return f"{config.public_url}/{page}" + (f"?{urlencode(query)}" if query else "")


def _notice_letter(config: Server, row: Row, now: datetime, reset: dict[str, str]) -> EmailMessage:
    """A notification's e-mail in its reader's language: the sentence, the link to the place to act,
    and how to stop these e-mails. `reset`: a reset link's query (resets.link_query), whose link
    opens the login page's reset form instead."""
    language = row["language"]
    sentence = text_in(language, f"notice.{row['kind']}", **readable(json.loads(row["params"]), language))
    page, query = ("login", reset) if reset else notifications.place(row)
    subject = text_in(language, "mail.subject", sentence=" ".join(sentence.split()))  # one line, as headers are
    link, account = _address(config, page, query), _address(config, "account", {})
    body = text_in(language, "mail.body", sentence=sentence, link=link, account=account)
    return _letter(config, language, row["to_address"], subject, body, now)


def _letter(config: Server, language: str, to_address: str, subject: str, body: str, now: datetime) -> EmailMessage:
    letter = EmailMessage()
    letter["Subject"] = subject
    letter["From"] = formataddr((text_in(language, "app.name"), config.from_address))
    letter["To"] = to_address
    letter["Date"] = format_datetime(now)
    letter["Message-ID"] = make_msgid(domain=config.from_address.rpartition("@")[2])
    letter.set_content(body)
    return letter


def _connect(config: Server, secret: str) -> smtplib.SMTP:
    """A connection to the server, protected as set up and signed in when there is an account."""
    context = ssl.create_default_context()
    if config.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
    try:
        if config.security == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, secret)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _deliver(config: Server, secret: str, letters: list[EmailMessage]) -> list[str | None]:
    """Hand `letters` to the server over one connection: for each, None when it took it, else why not.
    A letter the server refuses fails alone; a connection that cannot be made (or is lost) fails
    every letter not yet taken."""
    outcomes: list[str | None] = []
    try:
        with _connect(config, secret) as smtp:
            for letter in letters:
                try:
                    smtp.send_message(letter)
                    outcomes.append(None)
                except LETTER_REFUSED as refused:
                    outcomes.append(_described(refused))
    except OSError as error:  # smtplib's errors are OSErrors too: unreachable, refused, timed out, hung up
        outcomes += [_described(error)] * (len(letters) - len(outcomes))
    return outcomes


def _described(error: OSError) -> str:
    return f"{type(error).__name__}: {error}"[:500]

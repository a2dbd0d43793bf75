"""E-mail waiting to leave the machine: queued with its notification, in the same transaction.

notifications.tell calls `queue` for the rows it writes, so a rolled-back action mails nobody, and a
double click mails once. services.mail sends the queue afterwards, outside any action. With no mail
server set up (no smtp_host) nothing is queued: nothing leaves the machine.
"""

from datetime import datetime

from . import settings
from .clock import to_db
from .db import Database


def configured(db: Database) -> bool:
    """Has the organizer set up a mail server (services.mail.configure)?"""
    return settings.read(db, ["smtp_host"])["smtp_host"] != ""


def queue(db: Database, notification_ids: list[int], now: datetime, *, chosen_only: bool = True) -> int:
    """Inside the notifications' write transaction: an outbox row, due now, for each of them whose
    reader has an e-mail address, is not blocked and chose the notification's group (the part of its
    kind before the dot) in users.email_kinds; with `chosen_only` False whatever they chose (a
    password reset link the organizer sends). A notification queued already is left as it is.
    Returns how many were queued."""
    if not notification_ids or not configured(db):
        return 0
    marks = ", ".join("?" * len(notification_ids))
    cursor = db.execute(
        f"""INSERT OR IGNORE INTO outbox (notification_id, to_address, next_attempt_at, created_at)
            SELECT n.id, u.email, ?, ? FROM notifications n JOIN users u ON u.id = n.user_id
            WHERE n.id IN ({marks}) AND u.email != '' AND u.blocked_at IS NULL
              AND (NOT ? OR EXISTS (SELECT 1 FROM json_each(u.email_kinds)
                                    WHERE value = substr(n.kind, 1, instr(n.kind, '.') - 1)))""",
        [to_db(now), to_db(now), *notification_ids, chosen_only],
    )
    return cursor.rowcount

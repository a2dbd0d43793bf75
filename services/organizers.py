"""More than one organizer (#16 item 7): an organizer makes another person an organizer, or makes an
organizer a resident again, never leaving the board without one."""

from datetime import datetime

from . import audit, users
from .db import Database, the_one, write
from .errors import InvalidTransition


def set_organizer(db: Database, actor: object, user_id: int, organizer: bool, now: datetime) -> None:
    """An organizer makes the person `user_id` an organizer (`organizer` True) or a resident again,
    themself included, written in the audit log. Asking for what already is changes nothing.

    The count and the change are one write transaction (BEGIN IMMEDIATE), so of two organizers who
    remove each other at the same moment the second finds it is no longer an organizer: the board
    always keeps an organizer who is not blocked. Raises NotAllowed (the actor is no organizer),
    NotFound, InvalidTransition("error.last_organizer": nobody else would be left to run the board;
    "error.organizer_blocked": a blocked account cannot be made one)."""
    with write(db):
        actor = users.organizer(db, actor)
        person = users.get(db, user_id)
        role = "organizer" if organizer else "resident"
        if person["role"] == role:
            return
        if organizer and person["blocked_at"]:
            raise InvalidTransition("error.organizer_blocked")
        others = the_one(
            db,
            "SELECT COUNT(*) AS n FROM users WHERE role = 'organizer' AND blocked_at IS NULL AND id != ?",
            [user_id],
        )["n"]
        if not organizer and not others:
            raise InvalidTransition("error.last_organizer")
        kind = "organizer_granted" if organizer else "organizer_revoked"  # recorded first: one may step down
        audit.record(db, actor, kind, user_id=user_id, before={"role": person["role"]}, after={"role": role}, now=now)
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])

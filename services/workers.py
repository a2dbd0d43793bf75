"""Workers, minimal: the "I take jobs" switch, categories, and verification by an organizer.

Full profiles, ID checks and booking come later; they extend worker_profiles.
"""

import json
from datetime import datetime

from . import categories as categories_module
from . import users
from .clock import to_db
from .db import one, write
from .errors import NotAllowed, NotFound, ValidationError
from .users import require_organizer


def get_profile(db, user_id: int) -> dict | None:
    row = one(db, "SELECT * FROM worker_profiles WHERE user_id = ?", [user_id])
    if row:
        row["categories"] = json.loads(row["categories"])
    return row


def is_verified_worker(db, user_id: int) -> bool:
    profile = get_profile(db, user_id)
    return bool(profile and profile["taking_jobs"] and profile["verification"] == "verified")


def set_taking_jobs(db, actor: dict, *, taking_jobs: bool, categories: list[str], now: datetime) -> dict:
    """Switch "I take jobs" on or off for the acting user and choose categories.

    Switching on for the first time puts the worker in the organizer's queue ('pending').
    """
    unknown = set(categories) - set(categories_module.by_slug(db))
    if unknown:
        raise ValidationError("categories", "error.invalid")
    if taking_jobs and not categories:
        raise ValidationError("categories", "error.pick_category")
    with write(db):
        users.active(db, actor)
        profile = get_profile(db, actor["id"])
        verification = profile["verification"] if profile else "unverified"
        if taking_jobs and verification == "unverified":
            verification = "pending"
        db["worker_profiles"].upsert(
            {
                "user_id": actor["id"],
                "taking_jobs": int(taking_jobs),
                "categories": json.dumps(sorted(categories)),
                "verification": verification,
                "updated_at": to_db(now),
            },
            pk="user_id",
        )
    return get_profile(db, actor["id"])


def list_workers(db, actor: dict) -> list[dict]:
    """Every worker profile with the person's public name, pending ones first. Organizers only."""
    require_organizer(actor)
    rows = db.query(
        """SELECT w.*, u.username, u.display_name FROM worker_profiles w JOIN users u ON u.id = w.user_id
           ORDER BY w.verification != 'pending', u.display_name"""
    )
    return [dict(r, categories=json.loads(r["categories"])) for r in rows]


def set_verification(db, actor: dict, user_id: int, status: str, now: datetime) -> None:
    """An organizer marks a worker verified, or rejects/revokes. Nobody verifies themselves."""
    require_organizer(actor)
    if user_id == actor["id"]:
        raise NotAllowed("error.self_verify")
    if status not in ("verified", "rejected"):
        raise ValidationError("verification", "error.invalid")
    users.get(db, user_id)
    with write(db):
        changed = db.execute(
            """UPDATE worker_profiles SET verification = ?, verified_by = ?, verified_at = ?, updated_at = ?
               WHERE user_id = ?""",
            [status, actor["id"], to_db(now), to_db(now), user_id],
        ).rowcount
        if not changed:
            raise NotFound()

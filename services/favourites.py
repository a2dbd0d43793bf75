"""A resident's favourite helpers (收藏的帮手): marked with a star on a helper's profile or card, shown
first, or alone, in their helper directory."""

from datetime import datetime

from . import users, workers
from .clock import to_db
from .db import Database, write
from .errors import NotAllowed
from .rows import Row, User


def mark(db: Database, user: User, helper_id: int, favourite: bool, now: datetime) -> None:
    """Make `helper_id` one of the user's favourites, or no longer one. Marking what is already so (a
    double click) changes nothing. Raises NotAllowed (oneself), NotFound (no helper profile, or a
    blocked account: only when marking; taking a star back always works)."""
    with write(db):
        user = users.active(db, user)
        if not favourite:
            db.execute("DELETE FROM favourites WHERE user_id = ? AND helper_id = ?", [user["id"], helper_id])
            return
        if helper_id == user["id"]:
            raise NotAllowed()
        workers.public_profile(db, helper_id, now=now)  # a helper anyone may see
        db.execute(
            "INSERT OR IGNORE INTO favourites (user_id, helper_id, created_at) VALUES (?, ?, ?)",
            [user["id"], helper_id, to_db(now)],
        )


def helper_ids(db: Database, user: User) -> set[int]:
    """The ids of the user's favourite helpers."""
    user = users.active(db, user)
    return {row["helper_id"] for row in db.query("SELECT helper_id FROM favourites WHERE user_id = ?", [user["id"]])}


def first(helpers: list[Row], favourites: set[int], *, only: bool = False) -> list[Row]:
    """The directory's helpers (workers.directory, in its order) with the favourites first, in the same
    order among themselves; only: the favourites alone. Each row says whether it is one (`favourite`)."""
    rows = [{**helper, "favourite": helper["user_id"] in favourites} for helper in helpers]
    return [row for row in rows if row["favourite"]] + ([] if only else [row for row in rows if not row["favourite"]])

"""Job categories (seeded by the first migration; organizers edit them in a later issue)."""

from .db import Database
from .rows import Row


def list_all(db: Database) -> list[Row]:
    return list(db.query("SELECT * FROM categories ORDER BY sort"))


def by_slug(db: Database) -> dict[str, Row]:
    return {c["slug"]: c for c in list_all(db)}

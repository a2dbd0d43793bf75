from .db import Database

"""Job categories (seeded by the first migration; organizers edit them in a later issue)."""


def list_all(db: Database) -> list[dict]:
    return list(db.query("SELECT * FROM categories ORDER BY sort"))


def by_slug(db: Database) -> dict[str, dict]:
    return {c["slug"]: c for c in list_all(db)}

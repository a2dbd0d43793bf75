"""Job categories (seeded by the first migration; organizers edit them in a later issue)."""

from .db import Database, one
from .errors import ValidationError
from .rows import Row


def list_all(db: Database) -> list[Row]:
    return list(db.query("SELECT * FROM categories ORDER BY sort"))


def by_slug(db: Database) -> dict[str, Row]:
    return {c["slug"]: c for c in list_all(db)}


def require_safety_seen(db: Database, slug: str, seen: object) -> None:
    """A helper takes on a job of a hazardous category (ladders, electricity, water) only having been
    shown its safety notes: `seen` is True once they were, in the same tap that takes it (#16 item 3).
    Raises ValidationError("safety") otherwise."""
    row = one(db, "SELECT hazardous FROM categories WHERE slug = ?", [slug])
    if row and row["hazardous"] and seen is not True:
        raise ValidationError("safety", "error.safety_notes")

"""UTC time as stored in the database: ISO 8601 text, one format everywhere so text order is time order."""

from datetime import UTC, datetime
from typing import overload


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Aware datetime -> '2026-11-25T14:00:00+00:00'. Naive datetimes are refused: they hide bugs."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@overload
def from_db(text: str) -> datetime: ...  # a column that always holds a time (NOT NULL)
@overload
def from_db(text: str | None) -> datetime | None: ...


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None

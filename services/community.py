"""The community this board serves: name, centre, radius, default language. Set once at first run."""

from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from . import settings, users
from .clock import from_db, utcnow
from .db import Database, write
from .errors import SetupDone, ValidationError
from .geo import check_lat_lon
from .rows import Community, Job, User
from .validate import LANGUAGES, Typed, text

FIELDS = ("name", "lat", "lon", "radius_km", "language", "timezone")
MAX_CONTACT = 120


def get(db: Database) -> Community | None:
    """The community settings, or None before first-run setup."""
    place = settings.read(db, FIELDS)
    return cast(Community, place) if "name" in place else None


def set_up(
    db: Database,
    *,
    name: Typed,
    lat: Typed,
    lon: Typed,
    radius_km: Typed,
    language: Typed,
    organizer: dict[str, Typed],
    now: datetime,
) -> int:
    """First-run setup: store the community and create the first organizer, in one transaction.

    Raises SetupDone if the community already exists (a second browser finishing setup late),
    ValidationError for bad fields. Returns the organizer's user id.
    """
    name = text(name, "community_name", min_len=1, max_len=60, single_line=True)
    lat, lon = check_lat_lon(lat, lon, "center")
    try:
        radius_km = float(radius_km)
    except (TypeError, ValueError):
        raise ValidationError("radius_km", "error.radius") from None
    if not 0.5 <= radius_km <= 50:
        raise ValidationError("radius_km", "error.radius")
    if language not in LANGUAGES:
        raise ValidationError("language", "error.invalid")
    with write(db):
        if get(db) is not None:
            raise SetupDone()
        user_id = users.register(db, **organizer, language=language, role="organizer", now=now)
        settings.save(
            db,
            {
                "name": name,
                "lat": lat,
                "lon": lon,
                "radius_km": radius_km,
                "language": language,
                "timezone": settings.DEFAULT_TIMEZONE,
            },
        )
    return user_id


def organizer_contact(db: Database) -> str:
    """How to reach the organizers, as they wrote it ("" until they do)."""
    return str(settings.read(db, ["organizer_contact"])["organizer_contact"])


def set_organizer_contact(db: Database, actor: User, line: Typed, now: datetime | None = None) -> None:
    """An organizer sets the line that tells everyone how to reach them (a phone, an office and its
    hours): shown on every job page and under errors that send people to them; "" removes it. It is
    public: whatever they write here anyone may read. Written in the audit log at `now` (None: the
    clock's). Raises NotAllowed, ValidationError("contact")."""
    line = text(line, "contact", max_len=MAX_CONTACT, single_line=True)
    with write(db):
        actor = users.organizer(db, actor)
        settings.change(db, actor, {"organizer_contact": line}, now or utcnow())


def starts_in_evening(db: Database, job: Job) -> bool:
    """The job's time window starts at or after the `evening_hour` setting, in the community's time."""
    zone = ZoneInfo(str(settings.read(db, ["timezone"])["timezone"]))
    return from_db(job["window_start"]).astimezone(zone).hour >= settings.whole(db, "evening_hour")

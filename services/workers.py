"""Workers: the "I take jobs" switch, the public profile, portfolio photos, reliability, the directory.

Identity checks (实名认证) live in services.verification; it alone moves a worker to 'verified'.
"""

import json
from datetime import datetime
from typing import cast, overload

from . import categories as categories_module
from . import community, geo, reviews, uploads, users
from .clock import to_db
from .db import Database, filled_in, insert, one, the_one, write
from .errors import NotAllowed, NotFound, ValidationError
from .rows import Row, User
from .transitions import ASSIGNING
from .validate import Typed, text, yuan_to_fen

AVAILABILITY = tuple(
    f"{days}_{part}" for days in ("weekdays", "weekends") for part in ("morning", "afternoon", "evening")
)
MAX_PHOTOS = 6
RADIUS_KM = (0.5, 20.0)
# The directory's ranking: a Bayesian average, as if every helper started with PRIOR_WEIGHT ratings of
# PRIOR_STARS. One 5-star rating scores (5·4 + 5) / 6 = 4.17; forty 4.8s score 4.71.
PRIOR_STARS = 4.0
PRIOR_WEIGHT = 5
# Reliability figures are shown once a worker has been given this many jobs.
RELIABILITY_MIN_ASSIGNED = 5


@overload
def _decoded(row: Row) -> Row: ...
@overload
def _decoded(row: Row | None) -> Row | None: ...


def _decoded(row: Row | None) -> Row | None:
    if row:
        row["categories"] = json.loads(row["categories"])
        row["availability"] = json.loads(row["availability"])
    return row


def get_profile(db: Database, user_id: int) -> Row | None:
    """The stored profile row (categories and availability as lists), or None."""
    return _decoded(one(db, "SELECT * FROM worker_profiles WHERE user_id = ?", [user_id]))


def _written(db: Database, user_id: int) -> Row:
    """The profile a service has just written (so there is one)."""
    return cast(Row, get_profile(db, user_id))


def is_verified_worker(db: Database, user_id: int) -> bool:
    """May take jobs now: "I take jobs" is on, the identity check passed and the account is not blocked."""
    return bool(
        one(
            db,
            """SELECT 1 AS x FROM worker_profiles w JOIN users u ON u.id = w.user_id
               WHERE w.user_id = ? AND w.taking_jobs = 1 AND w.verification = 'verified' AND u.blocked_at IS NULL""",
            [user_id],
        )
    )


def _categories(db: Database, categories: Typed) -> list[str]:
    unknown = set(categories) - set(categories_module.by_slug(db))
    if unknown:
        raise ValidationError("categories", "error.invalid")
    return sorted(categories)


def _upsert(db: Database, actor: User, fields: Row, now: datetime) -> None:
    """Write profile fields for the acting user, creating the row on first use (inside write())."""
    users.active(db, actor)
    if get_profile(db, actor["id"]):
        assignments = ", ".join(f"{column} = ?" for column in fields)
        db.execute(
            f"UPDATE worker_profiles SET {assignments}, updated_at = ? WHERE user_id = ?",
            [*fields.values(), to_db(now), actor["id"]],
        )
    else:
        db.table("worker_profiles").insert({"user_id": actor["id"], **fields, "updated_at": to_db(now)})


def set_taking_jobs(db: Database, actor: User, *, taking_jobs: bool, categories: list[str], now: datetime) -> Row:
    """Switch "I take jobs" on or off for the acting user and choose categories. Returns the profile.

    Switching on does not verify anybody: the worker then submits an identity check.
    """
    categories = _categories(db, categories)
    if taking_jobs and not categories:
        raise ValidationError("categories", "error.pick_category")
    with write(db):
        _upsert(db, actor, {"taking_jobs": int(taking_jobs), "categories": json.dumps(categories)}, now)
    return _written(db, actor["id"])


def save_profile(
    db: Database,
    actor: User,
    *,
    bio: Typed,
    service_radius_km: Typed,
    rate_yuan: Typed,
    area: tuple[float, float] | None,
    area_label: Typed,
    availability: Typed,
    now: datetime,
) -> Row:
    """Store the acting user's public worker profile. Returns it. Stores nothing on error.

    rate_yuan: an hourly rate, or None/"" for "quote per job". area: a point the worker clicked near
    where they usually work, or None to keep the stored one; only a point 150–400 m away from it is
    kept (geo.fuzz), so the board never holds a worker's home position.
    Raises ValidationError naming the field.
    """
    bio = text(bio, "bio", min_len=5, max_len=500)
    try:
        radius = float(service_radius_km)
    except (TypeError, ValueError):
        raise ValidationError(
            "service_radius_km", "error.service_radius", low=RADIUS_KM[0], high=RADIUS_KM[1]
        ) from None
    if not RADIUS_KM[0] <= radius <= RADIUS_KM[1]:
        raise ValidationError("service_radius_km", "error.service_radius", low=RADIUS_KM[0], high=RADIUS_KM[1])
    rate_fen = None if rate_yuan in (None, "") else yuan_to_fen(rate_yuan, "rate")
    if rate_fen == 0:
        raise ValidationError("rate", "error.rate_zero")
    fields = {"bio": bio, "service_radius_km": radius, "rate_fen": rate_fen}
    if area is not None:
        lat, lon = geo.check_lat_lon(*area, field="area")
        place = community.get(db)
        if place is None or geo.distance_km(place["lat"], place["lon"], lat, lon) > place["radius_km"]:
            raise ValidationError("area", "error.outside_radius", km=place["radius_km"] if place else 0)
        fields["area_lat"], fields["area_lon"] = geo.fuzz(lat, lon)
    fields["area_label"] = text(area_label, "area_label", min_len=2, max_len=40, single_line=True)
    if not isinstance(availability, list | tuple) or set(availability) - set(AVAILABILITY):
        raise ValidationError("availability", "error.invalid")
    fields["availability"] = json.dumps([slot for slot in AVAILABILITY if slot in availability])
    with write(db):
        stored = get_profile(db, actor["id"])
        if area is None and not (stored and stored["area_lat"] is not None):
            raise ValidationError("area", "error.area_missing")
        _upsert(db, actor, fields, now)
    return _written(db, actor["id"])


# --- portfolio photos ----------------------------------------------------------------------------


def photos(db: Database, user_id: int) -> list[Row]:
    return list(db.query("SELECT * FROM worker_photos WHERE user_id = ? ORDER BY id", [user_id]))


def photo_bytes(db: Database, photo: Row) -> bytes:
    """A portfolio photo's picture (they are public, shown on the worker's profile)."""
    return uploads.read(db, "public", photo["file"])


def add_photo(db: Database, actor: User, data: bytes, caption: Typed, now: datetime, *, key: str | None = None) -> int:
    """Add a picture of past work to the acting user's profile (at most MAX_PHOTOS). Returns its id.
    `key` identifies one filling-in of the form: sending it again returns the photo it added.

    Raises ValidationError (not a JPEG/PNG/WEBP picture, too big, caption too long, six already).
    """
    caption = text(caption, "caption", max_len=80, single_line=True)
    cleaned = uploads.reencoded(data, "photo")
    with uploads.saving(db, "public") as save, write(db):
        actor = users.active(db, actor)
        request_key, again = filled_in(db, "worker_photos", actor["id"], key)
        if again:
            return again
        if the_one(db, "SELECT COUNT(*) AS n FROM worker_photos WHERE user_id = ?", [actor["id"]])["n"] >= MAX_PHOTOS:
            raise ValidationError("photo", "error.too_many_photos", max=MAX_PHOTOS)
        row = {
            "user_id": actor["id"],
            "file": save(cleaned),
            "caption": caption,
            "request_key": request_key,
            "created_at": to_db(now),
        }
        return insert(db, "worker_photos", row)


def remove_photo(db: Database, actor: User, photo_id: int) -> None:
    """Remove one of the acting user's own portfolio photos. Raises NotFound / NotAllowed."""
    photo = one(db, "SELECT * FROM worker_photos WHERE id = ?", [photo_id])
    if not photo:
        raise NotFound()
    if photo["user_id"] != actor["id"]:
        raise NotAllowed()
    with write(db):
        users.active(db, actor)
        db.execute("DELETE FROM worker_photos WHERE id = ?", [photo_id])
    uploads.delete(db, "public", photo["file"])


# --- what others see -----------------------------------------------------------------------------


def reliability(db: Database, user_id: int) -> dict[str, int | float | bool | None]:
    """How dependable a worker has been, from the job history.

    assigned: times the worker was given a job (claimed, or accepted in booking mode);
    released: times they gave one back after taking it; completed: jobs they finished and the poster
    confirmed. completion_rate = completed / (completed + released): jobs still under way and jobs
    the poster cancelled are left out. `shown` is False until assigned >= RELIABILITY_MIN_ASSIGNED.
    """
    counts = the_one(
        db,
        f"""SELECT
              SUM(action IN ({", ".join("?" * len(ASSIGNING))})) AS assigned,
              SUM(action = 'release') AS released
            FROM job_events WHERE worker_id = ?""",
        [*ASSIGNING, user_id],
    )
    completed = the_one(db, "SELECT COUNT(*) AS n FROM jobs WHERE worker_id = ? AND status = 'completed'", [user_id])[
        "n"
    ]
    assigned, released = counts["assigned"] or 0, counts["released"] or 0
    ended = completed + released
    return {
        "assigned": assigned,
        "released": released,
        "completed": completed,
        "completion_rate": completed / ended if ended else None,
        "shown": assigned >= RELIABILITY_MIN_ASSIGNED,
    }


def bayesian_score(stars_total: float, count: int) -> float:
    """(PRIOR_WEIGHT × PRIOR_STARS + sum of stars) / (PRIOR_WEIGHT + number of ratings)."""
    return (PRIOR_WEIGHT * PRIOR_STARS + stars_total) / (PRIOR_WEIGHT + count)


PUBLIC_SELECT = f"""
    SELECT w.user_id, u.display_name, w.taking_jobs, w.categories, w.bio, w.service_radius_km, w.rate_fen,
           w.area_lat, w.area_lon, w.area_label, w.availability, w.verification = 'verified' AS verified,
           COALESCE(r.count, 0) AS rating_count, r.average AS rating_average, COALESCE(r.total, 0) AS rating_total,
           (SELECT COUNT(*) FROM jobs j WHERE j.worker_id = w.user_id AND j.status = 'completed') AS completed
    FROM worker_profiles w JOIN users u ON u.id = w.user_id
    LEFT JOIN (SELECT subject_id, COUNT(*) AS count, AVG(stars) AS average, SUM(stars) AS total
               FROM reviews r WHERE author_role = 'poster' AND hidden_at IS NULL AND {reviews.REVEAL} <= ?
               GROUP BY subject_id) r
        ON r.subject_id = w.user_id
    WHERE u.blocked_at IS NULL"""  # the ratings shown at the moment given first


def _public(row: Row) -> Row:
    row = _decoded(row)
    row["verified"] = bool(row["verified"])
    row["score"] = bayesian_score(row["rating_total"], row["rating_count"])
    return row


def public_profile(db: Database, user_id: int, *, now: datetime) -> Row:
    """What anyone may see of a worker: no phone, e-mail, ID data or exact position. Ratings are
    those received as a worker and shown at `now` (services.reviews: double-blind).

    Raises NotFound for someone with no worker profile (or a blocked account).
    """
    row = one(db, PUBLIC_SELECT + " AND w.user_id = ?", [to_db(now), user_id])
    if not row:
        raise NotFound()
    profile = _public(row)
    profile["photos"] = photos(db, user_id)
    profile["reliability"] = reliability(db, user_id)
    return profile


def directory(
    db: Database,
    *,
    category: str | None = None,
    near: tuple[float, float] | None = None,
    slot: str | None = None,
    now: datetime,
) -> list[Row]:
    """Verified workers taking jobs, best first: Bayesian score (of the ratings shown at `now`), then
    completed jobs, then name.

    category: they offer it. near: a point inside their service radius (from their approximate
    area). slot: they are usually available then (one of AVAILABILITY).
    """
    rows = [
        _public(r)
        for r in db.query(PUBLIC_SELECT + " AND w.taking_jobs = 1 AND w.verification = 'verified'", [to_db(now)])
    ]
    if category:
        rows = [r for r in rows if category in r["categories"]]
    if slot:
        rows = [r for r in rows if slot in r["availability"]]
    for row in rows:
        row["distance_km"] = (
            geo.distance_km(near[0], near[1], row["area_lat"], row["area_lon"])
            if near and row["area_lat"] is not None
            else None
        )
    if near:
        rows = [r for r in rows if r["distance_km"] is not None and r["distance_km"] <= r["service_radius_km"]]
    return sorted(rows, key=lambda r: (-r["score"], -r["completed"], r["display_name"], r["user_id"]))

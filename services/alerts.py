"""Nearby-job alerts: a new open job tells the helpers who would want it, once, at most a few a day.

A helper hears of a job when they are verified and taking jobs, have alerts on (users.job_alerts),
work in its category, its place lies inside their service radius around their area, and its time
window touches the hours they said they are usually free (any time, if they said none). Written in
the posting's own transaction (services.jobs.post), like every notification.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import geo, notifications, settings, users
from .clock import from_db, to_db
from .db import Database, the_one, write
from .rows import Job, User

# The parts of the day the availability slots name (workers.AVAILABILITY), as local hours [from, to).
PARTS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 23)}
MAX_HOURS_LOOKED_AT = 7 * 24  # a week of a long window touches every slot there is


def slots_touched(start: datetime, end: datetime, tz: ZoneInfo) -> set[str]:
    """The availability slots ('weekdays_morning', ...) that a time window touches, in local time."""
    touched: set[str] = set()
    hour = start.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    for _ in range(MAX_HOURS_LOOKED_AT):
        if hour >= end:
            break
        days = "weekends" if hour.weekday() >= 5 else "weekdays"
        touched |= {f"{days}_{part}" for part, (first, last) in PARTS.items() if first <= hour.hour < last}
        hour += timedelta(hours=1)
    return touched


def _local_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    return now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)


def new_job(db: Database, job: Job, now: datetime) -> list[int]:
    """Inside the posting's write transaction: tell each helper who would want the new open `job`
    (see the module). Returns who was told."""
    tz = ZoneInfo(str(settings.read(db, ["timezone"])["timezone"]))
    cap = settings.whole(db, "alerts_daily_cap")
    since = to_db(_local_midnight(now, tz))
    window = slots_touched(from_db(job["window_start"]), from_db(job["window_end"]), tz)
    candidates = db.query(
        """SELECT w.user_id, w.categories, w.availability, w.service_radius_km, w.area_lat, w.area_lon
           FROM worker_profiles w JOIN users u ON u.id = w.user_id
           WHERE w.verification = 'verified' AND w.taking_jobs = 1 AND u.job_alerts = 1
             AND u.blocked_at IS NULL AND w.user_id != ? AND w.area_lat IS NOT NULL""",
        [job["poster_id"]],
    )
    lat, lon = job["lat"], job["lon"]
    assert lat is not None and lon is not None  # the stored job, not a viewer's copy
    told = []
    for helper in candidates:
        free = set(json.loads(helper["availability"]))
        if (
            job["category"] in json.loads(helper["categories"])
            and geo.distance_km(helper["area_lat"], helper["area_lon"], lat, lon) <= helper["service_radius_km"]
            and (not free or free & window)
            and _told_today(db, helper["user_id"], since) < cap
        ):
            told.append(helper["user_id"])
    notifications.tell(
        db,
        told,
        "nearby.job",
        f"job:{job['id']}:nearby",
        now,
        job_id=job["id"],
        title=job["title"],
        category=job["category"],
    )
    return told


def _told_today(db: Database, user_id: int, since: str) -> int:
    sql = "SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND kind = 'nearby.job' AND created_at >= ?"
    return int(the_one(db, sql, [user_id, since])["n"])


def set_alerts(db: Database, actor: User, on: bool) -> None:
    """The acting person switches nearby-job alerts on or off."""
    with write(db):
        actor = users.active(db, actor)
        db.execute("UPDATE users SET job_alerts = ? WHERE id = ?", [int(on), actor["id"]])


def alerts_on(db: Database, user_id: int) -> bool:
    return bool(the_one(db, "SELECT job_alerts FROM users WHERE id = ?", [user_id])["job_alerts"])

"""The community's figures for the organizer's console (#16 item 4): jobs posted per week or month by
category and by status, how long a posted job waits until someone takes it, how many were completed or
cancelled, who was active lately, the money held for jobs and the commission; and what waits on the
organizers (disputes, identity checks, scam warnings).

Every figure is one SQL query over indexes. Weeks (Monday to Sunday) and months are the community's,
not UTC's: their first moments are worked out here in its time zone (daylight saving included) and
handed to the query as a small JSON table of (first day, since, until) in stored UTC text, which the
query joins by range on the indexed time column (jobs_created, job_events_at, transfers_created).
"""

import json
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from . import users
from .clock import to_db
from .db import Database, the_one
from .rows import Row

# period -> (its unit, how many of them, this one included)
PERIODS = {"4w": ("week", 4), "12w": ("week", 12), "12m": ("month", 12)}
ACTIVE_DAYS = 30  # "active lately": did something in the last 30 days
FLAGGED_DAYS = 7  # scam warnings count for a week (they are never "handled": the list shows the newest)
# what a helper does that makes them an active helper: taking a job (claim or accepted), starting, finishing
WORKING_ACTIONS = ("claim", "accept", "accept_invitation", "start", "finish")


class Bucket(NamedTuple):
    first_day: date  # the community's first day of the week or month
    since: str  # its first moment, as stored (UTC text)
    until: str  # the next one's first moment


# The buckets as a table for the queries below: b(first_day, since, until).
BUCKETS = """b(first_day, since, until) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
    FROM json_each(:buckets))"""


def buckets(period: str, now: datetime, tz: tzinfo) -> list[Bucket]:
    """The weeks or months of `period` (a key of PERIODS), oldest first, the one holding `now` last.
    Raises KeyError for an unknown period."""
    unit, count = PERIODS[period]
    today = now.astimezone(tz).date()
    if unit == "week":
        this = today - timedelta(days=today.weekday())
        firsts = [this - timedelta(weeks=back) for back in range(count - 1, -2, -1)]
    else:
        months = today.year * 12 + today.month - 1
        firsts = [date(m // 12, m % 12 + 1, 1) for m in range(months - count + 1, months + 2)]
    starts = [to_db(datetime.combine(day, time(), tzinfo=tz)) for day in firsts]
    return [Bucket(day, since, until) for day, since, until in zip(firsts, starts, starts[1:], strict=False)]


def _table(period: str, now: datetime, tz: tzinfo) -> dict[str, str]:
    """The query parameters of `period`'s buckets: the JSON table, and the whole period's bounds."""
    spans = buckets(period, now, tz)
    table = json.dumps([[b.first_day.isoformat(), b.since, b.until] for b in spans])
    return {"buckets": table, "since": spans[0].since, "until": spans[-1].until}


JOB_GROUPS = {"category": "j.category", "status": "j.status"}


def jobs_posted(db: Database, actor: object, period: str, group: str, now: datetime, tz: tzinfo) -> list[Row]:
    """Jobs posted in each week or month of `period`, by `group` ('category' or 'status': where the job
    stands now): rows of first_day (ISO date), `group` and jobs; groups with none left out.
    Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    column = JOB_GROUPS[group]
    sql = f"""WITH {BUCKETS}
        SELECT b.first_day, {column} AS {group}, COUNT(*) AS jobs
        FROM b JOIN jobs j ON j.created_at >= b.since AND j.created_at < b.until
        GROUP BY b.first_day, {column} ORDER BY b.first_day, {column}"""
    return list(db.query(sql, _table(period, now, tz)))


# Minutes from posting to the first time the job was taken (claimed, or a booking's helper accepted),
# for jobs posted in a bucket; then the median of each bucket and of the whole period (first_day NULL):
# the middle value, or the mean of the two middle ones.
WAITS = f"""WITH {BUCKETS},
    waits AS (
        SELECT b.first_day, (julianday(MIN(e.at)) - julianday(j.created_at)) * 1440 AS minutes
        FROM b JOIN jobs j ON j.created_at >= b.since AND j.created_at < b.until
        JOIN job_events e ON e.job_id = j.id AND e.to_status = 'assigned'
        GROUP BY j.id),
    grouped AS (SELECT first_day, minutes FROM waits UNION ALL SELECT NULL, minutes FROM waits),
    ranked AS (
        SELECT first_day, minutes, ROW_NUMBER() OVER (PARTITION BY first_day ORDER BY minutes) AS n,
               COUNT(*) OVER (PARTITION BY first_day) AS taken
        FROM grouped)
    SELECT first_day, ROUND(AVG(minutes)) AS median_minutes, MAX(taken) AS taken FROM ranked
    WHERE n IN ((taken + 1) / 2, (taken + 2) / 2)
    GROUP BY first_day ORDER BY first_day"""


def wait_to_take(db: Database, actor: object, period: str, now: datetime, tz: tzinfo) -> list[Row]:
    """The median minutes from posting to being taken, of the jobs posted in each week or month of
    `period` that were taken (rows of first_day, median_minutes, taken: how many jobs), and of the whole
    period (the row whose first_day is None, first). Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    return list(db.query(WAITS, _table(period, now, tz)))


def outcomes(db: Database, actor: object, period: str, now: datetime, tz: tzinfo) -> Row:
    """Of the jobs posted in `period`: how many (posted), and how many of them are completed and
    cancelled now. Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    return the_one(
        db,
        """SELECT COUNT(*) AS posted, COALESCE(SUM(status = 'completed'), 0) AS completed,
                  COALESCE(SUM(status = 'cancelled'), 0) AS cancelled
           FROM jobs WHERE created_at >= :since AND created_at < :until""",
        _table(period, now, tz),
    )


def active_people(db: Database, actor: object, now: datetime) -> Row:
    """How many people posted a job (posters) and how many helpers took, started or finished one
    (workers) in the last ACTIVE_DAYS days. Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    since = to_db(now - timedelta(days=ACTIVE_DAYS))
    actions = ", ".join(f"'{action}'" for action in WORKING_ACTIONS)  # constants, not input
    return the_one(
        db,
        f"""SELECT (SELECT COUNT(DISTINCT poster_id) FROM jobs WHERE created_at >= :since) AS posters,
                   (SELECT COUNT(DISTINCT worker_id) FROM job_events
                    WHERE at >= :since AND action IN ({actions})) AS workers""",
        {"since": since},
    )


def money(db: Database, actor: object, period: str, now: datetime, tz: tzinfo) -> list[Row]:
    """Per week or month of `period` (every one, oldest first): held_fen, the money put on hold for jobs
    (what went into the jobs' escrow accounts), and commission_fen, the board's commission earned.
    Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    sql = f"""WITH {BUCKETS}
        SELECT b.first_day,
               COALESCE(SUM(CASE WHEN a.kind = 'escrow' AND l.amount_fen > 0 THEN l.amount_fen END), 0) AS held_fen,
               COALESCE(SUM(CASE WHEN a.kind = 'commission' THEN l.amount_fen END), 0) AS commission_fen
        FROM b LEFT JOIN transfers t ON t.created_at >= b.since AND t.created_at < b.until
        LEFT JOIN ledger_lines l ON l.transfer_id = t.id LEFT JOIN accounts a ON a.id = l.account_id
        GROUP BY b.first_day ORDER BY b.first_day"""
    return list(db.query(sql, _table(period, now, tz)))


# What waits on the organizers: kind (catalog key console.waiting_<kind>) -> a query counting it.
# :me is the organizer reading (their own dispute or ID check is not theirs to handle); :flagged_since
# starts the FLAGGED_DAYS of scam warnings.
WAITING = {
    "disputes": "SELECT COUNT(*) FROM jobs WHERE status = 'disputed' AND :me NOT IN (poster_id, worker_id)",
    "id_checks": "SELECT COUNT(*) FROM id_checks WHERE status = 'pending' AND user_id != :me",
    "flagged": """SELECT (SELECT COUNT(*) FROM messages WHERE flagged = 1 AND created_at >= :flagged_since)
                       + (SELECT COUNT(*) FROM jobs WHERE flagged = 1 AND created_at >= :flagged_since)
                       + (SELECT COUNT(*) FROM questions WHERE flagged = 1 AND created_at >= :flagged_since)""",
    "reports": "SELECT COUNT(DISTINCT kind || ':' || item_id) FROM reports WHERE status = 'open'",  # items, not reports
}


def waiting(db: Database, actor: object, now: datetime) -> dict[str, int]:
    """How many of each kind in WAITING wait on the organizers now. Organizers only: raises NotAllowed."""
    user = users.organizer(db, actor)
    params = {"me": user["id"], "flagged_since": to_db(now - timedelta(days=FLAGGED_DAYS))}
    return {kind: db.execute(sql, params).fetchone()[0] for kind, sql in WAITING.items()}

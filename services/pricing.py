"""What a job costs: the agreed or asked price, the estimate the poster's escrow holds, and for an
hourly job the hours the worker actually recorded at finish; and the price guide, what such jobs were
done for lately. All in integer fen."""

import statistics
from datetime import datetime, timedelta
from typing import cast

from .clock import to_db
from .db import Database
from .rows import Job, Row


def agreed_or_asked_fen(job: Job | Row) -> int:
    """The price agreed at assignment (a booking quote) if there is one, else the posted price."""
    agreed = job.get("agreed_fen")
    return agreed if agreed is not None else job["price_fen"]


def hourly_fen(rate_fen: int, minutes: int) -> int:
    """An hourly rate × minutes, rounded half up to the fen."""
    return (rate_fen * minutes + 30) // 60


def estimated_minutes(job: Job | Row) -> int:
    """An hourly job's estimated minutes (jobs.post gives every hourly job its estimate)."""
    return cast(int, job["est_minutes"])


def estimated_total_fen(job: Job | Row) -> int:
    """What the poster expects to pay: the price, or the hourly rate × estimated hours."""
    price = agreed_or_asked_fen(job)
    if job["price_type"] != "hourly":
        return price
    return hourly_fen(price, estimated_minutes(job))


def worked_total_fen(job: Job | Row) -> int:
    """What the work came to: for an hourly job whose worker recorded the actual hours, the rate ×
    those hours; otherwise the estimate."""
    actual = job.get("actual_minutes")
    if job["price_type"] == "hourly" and actual is not None:
        return hourly_fen(agreed_or_asked_fen(job), actual)
    return estimated_total_fen(job)


def extra_fen(job: Job | Row) -> int:
    """How much the recorded hours come to above the estimate held: the part the poster must approve."""
    return max(0, worked_total_fen(job) - estimated_total_fen(job))


def labor_due_fen(job: Job | Row) -> int:
    """What the worker is owed for the work: the hours worked, but above the estimate only once the
    poster approved the extra (fewer hours than estimated: the over-cover goes back to the poster)."""
    if extra_fen(job) and job.get("extra_decision") != "approved":
        return estimated_total_fen(job)
    return worked_total_fen(job)


# --- the price guide: what such jobs were done for lately ------------------------------------------

PRICE_GUIDE_DAYS = 90
PRICE_GUIDE_MIN = 3


def price_guide(db: Database, category: str, price_type: str, now: datetime) -> dict[str, int] | None:
    """What jobs of this category and price type were done for over the last 90 days: the median and
    the middle half (25th–75th percentile) of agreed prices of completed paid jobs, in fen, and how
    many there were. None below PRICE_GUIDE_MIN jobs (too few to guide anyone)."""
    prices = sorted(
        row["price"]
        for row in db.query(
            """SELECT COALESCE(agreed_fen, price_fen) AS price FROM jobs
               WHERE category = ? AND price_type = ? AND status = 'completed' AND updated_at >= ?
                 AND COALESCE(agreed_fen, price_fen) > 0""",
            [category, price_type, to_db(now - timedelta(days=PRICE_GUIDE_DAYS))],
        )
    )
    if len(prices) < PRICE_GUIDE_MIN:
        return None
    low, median, high = statistics.quantiles(prices, n=4, method="inclusive")
    return {"count": len(prices), "low": round(low), "median": round(median), "high": round(high)}

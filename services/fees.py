"""Money policy: what the board takes and what a late cancellation costs, set by the organizer.

The commission on a worker's pay, the late-cancellation fee (a percentage of the held price, with a
cap) and how many hours before a job's start a cancellation counts as late. The values are community
settings (services.settings); the ledger (services.ledger) moves the amounts worked out here and
knows nothing of them.
"""

from datetime import datetime, timedelta

from . import settings, users
from .clock import utcnow
from .db import Database, write
from .errors import ValidationError
from .rows import User
from .validate import Typed, yuan_to_fen

# The lowest and highest whole number the organizer may set (the cap is an amount of money instead).
LIMITS = {"commission_pct": (0, 20), "cancel_fee_pct": (0, 100), "cancel_window_hours": (0, 168)}


def _whole(value: Typed, name: str) -> int:
    low, high = LIMITS[name]
    digits = str(value).strip()
    if not digits.isdigit() or not low <= int(digits) <= high:
        raise ValidationError(name, "error.setting_range", low=low, high=high)
    return int(digits)


def set_money_settings(
    db: Database,
    actor: User,
    *,
    commission_pct: Typed,
    cancel_fee_pct: Typed,
    cancel_fee_cap_yuan: Typed,
    cancel_window_hours: Typed,
    now: datetime | None = None,
) -> None:
    """The organizer sets the commission (0–20 %) and the late-cancellation fee (a percentage of the
    price, a cap in yuan, and how many hours before the start "late" begins). They apply to money
    moved from then on. Written in the audit log at `now` (None: the clock's). Raises NotAllowed,
    ValidationError (naming the field); stores nothing on error."""
    with write(db):
        actor = users.organizer(db, actor)
        values = {
            "commission_pct": _whole(commission_pct, "commission_pct"),
            "cancel_fee_pct": _whole(cancel_fee_pct, "cancel_fee_pct"),
            "cancel_fee_cap_fen": yuan_to_fen(cancel_fee_cap_yuan, "cancel_fee_cap"),
            "cancel_window_hours": _whole(cancel_window_hours, "cancel_window_hours"),
        }
        settings.change(db, actor, values, now or utcnow())


def commission_of(db: Database, fen: int) -> int:
    """The board's commission on a payment of `fen`: rounded down to the fen, so the worker never
    loses a fraction of a fen to rounding and commission + what the worker gets = the payment."""
    return fen * settings.whole(db, "commission_pct") // 100


def late_cancel_fee_of(db: Database, fen: int) -> int:
    """What a worker gets when the poster cancels late: a percentage of the held price (rounded down
    to the fen), at most the cap."""
    return min(fen * settings.whole(db, "cancel_fee_pct") // 100, settings.whole(db, "cancel_fee_cap_fen"))


def cancel_window(db: Database) -> timedelta:
    """How long before a job's window starts a poster's cancellation counts as late."""
    return timedelta(hours=settings.whole(db, "cancel_window_hours"))

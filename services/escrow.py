"""The money of one job, moved inside the transition's own transaction (services.jobs.act).

A job's escrow holds the work's estimate (set aside from the poster's wallet when a paid grab job is
posted, or when a booking's quote is accepted), the extra hours the poster approved, and the
materials they approved (services.materials). Settling the job empties it:
- paying the worker (confirmation, automatic confirmation, a dispute resolved for the worker): the
  work due less the commission, plus the approved materials; the commission to the board; whatever
  the escrow over-covers back to the poster;
- a split (a dispute resolved by an amount): that amount to the worker, materials first and the
  commission taken on the rest; the remainder back to the poster;
- cancellation, expiry, a dispute resolved for the poster: back to the poster, except that a late
  cancellation (assigned, less than the window's hours before the start) pays the worker a fee.
Every transfer's key names the job event, so a transition can never move money twice.
"""

from datetime import datetime
from typing import cast

from . import fees, ledger, materials, pricing
from .clock import from_db
from .db import Database
from .rows import Job


def job_held_fen(db: Database, job_id: int) -> int:
    """What the job's escrow holds now (services.ledger.on_hold_fen is a person's money on hold)."""
    return ledger.balance_of(db, "escrow", job_id=job_id)


def hold_estimate(db: Database, job: Job, key: str, now: datetime) -> None:
    """Make the escrow hold the job's estimated total (topping up, or returning the difference when
    a booking's quote differs from what an earlier hold covered). InsufficientFunds undoes the
    transition it is part of."""
    fen = pricing.estimated_total_fen(job) - job_held_fen(db, job["id"])
    ledger.to_escrow(db, user_id=job["poster_id"], job_id=job["id"], fen=fen, key=key, now=now)


def hold_extra(db: Database, job: Job, key: str, now: datetime) -> None:
    """The poster approved hours above the estimate: hold the extra they come to."""
    fen = pricing.extra_fen(job)
    ledger.to_escrow(db, user_id=job["poster_id"], job_id=job["id"], fen=fen, key=key, now=now)


def late_cancellation(db: Database, job: Job, now: datetime) -> bool:
    """Cancelling now would cost the poster a fee: a worker is assigned and the window starts soon
    or is under way (the helper may be at the door). Once the window has ended, a helper who never
    began gets nothing."""
    soon = fees.cancel_window(db)
    starts, ends = from_db(job["window_start"]), from_db(job["window_end"])
    return job["status"] == "assigned" and starts - now < soon and now < ends


def full_share_fen(db: Database, job: Job) -> int:
    """What paying the worker in full takes from the escrow: the work due (at most what is held for
    it) plus the approved materials."""
    materials_fen = materials.approved_fen(db, job["id"])
    return min(pricing.labor_due_fen(job), job_held_fen(db, job["id"]) - materials_fen) + materials_fen


def payment(db: Database, job: Job, share: int) -> tuple[int, int]:
    """(what the worker gets, the commission) when `share` of the escrow goes to the worker:
    approved materials first, without commission; the commission on the rest, the work."""
    commission = fees.commission_of(db, max(0, share - materials.approved_fen(db, job["id"])))
    return share - commission, commission


def paid_in_full(db: Database, job: Job) -> tuple[int, int]:
    """(what the worker gets, the commission) if the job were paid in full now."""
    return payment(db, job, full_share_fen(db, job))


def settle(
    db: Database, money: str, job: Job, from_status: str, key: str, now: datetime, *, split: int | None = None
) -> None:
    """Empty the job's escrow as a transition's `money` says (services.transitions): 'pay' the worker
    in full, 'refund' the poster (less a late cancellation's fee), or 'split' (`split`: the worker's
    share in fen). `job` is the row after the change."""
    held = job_held_fen(db, job["id"])
    if not held:
        return
    if money == "refund":
        late = late_cancellation(db, {**job, "status": from_status}, now)  # only an assigned job's cancellation
        kind, to_worker, commission = "refund", fees.late_cancel_fee_of(db, held) if late else 0, 0
    else:
        share = full_share_fen(db, job) if money == "pay" else cast(int, split)  # a split comes with its share (Split)
        kind, (to_worker, commission) = "pay", payment(db, job, share)
    to_poster = held - to_worker - commission
    lines = [(ledger.escrow(db, job["id"]), -held), (ledger.wallet(db, job["poster_id"]), to_poster)]
    if to_worker:
        lines.append((_worker_wallet(db, job), to_worker))
    if commission:
        lines.append((ledger.commission(db), commission))
    ledger.transfer(db, key=key, kind=kind, lines=lines, actor_id=None, job_id=job["id"], now=now)


def tip(db: Database, job: Job, tip_fen: int, key: str, now: datetime) -> None:
    """A thank-you from the poster's wallet straight to the worker's, without commission."""
    if tip_fen:
        ledger.transfer(
            db,
            key=key,
            kind="tip",
            lines=[(ledger.wallet(db, job["poster_id"]), -tip_fen), (_worker_wallet(db, job), tip_fen)],
            actor_id=job["poster_id"],
            job_id=job["id"],
            now=now,
        )


def _worker_wallet(db: Database, job: Job) -> int:
    """The wallet of the job's worker: money goes to a worker only on a job that has one (assigned or later)."""
    return ledger.wallet(db, cast(int, job["worker_id"]))

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
from typing import Literal, TypedDict, cast

from . import fees, ledger, materials, pricing
from .clock import from_db
from .db import Database
from .rows import Job


def job_held_fen(db: Database, job_id: int) -> int:
    """What the job's escrow holds now (services.ledger.on_hold_fen is a person's money on hold)."""
    return ledger.balance_of(db, "escrow", job_id=job_id)


def hold_needed_fen(db: Database, job: Job) -> int:
    """What the escrow must take from the poster's wallet to hold the job's estimated total now
    (negative: what an earlier, larger hold gives back, when a booking's quote is lower)."""
    return pricing.estimated_total_fen(job) - job_held_fen(db, job["id"])


def hold_estimate(db: Database, job: Job, key: str, now: datetime) -> None:
    """Make the escrow hold the job's estimated total (hold_needed_fen). InsufficientFunds undoes
    the transition it is part of."""
    ledger.to_escrow(db, user_id=job["poster_id"], job_id=job["id"], fen=hold_needed_fen(db, job), key=key, now=now)


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


class Plan(TypedDict):
    """What one transition does to a job's money, worked out before anything moves: the page shows
    it before the person confirms (services.jobs.preview), and the transition carries out exactly it
    (carry_out)."""

    held: int  # what the job's escrow holds before the transition
    hold: int  # set aside from the poster's wallet into the escrow (negative: handed back)
    kind: Literal["pay", "refund"] | None  # how the escrow is emptied, if it is
    to_worker: int  # of the escrow, to the worker (on a refund: a late cancellation's fee)
    commission: int  # of the escrow, to the board
    to_poster: int  # of the escrow, back to the poster
    tip: int  # from the poster's wallet to the worker's, besides the escrow


def plan(
    db: Database,
    money: str | None,
    job: Job,
    from_status: str,
    now: datetime,
    *,
    split: int | None = None,
    tip: int = 0,
) -> Plan:
    """The money of a transition whose row's `money` is `money` (services.transitions): 'hold' the
    estimate, empty the escrow as 'pay' (the worker in full), 'refund' (the poster, less a late
    cancellation's fee) or 'split' (`split`: the worker's share in fen); `tip` on top. `job` is the
    row after the change, `from_status` its status before."""
    held = job_held_fen(db, job["id"])
    nothing: Plan = {"held": held, "hold": 0, "kind": None, "to_worker": 0, "commission": 0, "to_poster": 0, "tip": tip}
    if money == "hold":
        return {**nothing, "hold": hold_needed_fen(db, job)}
    if not money or not held:
        return nothing
    kind: Literal["pay", "refund"]
    if money == "refund":
        late = late_cancellation(db, {**job, "status": from_status}, now)  # only an assigned job's cancellation
        kind, to_worker, commission = "refund", fees.late_cancel_fee_of(db, held) if late else 0, 0
    else:
        share = full_share_fen(db, job) if money == "pay" else cast(int, split)  # a split comes with its share (Split)
        kind, (to_worker, commission) = "pay", payment(db, job, share)
    return {
        **nothing,
        "kind": kind,
        "to_worker": to_worker,
        "commission": commission,
        "to_poster": held - to_worker - commission,
    }


def carry_out(db: Database, planned: Plan, job: Job, key: str, now: datetime) -> None:
    """Move what `planned` (plan(), in this same transaction) says: the hold, the escrow emptied, the
    tip, each keyed by `key` so it moves once. InsufficientFunds (the hold or the tip) undoes the
    transition it is part of."""
    ledger.to_escrow(db, user_id=job["poster_id"], job_id=job["id"], fen=planned["hold"], key=key, now=now)
    if planned["kind"]:
        lines = [
            (ledger.escrow(db, job["id"]), -planned["held"]),
            (ledger.wallet(db, job["poster_id"]), planned["to_poster"]),
        ]
        if planned["to_worker"]:
            lines.append((_worker_wallet(db, job), planned["to_worker"]))
        if planned["commission"]:
            lines.append((ledger.commission(db), planned["commission"]))
        ledger.transfer(db, key=key, kind=planned["kind"], lines=lines, actor_id=None, job_id=job["id"], now=now)
    if planned["tip"]:  # a thank-you straight to the worker, without commission
        ledger.transfer(
            db,
            key=f"{key}:tip",
            kind="tip",
            lines=[(ledger.wallet(db, job["poster_id"]), -planned["tip"]), (_worker_wallet(db, job), planned["tip"])],
            actor_id=job["poster_id"],
            job_id=job["id"],
            now=now,
        )


def _worker_wallet(db: Database, job: Job) -> int:
    """The wallet of the job's worker: money goes to a worker only on a job that has one (assigned or later)."""
    return ledger.wallet(db, cast(int, job["worker_id"]))

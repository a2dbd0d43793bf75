"""Materials and tools (工具材料费): what the worker bought for a job, with an optional receipt photo.

The worker adds lines once the work has started (in progress or done); the poster approves or
rejects each. An approved amount is held from the poster's wallet into the job's escrow at approval
and paid to the worker with the job, without commission (services.escrow). The poster answers every
line before confirming; lines still waiting when the job is settled otherwise (automatic confirmation,
a dispute's resolution) end rejected.
"""

from datetime import datetime
from typing import cast

from . import access, ledger, notifications, uploads
from .clock import to_db
from .db import Database, filled_in, insert, one, the_one, write
from .errors import InvalidTransition, NotFound, ValidationError
from .rows import Job, MaterialLine, User
from .validate import Typed, text, yuan_to_fen

MAX_AMOUNT_FEN = 1_000_000  # ¥10,000: a typo guard; a real bill that big belongs in the price


def add(
    db: Database,
    actor: User,
    job_id: int,
    *,
    what: Typed,
    amount_yuan: Typed,
    receipt: bytes | None,
    key: str,
    now: datetime,
) -> int:
    """The job's worker adds a line. `key` identifies one filling-in of the form: sending it again
    returns the first line's id. Returns the line id; stores nothing (no file either) on error."""
    what = text(what, "what", min_len=1, max_len=60, single_line=True)
    amount_fen = yuan_to_fen(amount_yuan, "amount")
    if not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise ValidationError("amount", "error.material_amount", max_fen=MAX_AMOUNT_FEN)
    cleaned = uploads.reencoded(receipt, "receipt") if receipt else None
    with uploads.saving(db, "private") as save, write(db):
        job, actor = access.load(db, job_id, actor)
        request_key, again = filled_in(db, "job_materials", actor["id"], key)
        if again:
            return again
        access.require(db, job, actor, "add_material")
        row = {
            "job_id": job_id,
            "worker_id": actor["id"],
            "what": what,
            "amount_fen": amount_fen,
            "receipt": save(cleaned) if cleaned else None,
            "request_key": request_key,
            "created_at": to_db(now),
        }
        line_id = insert(db, "job_materials", row)
        notifications.job_step(
            db,
            job,
            "job.material_added",
            f"material:{line_id}",
            actor["id"],
            now,
            worker_id=actor["id"],
            what=what,
            amount_fen=amount_fen,
        )
        return line_id


def decide(db: Database, actor: User, material_id: int, *, approve: bool, now: datetime) -> None:
    """The poster approves (holding the amount from their wallet: InsufficientFunds says what is
    missing and changes nothing) or rejects a waiting line. Giving the same answer again is a no-op."""
    answer = "approved" if approve else "rejected"
    with write(db):
        line, job, actor = _line(db, actor, material_id)
        if access.require(db, job, actor, "answer_material", done_already=line["status"] == answer):
            return
        if line["status"] != "pending":
            raise InvalidTransition("error.material_decided")
        db.execute(
            "UPDATE job_materials SET status = ?, decided_at = ? WHERE id = ?", [answer, to_db(now), material_id]
        )
        if approve:
            key = f"material:{material_id}:approved"
            fen = line["amount_fen"]
            ledger.to_escrow(db, user_id=job["poster_id"], job_id=job["id"], fen=fen, key=key, now=now)
        notifications.job_step(
            db,
            job,
            f"job.material_{answer}",
            f"material:{material_id}:{answer}",
            actor["id"],
            now,
            worker_id=line["worker_id"],
            what=line["what"],
            amount_fen=line["amount_fen"],
        )


def preview(db: Database, actor: User, material_id: int) -> MaterialLine:
    """The waiting line the poster is about to approve, before they confirm: its amount is what
    approving holds from their wallet (and pays the worker with the job, without commission). Raises
    NotFound, NotAllowed, InvalidTransition (answered already), InsufficientFunds (the wallet holds less)."""
    line, job, actor = _line(db, actor, material_id)
    access.require(db, job, actor, "answer_material")
    if line["status"] != "pending":
        raise InvalidTransition("error.material_decided")
    ledger.require_funds(db, job["poster_id"], line["amount_fen"])
    return line


def _line(db: Database, actor: User, material_id: int) -> tuple[MaterialLine, Job, User]:
    """A line, its stored job and the acting user (not yet checked for a capability). Raises NotFound."""
    line = one(db, "SELECT * FROM job_materials WHERE id = ?", [material_id])
    if not line:
        raise NotFound()
    job, actor = access.load(db, line["job_id"], actor)
    return cast(MaterialLine, line), job, actor


def for_job(db: Database, job: Job, viewer: User | None) -> list[MaterialLine]:
    """A job's lines, oldest first: the poster, the worker and organizers only (others get [])."""
    if access.refusal(db, job, viewer, "see_private"):
        return []
    return cast(
        list[MaterialLine], list(db.query("SELECT * FROM job_materials WHERE job_id = ? ORDER BY id", [job["id"]]))
    )


def receipt_bytes(db: Database, line: MaterialLine, viewer: User | None) -> bytes:
    """A line's receipt photo, for the poster, the worker and organizers. Raises NotFound (no
    receipt, or not theirs to see)."""
    if not line["receipt"] or access.refusal(db, access.stored_job(db, line["job_id"]), viewer, "see_private"):
        raise NotFound()
    return uploads.read(db, "private", line["receipt"])


def approved_fen(db: Database, job_id: int) -> int:
    sql = "SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM job_materials WHERE job_id = ? AND status = 'approved'"
    return the_one(db, sql, [job_id])["fen"]


def waiting(db: Database, job_id: int) -> int:
    """How many lines still wait for the poster's answer."""
    return the_one(db, "SELECT COUNT(*) AS n FROM job_materials WHERE job_id = ? AND status = 'pending'", [job_id])["n"]


def reject_waiting(db: Database, job_id: int, now: datetime) -> None:
    """The job is being settled without the poster's answer: waiting lines end rejected."""
    db.execute(
        "UPDATE job_materials SET status = 'rejected', decided_at = ? WHERE job_id = ? AND status = 'pending'",
        [to_db(now), job_id],
    )

"""The money as a person reads it: every line of a wallet named in plain words with its job, like a
bank statement, and a receipt for each settled job.

A transfer records only its kind (services.ledger.TRANSFER_KINDS); what it was for is read from what
caused it. The key a job's money moves under names the job event (services.jobs: "job:<job>:event:<event>"),
so the event's action tells a cancellation's refund from a dispute's; an approved material's hold is
keyed "material:<line>:approved" (services.materials). With the side of the job the wallet belongs
to (the poster's or the helper's), that names every line a wallet can have: NAMES.
"""

from dataclasses import dataclass

from . import access, ledger, materials
from .db import Database
from .rows import MaterialLine, Row, User
from .transitions import TRANSITIONS

# (transfer kind, whose side of the job the wallet is on, what caused it) -> what the line was.
# A cause of None is the line's name whatever caused it (unless a more exact row says otherwise).
NAMES: dict[tuple[str, str | None, str | None], str] = {
    ("topup", None, None): "topup",  # cash the resident gave the organizer
    ("payout", None, None): "payout",  # cash the organizer gave the resident
    ("hold", "poster", None): "held",  # the job's price set aside when posted or a quote accepted
    ("hold", "poster", "extra_approved"): "held_extra",
    ("hold", "poster", "material"): "held_material",
    ("refund", "poster", None): "cancel_refund",
    ("refund", "poster", "accept"): "quote_lower",  # the agreed price is below what was set aside
    ("refund", "poster", "accept_invitation"): "quote_lower",
    ("refund", "poster", "expire"): "expired_refund",
    ("refund", "poster", "resolve_refund"): "dispute_refund",
    ("pay", "poster", None): "unused_back",  # what was set aside but not needed (fewer hours, say)
    ("pay", "poster", "resolve_split"): "dispute_refund",
    ("pay", "worker", None): "paid",
    ("pay", "worker", "resolve_split"): "dispute_share",
    ("refund", "worker", None): "cancel_fee",  # the poster cancelled late
    ("tip", "poster", None): "tip_given",
    ("tip", "worker", None): "tip_received",
}
WHAT: tuple[str, ...] = tuple(dict.fromkeys(NAMES.values()))
# The actions whose transfer empties a job's escrow (services.escrow.settle).
SETTLING = frozenset(action for action, rule in TRANSITIONS.items() if rule.money in ("pay", "refund", "split"))

# For each transfer: its job's title and poster, the job event or material line that caused it, and
# the commission taken in it. The keys are services.jobs._money_key's and services.materials.decide's.
_CAUSES = """
    SELECT t.id AS transfer_id, j.title, j.poster_id, m.what AS material,
           CASE WHEN m.id IS NOT NULL THEN 'material' ELSE e.action END AS cause,
           (SELECT COALESCE(SUM(cl.amount_fen), 0) FROM ledger_lines cl JOIN accounts ca ON ca.id = cl.account_id
            WHERE cl.transfer_id = t.id AND ca.kind = 'commission') AS commission_fen
    FROM transfers t JOIN jobs j ON j.id = t.job_id
    LEFT JOIN job_events e ON e.job_id = t.job_id AND t.idempotency_key = 'job:' || e.job_id || ':event:' || e.id
    LEFT JOIN job_materials m ON m.job_id = t.job_id AND t.idempotency_key = 'material:' || m.id || ':approved'
"""


def name_of(kind: str, side: str | None, cause: str | None) -> str:
    """What a wallet line was (one of WHAT), from its transfer's kind, the wallet's side of the job
    ('poster', 'worker', or None for no job) and its cause (a job event's action, 'material', None)."""
    return NAMES.get((kind, side, cause)) or NAMES[kind, side, None]


def wallet_lines(db: Database, user_id: int, viewer: User) -> list[Row]:
    """Every line of a user's wallet, oldest first, as services.ledger.history gives it (the balance
    after it in `running_fen`), and what it was in `what` (WHAT), its job's `title` (job_id None for
    cash), the `material` an approved material line names, and on a helper's pay the `commission_fen`
    the board kept of it. The user themself or an organizer only (NotAllowed)."""
    lines = ledger.history(db, user_id, viewer)
    causes = {
        row["transfer_id"]: row
        for row in db.query(
            _CAUSES
            + """WHERE t.id IN (SELECT l.transfer_id FROM accounts a JOIN ledger_lines l ON l.account_id = a.id
                                WHERE a.kind = 'wallet' AND a.user_id = ?)""",
            [user_id],
        )
    }
    return [_named(line, causes.get(line["transfer_id"]), user_id) for line in lines]


def _named(line: Row, cause: Row | None, user_id: int) -> Row:
    if cause is None:  # the cashier's top-ups and payouts belong to no job
        return {**line, "what": name_of(line["kind"], None, None), "title": None, "material": None, "commission_fen": 0}
    side = "poster" if cause["poster_id"] == user_id else "worker"
    return {
        **line,
        "what": name_of(line["kind"], side, cause["cause"]),
        "title": cause["title"],
        "material": cause["material"],
        "commission_fen": cause["commission_fen"] if side == "worker" else 0,  # taken from the helper's pay
    }


@dataclass(frozen=True)
class Receipt:
    """Where a settled job's money went. It adds up: held_fen = paid_fen + commission_fen + back_fen."""

    held_fen: int  # what the poster set aside for the job in all (price, extra hours, materials)
    paid_fen: int  # what the helper received of it (the work less the commission, and the materials)
    commission_fen: int  # the board's share, taken on the work only
    back_fen: int  # what came back to the poster at the end
    back_what: str  # how that reads (WHAT): 'unused_back', or 'dispute_refund' after a dispute
    tip_fen: int  # the poster's thank-you, straight from wallet to wallet
    materials: list[MaterialLine]  # every line the helper added, approved or not

    @property
    def poster_paid_fen(self) -> int:
        """What the job cost the poster in the end, the tip included."""
        return self.held_fen - self.back_fen + self.tip_fen

    @property
    def helper_got_fen(self) -> int:
        return self.paid_fen + self.tip_fen


def receipt(db: Database, viewer: User | None, job_id: int) -> Receipt:
    """The receipt of a settled job (completed or resolved), worked out from its ledger lines: for
    its poster, its helper and organizers (see_receipt). Raises NotFound, NotAllowed (or its kind
    InvalidTransition for a job not settled yet)."""
    job = access.stored_job(db, job_id)
    access.require(db, job, viewer, "see_receipt")
    sums = dict.fromkeys(("held", "paid", "commission", "back", "tip"), 0)
    back_what = "unused_back"
    for line in db.query(
        f"""SELECT a.kind AS account, a.user_id, l.amount_fen, t.kind, c.cause
            FROM ({_CAUSES} WHERE t.job_id = ?) c JOIN transfers t ON t.id = c.transfer_id
            JOIN ledger_lines l ON l.transfer_id = t.id JOIN accounts a ON a.id = l.account_id""",
        [job_id],
    ):
        part = _part(line, job["poster_id"])
        if part:
            sums[part] += line["amount_fen"]
        if part == "back":
            back_what = name_of(line["kind"], "poster", line["cause"])
    return Receipt(
        held_fen=sums["held"],
        paid_fen=sums["paid"],
        commission_fen=sums["commission"],
        back_fen=sums["back"],
        back_what=back_what,
        tip_fen=sums["tip"],
        materials=materials.for_job(db, job, viewer),
    )


def _part(line: Row, poster_id: int) -> str | None:
    """Which figure of the receipt a ledger line of the job counts in: what went into the escrow
    (held: the holds, less a lower quote's return), and where the settling transfer sent it."""
    settling = line["cause"] in SETTLING
    if line["account"] == "escrow":
        return None if settling else "held"  # what settling took out is counted where it went
    if line["kind"] == "tip":
        return "tip" if line["user_id"] != poster_id else None
    if not settling:  # the wallet's side of a hold: the escrow's line counts it
        return None
    if line["account"] == "commission":
        return "commission"
    return "back" if line["user_id"] == poster_id else "paid"

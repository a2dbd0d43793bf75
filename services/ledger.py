"""The credit ledger: double entry in integer fen.

Accounts: each user's wallet, one escrow account per job, the community's commission account, and the
outside-world cash account (money the organizer took in or paid out in real life). A transfer is a set
of lines that sum to zero. The database itself refuses UPDATE and DELETE on transfers and lines
(triggers, migration m003), so a mistake is fixed by a correcting transfer. Balances are always summed
from the lines; nothing caches them.

A line adds its amount to its account. Wallets, escrows and the commission account never go below
zero; the cash account runs negative as money comes in (it stands for what the outside world put in),
so the cash the organizer holds is minus its balance.

Every transfer carries an idempotency key: a second transfer with a key already used returns the first
one's id and moves nothing, so a double click, a rerun or a retry cannot pay twice.

What a job's money comes to (the commission, a late cancellation's fee) is policy: services.fees
works it out, services.escrow moves it through here.
"""

from datetime import date, datetime, timedelta, tzinfo
from typing import TypedDict

from . import audit, notifications, users
from .clock import from_db, to_db
from .db import Database, insert, one, the_one, write
from .errors import InsufficientFunds, PossibleRepeat, ValidationError
from .rows import Row, User
from .validate import Typed, text, yuan_to_fen

KINDS = ("wallet", "escrow", "commission", "cash")
# What a transfer records: the cashier's top-ups and payouts; a job's hold (poster -> escrow), pay
# (escrow -> worker and commission, any over-cover back to the poster), refund (escrow -> poster, a
# late cancellation's fee to the worker) and tip (poster -> worker).
TRANSFER_KINDS = ("topup", "payout", "hold", "pay", "refund", "tip")
NEVER_NEGATIVE = ("wallet", "escrow", "commission")
# An identical top-up or payout within this time is probably the same money recorded twice (two tabs).
REPEAT_WINDOW = timedelta(minutes=10)
REPEAT_QUESTIONS = {"topup": "error.possible_repeat_topup", "payout": "error.possible_repeat_payout"}


def _account(db: Database, kind: str, *, user_id: int | None = None, job_id: int | None = None) -> int:
    """The id of an account, opened on first use (call inside write())."""
    row = one(
        db,
        "SELECT id FROM accounts WHERE kind = ? AND user_id IS ? AND job_id IS ?",
        [kind, user_id, job_id],
    )
    if row:
        return row["id"]
    return insert(db, "accounts", {"kind": kind, "user_id": user_id, "job_id": job_id})


def wallet(db: Database, user_id: int) -> int:
    return _account(db, "wallet", user_id=user_id)


def escrow(db: Database, job_id: int) -> int:
    return _account(db, "escrow", job_id=job_id)


def commission(db: Database) -> int:
    return _account(db, "commission")


def cash(db: Database) -> int:
    return _account(db, "cash")


def balance(db: Database, account_id: int) -> int:
    return the_one(
        db, "SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM ledger_lines WHERE account_id = ?", [account_id]
    )["fen"]


def balance_of(db: Database, kind: str, *, user_id: int | None = None, job_id: int | None = None) -> int:
    """The balance of an account by what it is (0 for one never used; nothing is created). For the
    books and the services' own sums; a person's wallet is read for someone through wallet_fen()."""
    return the_one(
        db,
        """SELECT COALESCE(SUM(l.amount_fen), 0) AS fen FROM accounts a JOIN ledger_lines l ON l.account_id = a.id
           WHERE a.kind = ? AND a.user_id IS ? AND a.job_id IS ?""",
        [kind, user_id, job_id],
    )["fen"]


def transfer(
    db: Database,
    *,
    key: str,
    kind: str,
    lines: list[tuple[int, int]],
    actor_id: int | None,
    now: datetime,
    job_id: int | None = None,
    note: str = "",
) -> int:
    """Record one transfer of (account id, fen) lines summing to zero. Returns its id.

    A key used before returns that transfer's id and records nothing. Raises InsufficientFunds
    (missing_fen: exactly what the first short wallet lacks) and records nothing if a wallet would
    go below zero; ValueError for lines that cannot be a transfer (a programming error).
    """
    lines = [(account, fen) for account, fen in lines if fen]
    if kind not in TRANSFER_KINDS or not key or not lines or sum(fen for _, fen in lines) != 0:
        raise ValueError(f"not a balanced transfer: {key!r} {lines!r}")
    with write(db):
        done = one(db, "SELECT id FROM transfers WHERE idempotency_key = ?", [key])
        if done:
            return done["id"]
        transfer_id = insert(
            db,
            "transfers",
            {
                "idempotency_key": key,
                "kind": kind,
                "job_id": job_id,
                "actor_id": actor_id,
                "note": note,
                "created_at": to_db(now),
            },
        )
        db.table("ledger_lines").insert_all(
            {"transfer_id": transfer_id, "account_id": account, "amount_fen": fen} for account, fen in lines
        )
        for account, _ in lines:
            _never_below_zero(db, account)
    return transfer_id


def to_escrow(db: Database, *, user_id: int, job_id: int, fen: int, key: str, now: datetime) -> None:
    """Set `fen` aside from a user's wallet in a job's escrow (a negative amount goes back to the
    wallet). InsufficientFunds if the wallet holds less."""
    if fen:
        transfer(
            db,
            key=key,
            kind="hold" if fen > 0 else "refund",
            lines=[(wallet(db, user_id), -fen), (escrow(db, job_id), fen)],
            actor_id=user_id,
            job_id=job_id,
            now=now,
        )


def _never_below_zero(db: Database, account_id: int) -> None:
    row = the_one(db, "SELECT kind FROM accounts WHERE id = ?", [account_id])
    if row["kind"] not in NEVER_NEGATIVE:
        return
    fen = balance(db, account_id)
    if fen >= 0:
        return
    if row["kind"] == "wallet":
        raise InsufficientFunds(missing_fen=-fen)
    raise ValueError(f"{row['kind']} account {account_id} would go below zero")


# --- the organizer as cashier --------------------------------------------------------------------


def _amount(amount_yuan: Typed) -> int:
    fen = yuan_to_fen(amount_yuan, "amount")
    if fen <= 0:
        raise ValidationError("amount", "error.amount_positive")
    return fen


def top_up(
    db: Database,
    actor: User,
    user_id: int,
    amount_yuan: Typed,
    *,
    note: Typed = "",
    key: str,
    again: bool = False,
    now: datetime,
) -> int:
    """The organizer records money a resident paid them (cash, bank, WeChat): credit in the wallet.
    PossibleRepeat unless `again` when the same amount was put in the same wallet moments ago."""
    return _cash_move(db, actor, user_id, amount_yuan, note=note, key=key, again=again, now=now, kind="topup")


def payout(
    db: Database,
    actor: User,
    user_id: int,
    amount_yuan: Typed,
    *,
    note: Typed = "",
    key: str,
    again: bool = False,
    now: datetime,
) -> int:
    """The organizer records money they paid a user out of the user's wallet. InsufficientFunds if
    the wallet holds less; PossibleRepeat as for top_up."""
    return _cash_move(db, actor, user_id, amount_yuan, note=note, key=key, again=again, now=now, kind="payout")


def _cash_move(
    db: Database,
    actor: User,
    user_id: int,
    amount_yuan: Typed,
    *,
    note: Typed,
    key: str,
    again: bool,
    now: datetime,
    kind: str,
) -> int:
    """Money between the organizer's cash box and a wallet: into the wallet for a top-up, out of it
    for a payout. Organizers only."""
    key = f"{kind}:{key}"
    with write(db):
        actor = users.organizer(db, actor)
        note = _note(note)
        users.get(db, user_id)
        first = not _key_used(db, key)  # not this filling-in sent again (which returns the first transfer)
        move = cash_move_of(db, user_id, amount_yuan, kind) if first else None
        fen = move["amount_fen"] if move else _amount(amount_yuan)
        into_wallet = fen if kind == "topup" else -fen
        if not again and first:
            _no_recent_twin(db, kind, wallet(db, user_id), into_wallet, now)
        transfer_id = transfer(
            db,
            key=key,
            kind=kind,
            lines=[(cash(db), -into_wallet), (wallet(db, user_id), into_wallet)],
            actor_id=actor["id"],
            note=note,
            now=now,
        )
        if move:
            notifications.tell(db, [user_id], f"account.{kind}", f"transfer:{transfer_id}", now, amount_fen=fen)
            audit.record(
                db,
                actor,
                "top_up" if kind == "topup" else "payout",
                user_id=user_id,
                before={"balance_fen": move["balance_fen"]},
                after={"balance_fen": move["after_fen"], "amount_fen": fen},
                now=now,
            )
        return transfer_id


class CashMove(TypedDict):
    """A top-up or payout before it is recorded: its amount and the wallet before and after."""

    amount_fen: int
    balance_fen: int
    after_fen: int


def cash_preview(
    db: Database, actor: User, user_id: int, amount_yuan: Typed, kind: str, *, note: Typed = ""
) -> CashMove:
    """What a top-up or payout (`kind`) of `amount_yuan` would do to the person's wallet, before the
    organizer confirms. Organizers only. Raises NotAllowed, NotFound, ValidationError (the amount, a
    payout above what the wallet holds, or the note)."""
    users.organizer(db, actor)
    users.get(db, user_id)
    _note(note)
    return cash_move_of(db, user_id, amount_yuan, kind)


def _note(note: Typed) -> str:
    return text(note, "note", max_len=200, single_line=True)


def cash_move_of(db: Database, user_id: int, amount_yuan: Typed, kind: str) -> CashMove:
    """The amount and the wallet before and after (cash_preview, and the recording itself). A payout
    above the balance is the organizer's typing error, said under the amount (ValidationError)."""
    fen = _amount(amount_yuan)
    balance = balance_of(db, "wallet", user_id=user_id)
    after = balance + fen if kind == "topup" else balance - fen
    if after < 0:
        raise ValidationError("amount", "error.payout_over_balance", balance_fen=balance)
    return {"amount_fen": fen, "balance_fen": balance, "after_fen": after}


def require_funds(db: Database, user_id: int, fen: int) -> None:
    """InsufficientFunds (how much is missing) unless the user's wallet holds `fen`: a preview's
    check before anything moves (transfer checks again as it moves)."""
    missing = fen - balance_of(db, "wallet", user_id=user_id)
    if missing > 0:
        raise InsufficientFunds(missing_fen=missing)


def _key_used(db: Database, key: str) -> bool:
    return one(db, "SELECT 1 AS x FROM transfers WHERE idempotency_key = ?", [key]) is not None


def _no_recent_twin(db: Database, kind: str, wallet_id: int, fen: int, now: datetime) -> None:
    """PossibleRepeat when a `kind` transfer of `fen` into `wallet_id` was recorded within REPEAT_WINDOW."""
    twin = one(
        db,
        """SELECT t.created_at FROM transfers t JOIN ledger_lines l ON l.transfer_id = t.id
           WHERE t.kind = ? AND l.account_id = ? AND l.amount_fen = ? AND t.created_at > ?
           ORDER BY t.id DESC LIMIT 1""",
        [kind, wallet_id, fen, to_db(now - REPEAT_WINDOW)],
    )
    if twin:
        minutes = max(1, round((now - from_db(twin["created_at"])).total_seconds() / 60))
        raise PossibleRepeat(REPEAT_QUESTIONS[kind], amount_fen=abs(fen), minutes=minutes)


def history(db: Database, user_id: int, viewer: User) -> list[Row]:
    """Every line of a user's wallet, oldest first, with the balance after it (`running_fen`), and
    the transfer's kind, note, job and who recorded it. The user themself or an organizer only."""
    users.self_or_organizer(db, viewer, user_id)
    rows = db.query(
        """SELECT t.id AS transfer_id, t.kind, t.job_id, t.note, t.created_at, l.amount_fen,
                  u.display_name AS recorded_by
           FROM accounts a JOIN ledger_lines l ON l.account_id = a.id JOIN transfers t ON t.id = l.transfer_id
           LEFT JOIN users u ON u.id = t.actor_id
           WHERE a.kind = 'wallet' AND a.user_id = ? ORDER BY l.id""",
        [user_id],
    )
    running, lines = 0, []
    for row in rows:
        running += row["amount_fen"]
        lines.append({**row, "running_fen": running})
    return lines


def wallet_fen(db: Database, user_id: int, viewer: User) -> int:
    """What a user's wallet holds now. The user themself or an organizer only (NotAllowed)."""
    users.self_or_organizer(db, viewer, user_id)
    return balance_of(db, "wallet", user_id=user_id)


def on_hold_fen(db: Database, user_id: int, viewer: User) -> int:
    """What the escrows of the jobs this user posted hold now (their money, set aside). The user
    themself or an organizer only (NotAllowed)."""
    users.self_or_organizer(db, viewer, user_id)
    return the_one(
        db,
        """SELECT COALESCE(SUM(l.amount_fen), 0) AS fen FROM jobs j JOIN accounts a ON a.kind = 'escrow'
           AND a.job_id = j.id JOIN ledger_lines l ON l.account_id = a.id WHERE j.poster_id = ?""",
        [user_id],
    )["fen"]


def cash_report(db: Database, actor: User, tz: tzinfo) -> list[Row]:
    """Per local day with cash movements, oldest first: opening, in (top-ups), out (payouts), closing:
    the cash the organizer should hold. Organizers only."""
    users.organizer(db, actor)
    days: dict[date, Row] = {}
    for row in db.query(
        """SELECT t.created_at, l.amount_fen FROM accounts a JOIN ledger_lines l ON l.account_id = a.id
           JOIN transfers t ON t.id = l.transfer_id WHERE a.kind = 'cash' ORDER BY l.id"""
    ):
        day = from_db(row["created_at"]).astimezone(tz).date()
        moved = days.setdefault(day, {"day": day, "in_fen": 0, "out_fen": 0})
        held = -row["amount_fen"]  # the cash account's line, seen from the organizer's cash box
        moved["in_fen" if held > 0 else "out_fen"] += abs(held)
    report, closing = [], 0
    for day in sorted(days):
        opening, closing = closing, closing + days[day]["in_fen"] - days[day]["out_fen"]
        report.append({**days[day], "opening_fen": opening, "closing_fen": closing})
    return report


def totals(db: Database, actor: User) -> dict[str, int]:
    """The balance of every kind of account added up: what all wallets hold, all escrows, the
    commission earned, and the cash account. They sum to zero (the organizer's cash is -cash).
    Organizers only."""
    users.organizer(db, actor)
    rows = db.query(
        """SELECT a.kind, COALESCE(SUM(l.amount_fen), 0) AS fen FROM accounts a
           JOIN ledger_lines l ON l.account_id = a.id GROUP BY a.kind"""
    )
    return {kind: 0 for kind in KINDS} | {row["kind"]: row["fen"] for row in rows}


def check_books(db: Database) -> list[str]:
    """Every way the books could be wrong, as readable lines (empty when they are right): lines not
    summing to zero overall or within a transfer, a transfer with fewer than two lines, a wallet,
    escrow or commission account below zero. Used by the tests and bench/ledger_stress.py."""
    problems = []
    total = the_one(db, "SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM ledger_lines")["fen"]
    if total:
        problems.append(f"all lines sum to {total}")
    for row in db.query(
        """SELECT t.id, COUNT(l.id) AS n, COALESCE(SUM(l.amount_fen), 0) AS fen
           FROM transfers t LEFT JOIN ledger_lines l ON l.transfer_id = t.id GROUP BY t.id
           HAVING n < 2 OR fen != 0"""
    ):
        problems.append(f"transfer {row['id']}: {row['n']} lines summing to {row['fen']}")
    for row in db.query(
        f"""SELECT a.id, a.kind, SUM(l.amount_fen) AS fen FROM accounts a JOIN ledger_lines l ON l.account_id = a.id
            WHERE a.kind IN ({", ".join("?" * len(NEVER_NEGATIVE))}) GROUP BY a.id HAVING fen < 0""",
        NEVER_NEGATIVE,
    ):
        problems.append(f"{row['kind']} account {row['id']} at {row['fen']}")
    return problems

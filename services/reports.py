"""Reports (#16): a signed-in person tells the organizer that a job, a person, a review, a message or a
question is wrong (a scam, unsafe, rude ...), and the organizer answers from one queue.

One row per person and item: reporting the same item again changes the reason and puts it back in the
queue. Who may report a job is the job's capability `report` (services.access); a job's questions and
messages may be reported by whoever may read them, a person or a review by anyone signed in, never
one's own. The organizer's answer (`handle`) is one of ACTIONS and is written on every open report of
the item: who answered, how, when, in what words. A hidden item keeps its text; `shown()` puts
"hidden" in its place for everyone but organizers, and listings and ratings leave hidden items out.
"""

from datetime import datetime
from typing import Literal, cast, get_args

from . import access, audit, messages, notifications, users
from .clock import to_db
from .db import Database, insert, one, the_one, write
from .errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from .rows import Row, User
from .validate import Typed, text

Kind = Literal["job", "user", "review", "message", "question"]
KINDS: tuple[Kind, ...] = get_args(Kind)
REASONS = ("scam", "unsafe", "abusive", "spam", "wrong", "other")  # what the form offers, in its order
Action = Literal["dismiss", "hide", "warn", "block"]
ACTIONS: tuple[Action, ...] = get_args(Action)
HIDEABLE: tuple[Kind, ...] = ("job", "review", "message", "question")  # a person is blocked, not hidden
MAX_DETAIL = 500
MAX_NOTE = 300
# Each kind's table and the column that names the person responsible for it (who is warned or blocked).
OWNER: dict[Kind, tuple[str, str]] = {
    "job": ("jobs", "poster_id"),
    "user": ("users", "id"),
    "review": ("reviews", "author_id"),
    "message": ("messages", "author_id"),
    "question": ("questions", "author_id"),
}


def _owner(db: Database, kind: Kind, item_id: int) -> int:
    """Who is responsible for the item (its author, poster, or the person). Raises NotFound (also for
    the board's own lines in a conversation: nobody wrote them)."""
    table, column = OWNER[kind]
    row = one(db, f"SELECT {column} AS owner FROM {table} WHERE id = ?", [item_id])  # names from OWNER
    if not row or row["owner"] is None:
        raise NotFound()
    return cast(int, row["owner"])


def _may_report(db: Database, actor: User, kind: Kind, item_id: int) -> None:
    """Refuse a report the person may not make: an item they cannot see (NotFound, NotAllowed), or
    their own (NotAllowed error.report_own)."""
    if kind == "job":
        access.load(db, item_id, actor, "report")
    elif kind == "message":
        messages.readable_line(db, actor, item_id)
    elif kind == "question":
        question = one(db, "SELECT job_id FROM questions WHERE id = ?", [item_id])
        access.load(db, question["job_id"] if question else 0, actor)  # a question is as public as its job
    if _owner(db, kind, item_id) == actor["id"]:
        raise NotAllowed("error.report_own")


def report(
    db: Database, actor: User, kind: Typed, item_id: int, *, reason: Typed, detail: Typed = "", now: datetime
) -> int:
    """The acting person reports an item (`kind` one of KINDS) for a `reason` (one of REASONS) with
    optional words. Reporting it again changes the reason and words and reopens the report; one row
    per person and item either way. Returns the report's id.
    Raises ValidationError("reason" or "detail"), NotFound (no such item, or an unknown kind),
    NotAllowed (one's own item, or one the person cannot see); stores nothing on error."""
    if kind not in KINDS:
        raise NotFound()
    if reason not in REASONS:
        raise ValidationError("reason", "error.report_reason")
    detail = text(detail, "detail", max_len=MAX_DETAIL)
    with write(db):
        actor = users.active(db, actor)
        _may_report(db, actor, cast(Kind, kind), item_id)
        mine = one(
            db,
            "SELECT id FROM reports WHERE reporter_id = ? AND kind = ? AND item_id = ?",
            [actor["id"], kind, item_id],
        )
        if mine:
            db.execute(
                "UPDATE reports SET reason = ?, detail = ?, status = 'open', updated_at = ? WHERE id = ?",
                [reason, detail, to_db(now), mine["id"]],
            )
            return cast(int, mine["id"])
        row = {"reporter_id": actor["id"], "kind": kind, "item_id": item_id, "reason": reason, "detail": detail}
        return insert(db, "reports", {**row, "created_at": to_db(now), "updated_at": to_db(now)})


def mine(db: Database, actor: User, kind: Kind, item_id: int) -> Row | None:
    """The acting person's own report of the item (its reason and words, to fill the form again), or None."""
    actor = users.active(db, actor)
    sql = "SELECT reason, detail, status FROM reports WHERE reporter_id = ? AND kind = ? AND item_id = ?"
    return one(db, sql, [actor["id"], kind, item_id])


# --- the organizer's queue ---------------------------------------------------------------------

# Each kind's item in its context, as the queue shows it: `text` (the words reported; a job's title, a
# person's name), `job_id` (a link to the job, where there is one), `owner_id` and `owner_name`.
CONTEXT: dict[Kind, str] = {
    "job": "SELECT j.title AS text, j.id AS job_id, j.poster_id AS owner_id, j.hidden_at FROM jobs j WHERE j.id = ?",
    "user": "SELECT display_name AS text, NULL AS job_id, id AS owner_id, NULL AS hidden_at FROM users WHERE id = ?",
    "review": "SELECT r.comment AS text, r.job_id, r.author_id AS owner_id, r.hidden_at FROM reviews r WHERE r.id = ?",
    "message": """SELECT m.body AS text, t.job_id, m.author_id AS owner_id, m.hidden_at
                  FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ?""",
    "question": "SELECT q.body AS text, q.job_id, q.author_id AS owner_id, q.hidden_at FROM questions q WHERE q.id = ?",
}


def queue(db: Database, actor: User) -> list[Row]:
    """The open reports, one entry per reported item, the most reported first (then the oldest): its
    `kind`, `item_id`, its context (CONTEXT, with `owner_name` and `owner_blocked`), `count` and
    `reports` (each report's `reporter_name`, `reason`, `detail`, `updated_at`). Organizers only:
    raises NotAllowed."""
    users.organizer(db, actor)
    rows = db.query(
        """SELECT r.kind, r.item_id, r.reason, r.detail, r.updated_at, u.display_name AS reporter_name
           FROM reports r JOIN users u ON u.id = r.reporter_id WHERE r.status = 'open' ORDER BY r.id"""
    )
    items: dict[tuple[str, int], Row] = {}
    for row in rows:
        entry = items.setdefault(
            (row["kind"], row["item_id"]), {"kind": row["kind"], "item_id": row["item_id"], "reports": []}
        )
        entry["reports"].append({k: row[k] for k in ("reporter_name", "reason", "detail", "updated_at")})
    for entry in items.values():
        context = one(db, CONTEXT[entry["kind"]], [entry["item_id"]]) or {}
        owner = one(db, "SELECT display_name, blocked_at FROM users WHERE id = ?", [context.get("owner_id")])
        entry.update(context, count=len(entry["reports"]))
        entry.update(
            owner_name=owner["display_name"] if owner else "", owner_blocked=bool(owner and owner["blocked_at"])
        )
    return sorted(items.values(), key=lambda entry: -entry["count"])  # stable: the oldest first among equals


def waiting(db: Database) -> int:
    """How many items have open reports (the organizer's menu counts them)."""
    sql = "SELECT COUNT(DISTINCT kind || ':' || item_id) AS n FROM reports WHERE status = 'open'"
    return cast(int, the_one(db, sql)["n"])


def handle(
    db: Database, actor: User, kind: Typed, item_id: int, action: Typed, *, note: Typed = "", now: datetime
) -> None:
    """The organizer answers an item's open reports with one of ACTIONS: `dismiss` (nothing is wrong),
    `hide` (the item is shown as hidden to everyone but organizers; a hidden job leaves browse, search
    and the map, a hidden review its subject's rating), `warn` (the person responsible is told, in the
    organizer's `note`, notice account.warned) or `block` (services.users.set_blocked: their sessions
    end, their open jobs are cancelled and refunded, the jobs they hold released). Every open report of
    the item is marked with the action, who took it and when, in the same transaction: the one place
    an organizer's answer to a report is recorded. Answering an item with no open report (a double
    click) changes nothing.
    Raises NotAllowed (not an organizer; blocking oneself), InvalidTransition (hiding a person),
    ValidationError("note": a warning needs words), NotFound."""
    if kind not in KINDS or action not in ACTIONS:
        raise NotFound()
    if action == "hide" and kind not in HIDEABLE:
        raise InvalidTransition("error.report_hide_person")
    note = text(note, "note", min_len=1 if action == "warn" else 0, max_len=MAX_NOTE)
    with write(db):
        actor = users.organizer(db, actor)
        first = one(
            db, "SELECT MIN(id) AS id FROM reports WHERE kind = ? AND item_id = ? AND status = 'open'", [kind, item_id]
        )
        if not first or first["id"] is None:
            return
        owner = _owner(db, cast(Kind, kind), item_id)
        if action == "hide":
            db.execute(f"UPDATE {OWNER[cast(Kind, kind)][0]} SET hidden_at = ? WHERE id = ?", [to_db(now), item_id])
        elif action == "warn":
            notifications.tell(db, [owner], "account.warned", f"report:{first['id']}:warned", now, note=note)
        elif action == "block":
            users.set_blocked(db, actor, owner, True, now)
        db.execute(
            """UPDATE reports SET status = ?, handled_by = ?, handled_at = ?, note = ?
               WHERE kind = ? AND item_id = ? AND status = 'open'""",
            [action, actor["id"], to_db(now), note, kind, item_id],
        )
        about = {"job_id": item_id} if kind == "job" else {"user_id": owner}
        after = {"status": action, **({"reason": note} if note else {})}
        audit.record(db, actor, "report_handled", **about, before={"status": "open"}, after=after, now=now)


# --- hidden items, as each viewer sees them ----------------------------------------------------


def shown(viewer: User | None, rows: list[Row], *fields: str) -> list[Row]:
    """Rows of one kind (each with its `hidden_at`) as `viewer` (as users.active_or_none has them) may
    see them: every row gets `hidden`; for anyone but an organizer, a hidden row's `fields` are None
    (the page says "hidden by the organizer" in their place). An organizer sees the words, marked."""
    organizer = bool(viewer and viewer["role"] == "organizer")
    for row in rows:
        row["hidden"] = bool(row.get("hidden_at"))
        if row["hidden"] and not organizer:
            row.update(dict.fromkeys(fields))
    return rows

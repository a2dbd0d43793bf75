"""Jobs and their state machine.

TRANSITIONS is the one table of what may happen to a job; `act()` is the one place a transition is
written: a compare-and-set UPDATE plus a job_events row in one write transaction. Booking and the
job's money (services.escrow) hook in here, inside the same transaction.
"""

import json
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import community, escrow, geo, materials, pricing, users, workers
from .clock import from_db, to_db
from .db import one, write
from .errors import AlreadyTaken, InvalidTransition, NotAllowed, NotFound, ValidationError
from .validate import text, visible_len, yuan_to_fen

AUTO_CONFIRM_AFTER = timedelta(hours=72)
MAX_WINDOW = timedelta(days=30)
MAX_AHEAD = timedelta(days=180)
PRICE_TYPES = ("fixed", "hourly")
MODES = ("grab", "booking")
PRIVATE_FIELDS = ("lat", "lon", "address_note")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    # who may do it: 'claimer' (a verified worker who is not the poster), 'worker' (the assigned
    # worker), 'poster', 'invitee' (the worker a booking invitation names), 'organizer' (one who is
    # neither the poster nor the worker), or 'clock' (the board itself, on a timer)
    actor: str
    mode: str | None = None  # only for jobs of this mode
    assigns: bool = False  # names the new worker (`assignee`): done through services.booking


TRANSITIONS = {
    "claim": Transition(("open",), "assigned", "claimer", mode="grab"),
    "accept": Transition(("open",), "assigned", "poster", mode="booking", assigns=True),
    "accept_invitation": Transition(("open",), "assigned", "invitee", mode="booking", assigns=True),
    "release": Transition(("assigned",), "open", "worker"),
    "start": Transition(("assigned",), "in_progress", "worker"),
    "finish": Transition(("in_progress",), "done", "worker"),
    "confirm": Transition(("done",), "completed", "poster"),
    "auto_confirm": Transition(("done",), "completed", "clock"),
    "cancel": Transition(("open", "assigned"), "cancelled", "poster"),
    "expire": Transition(("open",), "expired", "clock"),
    "dispute": Transition(("done",), "disputed", "poster"),
    "resolve_pay": Transition(("disputed",), "resolved", "organizer"),
    "resolve_refund": Transition(("disputed",), "resolved", "organizer"),
    "resolve_split": Transition(("disputed",), "resolved", "organizer"),
}
STATUSES = ("open", "assigned", "in_progress", "done", "disputed", "completed", "resolved", "cancelled", "expired")
SETTLED = ("completed", "resolved")  # the work was done and the money has gone where it belongs
CLOCK = {"id": None, "role": "clock"}


# --- posting -----------------------------------------------------------------------------------


def _window(start, end, now: datetime) -> tuple[datetime, datetime]:
    if not all(isinstance(moment, datetime) and moment.tzinfo for moment in (start, end)):
        raise ValidationError("window", "error.window_missing")
    if end <= start:
        raise ValidationError("window", "error.window_order")
    if end <= now:
        raise ValidationError("window", "error.window_past")
    if end - start > MAX_WINDOW:
        raise ValidationError("window", "error.window_long", days=MAX_WINDOW.days)
    if start > now + MAX_AHEAD:
        raise ValidationError("window", "error.window_far", days=MAX_AHEAD.days)
    return start, end


def _minutes(hours, field: str, key: str, least: int) -> int:
    """Hours typed by a person as whole minutes, between `least` minutes and 24 hours."""
    try:
        minutes = round(float(hours) * 60)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(field, key) from None
    if not least <= minutes <= 24 * 60:
        raise ValidationError(field, key)
    return minutes


def _price(price_yuan, price_type, est_hours) -> tuple[int, int | None]:
    if price_type not in PRICE_TYPES:
        raise ValidationError("price_type", "error.invalid")
    price_fen = yuan_to_fen(price_yuan, "price")
    if price_type == "fixed":
        return price_fen, None
    return price_fen, _minutes(est_hours, "est_hours", "error.hours", 30)


def post(
    db,
    actor: dict,
    *,
    title,
    description,
    category,
    price_yuan,
    price_type="fixed",
    est_hours=None,
    window_start,
    window_end,
    lat,
    lon,
    address_note="",
    mode="grab",
    key: str | None = None,
    now: datetime,
) -> int:
    """Validate every field and store a new open job. Returns its id; stores nothing on error.

    `key` identifies one filling-in of the post form: sending it again returns the job it posted.
    Raises ValidationError(field, key) for the first bad field, in form order.
    """
    title = text(title, "title", min_len=2, max_len=60, single_line=True)
    description = text(description, "description", min_len=1, max_len=2000)
    if not one(db, "SELECT 1 AS x FROM categories WHERE slug = ?", [category or ""]):
        raise ValidationError("category", "error.pick_category")
    if mode not in MODES:
        raise ValidationError("mode", "error.invalid")
    price_fen, est_minutes = _price(price_yuan, price_type, est_hours)
    start, end = _window(window_start, window_end, now)
    lat, lon = geo.check_lat_lon(lat, lon)
    place = community.get(db)
    if place is None:
        raise NotAllowed()
    if geo.distance_km(place["lat"], place["lon"], lat, lon) > place["radius_km"]:
        raise ValidationError("location", "error.outside_radius", km=place["radius_km"])
    address_note = text(address_note, "address_note", max_len=200, single_line=True)
    public_lat, public_lon = geo.fuzz(lat, lon)
    with write(db):
        actor = users.active(db, actor)
        request_key = f"{actor['id']}:{key}" if key else None  # one person's filling-in
        again = request_key and one(db, "SELECT id FROM jobs WHERE request_key = ?", [request_key])
        if again:
            return again["id"]
        job_id = (
            db["jobs"]
            .insert(
                {
                    "poster_id": actor["id"],
                    "request_key": request_key,
                    "category": category,
                    "title": title,
                    "description": description,
                    "mode": mode,
                    "status": "open",
                    "price_fen": price_fen,
                    "price_type": price_type,
                    "est_minutes": est_minutes,
                    "window_start": to_db(start),
                    "window_end": to_db(end),
                    "lat": lat,
                    "lon": lon,
                    "public_lat": public_lat,
                    "public_lon": public_lon,
                    "address_note": address_note,
                    "created_at": to_db(now),
                    "updated_at": to_db(now),
                }
            )
            .last_pk
        )
        event_id = _record(db, job_id, actor, "post", None, "open", now)
        if mode == "grab":  # booking mode holds the agreed price when the poster accepts someone
            job = _row(db, job_id)
            escrow.hold_estimate(db, job, _money_key(job_id, event_id), now)
    return job_id


# --- reading -----------------------------------------------------------------------------------


def can_see_exact(job: dict, viewer: dict | None) -> bool:
    """The exact pin and address note: the poster, the assigned worker and organizers only.

    `viewer` as the database has them (users.active_or_none), never a caller's dict: its role decides."""
    return bool(viewer) and (viewer["id"] in (job["poster_id"], job["worker_id"]) or viewer.get("role") == "organizer")


def _for_viewer(job: dict, viewer: dict | None) -> dict:
    job = dict(job)
    job["exact"] = can_see_exact(job, viewer)
    if not job["exact"]:
        for field in PRIVATE_FIELDS:
            job[field] = None
    return job


JOB_SELECT = """SELECT j.*, p.display_name AS poster_name, w.display_name AS worker_name,
        COALESCE(pp.verification = 'verified', 0) AS poster_verified,
        COALESCE(wp.verification = 'verified', 0) AS worker_verified
    FROM jobs j JOIN users p ON p.id = j.poster_id LEFT JOIN users w ON w.id = j.worker_id
    LEFT JOIN worker_profiles pp ON pp.user_id = j.poster_id LEFT JOIN worker_profiles wp ON wp.user_id = j.worker_id"""


def get(db, job_id, viewer: dict | None) -> dict:
    """One job as `viewer` may see it (private fields blanked unless can_see_exact). Raises NotFound."""
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    viewer = users.active_or_none(db, viewer)
    row = one(db, JOB_SELECT + " WHERE j.id = ?", [job_id])
    if not row:
        raise NotFound()
    return _for_viewer(row, viewer)


def can_see_history(db, job: dict, viewer: dict | None) -> bool:
    """The job's history names people and says what happened to them (a release, a dispute): for
    those involved (the poster, the worker, anyone the job was ever assigned to) and organizers."""
    viewer = users.active_or_none(db, viewer)
    if can_see_exact(job, viewer):
        return True
    sql = "SELECT 1 AS x FROM job_events WHERE job_id = ? AND worker_id = ? LIMIT 1"  # worker_id: assigned then
    return bool(viewer) and one(db, sql, [job["id"], viewer["id"]]) is not None


def history(db, job: dict, viewer: dict | None) -> list[dict]:
    """The job's events, oldest first, for a viewer who may see them (can_see_history); others get []."""
    return events(db, job["id"]) if can_see_history(db, job, viewer) else []


def events(db, job_id: int) -> list[dict]:
    """Every event of a job, oldest first, with the actor's display name. Unchecked: for services and
    for pages that already know the viewer is involved; show a viewer history() instead."""
    return list(
        db.query(
            """SELECT e.*, u.display_name AS actor_name FROM job_events e
               LEFT JOIN users u ON u.id = e.actor_id WHERE e.job_id = ? ORDER BY e.id""",
            [job_id],
        )
    )


# What a listing of open jobs shows anyone: never the exact place or the address note.
LISTING_SELECT = """SELECT id, poster_id, category, title, mode, status, price_fen, price_type, est_minutes,
    agreed_fen, window_start, window_end, public_lat, public_lon, created_at FROM jobs"""


def list_open(
    db,
    *,
    category=None,
    mode=None,
    min_fen=None,
    max_fen=None,
    near=None,
    max_km=None,
    sort="newest",
) -> list[dict]:
    """Open jobs at their public (fuzzed) location, filtered and sorted; only the columns anyone
    may see (LISTING_SELECT).

    `near` is a (lat, lon) the person picked; each job gets `distance_km` from it (None without).
    sort: 'nearest' (needs near), 'newest', 'price_low', 'price_high'.
    """
    where, params = ["status = 'open'"], []
    if category:
        where.append("category = ?")
        params.append(category)
    if mode:
        where.append("mode = ?")
        params.append(mode)
    rows = list(db.query(LISTING_SELECT + " WHERE " + " AND ".join(where), params))
    for job in rows:
        job["total_fen"] = pricing.estimated_total_fen(job)
        job["distance_km"] = geo.distance_km(near[0], near[1], job["public_lat"], job["public_lon"]) if near else None
    rows = [
        j
        for j in rows
        if (min_fen is None or j["total_fen"] >= min_fen)
        and (max_fen is None or j["total_fen"] <= max_fen)
        and (max_km is None or j["distance_km"] is None or j["distance_km"] <= max_km)
    ]
    keys = {
        "nearest": lambda j: (j["distance_km"] if j["distance_km"] is not None else 0, -j["id"]),
        "newest": lambda j: -j["id"],
        "price_low": lambda j: (j["total_fen"], -j["id"]),
        "price_high": lambda j: (-j["total_fen"], -j["id"]),
    }
    return sorted(rows, key=keys.get(sort, keys["newest"]))


def mine(db, user: dict) -> dict[str, list[dict]]:
    """The jobs I posted and the jobs I work on, newest first, as I may see them."""
    user = users.active(db, user)
    posted = db.query(JOB_SELECT + " WHERE j.poster_id = ? ORDER BY j.id DESC", [user["id"]])
    working = db.query(JOB_SELECT + " WHERE j.worker_id = ? ORDER BY j.id DESC", [user["id"]])
    return {"posted": [_for_viewer(r, user) for r in posted], "working": [_for_viewer(r, user) for r in working]}


# --- transitions -------------------------------------------------------------------------------


def _may(db, job: dict, rule: Transition, actor: dict, assignee: int | None = None) -> str | None:
    """None if `actor` may perform `rule` on `job` (ignoring its status), else an error key.

    For a rule that `assigns`, `assignee` is the worker who would get the job.
    """
    if rule.mode and job["mode"] != rule.mode:
        return "error.only_grab" if rule.mode == "grab" else "error.only_booking"
    if rule.actor == "clock":
        return None if actor is CLOCK else "error.not_allowed"
    if actor is CLOCK:
        return "error.not_allowed"
    if rule.actor == "worker":
        return None if actor["id"] == job["worker_id"] else "error.not_allowed"
    if rule.actor == "poster" and actor["id"] != job["poster_id"]:
        return "error.not_allowed"
    if rule.actor == "invitee" and actor["id"] != assignee:
        return "error.not_allowed"
    if rule.actor == "organizer":
        mine = actor["id"] in (job["poster_id"], job["worker_id"])
        return None if actor.get("role") == "organizer" and not mine else "error.not_allowed"
    if rule.actor == "claimer":
        return may_take(db, job, actor["id"])
    return may_take(db, job, assignee, named_by_poster=rule.actor == "poster") if rule.assigns else None


def may_take(db, job: dict, worker_id: int, *, named_by_poster: bool = False) -> str | None:
    """None if this person may become the job's worker: a verified worker who is not the poster.

    named_by_poster: the poster picked this helper (invited or accepted them), so a refusal speaks
    about the helper rather than to the person acting."""
    if worker_id == job["poster_id"]:
        return "error.own_job"
    if workers.is_verified_worker(db, worker_id):
        return None
    return "error.helper_not_verified" if named_by_poster else "error.not_verified"


def allowed_actions(db, job: dict, actor: dict | None) -> list[str]:
    """The actions `actor` may take on `job` right now, in table order (for showing buttons)."""
    actor = users.active_or_none(db, actor)
    if actor is None:
        return []
    return [
        action
        for action, rule in TRANSITIONS.items()
        if rule.actor != "clock"
        and not rule.assigns
        and job["status"] in rule.sources
        and _may(db, job, rule, actor) is None
    ]


def _effects(action: str, job: dict, actor: dict, now: datetime, assignee: int | None, agreed_fen: int | None) -> dict:
    """Columns a transition changes besides status."""
    if action == "claim":
        return {"worker_id": actor["id"], "agreed_fen": job["price_fen"]}
    if TRANSITIONS[action].assigns:
        return {"worker_id": assignee, "agreed_fen": job["price_fen"] if agreed_fen is None else agreed_fen}
    if action == "release":
        return {"worker_id": None, "agreed_fen": None}
    if action == "finish":
        return {"finished_at": to_db(now)}
    return {}


def _terms(db, action: str, job: dict, *, detail: str, hours, tip_yuan, split_yuan) -> dict:
    """Check what the person typed for this action against the job (before anything is written):
    the actual hours of an hourly job at finish, a tip at confirmation, a dispute's reason, a split's
    amount. Returns the extra columns and money the transition carries."""
    if action == "finish" and job["price_type"] == "hourly":  # no hours given: as estimated
        minutes = job["est_minutes"] if hours is None else _minutes(hours, "hours", "error.actual_hours", 15)
        return {"actual_minutes": minutes}
    if action == "confirm":
        if materials.waiting(db, job["id"]) or (pricing.extra_fen(job) and job["extra_decision"] is None):
            raise InvalidTransition("error.answer_money_first")
        return {"tip_fen": yuan_to_fen(tip_yuan or "0", "tip")}
    if action == "dispute" and not visible_len(detail):  # a reason of zero-width spaces is no reason
        raise ValidationError("detail", "error.dispute_reason")
    if action == "resolve_split":
        return {"split_fen": escrow.split_fen(db, job["id"], split_yuan)}
    return {}


def _request(detail: str, hours, tip_yuan, split_yuan) -> str:
    """What a person sent with an action, as one comparable string: amounts in fen and hours in
    minutes where they read as such (no tip, "", "0" and "0.00" are all the same request)."""

    def fen(yuan):
        try:
            return yuan_to_fen(yuan, "amount") or None
        except ValidationError:
            return str(yuan)

    def minutes(value):
        try:
            return round(float(value) * 60)
        except (TypeError, ValueError, OverflowError):
            return str(value)

    typed = {
        "hours": minutes(hours) if hours is not None else None,
        "tip": fen(tip_yuan or "0"),
        "split": fen(split_yuan or "0"),
    }
    return json.dumps({"detail": detail, **typed})


def _repeated(db, job: dict, action: str, actor: dict, request: str) -> bool:
    """The job is already where `action` takes it, and its last step was this actor doing `action`
    with exactly what they send now: a double click or a retry, to be answered as done rather than
    as an error. (Other values, a different tip say, are a new request, refused by the status.)"""
    last = one(
        db, "SELECT action, actor_id, request FROM job_events WHERE job_id = ? ORDER BY id DESC LIMIT 1", [job["id"]]
    )
    return (
        job["status"] == TRANSITIONS[action].target
        and last is not None
        and (last["action"], last["actor_id"], last["request"]) == (action, actor["id"], request)
    )


def act(
    db,
    job_id: int,
    action: str,
    actor: dict,
    *,
    now: datetime,
    detail: str = "",
    assignee: int | None = None,
    agreed_fen: int | None = None,
    hours=None,
    tip_yuan=None,
    split_yuan=None,
) -> dict:
    """Perform `action` on a job as `actor`. Returns the job as the actor now sees it.

    Rules that assign a worker (booking's accept, accept_invitation) name them in `assignee` and the
    agreed price in `agreed_fen` (None: the posted price); services.booking calls those.
    When a job leaves 'open', the booking applications still waiting on it are declined, except
    the assignee's, which services.booking marks accepted in the same transaction.
    finish of an hourly job takes the actual `hours` (None: as estimated); confirm takes an optional `tip_yuan`; dispute
    needs a reason in `detail`; resolve_split the worker's share in `split_yuan`.
    Doing the same action again right after doing it (a double click) changes nothing and succeeds.

    Raises NotFound, NotAllowed (wrong person), AlreadyTaken (claiming or accepting a job someone
    else got first), InvalidTransition (not possible in the job's current status), ValidationError
    (bad hours, tip, reason or split), InsufficientFunds (the poster's wallet cannot cover the hold
    or the tip; nothing changes).
    """
    rule = TRANSITIONS.get(action)
    if rule is None or rule.assigns != (assignee is not None):
        raise InvalidTransition(action=action)
    detail = text(detail, "detail", max_len=500)
    request = _request(detail, hours, tip_yuan, split_yuan)
    with write(db):
        job = _row(db, job_id)
        if actor is not CLOCK:
            actor = users.active(db, actor)
        if actor is not CLOCK and _repeated(db, job, action, actor, request):
            return get(db, job_id, actor)
        refusal = _may(db, job, rule, actor, assignee)
        if refusal:
            raise NotAllowed(refusal)
        taking = action == "claim" or rule.assigns
        if job["status"] not in rule.sources:
            raise AlreadyTaken() if taking else InvalidTransition(action=action, status=job["status"])
        terms = _terms(db, action, job, detail=detail, hours=hours, tip_yuan=tip_yuan, split_yuan=split_yuan)
        changes = {
            "status": rule.target,
            "updated_at": to_db(now),
            **_effects(action, job, actor, now, assignee, agreed_fen),
            **({"actual_minutes": terms["actual_minutes"]} if "actual_minutes" in terms else {}),
        }
        assignments = ", ".join(f"{column} = ?" for column in changes)
        cursor = db.execute(
            f"UPDATE jobs SET {assignments} WHERE id = ? AND status = ?",
            [*changes.values(), job_id, job["status"]],
        )
        if cursor.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as the CAS guard
            raise AlreadyTaken() if taking else InvalidTransition(action=action, status=job["status"])
        if action == "release":  # a booked worker gives the job back: their accepted application ends too
            db.execute(
                """UPDATE applications SET status = 'withdrawn', outcome = 'release', decided_at = ?
                   WHERE job_id = ? AND worker_id = ? AND status = 'accepted'""",
                [to_db(now), job_id, actor["id"]],
            )
        if job["status"] == "open":
            _decline_waiting_applications(db, job_id, action, changes.get("worker_id"), now)
        worker_id = changes.get("worker_id") or job["worker_id"]
        event_id = _record(db, job_id, actor, action, job["status"], rule.target, now, detail, worker_id, request)
        _move_money(db, action, {**job, **changes}, job["status"], event_id, terms, now)
        if action == "dispute":  # the reason opens the statements
            _state(db, job_id, actor, detail, f"dispute:{event_id}", now)
    return get(db, job_id, None if actor is CLOCK else actor)


def _decline_waiting_applications(db, job_id: int, action: str, assignee: int | None, now: datetime) -> None:
    """The job is no longer open: tell every other applicant or invitee why (`outcome` = the action)."""
    db.execute(
        """UPDATE applications SET status = 'declined', outcome = ?, decided_at = ?
           WHERE job_id = ? AND status = 'pending' AND worker_id IS NOT ?""",
        [action, to_db(now), job_id, assignee],
    )


def _row(db, job_id: int) -> dict:
    """The stored job (every column, nothing blanked: for services' own checks). Raises NotFound."""
    job = one(db, "SELECT * FROM jobs WHERE id = ?", [job_id])
    if not job:
        raise NotFound()
    return job


def _record(db, job_id, actor, action, from_status, to_status, now, detail="", worker_id=None, request=None) -> int:
    return (
        db["job_events"]
        .insert(
            {
                "job_id": job_id,
                "actor_id": actor["id"],
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "at": to_db(now),
                "detail": detail,
                "worker_id": worker_id,
                "request": request,
            }
        )
        .last_pk
    )


# --- money: every transfer is made inside the transition's own transaction -----------------------


def _move_money(db, action: str, job: dict, from_status: str, event_id: int, terms: dict, now: datetime) -> None:
    """The money of a transition (see services.escrow), keyed by its event so it moves only once."""
    key = _money_key(job["id"], event_id)
    if TRANSITIONS[action].assigns:
        escrow.hold_estimate(db, job, key, now)
        return
    if job["status"] in SETTLED:  # whatever the poster never answered ends unapproved
        materials.reject_waiting(db, job["id"], now)
    escrow.settle(db, action, job, from_status, key, now, split=terms.get("split_fen"))
    escrow.tip(db, job, terms.get("tip_fen", 0), f"{key}:tip", now)


def _money_key(job_id: int, event_id: int) -> str:
    return f"job:{job_id}:event:{event_id}"


def answer_extra_hours(db, actor: dict, job_id: int, *, approve: bool, now: datetime) -> None:
    """The poster answers hours recorded above the estimate: approving holds the extra they come to
    (InsufficientFunds says what is missing and changes nothing); declining pays the estimate only.
    Giving the same answer again is a no-op."""
    answer = "approved" if approve else "declined"
    with write(db):
        actor = users.active(db, actor)
        job = _row(db, job_id)
        if actor["id"] != job["poster_id"]:
            raise NotAllowed()
        if job["extra_decision"] == answer:
            return
        if job["status"] != "done" or not pricing.extra_fen(job) or job["extra_decision"] is not None:
            raise InvalidTransition("error.extra_not_waiting")
        db.execute("UPDATE jobs SET extra_decision = ?, updated_at = ? WHERE id = ?", [answer, to_db(now), job_id])
        event_id = _record(
            db,
            job_id,
            actor,
            "extra_approved" if approve else "extra_declined",
            "done",
            "done",
            now,
            worker_id=job["worker_id"],
        )
        if approve:
            escrow.hold_extra(db, job, _money_key(job_id, event_id), now)


# --- disputes: opened by the poster (the `dispute` action), stated by both sides, resolved by an
# organizer (resolve_pay / resolve_refund / resolve_split) -----------------------------------------


def _state(db, job_id: int, author: dict, body: str, key: str, now: datetime) -> int:
    again = one(db, "SELECT id FROM dispute_statements WHERE request_key = ?", [key])
    if again:
        return again["id"]
    row = {"job_id": job_id, "author_id": author["id"], "body": body, "request_key": key, "created_at": to_db(now)}
    return db["dispute_statements"].insert(row).last_pk


def add_statement(db, actor: dict, job_id: int, body, *, key: str, now: datetime) -> int:
    """The poster or the worker adds their side to a disputed job. `key` identifies one filling-in of
    the form (sending it again returns the first statement). Returns the statement's id."""
    body = text(body, "statement", min_len=1, max_len=1000)
    with write(db):
        actor = users.active(db, actor)
        job = _row(db, job_id)
        if actor["id"] not in (job["poster_id"], job["worker_id"]):
            raise NotAllowed()
        if job["status"] != "disputed":
            raise InvalidTransition("error.not_disputed")
        return _state(db, job_id, actor, body, f"statement:{actor['id']}:{key}", now)


def statements(db, job: dict, viewer: dict | None) -> list[dict]:
    """A dispute's statements, oldest first (the poster's reason first): the two sides and organizers."""
    if not can_see_exact(job, users.active_or_none(db, viewer)):
        return []
    return list(
        db.query(
            """SELECT s.*, u.display_name AS author_name FROM dispute_statements s JOIN users u ON u.id = s.author_id
               WHERE s.job_id = ? ORDER BY s.id""",
            [job["id"]],
        )
    )


def disputed(db, actor: dict) -> list[dict]:
    """Jobs waiting for an organizer's resolution, longest waiting first. Organizers only."""
    actor = users.organizer(db, actor)
    return [_for_viewer(r, actor) for r in db.query(JOB_SELECT + " WHERE j.status = 'disputed' ORDER BY j.updated_at")]


def run_clock(db, now: datetime) -> int:
    """Expire open jobs whose window has passed and auto-confirm jobs done for 72 hours.

    Cheap when nothing is due (two indexed reads, no write lock). Returns how many jobs changed.
    """
    due = [
        (row["id"], "expire")
        for row in db.query("SELECT id FROM jobs WHERE status = 'open' AND window_end < ?", [to_db(now)])
    ] + [
        (row["id"], "auto_confirm")
        for row in db.query(
            "SELECT id FROM jobs WHERE status = 'done' AND finished_at <= ?", [to_db(now - AUTO_CONFIRM_AFTER)]
        )
    ]
    changed = 0
    for job_id, action in due:
        try:
            act(db, job_id, action, CLOCK, now=now)
            changed += 1
        except InvalidTransition:
            pass  # a person acted on it between our read and our write
    return changed


def auto_confirm_at(job: dict) -> datetime | None:
    finished = from_db(job.get("finished_at"))
    return finished + AUTO_CONFIRM_AFTER if finished and job["status"] == "done" else None


PRICE_GUIDE_DAYS = 90
PRICE_GUIDE_MIN = 3


def price_guide(db, category: str, price_type: str, now: datetime) -> dict | None:
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

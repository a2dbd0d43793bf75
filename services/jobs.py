"""Jobs: posting, reading, and performing the state machine's transitions (services.transitions).

`act()` is the one place a transition is written: a compare-and-set UPDATE plus a job_events row in
one write transaction, with the job's money (services.escrow) and booking's applications moved in
that same transaction. Who may do what is services.access.
"""

from datetime import datetime, timedelta
from typing import Literal, TypedDict, cast

from . import (
    access,
    alerts,
    audit,
    community,
    disputes,
    escrow,
    fraud,
    geo,
    ledger,
    materials,
    messages,
    notifications,
    pricing,
    safety,
    users,
)
from .clock import from_db, to_db
from .db import Database, filled_in, insert, one, write
from .errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from .rows import Clock, Job, MaterialLine, Row, User
from .transitions import SETTLED, TRANSITIONS, Action, Assign, Finish, Request, Terms, Transition
from .validate import Typed, minutes_of, text, yuan_to_fen

AUTO_CONFIRM_AFTER = timedelta(hours=72)
MAX_WINDOW = timedelta(days=30)
MAX_AHEAD = timedelta(days=180)
PRICE_TYPES = ("fixed", "hourly")
MODES = ("grab", "booking")
PRIVATE_FIELDS: tuple[Literal["lat", "lon", "address_note"], ...] = ("lat", "lon", "address_note")
CLOCK: Clock = {"id": None, "role": "clock"}


# --- posting -----------------------------------------------------------------------------------


def _window(start: Typed, end: Typed, now: datetime) -> tuple[datetime, datetime]:
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


def _price(price_yuan: Typed, price_type: Typed, est_hours: Typed) -> tuple[int, int | None]:
    if price_type not in PRICE_TYPES:
        raise ValidationError("price_type", "error.invalid")
    price_fen = yuan_to_fen(price_yuan, "price")
    if price_type == "fixed":
        return price_fen, None
    return price_fen, minutes_of(est_hours, "est_hours", "error.hours", 30)


def _checked(
    db: Database,
    *,
    title: Typed,
    description: Typed,
    category: Typed,
    price_yuan: Typed,
    price_type: Typed,
    est_hours: Typed,
    window_start: Typed,
    window_end: Typed,
    lat: Typed,
    lon: Typed,
    address_note: Typed,
    now: datetime,
) -> Row:
    """The columns of a job as its poster typed them (posting or editing), each field checked in form
    order, and whether its words ask for money off the board (`flagged`). Raises
    ValidationError(field, key) for the first bad field; NotAllowed before the board is set up."""
    title = text(title, "title", min_len=2, max_len=60, single_line=True)
    description = text(description, "description", min_len=1, max_len=2000)
    if not one(db, "SELECT 1 AS x FROM categories WHERE slug = ?", [category or ""]):
        raise ValidationError("category", "error.pick_category")
    price_fen, est_minutes = _price(price_yuan, price_type, est_hours)
    start, end = _window(window_start, window_end, now)
    lat, lon = geo.check_lat_lon(lat, lon)
    place = community.get(db)
    if place is None:
        raise NotAllowed()
    if geo.distance_km(place["lat"], place["lon"], lat, lon) > place["radius_km"]:
        raise ValidationError("location", "error.outside_radius", km=place["radius_km"])
    return {
        "category": category,
        "title": title,
        "description": description,
        "price_fen": price_fen,
        "price_type": price_type,
        "est_minutes": est_minutes,
        "window_start": to_db(start),
        "window_end": to_db(end),
        "lat": lat,
        "lon": lon,
        "address_note": text(address_note, "address_note", max_len=200, single_line=True),
        "flagged": int(bool(fraud.flags(title, description))),  # warned about, never refused (services.fraud)
    }


def post(
    db: Database,
    actor: User,
    *,
    title: Typed,
    description: Typed,
    category: Typed,
    price_yuan: Typed,
    price_type: Typed = "fixed",
    est_hours: Typed = None,
    window_start: Typed,
    window_end: Typed,
    lat: Typed,
    lon: Typed,
    address_note: Typed = "",
    mode: Typed = "grab",
    handover_code: bool = False,
    key: str | None = None,
    now: datetime,
) -> int:
    """Validate every field and store a new open job. Returns its id; stores nothing on error.

    `key` identifies one filling-in of the post form: sending it again returns the job it posted.
    `handover_code`: the board makes the job a handover code (services.safety) for the worker to type.
    Raises ValidationError(field, key) for the first bad field, in form order (the mode first: the
    form asks it above the others).
    """
    if mode not in MODES:
        raise ValidationError("mode", "error.invalid")
    columns = _checked(
        db,
        title=title,
        description=description,
        category=category,
        price_yuan=price_yuan,
        price_type=price_type,
        est_hours=est_hours,
        window_start=window_start,
        window_end=window_end,
        lat=lat,
        lon=lon,
        address_note=address_note,
        now=now,
    )
    public_lat, public_lon = geo.fuzz(columns["lat"], columns["lon"])
    with write(db):
        actor = users.active(db, actor)
        request_key, again = filled_in(db, "jobs", actor["id"], key)
        if again:
            return again
        job_id = insert(
            db,
            "jobs",
            {
                **columns,
                "poster_id": actor["id"],
                "request_key": request_key,
                "mode": mode,
                "status": "open",
                "public_lat": public_lat,
                "public_lon": public_lon,
                "handover_code": safety.new_code() if handover_code else None,
                "created_at": to_db(now),
                "updated_at": to_db(now),
            },
        )
        event_id = _record(db, job_id, actor, "post", None, "open", now)
        job = access.stored_job(db, job_id)
        if mode == "grab":  # booking mode holds the agreed price when the poster accepts someone
            escrow.hold_estimate(db, job, _money_key(job_id, event_id), now)
        alerts.new_job(db, job, now)
    return job_id


def edit(
    db: Database,
    actor: User,
    job_id: int,
    *,
    title: Typed,
    description: Typed,
    category: Typed,
    price_yuan: Typed,
    price_type: Typed = "fixed",
    est_hours: Typed = None,
    window_start: Typed,
    window_end: Typed,
    lat: Typed,
    lon: Typed,
    address_note: Typed = "",
    now: datetime,
) -> Job:
    """The poster changes their job while it is open (nobody took it yet): every field checked as at
    posting (fraud phrases too). In one transaction the job changes, an 'edit' event names the fields
    that changed, a grab job's hold follows its new total (more held, or the difference back; a
    booking job holds its price when someone is accepted), and the people waiting on the job (its
    applicants and invitees, who asked a question) are told. Saving what is already there (a double
    click) changes nothing. Returns the job as the poster sees it.

    Raises NotFound, NotAllowed (not the poster), InvalidTransition (no longer open), ValidationError,
    InsufficientFunds (the wallet cannot cover the higher total; nothing changes).
    """
    with write(db):
        job, actor = access.load(db, job_id, actor, "edit_job")  # who and when before what was typed
        columns = _checked(
            db,
            title=title,
            description=description,
            category=category,
            price_yuan=price_yuan,
            price_type=price_type,
            est_hours=est_hours,
            window_start=window_start,
            window_end=window_end,
            lat=lat,
            lon=lon,
            address_note=address_note,
            now=now,
        )
        stored = cast(Row, job)
        changed = {column: value for column, value in columns.items() if stored[column] != value}
        if not changed:
            return get(db, job_id, actor)
        if "lat" in changed or "lon" in changed:  # a new place gets its own approximate point
            changed["public_lat"], changed["public_lon"] = geo.fuzz(columns["lat"], columns["lon"])
        changed["updated_at"] = to_db(now)
        assignments = ", ".join(f"{column} = ?" for column in changed)
        db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", [*changed.values(), job_id])
        what = ", ".join(column for column in columns if column in changed and column != "flagged")
        event_id = _record(db, job_id, actor, "edit", "open", "open", now, what)
        job = access.stored_job(db, job_id)
        if job["mode"] == "grab":  # as at posting
            escrow.hold_estimate(db, job, _money_key(job_id, event_id), now)
        notifications.tell(
            db, _waiting_on(db, job), "job.edited", f"event:{event_id}", now, job_id=job_id, title=job["title"]
        )
    return get(db, job_id, actor)


def _waiting_on(db: Database, job: Job) -> list[int]:
    """Who waits on an open job besides its poster: the helpers whose application or invitation waits,
    and those who asked it a question."""
    rows = db.query(
        """SELECT worker_id AS id FROM applications WHERE job_id = ? AND status = 'pending'
           UNION SELECT author_id FROM questions WHERE job_id = ?""",
        [job["id"], job["id"]],
    )
    return [row["id"] for row in rows if row["id"] != job["poster_id"]]


# What a new job posted "again" starts from: everything but its time.
AGAIN_FIELDS = (
    "category",
    "title",
    "description",
    "mode",
    "price_fen",
    "price_type",
    "est_minutes",
    "lat",
    "lon",
    "address_note",
)


def again_draft(db: Database, actor: User, job_id: int, *, same_helper: bool = False) -> Row:
    """What a new job like this completed one starts from ("again", 再来一单): its category, words,
    mode, price and place, never its time (the poster picks a new one). same_helper: in booking mode,
    also the helper who did it (`helper_id`), to be asked again (book_again).

    Raises NotFound, NotAllowed (not the poster; for same_helper, not booking mode), InvalidTransition
    (the job is not completed).
    """
    job, actor = access.load(db, job_id, actor, "book_again" if same_helper else "post_again")
    stored = cast(Row, job)
    return {
        **{field: stored[field] for field in AGAIN_FIELDS},
        "helper_id": job["worker_id"] if same_helper else None,
    }


# --- reading -----------------------------------------------------------------------------------


def for_viewer(db: Database, row: Row, viewer: User | None) -> Job:
    """A stored job row (JOB_SELECT's) as `viewer` (as users.active_or_none has them) may see it: `exact`
    says whether the private fields are there; without see_private they are blanked."""
    job = cast(Job, dict(row))
    job["exact"] = access.refusal(db, job, viewer, "see_private") is None
    # a job the organizer hid: its sides and organizers still see it (marked), anyone else only that fact
    job["withheld"] = bool(job.get("hidden_at")) and not job["exact"]
    if job["withheld"]:
        job["title"] = job["description"] = ""
    if not job["exact"]:
        for field in PRIVATE_FIELDS:
            job[field] = None
    if access.refusal(db, job, viewer, "see_handover_code"):  # the poster's, to tell the worker in person
        job["handover_code"] = None
    return job


JOB_SELECT = """SELECT j.*, p.display_name AS poster_name, w.display_name AS worker_name,
        COALESCE(pp.verification = 'verified', 0) AS poster_verified,
        COALESCE(wp.verification = 'verified', 0) AS worker_verified
    FROM jobs j JOIN users p ON p.id = j.poster_id LEFT JOIN users w ON w.id = j.worker_id
    LEFT JOIN worker_profiles pp ON pp.user_id = j.poster_id LEFT JOIN worker_profiles wp ON wp.user_id = j.worker_id"""


def get(db: Database, job_id: Typed, viewer: User | None) -> Job:
    """One job as `viewer` may see it (private fields blanked unless can_see_exact). Raises NotFound."""
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    viewer = users.active_or_none(db, viewer)
    row = one(db, JOB_SELECT + " WHERE j.id = ?", [job_id])
    if not row:
        raise NotFound()
    return for_viewer(db, row, viewer)


def history(db: Database, job: Job, viewer: User | None) -> list[Row]:
    """The job's events, oldest first, for a viewer who may see them (see_history); others get []."""
    return events(db, job["id"]) if access.refusal(db, job, viewer, "see_history") is None else []


def events(db: Database, job_id: int) -> list[Row]:
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
SEARCH_MAX = 100  # characters of a search that are read (the browse box takes no more): the rest is cut
TRIGRAM = 3  # the search index (jobs_search, migration m008) finds runs of at least this many characters


def _search_words(search: str) -> list[str]:
    """The distinct words of a search, split at any whitespace (the ideographic space too), from its
    first SEARCH_MAX characters. Raises ValidationError for characters no job's title or description
    may hold (validate.text: control and direction characters, unreadable text)."""
    words = text(search[:SEARCH_MAX], "search", max_len=SEARCH_MAX, single_line=True).split()
    return list(dict.fromkeys(words))


def _phrase(word: str) -> str:
    """One word as an FTS5 phrase: in double quotes with its own double quotes doubled, so nothing a
    person types (a stray quote, OR, NEAR, *, a colon) is read as query syntax."""
    return '"' + word.replace('"', '""') + '"'


def _matching(words: list[str]) -> tuple[list[str], list[str]]:
    """SQL conditions on jobs (and their parameters) that every word is in the job's title or its
    description, upper or lower case alike.

    Words of TRIGRAM characters or more are looked up in the index, all in one MATCH (phrases side by
    side must all match). A shorter word (Chinese words are often two characters: 搬家, 快递) has no
    trigram to look up, so it is found with instr() in the text of the jobs left by the other
    conditions: the open ones, a few hundred on a board, read by the listing anyway. (The index's LIKE
    would scan the same rows for such a word, and would need % and _ in it escaped.) Case: the index
    folds the letters of every script, lower() only A-Z (a one- or two-letter word in other capitals,
    Ä or Я, is found as typed)."""
    long, short = [w for w in words if len(w) >= TRIGRAM], [w for w in words if len(w) < TRIGRAM]
    where, params = list[str](), list[str]()
    if long:
        where.append("id IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)")
        params.append(" ".join(map(_phrase, long)))
    for word in short:
        where.append("(instr(lower(title), lower(?)) > 0 OR instr(lower(description), lower(?)) > 0)")
        params += [word, word]
    return where, params


def list_open(
    db: Database,
    *,
    category: str | None = None,
    mode: str | None = None,
    min_fen: int | None = None,
    max_fen: int | None = None,
    near: tuple[float, float] | None = None,
    max_km: float | None = None,
    sort: str = "newest",
    search: str = "",
) -> list[Row]:
    """Open jobs at their public (fuzzed) location, filtered and sorted; only the columns anyone
    may see (LISTING_SELECT).

    `near` is a (lat, lon) the person picked; each job gets `distance_km` from it (None without).
    sort: 'nearest' (needs near), 'newest', 'price_low', 'price_high'.
    `search`: words a person typed; only jobs with every one of them in their title or description
    (case aside) are listed. Characters no job's text may hold find no job.
    """
    try:
        searched, params = _matching(_search_words(search))
    except ValidationError:
        return []
    where = ["status = 'open'", "hidden_at IS NULL", *searched]
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


def mine(db: Database, user: User) -> dict[str, list[Job]]:
    """The jobs I posted and the jobs I work on, newest first, as I may see them."""
    user = users.active(db, user)
    posted = db.query(JOB_SELECT + " WHERE j.poster_id = ? ORDER BY j.id DESC", [user["id"]])
    working = db.query(JOB_SELECT + " WHERE j.worker_id = ? ORDER BY j.id DESC", [user["id"]])
    return {
        "posted": [for_viewer(db, r, user) for r in posted],
        "working": [for_viewer(db, r, user) for r in working],
    }


# --- transitions -------------------------------------------------------------------------------


def _effects(action: Action, job: Job, actor: User | Clock, request: Request, now: datetime) -> Row:
    """Columns a transition changes besides status: its worker and agreed price, its time stamp."""
    rule = TRANSITIONS[action]
    changes: Row = {rule.stamp: to_db(now)} if rule.stamp else {}
    if rule.worker == "claimer":
        changes.update(worker_id=actor["id"], agreed_fen=job["price_fen"])
    elif rule.worker == "assignee":
        assign = cast(Assign, request)  # a row that names an assignee takes an Assign (act checks)
        agreed = job["price_fen"] if assign.agreed_fen is None else assign.agreed_fen
        changes.update(worker_id=assign.assignee, agreed_fen=agreed)
    elif rule.worker == "frees":
        changes.update(worker_id=None, agreed_fen=None)
    return changes


def _changes(action: Action, job: Job, actor: User | Clock, request: Request, terms: Terms, now: datetime) -> Row:
    """The columns the transition writes: its status, worker, agreed price, stamps, actual minutes."""
    return {
        "status": TRANSITIONS[action].target,
        "updated_at": to_db(now),
        **_effects(action, job, actor, request, now),
        **({"actual_minutes": terms["actual_minutes"]} if "actual_minutes" in terms else {}),
    }


def _repeated(db: Database, job: Job, action: Action, actor: User, request: str) -> bool:
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


def _person(actor: User | Clock) -> User | None:
    """The person acting, or None for the board's own clock (CLOCK itself, never a dict that says so)."""
    return None if actor is CLOCK else cast(User, actor)


def _check_actor(db: Database, job: Job, action: Action, actor: User | Clock, request: Request) -> None:
    """The clock takes only the clock's actions; a person needs the capability, and a worker the
    request names (a booking's acceptance) must be one who may take the job."""
    rule = TRANSITIONS[action]
    person = _person(actor)
    if (rule.actor == "clock") != (person is None):
        raise NotAllowed()
    if person is None:  # the board's own timer: only the job's status decides
        if job["status"] not in rule.sources:
            raise InvalidTransition(action=action, status=job["status"])
        return
    access.require(db, job, person, action)
    if rule.worker == "assignee":
        assignee = cast(Assign, request).assignee  # a row that names an assignee takes an Assign (act checks)
        if assignee is None:  # made by services.booking from an application, never empty
            raise InvalidTransition(action=action)
        if rule.actor == "invitee" and assignee != person["id"]:
            raise NotAllowed()
        refusal = access.worker_refusal(db, job, assignee, named_by_poster=rule.actor == "poster")
        if refusal:
            raise refusal


def _rule_and_request(action: Action, request: Request | None) -> tuple[Transition, Request]:
    """The action's row and its request (None: an empty one), its note checked. Raises
    InvalidTransition (no such action, or a request of another type), ValidationError (the note)."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise InvalidTransition(action=action)
    request = rule.takes() if request is None else request
    if type(request) is not rule.takes:
        raise InvalidTransition(action=action)
    return rule, request.with_detail(text(request.detail, "detail", max_len=500))


def act(
    db: Database, job_id: int, action: Action, actor: User | Clock, request: Request | None = None, *, now: datetime
) -> Job:
    """Perform `action` on a job as `actor`, with what the person sent (`request`, of the type the
    action's row `takes`; None: an empty one). Returns the job as the actor now sees it.

    When a job leaves 'open', the booking applications still waiting on it are declined, except the
    assignee's, which services.booking marks accepted in the same transaction. Doing the same action
    with the same request right after doing it (a double click) changes nothing and succeeds.

    Raises NotFound, NotAllowed (wrong person; its kinds AlreadyTaken, someone else got the job
    first, and InvalidTransition, not possible in the job's status), ValidationError (a bad request;
    "code": a wrong handover code), TooManyAttempts (wrong handover codes came too fast: wait),
    InsufficientFunds (the poster's wallet cannot cover the hold or the tip; nothing changes).
    """
    request = _rule_and_request(action, request)[1]
    comparable = request.comparable()
    person = _person(actor)
    if (  # a wrong code is counted in a transaction of its own, though nothing else happens
        isinstance(request, Finish)
        and person is not None
        and access.refusal(db, access.stored_job(db, job_id), person, "type_handover_code") is None
    ):
        safety.check_code(db, person, job_id, request.code, now)
    with write(db):
        job = access.stored_job(db, job_id)
        if actor is not CLOCK:
            actor = users.active(db, actor)
            if _repeated(db, job, action, actor, comparable):
                return get(db, job_id, actor)
        _check_actor(db, job, action, actor, request)
        _perform(db, job, action, actor, request, now)
    return get(db, job_id, _person(actor))


def _perform(db: Database, job: Job, action: Action, actor: User | Clock, request: Request, now: datetime) -> None:
    """Inside the caller's write transaction, the actor already checked: the compare-and-set write of
    `action` on the stored `job`, its event, applications, conversation, money and notifications."""
    rule, job_id = TRANSITIONS[action], job["id"]
    comparable = request.comparable()
    terms = request.terms(db, job)
    changes = _changes(action, job, actor, request, terms, now)
    assignments = ", ".join(f"{column} = ?" for column in changes)
    cursor = db.execute(
        f"UPDATE jobs SET {assignments} WHERE id = ? AND status = ?",
        [*changes.values(), job_id, job["status"]],
    )
    if cursor.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as the CAS guard
        raise InvalidTransition(action=action, status=job["status"])
    _applications_follow(db, job, action, changes, now)
    if changes.get("worker_id"):  # the new pair has a conversation (a booking's opened at its application)
        messages.open_thread(db, job_id, changes["worker_id"], now)
    worker_id = changes.get("worker_id") or job["worker_id"]
    event_id = _record(
        db, job_id, actor, action, job["status"], rule.target, now, request.detail, worker_id, comparable
    )
    _move_money(db, action, cast(Job, {**job, **changes}), job["status"], event_id, terms, now)
    if rule.actor == "organizer":  # a dispute's decision
        decision = {"status": rule.target, "decision": action, **terms}
        audit.record(
            db,
            cast(User, actor),
            "dispute_decision",
            job_id=job_id,
            before={"status": job["status"]},
            after=decision,
            now=now,
        )
    if rule.target == "disputed":  # the reason opens the statements (a dispute is the poster's, never the clock's)
        disputes.record(db, job_id, cast(User, actor), request.detail, f"dispute:{event_id}", now)
        messages.organizer_joined(db, job, f"dispute:{event_id}", now)  # visibly, in the pair's conversation
    _tell(db, job, action, actor["id"], event_id, worker_id, terms, now)


# What a block does to the blocked person's jobs (end_for_blocked): the poster's jobs nobody has
# started are cancelled, as the poster's own cancel would (the hold refunded); jobs they hold as a
# worker before finishing go back to open, as their own release would (the poster is told). A job whose
# work they began is released too: a blocked worker can never finish it, and the poster's money stays
# held for the next helper rather than stuck.
ENDED_BY_BLOCK: tuple[tuple[str, Action, tuple[str, ...]], ...] = (
    ("poster_id", "cancel", TRANSITIONS["cancel"].sources),
    ("worker_id", "release", (*TRANSITIONS["release"].sources, "in_progress")),
)


def end_for_blocked(db: Database, organizer: User, user_id: int, now: datetime) -> None:
    """Inside users.set_blocked's write transaction (the organizer checked there): the blocked
    person's open jobs are cancelled with their holds refunded through escrow, and the jobs they hold
    as a worker are released back to open (ENDED_BY_BLOCK), each step an event by the organizer
    that the job's sides hear of, as act() writes it. Their applications and invitations still waiting
    on other people's jobs are withdrawn (a poster could otherwise pick a helper who can no longer work);
    the applications to their own cancelled jobs close as the cancel closes them."""
    for column, action, statuses in ENDED_BY_BLOCK:
        marks = ", ".join("?" for _ in statuses)
        rows = db.query(f"SELECT id FROM jobs WHERE {column} = ? AND status IN ({marks})", [user_id, *statuses])
        for row in list(rows):
            _perform(db, access.stored_job(db, row["id"]), action, organizer, Request("blocked"), now)
    db.execute(
        """UPDATE applications SET status = 'withdrawn', outcome = 'blocked', decided_at = ?
           WHERE worker_id = ? AND status = 'pending'""",
        [to_db(now), user_id],
    )


def _tell(
    db: Database,
    job: Job,
    action: Action,
    actor_id: int | None,
    event_id: int,
    worker_id: int | None,
    terms: Terms,
    now: datetime,
) -> None:
    """Both sides of the job hear of the step (organizers too, of a new dispute: they settle it), and
    the worker of a tip."""
    settlers = notifications.organizers_apart_from(db, job) if TRANSITIONS[action].target == "disputed" else []
    source = f"event:{event_id}"
    notifications.job_step(db, job, f"job.{action}", source, actor_id, now, worker_id=worker_id, also=settlers)
    if terms.get("tip_fen"):  # the poster gave it: the worker hears
        notifications.job_step(
            db, job, "job.tip", f"{source}:tip", actor_id, now, worker_id=worker_id, tip_fen=terms["tip_fen"]
        )


def _applications_follow(db: Database, job: Job, action: Action, changes: Row, now: datetime) -> None:
    """Booking's applications follow the job: a freed worker's accepted application ends withdrawn
    (outcome: the action); when the job leaves 'open', every other waiting one is declined."""
    if TRANSITIONS[action].worker == "frees":
        db.execute(
            """UPDATE applications SET status = 'withdrawn', outcome = ?, decided_at = ?
               WHERE job_id = ? AND worker_id = ? AND status = 'accepted'""",
            [action, to_db(now), job["id"], job["worker_id"]],
        )
    if job["status"] == "open":
        waiting = "WHERE job_id = ? AND status = 'pending' AND worker_id IS NOT ?"  # all but the new worker's
        kind = "job.declined" if changes.get("worker_id") else "job.closed"  # someone else got it, or it ended
        query = f"SELECT id, worker_id FROM applications {waiting}"
        for declined in db.query(query, [job["id"], changes.get("worker_id")]):
            source = f"application:{declined['id']}:declined"
            notifications.tell(db, [declined["worker_id"]], kind, source, now, job_id=job["id"], title=job["title"])
        db.execute(
            f"UPDATE applications SET status = 'declined', outcome = ?, decided_at = ? {waiting}",
            [action, to_db(now), job["id"], changes.get("worker_id")],
        )


def _record(
    db: Database,
    job_id: int,
    actor: User | Clock,
    action: str,
    from_status: str | None,
    to_status: str,
    now: datetime,
    detail: str = "",
    worker_id: int | None = None,
    request: str | None = None,
) -> int:
    return insert(
        db,
        "job_events",
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
        },
    )


# --- money: every transfer is made inside the transition's own transaction -----------------------


def _plan(db: Database, action: Action, job: Job, from_status: str, terms: Terms, now: datetime) -> escrow.Plan:
    """What `action` does to the money of `job` (the row after the change): act carries it out,
    preview shows it first."""
    money = TRANSITIONS[action].money
    return escrow.plan(db, money, job, from_status, now, split=terms.get("split_fen"), tip=terms.get("tip_fen", 0))


def _ends_unanswered(action: Action, job: Job) -> bool:
    """The transition settles the job without the poster's answer to lines still waiting: they end
    unapproved (the poster's own confirmation needs every answer first, services.access)."""
    return bool(TRANSITIONS[action].money) and job["status"] in SETTLED


def _move_money(
    db: Database, action: Action, job: Job, from_status: str, event_id: int, terms: Terms, now: datetime
) -> None:
    """The money of a transition (_plan, services.escrow), keyed by its event so it moves only once."""
    if _ends_unanswered(action, job):
        materials.reject_waiting(db, job["id"], now)
    escrow.carry_out(db, _plan(db, action, job, from_status, terms, now), job, _money_key(job["id"], event_id), now)


class Preview(TypedDict):
    """What an action on a job would do to its money, before the person confirms (preview)."""

    money: escrow.Plan
    # taking the job on (claim, a booking's acceptance): what the helper gets when paid in full at the
    # agreed price, and the board's commission of it; 0 otherwise
    worker_gets: int
    commission: int
    waiting: list[MaterialLine]  # lines still waiting for the poster's answer, which end unapproved


def preview(
    db: Database, job_id: int, action: Action, actor: User, request: Request | None = None, *, now: datetime
) -> Preview:
    """What `action` with `request` would move if `actor` took it now: the same plan act() carries
    out, read without writing anything. Raises what act() would: NotFound, NotAllowed (its kinds),
    ValidationError (a bad request), InsufficientFunds (the poster's wallet cannot cover the hold and
    the tip)."""
    rule, request = _rule_and_request(action, request)
    job = access.stored_job(db, job_id)
    actor = users.active(db, actor)
    _check_actor(db, job, action, actor, request)
    terms = request.terms(db, job)
    after = cast(Job, {**job, **_changes(action, job, actor, request, terms, now)})
    planned = _plan(db, action, after, job["status"], terms, now)
    ledger.require_funds(db, job["poster_id"], planned["hold"] + planned["tip"])
    worker_gets, commission = (
        escrow.payment(db, after, pricing.estimated_total_fen(after))
        if rule.worker
        in (
            "claimer",
            "assignee",
        )
        else (0, 0)
    )
    waiting = [line for line in materials.for_job(db, job, actor) if line["status"] == "pending"]
    return {
        "money": planned,
        "worker_gets": worker_gets,
        "commission": commission,
        "waiting": waiting if _ends_unanswered(action, after) else [],
    }


def _money_key(job_id: int, event_id: int) -> str:
    return f"job:{job_id}:event:{event_id}"


def extra_hours_preview(db: Database, actor: User, job_id: int) -> int:
    """What approving the hours above the estimate would hold from the poster's wallet, before they
    confirm (the amount escrow.hold_extra then holds). Raises NotFound, NotAllowed, InvalidTransition
    (answered already), InsufficientFunds (the wallet holds less)."""
    job, actor = access.load(db, job_id, actor, "answer_extra_hours")
    fen = pricing.extra_fen(job)
    ledger.require_funds(db, job["poster_id"], fen)
    return fen


def answer_extra_hours(db: Database, actor: User, job_id: int, *, approve: bool, now: datetime) -> None:
    """The poster answers hours recorded above the estimate: approving holds the extra they come to
    (InsufficientFunds says what is missing and changes nothing); declining pays the estimate only.
    Giving the same answer again is a no-op."""
    answer = "approved" if approve else "declined"
    with write(db):
        job, actor = access.load(db, job_id, actor)
        if access.require(db, job, actor, "answer_extra_hours", done_already=job["extra_decision"] == answer):
            return
        db.execute("UPDATE jobs SET extra_decision = ?, updated_at = ? WHERE id = ?", [answer, to_db(now), job_id])
        action = "extra_approved" if approve else "extra_declined"
        event_id = _record(db, job_id, actor, action, "done", "done", now, worker_id=job["worker_id"])
        notifications.job_step(
            db, job, f"job.{action}", f"event:{event_id}", actor["id"], now, worker_id=job["worker_id"]
        )
        if approve:
            escrow.hold_extra(db, job, _money_key(job_id, event_id), now)


def run_clock(db: Database, now: datetime) -> int:
    """Expire open jobs whose window has passed and auto-confirm jobs done for 72 hours.

    Cheap when nothing is due (two indexed reads, no write lock). Returns how many jobs changed.
    """
    due: list[tuple[int, Action]] = [
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


def auto_confirm_at(job: Job) -> datetime | None:
    finished = from_db(job.get("finished_at"))
    return finished + AUTO_CONFIRM_AFTER if finished and job["status"] == "done" else None

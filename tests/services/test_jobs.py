"""Jobs: posting and its validation, the state machine, privacy of the exact location, the clock, listing."""

from datetime import datetime, timedelta

import pytest

from demo import samples
from services import db as database
from services import geo, jobs, ledger, pricing, transitions, verification, workers
from services import users as users_service
from services.errors import AlreadyTaken, InvalidTransition, NotAllowed, NotFound, ValidationError
from services.transitions import Confirm, Request, Split, request
from tests.services.conftest import ACTION_TERMS, PATHS, act_as_sent, buttons

# The paths conftest's `job_in` drives a fresh job along: the status each ends in, and whether the job
# then has a worker (a job cancelled after assignment keeps its worker; a released one does not).
ENDPOINTS = {
    "open": ("open", False),
    "released": ("open", False),
    "assigned": ("assigned", True),
    "in_progress": ("in_progress", True),
    "done": ("done", True),
    "completed": ("completed", True),
    "disputed": ("disputed", True),
    "resolved": ("resolved", True),
    "cancelled": ("cancelled", False),
    "cancelled_after_assignment": ("cancelled", True),
    "expired": ("expired", False),
}

# Every allowed transition of a grab-mode job: (action, path the job went along, who acts, status it ends
# in). The transitions that assign a booking-mode job's worker are tested with services.booking.
ALLOWED = [
    ("claim", "open", "verified_worker", "assigned"),
    ("claim", "released", "second_worker", "assigned"),
    ("release", "assigned", "verified_worker", "open"),
    ("start", "assigned", "verified_worker", "in_progress"),
    ("finish", "in_progress", "verified_worker", "done"),
    ("confirm", "done", "poster", "completed"),
    ("auto_confirm", "done", "clock", "completed"),
    ("cancel", "open", "poster", "cancelled"),
    ("cancel", "assigned", "poster", "cancelled"),
    ("expire", "open", "clock", "expired"),
    ("dispute", "done", "poster", "disputed"),
    ("resolve_pay", "disputed", "organizer", "resolved"),
    ("resolve_refund", "disputed", "organizer", "resolved"),
    ("resolve_split", "disputed", "organizer", "resolved"),
]

# The person each kind of rule expects (TRANSITIONS' `actor`); the claimer is not the assigned worker.
RIGHT_ACTOR = {
    "claimer": "second_worker",
    "worker": "verified_worker",
    "poster": "poster",
    "organizer": "organizer",
    "clock": "clock",
}
GRAB_TRANSITIONS = {action: rule for action, rule in transitions.TRANSITIONS.items() if rule.worker != "assignee"}


def _forbidden():
    """Every action from every status it is not allowed from, by the right actor, and what it raises.

    Claiming a job that is no longer open is AlreadyTaken. The worker's own actions on a job nobody is
    assigned to are refused as NotAllowed before the status is looked at: nobody is its worker.
    """
    cases = []
    for action, rule in GRAB_TRANSITIONS.items():
        for path, (status, has_worker) in ENDPOINTS.items():
            if status in rule.sources or path == "released":
                continue
            if PATHS[path] and PATHS[path][-1] == (action, RIGHT_ACTOR[rule.actor]):
                continue  # the same action again: a double click, done once (test_a_double_click_acts_once)
            if action == "claim":
                error = AlreadyTaken
            elif rule.actor == "worker" and not has_worker:
                error = NotAllowed
            else:
                error = InvalidTransition
            cases.append(pytest.param(action, path, RIGHT_ACTOR[rule.actor], error, id=f"{action}-from-{path}"))
    return cases


# Somebody other than the right person tries an action the job's status allows: (action, path, who, key).
WRONG_ACTORS = [
    ("claim", "open", "poster", "error.own_job"),
    ("claim", "open", "unverified_worker", "error.not_verified"),
    ("claim", "open", "stranger", "error.not_verified"),
    ("claim", "open", "organizer", "error.not_verified"),
    ("claim", "open", "clock", "error.not_allowed"),
    ("release", "assigned", "second_worker", "error.not_allowed"),
    ("release", "assigned", "poster", "error.not_allowed"),
    ("release", "assigned", "organizer", "error.not_allowed"),
    ("start", "assigned", "second_worker", "error.not_allowed"),
    ("start", "assigned", "poster", "error.not_allowed"),
    ("start", "assigned", "stranger", "error.not_allowed"),
    ("start", "assigned", "clock", "error.not_allowed"),
    ("finish", "in_progress", "second_worker", "error.not_allowed"),
    ("finish", "in_progress", "poster", "error.not_allowed"),
    ("finish", "in_progress", "organizer", "error.not_allowed"),
    ("confirm", "done", "verified_worker", "error.not_allowed"),
    ("confirm", "done", "stranger", "error.not_allowed"),
    ("confirm", "done", "organizer", "error.not_allowed"),
    ("confirm", "done", "clock", "error.not_allowed"),
    ("cancel", "open", "stranger", "error.not_allowed"),
    ("cancel", "open", "verified_worker", "error.not_allowed"),
    ("cancel", "open", "organizer", "error.not_allowed"),
    ("cancel", "open", "clock", "error.not_allowed"),
    ("cancel", "assigned", "verified_worker", "error.not_allowed"),
    ("expire", "open", "poster", "error.not_allowed"),
    ("expire", "open", "organizer", "error.not_allowed"),
    ("expire", "open", "verified_worker", "error.not_allowed"),
    ("auto_confirm", "done", "poster", "error.not_allowed"),
    ("auto_confirm", "done", "organizer", "error.not_allowed"),
    ("auto_confirm", "done", "verified_worker", "error.not_allowed"),
    ("dispute", "done", "verified_worker", "error.not_allowed"),
    ("dispute", "done", "organizer", "error.not_allowed"),
    ("dispute", "done", "clock", "error.not_allowed"),
    ("resolve_pay", "disputed", "poster", "error.not_allowed"),
    ("resolve_refund", "disputed", "verified_worker", "error.not_allowed"),
    ("resolve_split", "disputed", "stranger", "error.not_allowed"),
    ("resolve_pay", "disputed", "clock", "error.not_allowed"),
]


def snapshot(db, job_id):
    job = jobs.get(db, job_id, None)
    return job["status"], job["worker_id"], job["updated_at"], len(jobs.events(db, job_id))


def nothing_posted(db):
    return db["jobs"].count == 0 and db["job_events"].count == 0


# --- the transition table ----------------------------------------------------------------------


def test_allowed_table_covers_every_transition_in_the_code():
    table = {(action, ENDPOINTS[path][0], target) for action, path, _, target in ALLOWED}
    code = {(action, source, rule.target) for action, rule in GRAB_TRANSITIONS.items() for source in rule.sources}
    assert table == code


def test_every_status_is_reachable_by_the_driver():
    assert {status for status, _ in ENDPOINTS.values()} == set(transitions.STATUSES)


@pytest.mark.parametrize("action, path, who, target", ALLOWED, ids=[f"{a}-from-{p}" for a, p, _, _ in ALLOWED])
def test_allowed_transition_moves_job_and_records_event(db, people, job_in, now, action, path, who, target):
    job_id = job_in(path)
    source = jobs.get(db, job_id, None)["status"]
    later = now + timedelta(minutes=5)

    seen = jobs.act(db, job_id, action, people[who], request(action, **ACTION_TERMS.get(action, {})), now=later)

    assert seen["status"] == target
    stored = jobs.get(db, job_id, people["organizer"])
    assert stored["status"] == target
    assert stored["updated_at"] == "2026-11-25T06:05:00+00:00"
    last = jobs.events(db, job_id)[-1]
    assert (last["action"], last["from_status"], last["to_status"]) == (action, source, target)
    assert last["actor_id"] == people[who]["id"]
    assert last["at"] == "2026-11-25T06:05:00+00:00"


PEOPLE_ACTING = [case for case in ALLOWED if case[2] != "clock"]  # the clock never clicks twice


@pytest.mark.parametrize("action, path, who, target", PEOPLE_ACTING, ids=[f"{a}-{p}" for a, p, _, _ in PEOPLE_ACTING])
def test_a_double_click_acts_once(db, people, job_in, now, action, path, who, target):
    job_id = job_in(path)
    terms = ACTION_TERMS.get(action, {})
    jobs.act(db, job_id, action, people[who], request(action, **terms), now=now)
    after_first = snapshot(db, job_id), db["transfers"].count

    again = jobs.act(db, job_id, action, people[who], request(action, **terms), now=now + timedelta(seconds=1))

    assert again["status"] == target
    assert (snapshot(db, job_id), db["transfers"].count) == after_first


def test_the_same_action_with_other_values_is_a_new_request_and_refused(db, job_in, poster, organizer, now):
    confirmed = job_in("done")
    jobs.act(db, confirmed, "confirm", poster, now=now)
    resolved = job_in("disputed")
    jobs.act(db, resolved, "resolve_split", organizer, Split(split_yuan="30"), now=now)
    transfers = db["transfers"].count

    with pytest.raises(InvalidTransition):  # a stale tab: confirm again, now with a tip
        jobs.act(db, confirmed, "confirm", poster, Confirm(tip_yuan="20"), now=now)
    with pytest.raises(InvalidTransition):  # resolve again with another share
        jobs.act(db, resolved, "resolve_split", organizer, Split(split_yuan="50"), now=now)

    assert db["transfers"].count == transfers


@pytest.mark.parametrize("action, path, who, error", _forbidden())
def test_forbidden_transition_is_refused_and_changes_nothing(db, people, job_in, now, action, path, who, error):
    job_id = job_in(path)
    before = snapshot(db, job_id)

    with pytest.raises(error):
        act_as_sent(db, job_id, action, people[who], now + timedelta(minutes=5))

    assert snapshot(db, job_id) == before


@pytest.mark.parametrize("action, path, who, key", WRONG_ACTORS, ids=[f"{w}-{a}-{p}" for a, p, w, _ in WRONG_ACTORS])
def test_wrong_person_is_not_allowed(db, people, job_in, now, action, path, who, key):
    job_id = job_in(path)
    before = snapshot(db, job_id)

    with pytest.raises(NotAllowed) as refused:
        act_as_sent(db, job_id, action, people[who], now + timedelta(minutes=5))

    assert refused.value.key == key
    assert snapshot(db, job_id) == before


def test_poster_cannot_cancel_or_confirm_another_posters_job(db, post_job, job_in, poster, stranger, now):
    theirs = post_job(actor=stranger, price_yuan="0")  # a favour: the stranger has no credit
    mine_done = job_in("done")

    with pytest.raises(NotAllowed):
        jobs.act(db, theirs, "cancel", poster, now=now)
    with pytest.raises(NotAllowed):
        jobs.act(db, mine_done, "confirm", stranger, now=now)

    assert jobs.get(db, theirs, None)["status"] == "open"
    assert jobs.get(db, mine_done, None)["status"] == "done"


def test_claim_assigns_the_claiming_worker(db, open_job, verified_worker, now):
    seen = jobs.act(db, open_job["id"], "claim", verified_worker, now=now)

    assert seen["worker_id"] == verified_worker["id"]
    assert seen["worker_name"] == verified_worker["display_name"]


def test_second_worker_cannot_claim_taken_job(db, open_job, verified_worker, second_worker, now):
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)

    with pytest.raises(AlreadyTaken) as taken:
        jobs.act(db, open_job["id"], "claim", second_worker, now=now)

    assert taken.value.key == "error.already_taken"
    assert jobs.get(db, open_job["id"], None)["worker_id"] == verified_worker["id"]


def test_poster_cannot_claim_own_job_even_as_a_verified_worker(db, organizer, poster, open_job, now):
    workers.set_taking_jobs(db, poster, taking_jobs=True, categories=["moving"], now=now)
    samples.verify(db, organizer, poster, now)
    assert workers.is_verified_worker(db, poster["id"])

    with pytest.raises(NotAllowed) as refused:
        jobs.act(db, open_job["id"], "claim", poster, now=now)

    assert refused.value.key == "error.own_job"


def test_rejected_worker_cannot_claim(db, organizer, unverified_worker, open_job, now):
    check = verification.latest(db, unverified_worker["id"], organizer)
    verification.decide(db, organizer, check["id"], approve=False, reason="Photo unreadable", now=now)

    with pytest.raises(NotAllowed) as refused:
        jobs.act(db, open_job["id"], "claim", unverified_worker, now=now)

    assert refused.value.key == "error.not_verified"


def test_verified_worker_who_stopped_taking_jobs_cannot_claim(db, verified_worker, open_job, now):
    workers.set_taking_jobs(db, verified_worker, taking_jobs=False, categories=[], now=now)

    with pytest.raises(NotAllowed) as refused:
        jobs.act(db, open_job["id"], "claim", verified_worker, now=now)

    assert refused.value.key == "error.not_verified"


def test_blocked_worker_cannot_claim(db, organizer, verified_worker, open_job, now):
    users_service.set_blocked(db, organizer, verified_worker["id"], True, now)
    blocked = users_service.get(db, verified_worker["id"])

    with pytest.raises(NotAllowed):
        jobs.act(db, open_job["id"], "claim", blocked, now=now)

    assert jobs.get(db, open_job["id"], None)["status"] == "open"


def test_block_takes_effect_even_with_a_user_dict_read_before_it(db, organizer, verified_worker, open_job, now):
    users_service.set_blocked(db, organizer, verified_worker["id"], True, now)

    with pytest.raises(NotAllowed):
        jobs.act(db, open_job["id"], "claim", verified_worker, now=now)

    assert jobs.get(db, open_job["id"], None)["status"] == "open"


def test_blocked_user_cannot_post(db, organizer, poster, job_fields, now):
    users_service.set_blocked(db, organizer, poster["id"], True, now)

    with pytest.raises(NotAllowed):
        jobs.post(db, poster, **job_fields())

    assert nothing_posted(db)


def test_worker_who_released_a_job_can_no_longer_start_it(db, job_in, verified_worker, now):
    job_id = job_in("released")

    with pytest.raises(NotAllowed):
        jobs.act(db, job_id, "start", verified_worker, now=now)


def test_unknown_action_is_an_invalid_transition(db, open_job, poster, now):
    with pytest.raises(InvalidTransition):
        jobs.act(db, open_job["id"], "teleport", poster, now=now)

    assert len(jobs.events(db, open_job["id"])) == 1


def test_acting_on_a_missing_job_raises_not_found(db, verified_worker, now):
    with pytest.raises(NotFound):
        jobs.act(db, 999_999, "claim", verified_worker, now=now)


def test_overlong_event_detail_is_refused_before_anything_changes(db, open_job, poster, now):
    with pytest.raises(ValidationError) as refused:
        jobs.act(db, open_job["id"], "cancel", poster, Request("x" * 501), now=now)

    assert refused.value.field == "detail"
    assert jobs.get(db, open_job["id"], None)["status"] == "open"


@pytest.mark.parametrize(
    "path, who, actions",
    [
        ("open", "poster", ["cancel"]),
        ("open", "verified_worker", ["claim"]),
        ("open", "unverified_worker", []),
        ("open", "stranger", []),
        ("open", "organizer", []),
        ("assigned", "verified_worker", ["release", "start"]),
        ("assigned", "poster", ["cancel"]),
        ("assigned", "second_worker", []),
        ("in_progress", "verified_worker", ["finish"]),
        ("done", "poster", ["confirm", "dispute"]),
        ("disputed", "organizer", ["resolve_pay", "resolve_refund", "resolve_split"]),
        ("disputed", "poster", []),
        ("done", "verified_worker", []),
        ("completed", "poster", []),
    ],
)
def test_allowed_actions_lists_the_buttons_a_person_may_press(db, people, job_in, path, who, actions):
    job = jobs.get(db, job_in(path), people[who])

    assert buttons(db, job, people[who]) == actions


def test_nobody_signed_in_has_no_actions(db, open_job):
    assert buttons(db, open_job, None) == []


# --- release, history ----------------------------------------------------------------------------


def test_release_reopens_the_job_and_counts_against_the_worker(db, job_in, verified_worker, second_worker, now):
    assert workers.reliability(db, verified_worker["id"])["released"] == 0
    job_id = job_in("assigned")

    job = jobs.act(db, job_id, "release", verified_worker, now=now)

    assert (job["status"], job["worker_id"]) == ("open", None)
    assert workers.reliability(db, verified_worker["id"])["released"] == 1
    assert workers.reliability(db, second_worker["id"])["released"] == 0
    jobs.act(db, job_id, "claim", second_worker, now=now)
    jobs.act(db, job_id, "release", second_worker, now=now)
    jobs.act(db, job_id, "claim", verified_worker, now=now)
    jobs.act(db, job_id, "release", verified_worker, now=now)
    assert workers.reliability(db, verified_worker["id"])["released"] == 2
    assert workers.reliability(db, second_worker["id"])["released"] == 1


def test_job_events_record_the_whole_history_in_order(db, open_job, poster, verified_worker, now):
    steps = [("claim", verified_worker), ("start", verified_worker), ("finish", verified_worker), ("confirm", poster)]
    for minutes, (action, actor) in enumerate(steps, start=1):
        jobs.act(
            db,
            open_job["id"],
            action,
            actor,
            request(action, detail=f"step {minutes}"),
            now=now + timedelta(minutes=minutes),
        )

    history = [
        (e["action"], e["from_status"], e["to_status"], e["actor_id"], e["at"], e["detail"])
        for e in jobs.events(db, open_job["id"])
    ]

    assert history == [
        ("post", None, "open", poster["id"], "2026-11-25T06:00:00+00:00", ""),
        ("claim", "open", "assigned", verified_worker["id"], "2026-11-25T06:01:00+00:00", "step 1"),
        ("start", "assigned", "in_progress", verified_worker["id"], "2026-11-25T06:02:00+00:00", "step 2"),
        ("finish", "in_progress", "done", verified_worker["id"], "2026-11-25T06:03:00+00:00", "step 3"),
        ("confirm", "done", "completed", poster["id"], "2026-11-25T06:04:00+00:00", "step 4"),
    ]
    assert [e["actor_name"] for e in jobs.events(db, open_job["id"])][:2] == [
        poster["display_name"],
        verified_worker["display_name"],
    ]
    assert jobs.get(db, open_job["id"], None)["finished_at"] == "2026-11-25T06:03:00+00:00"


# --- posting and its validation -------------------------------------------------------------------

# (overrides for jobs.post, the field the error names, its message key)
INVALID_POSTS = {
    "title-too-short": ({"title": "a"}, "title", "error.too_short"),
    "title-blank": ({"title": "   "}, "title", "error.too_short"),
    "title-missing": ({"title": None}, "title", "error.too_short"),
    "title-too-long": ({"title": "x" * 61}, "title", "error.too_long"),
    "title-control-char": ({"title": "Move\x00sofa"}, "title", "error.control_chars"),
    "title-escape-char": ({"title": "Move \x1b[31msofa"}, "title", "error.control_chars"),
    "description-empty": ({"description": ""}, "description", "error.required"),
    "description-blank": ({"description": " \n "}, "description", "error.required"),
    "description-too-long": ({"description": "x" * 2001}, "description", "error.too_long"),
    "description-control-char": ({"description": "ring \x07 twice"}, "description", "error.control_chars"),
    "category-unknown": ({"category": "gardening"}, "category", "error.pick_category"),
    "category-missing": ({"category": None}, "category", "error.pick_category"),
    "mode-booking-not-yet": ({"mode": "booking"}, "mode", "error.invalid"),
    "mode-unknown": ({"mode": "auction"}, "mode", "error.invalid"),
    "price-not-a-number": ({"price_yuan": "abc"}, "price", "error.price_number"),
    "price-empty": ({"price_yuan": ""}, "price", "error.price_number"),
    "price-negative": ({"price_yuan": -1}, "price", "error.price_number"),
    "price-nan": ({"price_yuan": "NaN"}, "price", "error.price_number"),
    "price-infinite": ({"price_yuan": "Infinity"}, "price", "error.price_number"),
    "price-fraction-of-a-fen": ({"price_yuan": "1.234"}, "price", "error.price_cents"),
    "price-too-high": ({"price_yuan": "100000.01"}, "price", "error.price_too_high"),
    "price-far-too-high": ({"price_yuan": "1e9"}, "price", "error.price_too_high"),
    "price-type-unknown": ({"price_type": "weekly"}, "price_type", "error.invalid"),
    "hourly-without-hours": ({"price_type": "hourly", "est_hours": None}, "est_hours", "error.hours"),
    "hourly-zero-hours": ({"price_type": "hourly", "est_hours": 0}, "est_hours", "error.hours"),
    "hourly-under-half-an-hour": ({"price_type": "hourly", "est_hours": 0.4}, "est_hours", "error.hours"),
    "hourly-100-hours": ({"price_type": "hourly", "est_hours": 100}, "est_hours", "error.hours"),
    "hourly-hours-not-a-number": ({"price_type": "hourly", "est_hours": "two"}, "est_hours", "error.hours"),
    "hourly-negative-hours": ({"price_type": "hourly", "est_hours": -2}, "est_hours", "error.hours"),
    "window-start-missing": ({"window_start": None}, "window", "error.window_missing"),
    "window-naive-start": ({"window_start": datetime(2026, 11, 25, 5, 0)}, "window", "error.window_missing"),
    "window-end-before-start": (
        {"window_end": datetime.fromisoformat("2026-11-25T04:00:00+00:00")},
        "window",
        "error.window_order",
    ),
    "window-end-equals-start": (
        {"window_end": datetime.fromisoformat("2026-11-25T05:00:00+00:00")},
        "window",
        "error.window_order",
    ),
    "window-in-the-past": (
        {
            "window_start": datetime.fromisoformat("2026-11-24T06:00:00+00:00"),
            "window_end": datetime.fromisoformat("2026-11-24T08:00:00+00:00"),
        },
        "window",
        "error.window_past",
    ),
    "window-ends-now": (
        {"window_end": datetime.fromisoformat("2026-11-25T06:00:00+00:00")},
        "window",
        "error.window_past",
    ),
    "window-too-long": (
        {"window_end": datetime.fromisoformat("2026-12-25T05:00:01+00:00")},
        "window",
        "error.window_long",
    ),
    "window-too-far-ahead": (
        {
            "window_start": datetime.fromisoformat("2027-05-24T06:00:01+00:00"),
            "window_end": datetime.fromisoformat("2027-05-24T08:00:00+00:00"),
        },
        "window",
        "error.window_far",
    ),
    "location-missing": ({"lat": None, "lon": None}, "location", "error.location_missing"),
    "location-not-numbers": ({"lat": "north", "lon": "east"}, "location", "error.location_missing"),
    "location-off-the-globe": ({"lat": 91.0}, "location", "error.location_missing"),
    "location-nan": ({"lon": float("nan")}, "location", "error.location_missing"),
    "location-outside-radius": ({"north_m": 3_200}, "location", "error.outside_radius"),
    "location-far-away": ({"lat": 39.9042, "lon": 116.4074}, "location", "error.outside_radius"),
    "address-note-too-long": ({"address_note": "x" * 201}, "address_note", "error.too_long"),
    "address-note-control-char": ({"address_note": "gate\x1bcode"}, "address_note", "error.control_chars"),
}

# Bad input that escapes as a raw Python error instead of a ValidationError (bugs reported, not fixed).
MALFORMED_POSTS = {
    "window-naive-end": {"window_end": datetime(2026, 11, 25, 11, 0)},
    "hourly-infinite-hours": {"price_type": "hourly", "est_hours": "inf"},
    "price-huge-exponent": {"price_yuan": "1e999999999"},
}


@pytest.mark.parametrize("overrides", MALFORMED_POSTS.values(), ids=MALFORMED_POSTS.keys())
def test_malformed_post_is_a_validation_error(db, poster, job_fields, overrides):
    with pytest.raises(ValidationError):
        jobs.post(db, poster, **job_fields(**overrides))

    assert nothing_posted(db)


def test_outside_radius_error_says_the_radius(db, poster, job_fields):
    with pytest.raises(ValidationError) as refused:
        jobs.post(db, poster, **job_fields(north_m=3_200))

    assert refused.value.params == {"km": 3.0}


ACCEPTED_POSTS = {
    "title-two-chars": {"title": "搬家"},
    "title-sixty-chars": {"title": "x" * 60},
    "title-padded": {"title": "  Fix tap  "},
    "description-max": {"description": "x" * 2000},
    "description-with-tab-and-newline": {"description": "line one\n\tline two"},
    "price-zero": {"price_yuan": "0"},
    "price-max": {"price_yuan": "100000"},
    "price-two-decimals": {"price_yuan": "12.34"},
    "price-number": {"price_yuan": 12.5},
    "hourly-half-hour": {"price_type": "hourly", "est_hours": 0.5},
    "hourly-whole-day": {"price_type": "hourly", "est_hours": 24},
    "hourly-hours-as-text": {"price_type": "hourly", "est_hours": "1.5"},
    "window-exactly-30-days": {"window_end": datetime.fromisoformat("2026-12-25T05:00:00+00:00")},
    "window-starts-180-days-ahead": {
        "window_start": datetime.fromisoformat("2027-05-24T06:00:00+00:00"),
        "window_end": datetime.fromisoformat("2027-05-24T08:00:00+00:00"),
    },
    "location-near-edge": {"north_m": 2_900},
    "location-as-text": {"lat": "31.2304", "lon": "121.4737"},
    "address-note-empty": {"address_note": ""},
    "address-note-max": {"address_note": "x" * 200},
}


@pytest.mark.parametrize("overrides", ACCEPTED_POSTS.values(), ids=ACCEPTED_POSTS.keys())
def test_boundary_post_is_accepted(db, poster, job_fields, overrides):
    job_id = jobs.post(db, poster, **job_fields(**overrides))

    assert jobs.get(db, job_id, poster)["status"] == "open"
    assert db["jobs"].count == 1 and db["job_events"].count == 1


def test_the_same_filling_in_of_the_post_form_posts_one_job_and_holds_once(db, poster, stranger, job_fields):
    balance = ledger.balance_of(db, "wallet", user_id=poster["id"])
    first = jobs.post(db, poster, **job_fields(price_yuan="30"), key="filling-1")
    again = jobs.post(db, poster, **job_fields(price_yuan="30"), key="filling-1")  # a double click
    other = jobs.post(db, poster, **job_fields(price_yuan="30"), key="filling-2")  # the next filling-in
    theirs = jobs.post(db, stranger, **job_fields(price_yuan="0"), key="filling-1")  # another person's

    assert first == again and len({first, other, theirs}) == 3
    assert ledger.balance_of(db, "wallet", user_id=poster["id"]) == balance - 2 * 3000
    assert ledger.check_books(db) == []


def test_post_stores_the_job_open_with_a_post_event(db, poster, job_fields, centre):
    job_id = jobs.post(db, poster, **job_fields(title="  Fix tap  ", price_yuan="12.5"))

    job = jobs.get(db, job_id, poster)
    assert job["title"] == "Fix tap"
    assert (job["status"], job["worker_id"], job["poster_id"]) == ("open", None, poster["id"])
    assert (job["price_fen"], job["price_type"], job["est_minutes"]) == (1250, "fixed", None)
    assert (job["window_start"], job["window_end"]) == ("2026-11-25T05:00:00+00:00", "2026-11-25T11:00:00+00:00")
    assert job["created_at"] == job["updated_at"] == "2026-11-25T06:00:00+00:00"
    assert job["poster_name"] == poster["display_name"]
    [event] = jobs.events(db, job_id)
    assert (event["action"], event["from_status"], event["to_status"], event["actor_id"]) == (
        "post",
        None,
        "open",
        poster["id"],
    )


def test_hourly_post_stores_estimated_minutes(db, poster, job_fields):
    job_id = jobs.post(db, poster, **job_fields(price_type="hourly", price_yuan="35.5", est_hours="1.5"))

    job = jobs.get(db, job_id, poster)
    assert (job["price_fen"], job["est_minutes"]) == (3550, 90)


@pytest.mark.parametrize(
    "price_fen, price_type, est_minutes, total",
    [
        (8000, "fixed", None, 8000),
        (3550, "hourly", 90, 5325),
        (5000, "hourly", 30, 2500),
        (1, "hourly", 30, 1),  # half a fen rounds up
        (1, "hourly", 75, 1),  # 1.25 fen rounds down
        (3, "hourly", 50, 3),  # 2.5 fen rounds up
        (4000, "hourly", 24 * 60, 96000),
    ],
)
def test_estimated_total_fen(price_fen, price_type, est_minutes, total):
    job = {"price_fen": price_fen, "price_type": price_type, "est_minutes": est_minutes}

    assert pricing.estimated_total_fen(job) == total


def test_estimated_total_of_a_posted_hourly_job(db, post_job, poster):
    job_id = post_job(price_type="hourly", price_yuan="35.5", est_hours=1.5)

    assert pricing.estimated_total_fen(jobs.get(db, job_id, poster)) == 5325


# --- privacy of the exact location ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger", "second_worker", "unverified_worker", None])
def test_exact_location_is_hidden_from_everyone_else(db, people, job_in, who):
    job = jobs.get(db, job_in("assigned"), people[who] if who else None)

    assert (job["lat"], job["lon"], job["address_note"]) == (None, None, None)
    assert job["exact"] is False
    assert job["public_lat"] is not None and job["public_lon"] is not None


@pytest.mark.parametrize("who", ["poster", "verified_worker", "organizer"])
def test_exact_location_is_shown_to_poster_assigned_worker_and_organizer(db, people, job_in, job_fields, who):
    fields = job_fields()

    job = jobs.get(db, job_in("assigned"), people[who])

    assert (job["lat"], job["lon"], job["address_note"]) == (fields["lat"], fields["lon"], fields["address_note"])
    assert job["exact"] is True


def test_open_job_location_is_hidden_from_the_worker_who_will_claim_it(db, open_job, verified_worker):
    assert jobs.get(db, open_job["id"], verified_worker)["lat"] is None


def test_worker_who_released_the_job_no_longer_sees_the_exact_location(db, job_in, verified_worker):
    assert jobs.get(db, job_in("released"), verified_worker)["address_note"] is None


def test_mine_shows_each_side_their_jobs_with_the_exact_location(db, job_in, poster, verified_worker):
    job_id = job_in("assigned")

    posted = jobs.mine(db, poster)["posted"]
    working = jobs.mine(db, verified_worker)["working"]

    assert [j["id"] for j in posted] == [job_id] and posted[0]["address_note"]
    assert [j["id"] for j in working] == [job_id] and working[0]["address_note"]


def test_list_open_never_carries_the_exact_location(db, post_job, centre):
    for north_m in (100, 900, 1700):
        post_job(north_m=north_m)

    listed = jobs.list_open(db, near=centre, sort="nearest")

    assert len(listed) == 3
    for job in listed:
        assert not {"lat", "lon", "address_note"} & job.keys()


def test_public_location_is_fuzzed_150_to_400_metres(db, post_job, poster):
    for _ in range(40):
        job = jobs.get(db, post_job(), poster)
        metres = geo.distance_km(job["lat"], job["lon"], job["public_lat"], job["public_lon"]) * 1000
        # fuzz() steps on the same sphere distance_km() measures on; 1e-6 absorbs float rounding.
        assert geo.FUZZ_MIN_M - 1e-6 <= metres <= geo.FUZZ_MAX_M + 1e-6
        assert metres <= geo.PUBLIC_CIRCLE_M


def test_public_location_is_stable_across_reads(db, db_path, open_job, stranger):
    first = jobs.get(db, open_job["id"], stranger)
    again = jobs.get(db, open_job["id"], None)
    elsewhere = database.connect(db_path)
    try:
        other_connection = jobs.get(elsewhere, open_job["id"], None)
    finally:
        elsewhere.conn.close()
    listed = [j for j in jobs.list_open(db) if j["id"] == open_job["id"]]

    points = {(j["public_lat"], j["public_lon"]) for j in (first, again, other_connection, *listed)}
    assert points == {(open_job["public_lat"], open_job["public_lon"])}


def test_get_raises_not_found_for_missing_or_malformed_ids(db, poster):
    for job_id in (999_999, "abc", None):
        with pytest.raises(NotFound):
            jobs.get(db, job_id, poster)


# --- the clock --------------------------------------------------------------------------------------


def test_clock_expires_open_job_once_its_window_has_passed(db, open_job, now):
    window_end = now + timedelta(hours=5)

    assert jobs.run_clock(db, window_end) == 0
    assert jobs.get(db, open_job["id"], None)["status"] == "open"

    assert jobs.run_clock(db, window_end + timedelta(seconds=1)) == 1
    assert jobs.get(db, open_job["id"], None)["status"] == "expired"
    last = jobs.events(db, open_job["id"])[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["actor_id"]) == (
        "expire",
        "open",
        "expired",
        None,
    )
    assert last["at"] == "2026-11-25T11:00:01+00:00"


def test_clock_leaves_taken_jobs_alone_after_their_window(db, job_in, now):
    taken = [job_in(path) for path in ("assigned", "in_progress", "cancelled", "completed")]

    assert jobs.run_clock(db, now + timedelta(days=10)) == 0

    assert [jobs.get(db, job_id, None)["status"] for job_id in taken] == [
        "assigned",
        "in_progress",
        "cancelled",
        "completed",
    ]


def test_clock_auto_confirms_done_job_after_72_hours_but_not_before(db, job_in, now):
    job_id = job_in("done")  # finished at `now`

    assert jobs.run_clock(db, now + timedelta(hours=72) - timedelta(seconds=1)) == 0
    assert jobs.get(db, job_id, None)["status"] == "done"

    assert jobs.run_clock(db, now + timedelta(hours=72)) == 1
    assert jobs.get(db, job_id, None)["status"] == "completed"
    last = jobs.events(db, job_id)[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["actor_id"]) == (
        "auto_confirm",
        "done",
        "completed",
        None,
    )


def test_clock_handles_every_due_job_in_one_run(db, job_in, post_job, now):
    finished = [job_in("done") for _ in range(2)]
    open_jobs = [post_job() for _ in range(3)]

    assert jobs.run_clock(db, now + timedelta(days=4)) == 5

    assert {jobs.get(db, j, None)["status"] for j in finished} == {"completed"}
    assert {jobs.get(db, j, None)["status"] for j in open_jobs} == {"expired"}
    assert jobs.run_clock(db, now + timedelta(days=5)) == 0


def test_auto_confirm_at_is_72_hours_after_finishing(db, job_in, poster, now):
    assert jobs.auto_confirm_at(jobs.get(db, job_in("done"), poster)) == now + timedelta(hours=72)
    assert jobs.auto_confirm_at(jobs.get(db, job_in("completed"), poster)) is None


# --- listing open jobs ------------------------------------------------------------------------------


@pytest.fixture
def south_edge(centre):
    """A point 3 km due south of the centre: the board's jobs lie 0.1, 1.1, 2.1, 3.1 and 4.1 km from it."""
    return centre[0] - 3_000 / 111_320, centre[1]


@pytest.fixture
def board(db, post_job, poster, organizer, verified_worker, now):
    """Five open jobs 1 km apart on a north-south line (the fuzz moves each at most 400 m), plus a taken
    one and a cancelled one that must never be listed."""
    post_job(title="Sofa", category="moving", price_yuan="80", north_m=-2_900)
    post_job(title="Parcel", category="parcel", price_yuan="10", north_m=-1_900)
    post_job(title="Dog", category="pets", price_type="hourly", price_yuan="30", est_hours=2, north_m=100)
    ledger.top_up(db, organizer, organizer["id"], "45.5", key="board", now=now)  # the organizer posts one too
    post_job(title="Boxes", category="moving", price_yuan="45.5", north_m=1_100, actor=organizer)
    post_job(title="Cat", category="pets", price_yuan="20", north_m=-900)
    jobs.act(db, post_job(title="Taken", category="moving"), "claim", verified_worker, now=now)
    jobs.act(db, post_job(title="Gone", category="parcel"), "cancel", poster, now=now)


def titles(listed):
    return [job["title"] for job in listed]


def test_list_open_shows_only_open_jobs_newest_first(db, board):
    assert titles(jobs.list_open(db)) == ["Cat", "Boxes", "Dog", "Parcel", "Sofa"]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"category": "moving"}, {"Sofa", "Boxes"}),
        ({"category": "pets"}, {"Dog", "Cat"}),
        ({"category": "cleaning"}, set()),
        ({"mode": "grab"}, {"Sofa", "Parcel", "Dog", "Boxes", "Cat"}),
        ({"mode": "booking"}, set()),
        ({"min_fen": 4550}, {"Sofa", "Dog", "Boxes"}),  # Dog: ¥30/h × 2 h = ¥60 estimated
        ({"max_fen": 2000}, {"Parcel", "Cat"}),
        ({"min_fen": 2000, "max_fen": 6000}, {"Dog", "Boxes", "Cat"}),
        ({"max_km": 1.6}, {"Sofa", "Parcel"}),
        ({"max_km": 2.6}, {"Sofa", "Parcel", "Cat"}),
        ({"max_km": 10}, {"Sofa", "Parcel", "Dog", "Boxes", "Cat"}),
        ({"category": "pets", "max_fen": 3000}, {"Cat"}),
        ({"category": "moving", "max_km": 2.6}, {"Sofa"}),
    ],
)
def test_list_open_filters(db, board, south_edge, filters, expected):
    near = {"near": south_edge} if "max_km" in filters else {}

    assert set(titles(jobs.list_open(db, **filters, **near))) == expected


def test_distance_filter_needs_a_picked_point(db, board):
    assert len(jobs.list_open(db, max_km=0.1)) == 5


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("nearest", ["Sofa", "Parcel", "Cat", "Dog", "Boxes"]),
        ("newest", ["Cat", "Boxes", "Dog", "Parcel", "Sofa"]),
        ("price_low", ["Parcel", "Cat", "Boxes", "Dog", "Sofa"]),
        ("price_high", ["Sofa", "Dog", "Boxes", "Cat", "Parcel"]),
    ],
)
def test_list_open_sorts(db, board, south_edge, sort, expected):
    assert titles(jobs.list_open(db, near=south_edge, sort=sort)) == expected


def test_list_open_gives_distance_from_the_picked_point_and_estimated_total(db, board, south_edge):
    listed = {job["title"]: job for job in jobs.list_open(db, near=south_edge)}

    assert 0.6 <= listed["Parcel"]["distance_km"] <= 1.6
    assert listed["Dog"]["total_fen"] == 6000
    assert all(job["distance_km"] is None for job in jobs.list_open(db))

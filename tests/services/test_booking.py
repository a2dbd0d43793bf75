"""Booking mode (预约): applications with a quote, invitations, accepting one, the accept race, the price guide."""

import statistics
import threading
from datetime import datetime, timedelta

import pytest

from services import booking, jobs, pricing, reviews, transitions, users, verification, workers
from services import db as database
from services.clock import to_db
from services.errors import AlreadyDone, AlreadyTaken, InvalidTransition, NotAllowed, NotFound, ValidationError
from services.transitions import Assign
from tests.services.conftest import NOW, buttons, make_verified_worker, valid_job_fields

SEEN = NOW + timedelta(days=reviews.BLIND_DAYS)  # every rating of these tests shows by then (double-blind)

LATER = timedelta(minutes=5)
PEOPLE = ("poster", "verified_worker", "second_worker", "unverified_worker", "stranger", "organizer")

# How to bring a fresh booking-mode job to a status. "book": second_worker applies quoting ¥95, the poster
# accepts; the other steps are jobs.act by the person named in STEP_ACTOR.
BOOKING_PATHS = {
    "open": (),
    "assigned": ("book",),
    "in_progress": ("book", "start"),
    "done": ("book", "start", "finish"),
    "completed": ("book", "start", "finish", "confirm"),
    "released": ("book", "release"),
    "cancelled": ("cancel",),
    "cancelled_after_assignment": ("book", "cancel"),
    "expired": ("expire",),
}
STEP_ACTOR = {
    "start": "second_worker",
    "finish": "second_worker",
    "release": "second_worker",
    "confirm": "poster",
    "cancel": "poster",
    "expire": "clock",
}
BOOKED_QUOTE = ("95", 9500)
POSTED_FEN = 8000  # valid_job_fields' price: ¥80


@pytest.fixture
def booking_in(db, people, post_job, now):
    """Post a booking-mode job (or with path 'grab', an open grab-mode job) and drive it along BOOKING_PATHS."""

    def drive(path: str, **overrides) -> int:
        if path == "grab":
            return post_job(**overrides)
        job_id = post_job(mode="booking", **overrides)
        for step in BOOKING_PATHS[path]:
            if step == "book":
                application = booking.apply(db, people["second_worker"], job_id, quote_yuan=BOOKED_QUOTE[0], now=now)
                booking.accept(db, people["poster"], application, now=now)
            else:
                jobs.act(db, job_id, step, people[STEP_ACTOR[step]], now=now)
        return job_id

    return drive


@pytest.fixture
def booking_job(booking_in):
    """An open booking-mode job posted by `poster` at ¥80, its window covering `now`."""
    return booking_in("open")


@pytest.fixture
def third_worker(db, organizer):
    """One more verified worker (one bcrypt registration), for a job with three people waiting on it."""
    return make_verified_worker(db, organizer, "third_worker")


def make_application(db, people, job_id, kind, now, worker="second_worker", quote="95") -> int:
    """`worker` applies to the job (kind 'apply') or the poster invites them (kind 'invite')."""
    if kind == "apply":
        return booking.apply(db, people[worker], job_id, quote_yuan=quote, now=now)
    return booking.invite(db, people["poster"], job_id, people[worker]["id"], now=now)


def application(db, application_id) -> dict:
    return db["applications"].get(application_id)


def state(db, job_id):
    """Everything a refused booking action must leave as it was: the job, its history, its applications."""
    job = jobs.get(db, job_id, None)
    applications = [
        (a["id"], a["status"], a["outcome"], a["decided_at"])
        for a in db.query("SELECT * FROM applications WHERE job_id = ? ORDER BY id", [job_id])
    ]
    return job["status"], job["worker_id"], job["agreed_fen"], job["updated_at"], jobs.events(db, job_id), applications


# --- the transition table ----------------------------------------------------------------------------


def test_only_accept_and_accept_invitation_assign_a_worker_from_open_to_assigned():
    assigning = {action: rule for action, rule in transitions.TRANSITIONS.items() if rule.worker == "assignee"}

    assert set(assigning) == {"accept", "accept_invitation"}
    assert {(rule.sources, rule.target, rule.mode) for rule in assigning.values()} == {
        (("open",), "assigned", "booking")
    }
    assert (assigning["accept"].actor, assigning["accept_invitation"].actor) == ("poster", "invitee")


@pytest.mark.parametrize("action", ["accept", "accept_invitation"])
def test_assigning_action_without_an_assignee_is_an_invalid_transition(
    db, booking_job, poster, second_worker, now, action
):
    before = state(db, booking_job)

    with pytest.raises(InvalidTransition):
        jobs.act(db, booking_job, action, poster if action == "accept" else second_worker, now=now + LATER)

    assert state(db, booking_job) == before


def test_claim_with_an_assignee_is_an_invalid_transition(db, open_job, verified_worker, now):
    with pytest.raises(InvalidTransition):
        jobs.act(db, open_job["id"], "claim", verified_worker, Assign(assignee=verified_worker["id"]), now=now)

    assert jobs.get(db, open_job["id"], None)["status"] == "open"


def test_accept_through_jobs_act_on_a_grab_job_is_not_allowed(db, open_job, poster, verified_worker, now):
    with pytest.raises(NotAllowed) as refused:
        jobs.act(db, open_job["id"], "accept", poster, Assign(assignee=verified_worker["id"]), now=now)

    assert refused.value.key == "error.only_booking"
    assert jobs.get(db, open_job["id"], None)["status"] == "open"


def test_booking_job_cannot_be_claimed(db, booking_job, verified_worker, now):
    before = state(db, booking_job)

    with pytest.raises(NotAllowed) as refused:
        jobs.act(db, booking_job, "claim", verified_worker, now=now + LATER)

    # The key names the mode the action needs: claiming is for grab-mode jobs only.
    assert refused.value.key == "error.only_grab"
    assert state(db, booking_job) == before


@pytest.mark.parametrize("who, actions", [("poster", ["cancel"]), ("verified_worker", []), ("stranger", [])])
def test_open_booking_job_offers_no_claim_button(db, people, booking_job, who, actions):
    job = jobs.get(db, booking_job, people[who])

    assert buttons(db, job, people[who]) == actions


@pytest.mark.parametrize(
    "path, status, worker",
    [
        ("assigned", "assigned", True),
        ("in_progress", "in_progress", True),
        ("done", "done", True),
        ("completed", "completed", True),
        ("released", "open", False),
        ("cancelled_after_assignment", "cancelled", True),
    ],
)
def test_booked_job_then_moves_through_the_same_transitions_as_a_claimed_one(
    db, booking_in, second_worker, path, status, worker
):
    job = jobs.get(db, booking_in(path), None)

    assert job["status"] == status
    assert job["worker_id"] == (second_worker["id"] if worker else None)
    assert job["agreed_fen"] == (BOOKED_QUOTE[1] if worker else None)


# --- applying ------------------------------------------------------------------------------------


def test_verified_worker_applies_to_an_open_booking_job_with_a_quote(db, booking_job, verified_worker, now):
    proposed = now + timedelta(hours=2)

    application_id = booking.apply(
        db,
        verified_worker,
        booking_job,
        quote_yuan="92.5",
        message="  I have a trolley.  ",
        proposed_time=proposed,
        now=now,
    )

    stored = application(db, application_id)
    assert (stored["job_id"], stored["worker_id"], stored["kind"]) == (booking_job, verified_worker["id"], "apply")
    assert (stored["quote_fen"], stored["message"], stored["proposed_time"]) == (
        9250,
        "I have a trolley.",
        to_db(proposed),
    )
    assert (stored["status"], stored["outcome"], stored["decided_at"]) == ("pending", "", None)
    assert stored["created_at"] == to_db(now)
    assert jobs.get(db, booking_job, None)["status"] == "open"


# Who may not apply, to which job (a BOOKING_PATHS path, or 'grab': an open grab-mode job), and why.
APPLY_REFUSED = [
    ("verified_worker", "grab", NotAllowed, "error.only_booking"),
    ("poster", "open", NotAllowed, "error.own_job"),
    ("unverified_worker", "open", NotAllowed, "error.not_verified"),
    ("stranger", "open", NotAllowed, "error.not_verified"),
    ("organizer", "open", NotAllowed, "error.not_verified"),
    ("verified_worker", "assigned", InvalidTransition, "error.job_not_open"),
    ("verified_worker", "in_progress", InvalidTransition, "error.job_not_open"),
    ("verified_worker", "done", InvalidTransition, "error.job_not_open"),
    ("verified_worker", "completed", InvalidTransition, "error.job_not_open"),
    ("verified_worker", "cancelled", InvalidTransition, "error.job_not_open"),
    ("verified_worker", "expired", InvalidTransition, "error.job_not_open"),
]


@pytest.mark.parametrize("who, path, error, key", APPLY_REFUSED, ids=[f"{w}-to-{p}" for w, p, _, _ in APPLY_REFUSED])
def test_apply_is_refused_and_stores_nothing(db, people, booking_in, now, who, path, error, key):
    job_id = booking_in(path)
    before = state(db, job_id)

    with pytest.raises(error) as refused:
        booking.apply(db, people[who], job_id, quote_yuan="90", now=now + LATER)

    assert refused.value.key == key
    assert state(db, job_id) == before


def test_applying_twice_while_pending_is_refused(db, booking_job, verified_worker, now):
    booking.apply(db, verified_worker, booking_job, quote_yuan="90", now=now)
    before = state(db, booking_job)

    with pytest.raises(AlreadyDone) as refused:
        booking.apply(db, verified_worker, booking_job, quote_yuan="85", now=now + LATER)

    assert refused.value.key == "error.already_applied"
    assert state(db, booking_job) == before


def test_worker_may_apply_again_after_withdrawing(db, booking_job, verified_worker, now):
    first = booking.apply(db, verified_worker, booking_job, quote_yuan="90", now=now)
    booking.withdraw(db, verified_worker, first, now=now)

    second = booking.apply(db, verified_worker, booking_job, quote_yuan="85", now=now + LATER)

    assert [application(db, a)["status"] for a in (first, second)] == ["withdrawn", "pending"]


def test_invited_worker_cannot_also_apply_while_the_invitation_waits(db, people, booking_job, now):
    make_application(db, people, booking_job, "invite", now)

    with pytest.raises(AlreadyDone) as refused:
        booking.apply(db, people["second_worker"], booking_job, quote_yuan="90", now=now)

    assert refused.value.key == "error.already_applied"
    assert db["applications"].count == 1


def test_apply_to_a_missing_job_raises_not_found(db, verified_worker, now):
    with pytest.raises(NotFound):
        booking.apply(db, verified_worker, 999_999, quote_yuan="90", now=now)


# (field, key) the bad value is refused with; the window is now - 1 h .. now + 5 h.
BAD_APPLICATIONS = {
    "quote-not-a-number": ({"quote_yuan": "abc"}, "quote", "error.price_number"),
    "quote-negative": ({"quote_yuan": "-1"}, "quote", "error.price_number"),
    "quote-fraction-of-a-fen": ({"quote_yuan": "1.234"}, "quote", "error.price_cents"),
    "quote-empty": ({"quote_yuan": ""}, "quote", "error.price_number"),
    "quote-missing": ({"quote_yuan": None}, "quote", "error.price_number"),
    "message-too-long": ({"message": "x" * 301}, "message", "error.too_long"),
    "message-control-char": ({"message": "hi\x07"}, "message", "error.control_chars"),
    "time-after-window": ({"proposed_time": timedelta(hours=5, seconds=1)}, "proposed_time", "error.proposed_time"),
    "time-before-window": ({"proposed_time": -timedelta(hours=1, seconds=1)}, "proposed_time", "error.proposed_time"),
    "time-naive": ({"proposed_time": datetime(2026, 11, 25, 8, 0)}, "proposed_time", "error.proposed_time"),
    "time-as-text": ({"proposed_time": "2026-11-25T08:00:00+00:00"}, "proposed_time", "error.proposed_time"),
}


@pytest.mark.parametrize("overrides, field, key", BAD_APPLICATIONS.values(), ids=BAD_APPLICATIONS.keys())
def test_bad_application_is_a_validation_error_and_stores_nothing(
    db, booking_job, verified_worker, now, overrides, field, key
):
    fields = {"quote_yuan": "90", "message": "", "proposed_time": None, **overrides}
    if isinstance(fields["proposed_time"], timedelta):
        fields["proposed_time"] = now + fields["proposed_time"]
    before = state(db, booking_job)

    with pytest.raises(ValidationError) as refused:
        booking.apply(db, verified_worker, booking_job, now=now, **fields)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert state(db, booking_job) == before


@pytest.mark.parametrize("offset", [-timedelta(hours=1), timedelta(hours=5)], ids=["window-start", "window-end"])
def test_proposed_time_on_the_window_edges_is_accepted(db, booking_job, verified_worker, now, offset):
    application_id = booking.apply(
        db, verified_worker, booking_job, quote_yuan="90", proposed_time=now + offset, now=now
    )

    assert application(db, application_id)["proposed_time"] == to_db(now + offset)


# --- inviting ------------------------------------------------------------------------------------


def test_poster_invites_a_verified_helper_at_the_posted_price(db, booking_job, poster, verified_worker, now):
    application_id = booking.invite(db, poster, booking_job, verified_worker["id"], message=" Could you? ", now=now)

    stored = application(db, application_id)
    assert (stored["kind"], stored["worker_id"], stored["quote_fen"], stored["message"]) == (
        "invite",
        verified_worker["id"],
        None,
        "Could you?",
    )
    assert stored["status"] == "pending"


# (who invites, whom, job path, error, key)
INVITE_REFUSED = [
    ("verified_worker", "second_worker", "open", NotAllowed, "error.not_allowed"),
    ("second_worker", "second_worker", "open", NotAllowed, "error.not_allowed"),
    ("stranger", "second_worker", "open", NotAllowed, "error.not_allowed"),
    ("organizer", "second_worker", "open", NotAllowed, "error.not_allowed"),
    ("poster", "unverified_worker", "open", NotAllowed, "error.helper_not_verified"),
    ("poster", "stranger", "open", NotAllowed, "error.helper_not_verified"),
    ("poster", "organizer", "open", NotAllowed, "error.helper_not_verified"),
    ("poster", "poster", "open", NotAllowed, "error.own_job"),
    ("poster", "verified_worker", "grab", NotAllowed, "error.only_booking"),
    ("poster", "verified_worker", "assigned", InvalidTransition, "error.job_not_open"),
    ("poster", "verified_worker", "cancelled", InvalidTransition, "error.job_not_open"),
    ("poster", "verified_worker", "expired", InvalidTransition, "error.job_not_open"),
]


@pytest.mark.parametrize(
    "who, whom, path, error, key", INVITE_REFUSED, ids=[f"{w}-invites-{i}-{p}" for w, i, p, _, _ in INVITE_REFUSED]
)
def test_invite_is_refused_and_stores_nothing(db, people, booking_in, now, who, whom, path, error, key):
    job_id = booking_in(path)
    before = state(db, job_id)

    with pytest.raises(error) as refused:
        booking.invite(db, people[who], job_id, people[whom]["id"], now=now + LATER)

    assert refused.value.key == key
    assert state(db, job_id) == before


@pytest.mark.parametrize("first", ["apply", "invite"])
def test_worker_already_waiting_on_the_job_cannot_be_invited(db, people, booking_job, now, first):
    make_application(db, people, booking_job, first, now)
    before = state(db, booking_job)

    with pytest.raises(AlreadyDone) as refused:
        booking.invite(db, people["poster"], booking_job, people["second_worker"]["id"], now=now)

    assert refused.value.key == "error.already_applied"
    assert state(db, booking_job) == before


def test_inviting_a_missing_user_is_refused(db, booking_job, poster, now):
    with pytest.raises(NotAllowed) as refused:
        booking.invite(db, poster, booking_job, 999_999, now=now)

    assert refused.value.key == "error.helper_not_verified"
    assert db["applications"].count == 0


# --- answering: accept, decline, withdraw ----------------------------------------------------------

ANSWERS = {"accept": booking.accept, "decline": booking.decline, "withdraw": booking.withdraw}
# Who answers what: the poster accepts or declines applications and withdraws their own invitations;
# the invited worker accepts or declines invitations; an applicant withdraws their own application.
# The worker waiting on the job is second_worker throughout.
RIGHT_PERSON = {
    ("accept", "apply"): "poster",
    ("decline", "apply"): "poster",
    ("withdraw", "apply"): "second_worker",
    ("accept", "invite"): "second_worker",
    ("decline", "invite"): "second_worker",
    ("withdraw", "invite"): "poster",
}
# (answer, kind, status the application ends in, its outcome, job status after)
ALLOWED_ANSWERS = [
    ("accept", "apply", "accepted", "accept", "assigned"),
    ("accept", "invite", "accepted", "accept_invitation", "assigned"),
    ("decline", "apply", "declined", "declined", "open"),
    ("decline", "invite", "declined", "declined", "open"),
    ("withdraw", "apply", "withdrawn", "withdrawn", "open"),
    ("withdraw", "invite", "withdrawn", "withdrawn", "open"),
]


@pytest.mark.parametrize(
    "answer, kind, status, outcome, job_status", ALLOWED_ANSWERS, ids=[f"{a}-{k}" for a, k, *_ in ALLOWED_ANSWERS]
)
def test_right_person_answers_a_waiting_application(
    db, people, booking_job, now, answer, kind, status, outcome, job_status
):
    application_id = make_application(db, people, booking_job, kind, now)

    ANSWERS[answer](db, people[RIGHT_PERSON[answer, kind]], application_id, now=now + LATER)

    stored = application(db, application_id)
    assert (stored["status"], stored["outcome"], stored["decided_at"]) == (status, outcome, to_db(now + LATER))
    job = jobs.get(db, booking_job, None)
    assert job["status"] == job_status
    assert job["worker_id"] == (people["second_worker"]["id"] if job_status == "assigned" else None)


WRONG_PEOPLE = [(answer, kind, who) for (answer, kind), right in RIGHT_PERSON.items() for who in PEOPLE if who != right]


@pytest.mark.parametrize("answer, kind, who", WRONG_PEOPLE, ids=[f"{w}-{a}-{k}" for a, k, w in WRONG_PEOPLE])
def test_anyone_else_answering_is_not_allowed_and_changes_nothing(db, people, booking_job, now, answer, kind, who):
    application_id = make_application(db, people, booking_job, kind, now)
    before = state(db, booking_job)

    with pytest.raises(NotAllowed):
        ANSWERS[answer](db, people[who], application_id, now=now + LATER)

    assert state(db, booking_job) == before


def test_poster_cannot_accept_an_invitation_on_the_workers_behalf(db, people, booking_job, now):
    invitation = make_application(db, people, booking_job, "invite", now)

    with pytest.raises(NotAllowed):
        booking.accept(db, people["poster"], invitation, now=now)

    assert application(db, invitation)["status"] == "pending"
    assert jobs.get(db, booking_job, None)["status"] == "open"


# How an application stopped waiting while the job stayed open: (its kind, the answer that closed it)
CLOSED = {
    "withdrawn-application": ("apply", "withdraw"),
    "declined-application": ("apply", "decline"),
    "withdrawn-invitation": ("invite", "withdraw"),
    "declined-invitation": ("invite", "decline"),
}


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("kind, closed_by", CLOSED.values(), ids=CLOSED.keys())
def test_closed_application_cannot_be_answered_again(db, people, booking_job, now, kind, closed_by, answer):
    application_id = make_application(db, people, booking_job, kind, now)
    ANSWERS[closed_by](db, people[RIGHT_PERSON[closed_by, kind]], application_id, now=now)
    before = state(db, booking_job)

    with pytest.raises(InvalidTransition) as refused:
        ANSWERS[answer](db, people[RIGHT_PERSON[answer, kind]], application_id, now=now + LATER)

    assert refused.value.key == "error.application_closed"
    assert state(db, booking_job) == before


@pytest.mark.parametrize("kind", ["apply", "invite"])
def test_accepting_twice_a_double_click_assigns_and_holds_once(db, people, booking_job, now, kind):
    application_id = make_application(db, people, booking_job, kind, now)
    booking.accept(db, people[RIGHT_PERSON["accept", kind]], application_id, now=now)
    before = state(db, booking_job), db["transfers"].count

    again = booking.accept(db, people[RIGHT_PERSON["accept", kind]], application_id, now=now + LATER)

    assert again["status"] == "assigned"
    assert (state(db, booking_job), db["transfers"].count) == before


@pytest.mark.parametrize("answer, error", [("decline", InvalidTransition), ("withdraw", InvalidTransition)])
@pytest.mark.parametrize("kind", ["apply", "invite"])
def test_accepted_application_cannot_be_answered_again(db, people, booking_job, now, kind, answer, error):
    application_id = make_application(db, people, booking_job, kind, now)
    booking.accept(db, people[RIGHT_PERSON["accept", kind]], application_id, now=now)
    before = state(db, booking_job)

    with pytest.raises(error):
        ANSWERS[answer](db, people[RIGHT_PERSON[answer, kind]], application_id, now=now + LATER)

    assert state(db, booking_job) == before


@pytest.mark.parametrize("answer", ANSWERS)
def test_answering_a_missing_application_raises_not_found(db, poster, now, answer):
    with pytest.raises(NotFound):
        ANSWERS[answer](db, poster, 999_999, now=now)


def test_poster_accepts_one_application_and_everyone_else_waiting_is_declined(
    db, people, booking_job, third_worker, now
):
    poster, second = people["poster"], people["second_worker"]
    first = make_application(db, people, booking_job, "apply", now, worker="verified_worker", quote="90")
    withdrawn = booking.apply(db, third_worker, booking_job, quote_yuan="70", now=now)
    booking.withdraw(db, third_worker, withdrawn, now=now)
    chosen = make_application(db, people, booking_job, "apply", now, quote="120")
    invitation = booking.invite(db, poster, booking_job, third_worker["id"], now=now)

    seen = booking.accept(db, poster, chosen, now=now + LATER)

    assert (seen["status"], seen["worker_id"], seen["agreed_fen"], seen["exact"]) == (
        "assigned",
        second["id"],
        12000,
        True,
    )
    job = jobs.get(db, booking_job, None)
    assert (job["status"], job["worker_id"], job["agreed_fen"], job["updated_at"]) == (
        "assigned",
        second["id"],
        12000,
        to_db(now + LATER),
    )
    last = jobs.events(db, booking_job)[-1]
    assert (last["action"], last["actor_id"], last["worker_id"], last["from_status"], last["to_status"]) == (
        "accept",
        poster["id"],
        second["id"],
        "open",
        "assigned",
    )
    outcomes = {
        a: (application(db, a)["status"], application(db, a)["outcome"]) for a in (first, withdrawn, chosen, invitation)
    }
    assert outcomes == {
        first: ("declined", "accept"),
        withdrawn: ("withdrawn", "withdrawn"),
        chosen: ("accepted", "accept"),
        invitation: ("declined", "accept"),
    }
    assert {application(db, a)["decided_at"] for a in (first, chosen, invitation)} == {to_db(now + LATER)}


def test_invited_worker_accepts_at_the_posted_price(db, people, booking_job, now):
    applicant = make_application(db, people, booking_job, "apply", now, worker="verified_worker", quote="150")
    invitation = make_application(db, people, booking_job, "invite", now)

    seen = booking.accept(db, people["second_worker"], invitation, now=now + LATER)

    assert (seen["status"], seen["worker_id"], seen["agreed_fen"]) == (
        "assigned",
        people["second_worker"]["id"],
        POSTED_FEN,
    )
    last = jobs.events(db, booking_job)[-1]
    assert (last["action"], last["actor_id"], last["worker_id"]) == (
        "accept_invitation",
        people["second_worker"]["id"],
        people["second_worker"]["id"],
    )
    assert (application(db, invitation)["status"], application(db, invitation)["outcome"]) == (
        "accepted",
        "accept_invitation",
    )
    assert (application(db, applicant)["status"], application(db, applicant)["outcome"]) == (
        "declined",
        "accept_invitation",
    )


def test_invited_worker_declines_and_the_job_stays_open(db, people, booking_job, now):
    invitation = make_application(db, people, booking_job, "invite", now)

    booking.decline(db, people["second_worker"], invitation, now=now)

    assert application(db, invitation)["status"] == "declined"
    assert jobs.get(db, booking_job, None)["status"] == "open"
    # the poster may ask again
    assert booking.invite(db, people["poster"], booking_job, people["second_worker"]["id"], now=now)


def test_hourly_quote_is_the_agreed_rate_and_sets_the_estimated_total(db, people, booking_in, now):
    job_id = booking_in("open", price_type="hourly", price_yuan="40", est_hours="2")
    applicant = make_application(db, people, job_id, "apply", now, quote="45.5")

    job = booking.accept(db, people["poster"], applicant, now=now)

    assert (job["price_fen"], job["agreed_fen"]) == (4000, 4550)
    assert pricing.estimated_total_fen(job) == 9100


def lose_verification(db, people, who, how, now):
    if how == "revoked":
        verification.revoke(db, people["organizer"], people[who]["id"], reason="ID photo was not theirs", now=now)
    elif how == "stopped-taking-jobs":
        workers.set_taking_jobs(db, people[who], taking_jobs=False, categories=[], now=now)


@pytest.mark.parametrize("how", ["revoked", "stopped-taking-jobs"])
def test_application_of_a_worker_who_lost_verification_cannot_be_accepted(db, people, booking_job, now, how):
    applicant = make_application(db, people, booking_job, "apply", now)
    lose_verification(db, people, "second_worker", how, now)
    before = state(db, booking_job)

    with pytest.raises(NotAllowed) as refused:
        booking.accept(db, people["poster"], applicant, now=now + LATER)

    assert refused.value.key == "error.helper_not_verified"
    assert state(db, booking_job) == before


def test_invited_worker_who_lost_verification_cannot_accept(db, people, booking_job, now):
    invitation = make_application(db, people, booking_job, "invite", now)
    lose_verification(db, people, "second_worker", "revoked", now)
    before = state(db, booking_job)

    with pytest.raises(NotAllowed) as refused:
        booking.accept(db, people["second_worker"], invitation, now=now + LATER)

    assert refused.value.key == "error.not_verified"
    assert state(db, booking_job) == before


def test_application_of_a_blocked_worker_is_withdrawn_and_cannot_be_accepted(db, people, booking_job, now):
    applicant = make_application(db, people, booking_job, "apply", now)
    users.set_blocked(db, people["organizer"], people["second_worker"]["id"], True, now)
    before = state(db, booking_job)

    with pytest.raises(InvalidTransition) as refused:
        booking.accept(db, people["poster"], applicant, now=now + LATER)

    assert refused.value.key == "error.application_closed"  # the block withdrew it
    assert application(db, applicant)["status"] == "withdrawn"
    assert state(db, booking_job) == before


def test_blocked_worker_cannot_be_invited(db, people, booking_job, now):
    users.set_blocked(db, people["organizer"], people["second_worker"]["id"], True, now)

    with pytest.raises(NotAllowed) as refused:
        booking.invite(db, people["poster"], booking_job, people["second_worker"]["id"], now=now)

    assert refused.value.key == "error.helper_not_verified"
    assert db["applications"].count == 0


@pytest.mark.parametrize("action, who", [("cancel", "poster"), ("expire", "clock")])
def test_job_leaving_open_declines_everyone_waiting_with_the_reason(db, people, booking_job, now, action, who):
    applicant = make_application(db, people, booking_job, "apply", now, worker="verified_worker")
    invitation = make_application(db, people, booking_job, "invite", now)

    jobs.act(db, booking_job, action, people[who], now=now + LATER)

    for application_id in (applicant, invitation):
        stored = application(db, application_id)
        assert (stored["status"], stored["outcome"], stored["decided_at"]) == ("declined", action, to_db(now + LATER))
    assert jobs.get(db, booking_job, None)["worker_id"] is None


def test_clock_expiring_a_booking_job_declines_its_applications(db, people, booking_job, now):
    applicant = make_application(db, people, booking_job, "apply", now)

    assert jobs.run_clock(db, now + timedelta(hours=6)) == 1

    assert (application(db, applicant)["status"], application(db, applicant)["outcome"]) == ("declined", "expire")


def test_after_the_booked_worker_releases_the_job_is_open_to_new_applications(db, people, booking_in, now):
    job_id = booking_in("released")
    job = jobs.get(db, job_id, None)
    assert (job["status"], job["worker_id"], job["agreed_fen"]) == ("open", None, None)
    release = jobs.events(db, job_id)[-1]
    assert (release["action"], release["worker_id"]) == ("release", people["second_worker"]["id"])
    given_back = db.execute("SELECT status, outcome FROM applications WHERE job_id = ?", [job_id]).fetchall()
    assert given_back == [("withdrawn", "release")]  # the accepted application ends with the booking

    again = booking.apply(db, people["second_worker"], job_id, quote_yuan="100", now=now + LATER)
    other = booking.apply(db, people["verified_worker"], job_id, quote_yuan="85", now=now + LATER)
    seen = booking.accept(db, people["poster"], other, now=now + LATER)

    assert (seen["status"], seen["worker_id"], seen["agreed_fen"]) == (
        "assigned",
        people["verified_worker"]["id"],
        8500,
    )
    assert application(db, again)["status"] == "declined"


def test_accepting_counts_as_an_assignment_for_reliability(db, booking_in, second_worker):
    booking_in("completed")
    booking_in("released")

    standing = workers.reliability(db, second_worker["id"])

    assert (standing["assigned"], standing["released"], standing["completed"]) == (2, 1, 1)


# --- who sees which applications -------------------------------------------------------------------


@pytest.fixture
def two_applications(db, people, booking_job, job_in, now):
    """On booking_job, verified_worker applies (¥90), then second_worker (¥120). Returns their ids.

    verified_worker also has one completed grab job, rated 4 stars by the poster, so their standing shows.
    """
    completed = job_in("completed")
    reviews.rate(db, people["poster"], completed, stars=4, now=now)
    return [
        make_application(db, people, booking_job, "apply", now, worker="verified_worker", quote="90"),
        make_application(db, people, booking_job, "apply", now, quote="120"),
    ]


@pytest.mark.parametrize("who", ["poster", "organizer"])
def test_poster_and_organizers_see_every_application_with_the_workers_standing(
    db, people, booking_job, two_applications, who
):
    first, second = two_applications

    rows = booking.for_job(db, jobs.get(db, booking_job, None), people[who], now=SEEN)

    assert [r["id"] for r in rows] == [second, first]  # newest first
    by_worker = {r["worker_id"]: r for r in rows}
    verified = by_worker[people["verified_worker"]["id"]]
    assert (verified["worker_name"], verified["quote_fen"], verified["verified"]) == ("Verified Worker", 9000, True)
    assert (verified["rating_average"], verified["rating_count"], verified["completed"]) == (4.0, 1, 1)
    other = by_worker[people["second_worker"]["id"]]
    assert (other["verified"], other["rating_average"], other["rating_count"], other["completed"]) == (True, None, 0, 0)
    for row in rows:
        assert not {"phone", "email", "password_hash"} & set(row)


@pytest.mark.parametrize("who", ["verified_worker", "second_worker"])
def test_worker_sees_only_their_own_application(db, people, booking_job, two_applications, who):
    rows = booking.for_job(db, jobs.get(db, booking_job, None), people[who], now=SEEN)

    assert [r["worker_id"] for r in rows] == [people[who]["id"]]


@pytest.mark.parametrize("who", ["stranger", "unverified_worker", None])
def test_anyone_else_sees_no_applications(db, people, booking_job, two_applications, who):
    assert booking.for_job(db, jobs.get(db, booking_job, None), people[who] if who else None, now=SEEN) == []


def test_poster_still_sees_the_applications_when_an_applicant_is_blocked(
    db, people, booking_job, two_applications, now
):
    users.set_blocked(db, people["organizer"], people["second_worker"]["id"], True, now)

    rows = booking.for_job(db, jobs.get(db, booking_job, None), people["poster"], now=SEEN)

    assert [r["worker_id"] for r in rows] == [people["verified_worker"]["id"]]


def test_mine_lists_a_workers_applications_and_invitations_with_the_job_title(db, people, booking_in, now):
    sofa = booking_in("open", title="Sofa upstairs")
    boxes = booking_in("open", title="Boxes to the car")
    applied = make_application(db, people, sofa, "apply", now)
    invited = make_application(db, people, boxes, "invite", now)
    make_application(db, people, boxes, "apply", now, worker="verified_worker")

    rows = booking.mine(db, people["second_worker"])

    assert [(r["id"], r["kind"], r["job_title"], r["job_status"]) for r in rows] == [
        (invited, "invite", "Boxes to the car", "open"),
        (applied, "apply", "Sofa upstairs", "open"),
    ]
    assert booking.mine(db, people["stranger"]) == []


# --- the accept race ---------------------------------------------------------------------------------

ROUNDS = 50
BARRIER_TIMEOUT_S = 60  # only breaks a hung run; never part of what is asserted


def test_exactly_one_of_three_simultaneous_acceptances_wins_every_round(
    db, db_path, people, third_worker, post_job, now
):
    """Each round a fresh booking job gets two applications and one invitation; on three threads, each
    with its own connection, the poster accepts each application (two open tabs) while the invited worker
    accepts the invitation, all released by one barrier."""
    poster = people["poster"]
    rounds = []
    for i in range(ROUNDS):
        job_id = post_job(mode="booking", title=f"Race {i}")
        rounds.append(
            [
                (poster, make_application(db, people, job_id, "apply", now, worker="verified_worker", quote="90")),
                (poster, make_application(db, people, job_id, "apply", now, quote="110")),
                (third_worker, booking.invite(db, poster, job_id, third_worker["id"], now=now)),
            ]
        )
    barrier = threading.Barrier(3, timeout=BARRIER_TIMEOUT_S)
    outcomes = [[None] * 3 for _ in rounds]

    def racer(index):
        connection = database.connect(db_path)
        try:
            for round_, entries in enumerate(rounds):
                actor, application_id = entries[index]
                barrier.wait()
                try:
                    booking.accept(connection, actor, application_id, now=now)
                    outcomes[round_][index] = "won"
                except AlreadyTaken:
                    outcomes[round_][index] = "AlreadyTaken"
                except Exception as error:  # noqa: BLE001 - recorded, then asserted on: nothing else may escape
                    outcomes[round_][index] = repr(error)
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for entries, outcome in zip(rounds, outcomes, strict=True):
        assert sorted(outcome) == ["AlreadyTaken", "AlreadyTaken", "won"], outcome
        winner = outcome.index("won")
        winning = application(db, entries[winner][1])
        job = jobs.get(db, winning["job_id"], None)
        assert (job["status"], job["worker_id"]) == ("assigned", winning["worker_id"])
        assert job["agreed_fen"] == (winning["quote_fen"] if winning["kind"] == "apply" else POSTED_FEN)
        statuses = [application(db, a)["status"] for _, a in entries]
        assert statuses.count("accepted") == 1 and statuses[winner] == "accepted"
        assert statuses.count("declined") == 2
        assigning = [e for e in jobs.events(db, job["id"]) if e["action"] in ("accept", "accept_invitation")]
        assert [e["worker_id"] for e in assigning] == [winning["worker_id"]]


# --- the price guide -----------------------------------------------------------------------------


AFTER_ASSIGNMENT = ("start", "finish", "confirm")


@pytest.fixture
def completed_at(db, people):
    """Post a job at `at` and drive it to completed at that moment (its updated_at is then `at`).

    A grab job is claimed by verified_worker; a booking job is booked by second_worker at `quote`.
    `until` stops earlier: None right after the assignment, or 'start' / 'finish'.
    """

    def complete(price_yuan, at: datetime, *, quote=None, until="confirm", **overrides) -> int:
        fields = valid_job_fields(at, price_yuan=price_yuan, **overrides)
        job_id = jobs.post(db, people["poster"], **fields)
        if fields["mode"] == "booking":
            worker = people["second_worker"]
            applicant = booking.apply(db, worker, job_id, quote_yuan=quote, now=at)
            booking.accept(db, people["poster"], applicant, now=at)
        else:
            worker = people["verified_worker"]
            jobs.act(db, job_id, "claim", worker, now=at)
        steps = AFTER_ASSIGNMENT[: AFTER_ASSIGNMENT.index(until) + 1] if until else ()
        for action in steps:
            jobs.act(db, job_id, action, people["poster"] if action == "confirm" else worker, now=at)
        return job_id

    return complete


def test_price_guide_needs_three_completed_jobs(db, completed_at, now):
    completed_at("50", now - timedelta(days=1))
    completed_at("80", now - timedelta(days=2))

    assert pricing.price_guide(db, "moving", "fixed", now) is None

    completed_at("100", now - timedelta(days=3))

    assert pricing.price_guide(db, "moving", "fixed", now) == {"count": 3, "low": 6500, "median": 8000, "high": 9000}


def test_price_guide_gives_the_median_and_middle_half_of_recent_completed_prices(db, completed_at, now):
    for days, price in enumerate(["120", "50", "200", "100", "80"], start=1):
        completed_at(price, now - timedelta(days=days))

    # sorted 5000 8000 10000 12000 20000; inclusive quartiles sit on the 2nd, 3rd and 4th values
    assert pricing.price_guide(db, "moving", "fixed", now) == {"count": 5, "low": 8000, "median": 10000, "high": 12000}


def test_price_guide_interpolates_between_prices(db, completed_at, now):
    for price in ("50", "80", "100", "200"):
        completed_at(price, now - timedelta(days=10))

    # positions 0.75, 1.5, 2.25 of 5000 8000 10000 20000: 5000+0.75*3000, (8000+10000)/2, 10000+0.25*10000
    guide = pricing.price_guide(db, "moving", "fixed", now)

    assert guide == {"count": 4, "low": 7250, "median": 9000, "high": 12500}
    assert [guide["low"], guide["median"], guide["high"]] == statistics.quantiles(
        [5000, 8000, 10000, 20000], n=4, method="inclusive"
    )


def test_price_guide_leaves_out_old_free_other_and_unfinished_jobs(db, completed_at, post_job, job_in, now):
    for price in ("50", "80", "100"):
        completed_at(price, now - timedelta(days=5))
    completed_at("999", now - timedelta(days=90, seconds=1))  # older than 90 days
    completed_at("0", now - timedelta(days=5))  # free
    completed_at("999", now - timedelta(days=5), category="parcel")  # another category
    completed_at("999", now - timedelta(days=5), price_type="hourly", est_hours="2")  # another price type
    for until in (None, "start", "finish"):  # assigned, in progress, done
        completed_at("999", now - timedelta(days=5), until=until)
    post_job(price_yuan="999")  # open
    job_in("cancelled_after_assignment", price_yuan="999")

    assert pricing.price_guide(db, "moving", "fixed", now) == {"count": 3, "low": 6500, "median": 8000, "high": 9000}


def test_price_guide_counts_a_job_completed_exactly_90_days_ago(db, completed_at, now):
    for price in ("50", "80"):
        completed_at(price, now - timedelta(days=1))
    completed_at("100", now - timedelta(days=90))

    assert pricing.price_guide(db, "moving", "fixed", now)["count"] == 3


def test_price_guide_uses_the_agreed_quote_of_a_booking_job(db, completed_at, now):
    completed_at("50", now - timedelta(days=1))
    completed_at("80", now - timedelta(days=1))
    completed_at("10", now - timedelta(days=1), mode="booking", quote="150")  # posted at ¥10, booked at ¥150

    assert pricing.price_guide(db, "moving", "fixed", now) == {"count": 3, "low": 6500, "median": 8000, "high": 11500}


def test_price_guide_of_hourly_jobs_is_of_their_rates(db, completed_at, now):
    for rate in ("30", "40", "50"):
        completed_at(rate, now - timedelta(days=1), price_type="hourly", est_hours="3")

    assert pricing.price_guide(db, "moving", "hourly", now) == {"count": 3, "low": 3500, "median": 4000, "high": 4500}
    assert pricing.price_guide(db, "moving", "fixed", now) is None

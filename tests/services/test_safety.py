"""Safety (#16 item 3): safety notes before taking a hazardous job, the "tell someone" card of an
evening job, and the handover code the worker types to finish."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from services import access, booking, community, jobs, safety, settings, transitions
from services.db import write
from services.errors import InvalidTransition, NotAllowed, NotFound, TooManyAttempts, ValidationError
from tests.services.conftest import valid_job_fields

EVENING = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai (the community's default time)


def claim(db, job_id, worker, now, **typed):
    return jobs.act(db, job_id, "claim", worker, transitions.request("claim", **typed), now=now)


# --- safety notes --------------------------------------------------------------------------------


def test_a_hazardous_job_is_claimed_only_with_its_safety_notes_shown(db, post_job, verified_worker, now):
    job_id = post_job(category="plumbing")
    with pytest.raises(ValidationError) as refused:
        claim(db, job_id, verified_worker, now)
    assert (refused.value.field, refused.value.key) == ("safety", "error.safety_notes")
    assert jobs.get(db, job_id, None)["status"] == "open"

    assert claim(db, job_id, verified_worker, now, safety=True)["status"] == "assigned"


def test_a_job_of_a_safe_category_needs_no_notes(db, post_job, verified_worker, now):
    assert claim(db, post_job(category="moving"), verified_worker, now)["status"] == "assigned"


def test_applying_to_a_hazardous_booking_job_needs_its_safety_notes_shown(db, post_job, verified_worker, now):
    job_id = post_job(category="appliance", mode="booking")
    with pytest.raises(ValidationError) as refused:
        booking.apply(db, verified_worker, job_id, quote_yuan="80", now=now)
    assert refused.value.field == "safety"
    assert booking.apply(db, verified_worker, job_id, quote_yuan="80", safety=True, now=now)


# --- the "tell someone" card ---------------------------------------------------------------------


@pytest.fixture
def evening_job(db, people, now):
    """An evening job (19:30 to 21:30 community time) claimed by the verified worker."""
    fields = valid_job_fields(now, window_start=EVENING, window_end=EVENING + timedelta(hours=2))
    job_id = jobs.post(db, people["poster"], **fields)
    claim(db, job_id, people["verified_worker"], now)
    return job_id


def test_the_worker_of_an_evening_job_may_tell_someone(db, people, evening_job):
    job = jobs.get(db, evening_job, people["verified_worker"])
    assert "tell_someone" in access.capabilities(db, job, people["verified_worker"])
    for who in ("poster", "second_worker", "stranger", "organizer"):
        assert "tell_someone" not in access.capabilities(db, job, people[who])


def test_a_daytime_job_offers_no_card(db, job_in, verified_worker):
    job_id = job_in("assigned")  # starts an hour before 14:00 Shanghai time
    with pytest.raises(InvalidTransition):
        safety.tell_token(db, verified_worker, job_id)


def test_the_evening_starts_at_the_hour_the_organizer_set(db, job_in, verified_worker):
    job_id = job_in("assigned")
    with write(db):
        settings.save(db, {"evening_hour": 12})
    assert safety.tell_token(db, verified_worker, job_id)


def test_the_card_says_when_and_roughly_where_and_nothing_else(db, people, evening_job, now):
    token = safety.tell_token(db, people["verified_worker"], evening_job)
    card = safety.card(db, token, now)

    assert (card["window_start"], card["window_end"]) == (EVENING, EVENING + timedelta(hours=2))
    assert card["community"] == community.get(db)["name"]
    assert 0 <= card["distance_km"] < 2  # the fuzzed point of a job 500 m from the centre
    stored = db["jobs"].get(evening_job)
    link = f"https://board.example/tell?t={token}"
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
    carried = [payload, link, safety.qr_png(link).decode("latin-1")]
    secrets = (
        stored["address_note"],
        "door code",
        f"{stored['lat']:.4f}",
        f"{stored['lon']:.4f}",
        f"{stored['public_lat']:.3f}",
        stored["title"],
        "Verified Worker",
    )
    for secret in secrets:
        assert all(secret not in text for text in carried), secret
    assert set(json.loads(payload)) == {"s", "e", "km"}  # no job id, no name, no point


def test_the_card_stops_working_a_day_after_the_window(db, people, evening_job):
    token = safety.tell_token(db, people["verified_worker"], evening_job)
    end = EVENING + timedelta(hours=2)
    assert safety.card(db, token, end + timedelta(hours=23))
    with pytest.raises(InvalidTransition) as expired:
        safety.card(db, token, end + timedelta(days=1))
    assert expired.value.key == "error.tell_expired"


@pytest.mark.parametrize("tamper", ["", "nonsense", "a.b", "x" * 40])
def test_a_token_the_board_did_not_sign_shows_nothing(db, people, evening_job, now, tamper):
    with pytest.raises(NotFound):
        safety.card(db, tamper, now)


def test_a_token_with_a_changed_window_is_refused(db, people, evening_job, now):
    body, signature = safety.tell_token(db, people["verified_worker"], evening_job).split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=="))
    payload["e"] = (EVENING + timedelta(days=30)).isoformat()
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    with pytest.raises(NotFound):
        safety.card(db, f"{forged}.{signature}", now)


# --- the handover code ---------------------------------------------------------------------------


def finish(db, job_id, worker, now, code=None):
    return jobs.act(db, job_id, "finish", worker, transitions.request("finish", code=code), now=now)


@pytest.fixture
def coded_job(db, people, now):
    """A job in progress whose poster asked for a handover code when posting; returns (id, code)."""
    job_id = jobs.post(db, people["poster"], **valid_job_fields(now), handover_code=True)
    claim(db, job_id, people["verified_worker"], now)
    jobs.act(db, job_id, "start", people["verified_worker"], now=now)
    return job_id, jobs.get(db, job_id, people["poster"])["handover_code"]


def test_only_the_poster_sees_the_code(db, people, coded_job):
    job_id, code = coded_job
    assert len(code) == 4 and code.isdigit()
    for who in ("verified_worker", "organizer", "stranger"):
        assert jobs.get(db, job_id, people[who])["handover_code"] is None
    assert jobs.get(db, job_id, None)["handover_code"] is None


def test_the_right_code_finishes_the_job_and_a_wrong_one_is_refused(db, people, coded_job, now):
    job_id, code = coded_job
    wrong = f"{(int(code) + 1) % 10000:04d}"
    for typed in (None, "", wrong):
        with pytest.raises(ValidationError) as refused:
            finish(db, job_id, people["verified_worker"], now, typed)
        assert (refused.value.field, refused.value.key) == ("code", "error.handover_code")
    assert jobs.get(db, job_id, None)["status"] == "in_progress"


def test_the_right_code_finishes(db, people, coded_job, now):
    job_id, code = coded_job
    assert finish(db, job_id, people["verified_worker"], now, f" {code} ")["status"] == "done"
    assert finish(db, job_id, people["verified_worker"], now, f" {code} ")["status"] == "done"  # a double click


def test_after_three_wrong_codes_the_worker_waits_even_with_the_right_one(db, people, coded_job, now):
    job_id, code = coded_job
    wrong = f"{(int(code) + 1) % 10000:04d}"
    for minute in range(safety.CODE_TRIES):
        with pytest.raises(ValidationError):
            finish(db, job_id, people["verified_worker"], now + timedelta(minutes=minute), wrong)
    last = now + timedelta(minutes=safety.CODE_TRIES - 1)
    with pytest.raises(TooManyAttempts) as waiting:
        finish(db, job_id, people["verified_worker"], last + timedelta(minutes=1), code)
    assert waiting.value.params == {"minutes": 14}
    after = last + safety.CODE_WAIT
    assert finish(db, job_id, people["verified_worker"], after, code)["status"] == "done"


def test_a_job_without_a_code_finishes_as_before(db, people, job_in, now):
    job_id = job_in("in_progress")
    assert finish(db, job_id, people["verified_worker"], now)["status"] == "done"


def test_the_poster_asks_for_a_code_while_the_job_is_open(db, people, open_job, now):
    assert jobs.get(db, open_job["id"], people["poster"])["handover_code"] is None
    code = safety.ask_code(db, people["poster"], open_job["id"], now)
    assert safety.ask_code(db, people["poster"], open_job["id"], now) == code  # a double click
    assert jobs.get(db, open_job["id"], people["poster"])["handover_code"] == code


def test_only_the_poster_of_an_open_job_asks_for_a_code(db, people, open_job, job_in, now):
    with pytest.raises(NotAllowed):
        safety.ask_code(db, people["verified_worker"], open_job["id"], now)
    with pytest.raises(InvalidTransition):
        safety.ask_code(db, people["poster"], job_in("assigned"), now)

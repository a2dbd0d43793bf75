"""Jobs after posting (#15 item 16): the poster edits an open job and its held money follows in the
same transaction; a completed job is posted again (再来一单), in booking mode with the same helper;
residents keep favourite helpers."""

from datetime import timedelta

import pytest

from services import booking, favourites, jobs, ledger, questions, workers
from services.errors import InsufficientFunds, InvalidTransition, NotAllowed, NotFound, ValidationError
from tests.services.conftest import PATHS, STARTING_CREDIT, make_verified_worker, status_of_path, valid_job_fields

START = int(STARTING_CREDIT) * 100
NOT_EDITED = ("mode", "now")  # a job keeps its mode; the edit's moment is passed on its own


def wallet(db, person) -> int:
    return ledger.balance_of(db, "wallet", user_id=person["id"])


def escrow(db, job_id) -> int:
    return ledger.balance_of(db, "escrow", job_id=job_id)


@pytest.fixture
def edit(db, poster, now):
    """Edit a job as posted by valid_job_fields with some fields changed (as the poster unless `actor`)."""

    def send(job_id, actor=None, **changes):
        fields = {key: value for key, value in valid_job_fields(now).items() if key not in NOT_EDITED}
        return jobs.edit(db, actor or poster, job_id, **{**fields, **changes}, now=now)

    return send


def edited_events(db, job_id) -> list[dict]:
    return [event for event in jobs.events(db, job_id) if event["action"] == "edit"]


def test_raising_the_price_holds_the_difference_in_the_same_escrow(db, post_job, edit, poster):
    job_id = post_job(price_yuan="80")

    job = edit(job_id, price_yuan="120")

    assert job["price_fen"] == 12000
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 12000, 12000)
    assert ledger.check_books(db) == []


def test_lowering_the_price_gives_the_difference_back(db, post_job, edit, poster):
    job_id = post_job(price_yuan="80")

    edit(job_id, price_yuan="50")

    assert (wallet(db, poster), escrow(db, job_id)) == (START - 5000, 5000)
    assert ledger.check_books(db) == []


def test_making_it_a_free_favour_gives_everything_back_and_a_price_holds_again(db, post_job, edit, poster):
    job_id = post_job(price_yuan="80")

    edit(job_id, price_yuan="0")
    assert (wallet(db, poster), escrow(db, job_id)) == (START, 0)

    edit(job_id, price_yuan="35.5", price_type="hourly", est_hours="2")
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 7100, 7100)
    assert ledger.check_books(db) == []


def test_a_booking_job_holds_nothing_until_someone_is_accepted(db, post_job, edit, poster):
    job_id = post_job(price_yuan="80", mode="booking")

    edit(job_id, price_yuan="200")

    assert (wallet(db, poster), escrow(db, job_id)) == (START, 0)


def test_a_wallet_too_short_for_the_new_price_changes_nothing(db, people, edit, now):
    stranger, organizer = people["stranger"], people["organizer"]
    ledger.top_up(db, organizer, stranger["id"], "100", key="a-little", now=now)
    job_id = jobs.post(db, stranger, **valid_job_fields(now, price_yuan="80"))
    before = jobs.get(db, job_id, stranger)

    with pytest.raises(InsufficientFunds) as refused:
        edit(job_id, stranger, price_yuan="150", title="A bigger sofa")

    assert refused.value.params == {"missing_fen": 5000}
    assert jobs.get(db, job_id, stranger) == before
    assert (wallet(db, stranger), escrow(db, job_id)) == (2000, 8000)
    assert edited_events(db, job_id) == []


def test_every_field_is_checked_as_at_posting_and_nothing_changes_on_an_error(db, open_job, edit, poster):
    for field, bad in (("title", "x"), ("category", "nope"), ("price_yuan", "-3"), ("lat", 40.0)):
        with pytest.raises(ValidationError) as refused:
            edit(open_job["id"], **{field: bad})
        assert refused.value.field in (field, "price", "location")
    assert jobs.get(db, open_job["id"], poster) == open_job


def test_words_that_ask_for_money_off_the_board_are_flagged_again(db, open_job, edit):
    job = edit(open_job["id"], description="Pay a deposit by WeChat transfer first, 先付定金")

    assert job["flagged"] == 1
    assert edit(open_job["id"])["flagged"] == 0


def test_the_edit_changes_the_job_and_is_recorded_once(db, open_job, edit, poster, now):
    later = now + timedelta(days=1)

    job = edit(open_job["id"], title="Carry two sofas", window_start=later, window_end=later + timedelta(hours=3))
    edit(open_job["id"], title="Carry two sofas", window_start=later, window_end=later + timedelta(hours=3))

    assert job["title"] == "Carry two sofas" and job["status"] == "open"
    [event] = edited_events(db, open_job["id"])
    assert (event["actor_id"], event["from_status"], event["to_status"]) == (poster["id"], "open", "open")
    assert event["detail"] == "title, window_start, window_end"


def test_a_new_place_gets_a_new_approximate_point(db, open_job, edit, poster):
    moved = edit(open_job["id"], lat=open_job["lat"] + 0.005)
    kept = edit(open_job["id"], lat=open_job["lat"] + 0.005, title="Carry a sofa down")

    assert (moved["public_lat"], moved["public_lon"]) != (open_job["public_lat"], open_job["public_lon"])
    assert (kept["public_lat"], kept["public_lon"]) == (moved["public_lat"], moved["public_lon"])


def test_applicants_invitees_and_askers_are_told_once_per_edit(db, post_job, edit, people, now):
    poster, applicant, invitee = people["poster"], people["verified_worker"], people["second_worker"]
    asker = make_verified_worker(db, people["organizer"], "asker")
    job_id = post_job(mode="booking")
    booking.apply(db, applicant, job_id, quote_yuan="90", now=now)
    booking.invite(db, poster, job_id, invitee["id"], now=now)
    questions.ask(db, asker, job_id, "Is there a lift?", key="q", now=now)

    edit(job_id, price_yuan="100")
    edit(job_id, price_yuan="100")  # the same again: nothing changed, nobody told
    edit(job_id, price_yuan="110")

    told = db.execute("SELECT user_id, params FROM notifications WHERE kind = 'job.edited' ORDER BY id").fetchall()
    assert sorted(user for user, _ in told) == sorted([applicant["id"], invitee["id"], asker["id"]] * 2)
    assert all('"title": "Carry a sofa upstairs"' in params for _, params in told)


def test_an_edit_with_nobody_waiting_tells_nobody(db, open_job, edit):
    edit(open_job["id"], price_yuan="100")

    assert db["notifications"].count_where("kind = 'job.edited'") == 0


@pytest.mark.parametrize("path", [p for p in PATHS if p not in ("open", "released")])
def test_a_job_someone_took_or_that_ended_cannot_be_edited(db, job_in, edit, poster, path):
    job_id = job_in(path)
    before = jobs.get(db, job_id, poster)

    with pytest.raises(InvalidTransition):
        edit(job_id, price_yuan="200")

    assert jobs.get(db, job_id, poster) == before and status_of_path(path) != "open"


def test_a_released_job_is_open_again_and_can_be_edited(db, job_in, edit):
    job_id = job_in("released")

    assert edit(job_id, price_yuan="90")["price_fen"] == 9000
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("who", ["verified_worker", "stranger", "organizer"])
def test_only_the_poster_edits(db, open_job, edit, people, poster, who):
    with pytest.raises(NotAllowed):
        edit(open_job["id"], people[who], price_yuan="1")

    assert jobs.get(db, open_job["id"], poster) == open_job


def test_posting_again_starts_from_the_completed_job_but_its_time(db, job_in, poster, now):
    job_id = job_in("completed", price_yuan="60", mode="grab")
    draft = jobs.again_draft(db, poster, job_id)

    assert draft == {
        "category": "moving",
        "title": "Carry a sofa upstairs",
        "description": "Third floor, no lift. Two people needed.\nBring gloves.",
        "mode": "grab",
        "price_fen": 6000,
        "price_type": "fixed",
        "est_minutes": None,
        "lat": pytest.approx(valid_job_fields(now)["lat"]),
        "lon": valid_job_fields(now)["lon"],
        "address_note": "Building 7, unit 2, door code 1234",
        "helper_id": None,
    }


def test_booking_the_same_helper_again_names_them(db, post_job, people, now):
    poster, helper = people["poster"], people["verified_worker"]
    job_id = post_job(mode="booking")
    application = booking.apply(db, helper, job_id, quote_yuan="80", now=now)
    booking.accept(db, poster, application, now=now)
    for action in ("start", "finish"):
        jobs.act(db, job_id, action, helper, now=now)
    jobs.act(db, job_id, "confirm", poster, now=now)

    assert jobs.again_draft(db, poster, job_id, same_helper=True)["helper_id"] == helper["id"]


def test_only_the_poster_posts_again_and_only_once_the_job_is_completed(db, job_in, people):
    completed, done = job_in("completed"), job_in("done")

    with pytest.raises(NotAllowed):
        jobs.again_draft(db, people["verified_worker"], completed)
    with pytest.raises(InvalidTransition):
        jobs.again_draft(db, people["poster"], done)
    with pytest.raises(NotAllowed):  # a grab job has no helper to book
        jobs.again_draft(db, people["poster"], completed, same_helper=True)


def test_favourites_are_added_listed_and_removed_and_repeats_change_nothing(db, people, now):
    resident, helper, other = people["stranger"], people["verified_worker"], people["second_worker"]

    for _ in range(2):
        favourites.mark(db, resident, helper["id"], True, now)
    favourites.mark(db, resident, other["id"], True, now)
    assert favourites.helper_ids(db, resident) == {helper["id"], other["id"]}
    assert db["favourites"].count == 2

    for _ in range(2):
        favourites.mark(db, resident, helper["id"], False, now)
    assert favourites.helper_ids(db, resident) == {other["id"]}
    assert favourites.helper_ids(db, people["poster"]) == set()


def test_only_helpers_and_never_oneself_are_favourites(db, people, now):
    helper = people["verified_worker"]

    with pytest.raises(NotAllowed):
        favourites.mark(db, helper, helper["id"], True, now)
    with pytest.raises(NotFound):
        favourites.mark(db, helper, people["poster"]["id"], True, now)
    assert db["favourites"].count == 0


def test_the_directory_shows_favourites_first_or_alone(db, people, now):
    resident, second = people["stranger"], people["second_worker"]
    helpers = workers.directory(db, now=now)
    favourites.mark(db, resident, second["id"], True, now)
    mine = favourites.helper_ids(db, resident)

    first = favourites.first(helpers, mine)
    alone = favourites.first(helpers, mine, only=True)

    assert [h["user_id"] for h in first][0] == second["id"] and len(first) == len(helpers)
    assert [(h["user_id"], h["favourite"]) for h in alone] == [(second["id"], True)]
    assert [h["user_id"] for h in first if not h["favourite"]] == [
        h["user_id"] for h in helpers if h["user_id"] != second["id"]
    ]

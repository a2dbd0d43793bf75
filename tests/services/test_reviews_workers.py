"""Mutual ratings after a completed job; the "I take jobs" switch."""

from datetime import timedelta

import pytest

from services import jobs, reviews, workers
from services.errors import AlreadyDone, InvalidTransition, NotAllowed, NotFound, ValidationError

# --- reviews ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["assigned", "in_progress", "done", "cancelled_after_assignment"])
@pytest.mark.parametrize("who", ["poster", "verified_worker"])
def test_rating_waits_until_the_job_is_completed(db, people, job_in, now, path, who):
    job_id = job_in(path)

    with pytest.raises(InvalidTransition) as refused:
        reviews.rate(db, people[who], job_id, stars=5, now=now)

    assert refused.value.key == "error.rate_not_completed"
    assert db["reviews"].count == 0


def test_poster_cannot_rate_an_open_job(db, poster, open_job, now):
    with pytest.raises(InvalidTransition):
        reviews.rate(db, poster, open_job["id"], stars=5, now=now)


def test_each_side_rates_the_other_once_the_job_is_completed(db, job_in, poster, verified_worker, now):
    job_id = job_in("completed")

    reviews.rate(db, poster, job_id, stars=5, comment="  Quick and careful  ", now=now)
    reviews.rate(db, verified_worker, job_id, stars=4, now=now)

    by_poster = reviews.by_author(db, job_id, poster["id"])
    by_worker = reviews.by_author(db, job_id, verified_worker["id"])
    assert (by_poster["subject_id"], by_poster["author_role"], by_poster["stars"], by_poster["comment"]) == (
        verified_worker["id"],
        "poster",
        5,
        "Quick and careful",
    )
    assert (by_worker["subject_id"], by_worker["author_role"], by_worker["stars"]) == (poster["id"], "worker", 4)


def test_auto_confirmed_job_can_be_rated(db, job_in, poster, now):
    job_id = job_in("done")
    jobs.run_clock(db, now + timedelta(hours=72))

    assert reviews.rate(db, poster, job_id, stars=3, now=now + timedelta(hours=73))


@pytest.mark.parametrize("who", ["poster", "verified_worker"])
def test_second_rating_by_the_same_side_is_refused(db, people, job_in, now, who):
    job_id = job_in("completed")
    reviews.rate(db, people[who], job_id, stars=5, now=now)

    with pytest.raises(AlreadyDone) as refused:
        reviews.rate(db, people[who], job_id, stars=1, now=now)

    assert refused.value.key == "error.already_rated"
    assert db["reviews"].count == 1
    assert reviews.by_author(db, job_id, people[who]["id"])["stars"] == 5


@pytest.mark.parametrize("stars", [0, 6, -1, "5", True, False, 4.5, 5.0, None])
def test_stars_must_be_a_whole_number_from_1_to_5(db, job_in, poster, now, stars):
    job_id = job_in("completed")

    with pytest.raises(ValidationError) as refused:
        reviews.rate(db, poster, job_id, stars=stars, now=now)

    assert (refused.value.field, refused.value.key) == ("stars", "error.stars")
    assert db["reviews"].count == 0


@pytest.mark.parametrize("stars", [1, 5])
def test_one_and_five_stars_are_accepted(db, job_in, poster, now, stars):
    job_id = job_in("completed")

    reviews.rate(db, poster, job_id, stars=stars, now=now)

    assert reviews.by_author(db, job_id, poster["id"])["stars"] == stars


@pytest.mark.parametrize("comment, key", [("x" * 501, "error.too_long"), ("nice\x00job", "error.control_chars")])
def test_bad_comment_is_refused(db, job_in, poster, now, comment, key):
    job_id = job_in("completed")

    with pytest.raises(ValidationError) as refused:
        reviews.rate(db, poster, job_id, stars=4, comment=comment, now=now)

    assert (refused.value.field, refused.value.key) == ("comment", key)
    assert db["reviews"].count == 0


@pytest.mark.parametrize("who", ["stranger", "second_worker", "organizer", "unverified_worker"])
def test_people_outside_the_job_cannot_rate_it(db, people, job_in, now, who):
    job_id = job_in("completed")

    with pytest.raises(NotAllowed):
        reviews.rate(db, people[who], job_id, stars=1, now=now)

    assert db["reviews"].count == 0


def test_rating_a_missing_job_raises_not_found(db, poster, now):
    with pytest.raises(NotFound):
        reviews.rate(db, poster, 999_999, stars=5, now=now)


def test_summary_averages_the_ratings_a_person_received(db, job_in, poster, verified_worker, second_worker, now):
    seen = now + timedelta(days=reviews.BLIND_DAYS)  # every rating shows by then (double-blind)
    assert reviews.summary(db, verified_worker["id"], now=seen) == {"average": None, "count": 0}
    first, second = job_in("completed"), job_in("completed")

    reviews.rate(db, poster, first, stars=5, now=now)
    reviews.rate(db, poster, second, stars=4, now=now)
    reviews.rate(db, verified_worker, first, stars=2, now=now)

    assert reviews.summary(db, verified_worker["id"], now=seen) == {"average": 4.5, "count": 2}
    assert reviews.summary(db, poster["id"], now=seen) == {"average": 2.0, "count": 1}
    assert reviews.summary(db, second_worker["id"], now=seen) == {"average": None, "count": 0}
    assert [r["job_id"] for r in reviews.received(db, verified_worker["id"], None, now=seen)] == [second, first]


# --- workers -----------------------------------------------------------------------------------


def test_switching_on_makes_a_worker_who_still_needs_an_identity_check(db, stranger, now):
    assert workers.get_profile(db, stranger["id"]) is None

    profile = workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=["pets", "errands"], now=now)

    assert (profile["verification"], profile["taking_jobs"]) == ("unverified", 1)
    assert profile["categories"] == ["errands", "pets"]
    assert not workers.is_verified_worker(db, stranger["id"])


def test_switching_off_keeps_the_verification_but_stops_claims(db, verified_worker, now):
    off = workers.set_taking_jobs(db, verified_worker, taking_jobs=False, categories=[], now=now)

    assert off["verification"] == "verified"
    assert not workers.is_verified_worker(db, verified_worker["id"])

    on = workers.set_taking_jobs(db, verified_worker, taking_jobs=True, categories=["moving"], now=now)

    assert on["verification"] == "verified"
    assert workers.is_verified_worker(db, verified_worker["id"])


def test_switching_on_again_keeps_a_pending_check_pending(db, unverified_worker, now):
    profile = workers.set_taking_jobs(db, unverified_worker, taking_jobs=True, categories=["pets"], now=now)

    assert profile["verification"] == "pending"


@pytest.mark.parametrize("categories", [["gardening"], ["moving", "rocket-repair"], [""]])
def test_unknown_categories_are_refused(db, stranger, now, categories):
    with pytest.raises(ValidationError) as refused:
        workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=categories, now=now)

    assert refused.value.field == "categories"
    assert workers.get_profile(db, stranger["id"]) is None


def test_taking_jobs_needs_at_least_one_category(db, stranger, now):
    with pytest.raises(ValidationError) as refused:
        workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=[], now=now)

    assert (refused.value.field, refused.value.key) == ("categories", "error.pick_category")
    assert workers.get_profile(db, stranger["id"]) is None

"""Reviews, round two (#16 item 2): double-blind until both sides rated or 14 days after the job
ended, averages over revealed reviews only, and one public reply by the person reviewed."""

from datetime import timedelta

import pytest

from services import notifications, reviews, workers
from services.errors import AlreadyDone, NotAllowed, NotFound, ValidationError

BLIND = timedelta(days=reviews.BLIND_DAYS)


def shown(db, user_id, when):
    return [r["stars"] for r in reviews.received(db, user_id, None, now=when)]


def test_a_review_is_hidden_from_everyone_until_the_other_side_rates(db, job_in, poster, verified_worker, now):
    job_id = job_in("completed")
    reviews.rate(db, poster, job_id, stars=2, now=now)

    assert shown(db, verified_worker["id"], now + timedelta(days=1)) == []
    assert reviews.summary(db, verified_worker["id"], now=now + timedelta(days=1)) == {"average": None, "count": 0}
    assert workers.public_profile(db, verified_worker["id"], now=now + timedelta(days=1))["rating_count"] == 0

    reviews.rate(db, verified_worker, job_id, stars=5, now=now + timedelta(days=2))

    assert shown(db, verified_worker["id"], now + timedelta(days=2)) == [2]
    assert shown(db, poster["id"], now + timedelta(days=2)) == [5]
    assert shown(db, verified_worker["id"], now + timedelta(days=1)) == []  # revealed from the second rating on


def test_a_review_shows_fourteen_days_after_the_job_ended_when_the_other_side_never_rates(
    db, job_in, poster, verified_worker, now
):
    job_id = job_in("completed")
    reviews.rate(db, poster, job_id, stars=4, now=now + timedelta(days=3))

    assert shown(db, verified_worker["id"], now + BLIND - timedelta(seconds=1)) == []
    assert shown(db, verified_worker["id"], now + BLIND) == [4]
    assert reviews.by_author(db, job_id, poster["id"])["reveal_at"] == (now + BLIND).isoformat()


def test_averages_and_counts_take_only_revealed_reviews(db, job_in, poster, verified_worker, now):
    first, second = job_in("completed"), job_in("completed")
    reviews.rate(db, poster, first, stars=5, now=now)
    reviews.rate(db, verified_worker, first, stars=5, now=now)  # both rated: revealed
    reviews.rate(db, poster, second, stars=1, now=now)  # hidden

    assert reviews.summary(db, verified_worker["id"], now=now) == {"average": 5.0, "count": 1}
    [row] = workers.directory(db, now=now)[:1]
    assert (row["display_name"], row["rating_count"], row["rating_average"]) == ("Verified Worker", 1, 5.0)
    assert reviews.summary(db, verified_worker["id"], now=now + BLIND) == {"average": 3.0, "count": 2}


def test_reviews_stored_before_the_migration_count_as_revealed(db, job_in, poster, verified_worker, now):
    job_id = job_in("completed")
    reviews.rate(db, poster, job_id, stars=3, now=now)
    db.execute("UPDATE reviews SET blind_until = created_at")  # what m012 does to every review before it

    assert shown(db, verified_worker["id"], now) == [3]


def revealed_review(db, job_in, poster, verified_worker, now) -> int:
    job_id = job_in("completed")
    review_id = reviews.rate(db, poster, job_id, stars=3, comment="Late by an hour", now=now)
    reviews.rate(db, verified_worker, job_id, stars=5, now=now)
    return review_id


def test_the_person_reviewed_replies_once_publicly_and_the_author_hears(db, job_in, poster, verified_worker, now):
    review_id = revealed_review(db, job_in, poster, verified_worker, now)

    reviews.reply(db, verified_worker, review_id, reply="  Sorry, the lift was broken.  ", now=now)
    reviews.reply(db, verified_worker, review_id, reply="Sorry, the lift was broken.", now=now)  # a double click

    [row] = [r for r in reviews.received(db, verified_worker["id"], None, now=now)]
    assert row["reply"] == "Sorry, the lift was broken."
    kinds = [n["kind"] for n in notifications.inbox(db, poster)]
    assert kinds.count("account.review_reply") == 1
    with pytest.raises(AlreadyDone):
        reviews.reply(db, verified_worker, review_id, reply="Another answer", now=now)


def test_only_the_person_reviewed_may_reply(db, people, job_in, now):
    review_id = revealed_review(db, job_in, people["poster"], people["verified_worker"], now)
    for who in ("poster", "stranger", "organizer", "second_worker"):
        with pytest.raises(NotAllowed):
            reviews.reply(db, people[who], review_id, reply="Not mine to answer", now=now)


def test_a_hidden_review_cannot_be_replied_to(db, job_in, poster, verified_worker, now):
    job_id = job_in("completed")
    review_id = reviews.rate(db, poster, job_id, stars=1, now=now)
    with pytest.raises(NotFound):
        reviews.reply(db, verified_worker, review_id, reply="What did I do?", now=now)


@pytest.mark.parametrize("reply, key", [("", "error.reply_empty"), ("\u200b ", "error.reply_empty"), ("x" * 501, None)])
def test_an_empty_or_too_long_reply_is_refused(db, job_in, poster, verified_worker, now, reply, key):
    review_id = revealed_review(db, job_in, poster, verified_worker, now)
    with pytest.raises(ValidationError) as refused:
        reviews.reply(db, verified_worker, review_id, reply=reply, now=now)
    assert refused.value.field == "reply"
    assert key is None or refused.value.key == key

"""Contact without exposure (services.contact): a phone shared for one job is shown to that job's other
side only, while the job has not ended; the organizers' contact line (services.community) is theirs to
set; a person's own phone is theirs to change (services.users.update_details)."""

import pytest

from services import booking, community, contact, users
from services.errors import InvalidTransition, NotAllowed, ValidationError
from tests.services.conftest import act_as_sent
from tests.support import set_phone

PHONES = {"poster": "+86 139 1111 2222", "verified_worker": "138-3333-4444", "second_worker": "137 5555 6666"}


@pytest.fixture
def phones(db, people):
    """The poster and both workers with phones of their own (the template gives everyone one number)."""
    for username, phone in PHONES.items():
        set_phone(db, people[username], phone)
    return {username: users.get(db, people[username]["id"]) for username in people if username != "clock"}


@pytest.fixture
def taken(db, post_job, phones, now):
    """The id of a job the verified worker claimed."""
    job_id = post_job()
    act_as_sent(db, job_id, "claim", phones["verified_worker"], now)
    return job_id


def phone_seen(db, job, who) -> str | None:
    """The phone `who` sees shared on `job` (contact.shared_phone), or None."""
    shared = contact.shared_phone(db, job, who)
    return shared.phone if shared else None


def job(db, job_id: int) -> dict:
    return db["jobs"].get(job_id)


def seen_by(db, job_id: int, people: dict) -> dict:
    """Who sees which phone on the job now."""
    return {name: phone_seen(db, job(db, job_id), who) for name, who in people.items()}


def notices(db) -> list[int]:
    return [r["user_id"] for r in db.query("SELECT user_id FROM notifications WHERE kind = 'job.contact_shared'")]


def test_the_poster_shares_and_the_worker_sees_it_and_is_told(db, taken, phones, now):
    contact.share(db, phones["poster"], taken, True, now)

    assert phone_seen(db, job(db, taken), phones["verified_worker"]) == PHONES["poster"]
    assert phone_seen(db, job(db, taken), phones["poster"]) is None  # the worker shared nothing
    assert notices(db) == [phones["verified_worker"]["id"]]
    assert contact.sharing(db, job(db, taken), phones["poster"])
    shared = contact.shared_phone(db, job(db, taken), phones["verified_worker"])
    assert shared.name == phones["poster"]["display_name"]  # whose phone the button calls


def test_the_worker_shares_and_the_poster_sees_it(db, taken, phones, now):
    contact.share(db, phones["verified_worker"], taken, True, now)

    assert phone_seen(db, job(db, taken), phones["poster"]) == PHONES["verified_worker"]
    assert notices(db) == [phones["poster"]["id"]]


def test_switching_on_twice_or_again_tells_once(db, taken, phones, now):
    for on in (True, True, False, True):
        contact.share(db, phones["poster"], taken, on, now)

    assert notices(db) == [phones["verified_worker"]["id"]]
    assert db.execute("SELECT COUNT(*) FROM contact_shares").fetchone()[0] == 1


def test_switching_off_hides_it_again(db, taken, phones, now):
    contact.share(db, phones["poster"], taken, True, now)
    contact.share(db, phones["poster"], taken, False, now)

    assert phone_seen(db, job(db, taken), phones["verified_worker"]) is None
    assert not contact.sharing(db, job(db, taken), phones["poster"])


@pytest.mark.parametrize("who", ["second_worker", "stranger", "organizer", "unverified_worker", None])
def test_nobody_but_the_other_side_sees_a_shared_phone(db, taken, phones, now, who):
    """Other helpers, residents, organizers and signed-out visitors see no number, and none of theirs
    is offered to anyone."""
    contact.share(db, phones["poster"], taken, True, now)
    contact.share(db, phones["verified_worker"], taken, True, now)

    assert phone_seen(db, job(db, taken), phones[who] if who else None) is None


def test_a_booking_applicant_never_sees_the_posters_phone(db, post_job, phones, now):
    job_id = post_job(mode="booking")
    booking.apply(db, phones["second_worker"], job_id, quote_yuan="80", now=now)
    chosen = booking.apply(db, phones["verified_worker"], job_id, quote_yuan="70", now=now)
    booking.accept(db, phones["poster"], chosen, now=now)
    contact.share(db, phones["poster"], job_id, True, now)

    assert phone_seen(db, job(db, job_id), phones["verified_worker"]) == PHONES["poster"]
    assert phone_seen(db, job(db, job_id), phones["second_worker"]) is None


@pytest.mark.parametrize("steps", [["start"], ["start", "finish"], ["start", "finish", "dispute"]])
def test_the_phone_stays_while_the_job_has_not_ended(db, taken, phones, now, steps):
    contact.share(db, phones["poster"], taken, True, now)
    for action in steps:
        act_as_sent(db, taken, action, phones["poster" if action == "dispute" else "verified_worker"], now)

    assert phone_seen(db, job(db, taken), phones["verified_worker"]) == PHONES["poster"]


ENDINGS = {
    "completed": [("start", "verified_worker"), ("finish", "verified_worker"), ("confirm", "poster")],
    "cancelled": [("cancel", "poster")],
    "resolved": [
        ("start", "verified_worker"),
        ("finish", "verified_worker"),
        ("dispute", "poster"),
        ("resolve_pay", "organizer"),
    ],
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_the_shared_phone_disappears_when_the_job_ends(db, taken, phones, now, ending):
    contact.share(db, phones["poster"], taken, True, now)
    contact.share(db, phones["verified_worker"], taken, True, now)
    for action, who in ENDINGS[ending]:
        act_as_sent(db, taken, action, phones[who], now)

    assert seen_by(db, taken, phones) == dict.fromkeys(phones)  # nobody, either side included
    with pytest.raises(InvalidTransition):
        contact.share(db, phones["poster"], taken, True, now)


def test_a_released_jobs_next_worker_never_sees_the_earlier_pairs_phones(db, taken, phones, now):
    contact.share(db, phones["poster"], taken, True, now)
    contact.share(db, phones["verified_worker"], taken, True, now)
    act_as_sent(db, taken, "release", phones["verified_worker"], now)
    act_as_sent(db, taken, "claim", phones["second_worker"], now)

    assert seen_by(db, taken, phones) == dict.fromkeys(phones)  # the poster's share was for the first pair
    contact.share(db, phones["poster"], taken, True, now)  # shared again, with the new worker
    assert phone_seen(db, job(db, taken), phones["second_worker"]) == PHONES["poster"]
    assert phone_seen(db, job(db, taken), phones["verified_worker"]) is None


@pytest.mark.parametrize("who", ["second_worker", "stranger", "organizer"])
def test_only_the_two_sides_share(db, taken, phones, now, who):
    with pytest.raises(NotAllowed):
        contact.share(db, phones[who], taken, True, now)
    assert db.execute("SELECT COUNT(*) FROM contact_shares").fetchone()[0] == 0


def test_nothing_is_shared_on_an_open_job(db, post_job, phones, now):
    with pytest.raises(InvalidTransition):
        contact.share(db, phones["poster"], post_job(), True, now)


def test_sharing_without_a_phone_on_file_says_so_and_stores_nothing(db, taken, phones, now):
    set_phone(db, phones["poster"], "")

    with pytest.raises(ValidationError) as refused:
        contact.share(db, phones["poster"], taken, True, now)
    assert (refused.value.field, refused.value.key) == ("phone", "error.no_phone")
    assert notices(db) == []


def test_a_phone_removed_after_sharing_is_no_longer_shown(db, taken, phones, now):
    contact.share(db, phones["poster"], taken, True, now)
    set_phone(db, phones["poster"], "")

    assert phone_seen(db, job(db, taken), phones["verified_worker"]) is None


# --- a person's own phone -----------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["+86 139 1111 2222", "021-6666-7777", ""])
def test_a_person_sets_their_own_phone(db, poster, phone):
    set_phone(db, poster, f"  {phone} ")
    assert users.get(db, poster["id"])["phone"] == phone


@pytest.mark.parametrize("phone", ["call me", "1234", "+86 139 1111 2222 3333 4", "<b>138</b>"])
def test_a_phone_that_is_no_phone_number_is_refused(db, poster, phone):
    before = users.get(db, poster["id"])["phone"]
    with pytest.raises(ValidationError) as refused:
        set_phone(db, poster, phone)
    assert refused.value.field == "phone"
    assert users.get(db, poster["id"])["phone"] == before


# --- the organizers' contact line ---------------------------------------------------------------


def test_the_organizers_contact_line_is_empty_until_set(db):
    assert community.organizer_contact(db) == ""


def test_an_organizer_sets_the_contact_line(db, organizer):
    community.set_organizer_contact(db, organizer, " Office in building 3, 9:00-17:00 ")
    assert community.organizer_contact(db) == "Office in building 3, 9:00-17:00"
    community.set_organizer_contact(db, organizer, "")
    assert community.organizer_contact(db) == ""


@pytest.mark.parametrize("who", ["poster", "verified_worker", "stranger"])
def test_only_an_organizer_sets_the_contact_line(db, people, who):
    with pytest.raises(NotAllowed):
        community.set_organizer_contact(db, people[who], "Call me instead")
    assert community.organizer_contact(db) == ""


def test_a_contact_line_is_one_short_line(db, organizer):
    with pytest.raises(ValidationError) as refused:
        community.set_organizer_contact(db, organizer, "x" * (community.MAX_CONTACT + 1))
    assert (refused.value.field, refused.value.key) == ("contact", "error.too_long")

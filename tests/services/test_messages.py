"""Conversations: one thread per job and pair, text and photos, unread counts and read receipts, the
organizer joining a dispute, and fraud warnings, through the real services on a real SQLite file."""

import pytest

from demo import samples
from services import booking, fraud, jobs, messages, notifications
from services.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from tests.services.conftest import act_as_sent, make_verified_worker
from tests.services.test_uploads import HOSTILE, files_on_disk

PHOTO = samples.picture("Broken tap")


def send(db, who, job_id, worker, body="", photo=None, key=None, now=None):
    return messages.send(db, who, job_id, worker["id"], body, photo, key=key or body or "photo", now=now)


def thread_of(db, job_id, viewer, worker=None):
    """The viewer's thread on the job (the one with `worker`, for the poster of several)."""
    threads = messages.threads(db, jobs.get(db, job_id, None), viewer)
    return next(t for t in threads if worker is None or t["worker_id"] == worker["id"])


def told(db, kind="message.new"):
    """(user id, source) of every notification of `kind`."""
    sql = "SELECT user_id, source FROM notifications WHERE kind = ? ORDER BY id"
    return [(row["user_id"], row["source"]) for row in db.query(sql, [kind])]


def message_rows(db):
    return list(db.query("SELECT * FROM messages ORDER BY id"))


@pytest.fixture
def assigned(job_in):
    return job_in("assigned")


@pytest.fixture
def booking_job(db, post_job, poster, verified_worker, second_worker, now):
    """An open booking job with two applications: the verified worker's and the second worker's."""
    job_id = post_job(mode="booking")
    booking.apply(db, verified_worker, job_id, quote_yuan="90", message="I have a trolley", now=now)
    booking.apply(db, second_worker, job_id, quote_yuan="70", message="Free on Sunday", now=now)
    return job_id


# --- sending and reading ---------------------------------------------------------------------------


def test_a_claim_opens_the_pair_s_thread_and_both_sides_write_in_it(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "Ring the bell twice", now=now)
    send(db, verified_worker, assigned, verified_worker, "On my way", now=now)

    thread = thread_of(db, assigned, poster)
    lines = messages.read(db, poster, thread["id"])

    assert [(line["author_name"], line["body"]) for line in lines] == [
        ("Poster", "Ring the bell twice"),
        ("Verified Worker", "On my way"),
    ]
    assert thread["other_name"] == "Verified Worker"
    assert thread_of(db, assigned, verified_worker)["other_name"] == "Poster"


def test_lines_come_oldest_first_and_the_thread_shows_its_last_line(db, assigned, poster, verified_worker, now):
    for body in ("one", "two", "three"):
        send(db, poster, assigned, verified_worker, body, now=now)

    thread = thread_of(db, assigned, verified_worker)

    assert [line["body"] for line in messages.read(db, verified_worker, thread["id"])] == ["one", "two", "three"]
    assert thread["last_body"] == "three"


def test_an_empty_message_is_refused_and_nothing_is_stored(db, assigned, poster, verified_worker, now):
    with pytest.raises(ValidationError) as refused:
        send(db, poster, assigned, verified_worker, "   ", now=now)

    assert refused.value.field == "body"
    assert message_rows(db) == []


def test_a_message_too_long_is_refused(db, assigned, poster, verified_worker, now):
    with pytest.raises(ValidationError):
        send(db, poster, assigned, verified_worker, "x" * (messages.MAX_BODY + 1), now=now)


def test_a_double_click_posts_once_and_tells_once(db, assigned, poster, verified_worker, now):
    first = send(db, poster, assigned, verified_worker, "Hello", key="k1", now=now)
    second = send(db, poster, assigned, verified_worker, "Hello", key="k1", now=now)

    assert first == second
    assert len(message_rows(db)) == 1
    assert told(db) == [(verified_worker["id"], f"message:{first}")]


def test_another_person_s_key_is_a_message_of_its_own(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "Hi", key="same", now=now)
    send(db, verified_worker, assigned, verified_worker, "Hi", key="same", now=now)

    assert len(message_rows(db)) == 2


# --- unread counts and read receipts ---------------------------------------------------------------


def test_unread_counts_per_thread_and_in_total_until_read(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "one", now=now)
    send(db, poster, assigned, verified_worker, "two", now=now)

    assert thread_of(db, assigned, verified_worker)["unread"] == 2
    assert messages.unread_total(db, verified_worker) == 2
    assert messages.unread_total(db, poster) == 0  # one's own lines are never unread

    messages.read(db, verified_worker, thread_of(db, assigned, verified_worker)["id"])

    assert thread_of(db, assigned, verified_worker)["unread"] == 0
    assert messages.unread_total(db, verified_worker) == 0


def test_a_line_shows_read_once_the_other_side_has_seen_it(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "Are you coming?", now=now)
    thread_id = thread_of(db, assigned, poster)["id"]

    assert [line["read"] for line in messages.read(db, poster, thread_id)] == [False]  # the author reading: not yet

    messages.read(db, verified_worker, thread_id)

    assert [line["read"] for line in messages.read(db, poster, thread_id)] == [True]


def test_replying_marks_what_came_before_as_read(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "Question", now=now)
    send(db, verified_worker, assigned, verified_worker, "Answer", now=now)

    assert messages.unread_total(db, verified_worker) == 0
    assert messages.unread_total(db, poster) == 1


def test_the_version_changes_with_a_new_line_and_with_a_read_receipt(db, assigned, poster, verified_worker, now):
    send(db, poster, assigned, verified_worker, "Hi", now=now)
    thread_id = thread_of(db, assigned, poster)["id"]
    before = messages.version(db, poster, thread_id)

    messages.read(db, verified_worker, thread_id)
    seen = messages.version(db, poster, thread_id)
    send(db, verified_worker, assigned, verified_worker, "Hello", now=now)

    assert len({before, seen, messages.version(db, poster, thread_id)}) == 3


# --- photos ----------------------------------------------------------------------------------------


def test_a_photo_is_stored_privately_and_shown_to_both_sides(db, assigned, poster, verified_worker, now):
    message_id = send(db, verified_worker, assigned, verified_worker, "The old washer", photo=PHOTO, now=now)

    for viewer in (poster, verified_worker):
        assert messages.photo_bytes(db, viewer, message_id)[:2] == b"\xff\xd8"  # a JPEG we encoded
    assert [path.split("/")[0] for path in files_on_disk(db)] == ["private"]
    line = messages.read(db, poster, thread_of(db, assigned, poster)["id"])[0]
    assert (line["kind"], line["has_photo"], line["body"]) == ("photo", 1, "The old washer")


def test_a_photo_alone_is_a_message(db, assigned, poster, verified_worker, now):
    message_id = send(db, poster, assigned, verified_worker, photo=PHOTO, now=now)

    assert messages.photo_bytes(db, verified_worker, message_id)


def test_a_text_message_has_no_photo(db, assigned, poster, verified_worker, now):
    message_id = send(db, poster, assigned, verified_worker, "No picture", now=now)

    with pytest.raises(NotFound):
        messages.photo_bytes(db, poster, message_id)


@pytest.mark.parametrize("data, key", HOSTILE)
def test_a_hostile_file_is_refused_and_leaves_nothing_behind(db, assigned, poster, verified_worker, now, data, key):
    with pytest.raises(ValidationError) as refused:
        messages.send(db, poster, assigned, verified_worker["id"], "See this", data, key="k", now=now)

    assert (refused.value.field, refused.value.key) == ("photo", key)
    assert message_rows(db) == []
    assert files_on_disk(db) == []
    assert told(db) == []


def test_a_refused_sender_leaves_no_photo_behind(db, assigned, stranger, verified_worker, now):
    with pytest.raises(NotAllowed):
        send(db, stranger, assigned, verified_worker, "Hi", photo=PHOTO, now=now)

    assert message_rows(db) == []
    assert files_on_disk(db) == []


# --- booking: the application opens the thread -----------------------------------------------------


def test_an_application_opens_its_thread_with_its_message_and_quote(
    db, booking_job, poster, verified_worker, second_worker
):
    threads = messages.threads(db, jobs.get(db, booking_job, None), poster)

    assert {t["other_name"] for t in threads} == {"Verified Worker", "Second Worker"}
    assert [t["unread"] for t in threads] == [1, 1]
    first = messages.read(db, poster, thread_of(db, booking_job, poster, verified_worker)["id"])[0]
    assert (first["kind"], first["body"], first["quote_fen"], first["author_id"]) == (
        "applied",
        "I have a trolley",
        9000,
        verified_worker["id"],
    )


def test_an_invitation_opens_its_thread_with_its_message(db, post_job, organizer, poster, now):
    job_id = post_job(mode="booking")
    helper = make_verified_worker(db, organizer, "helper")
    booking.invite(db, poster, job_id, helper["id"], message="Can you come Saturday?", now=now)

    first = messages.read(db, helper, thread_of(db, job_id, helper)["id"])[0]

    assert (first["kind"], first["body"], first["author_id"]) == ("invited", "Can you come Saturday?", poster["id"])


def test_the_poster_answers_each_applicant_before_choosing(db, booking_job, poster, verified_worker, now):
    send(db, poster, booking_job, verified_worker, "Does the trolley fit a lift?", now=now)

    lines = messages.read(db, verified_worker, thread_of(db, booking_job, verified_worker)["id"])

    assert [line["body"] for line in lines] == ["I have a trolley", "Does the trolley fit a lift?"]


def test_an_applicant_sees_only_their_own_thread(db, booking_job, second_worker):
    threads = messages.threads(db, jobs.get(db, booking_job, None), second_worker)

    assert [(t["worker_id"], t["other_name"]) for t in threads] == [(second_worker["id"], "Poster")]


def test_another_applicant_cannot_read_or_write_someone_else_s_thread(
    db, booking_job, poster, verified_worker, second_worker, now
):
    message_id = send(db, poster, booking_job, verified_worker, "Photo of the stairs", photo=PHOTO, now=now)
    thread_id = thread_of(db, booking_job, poster, verified_worker)["id"]

    with pytest.raises(NotAllowed):
        messages.read(db, second_worker, thread_id)
    with pytest.raises(NotAllowed):
        messages.photo_bytes(db, second_worker, message_id)
    with pytest.raises(NotAllowed):
        send(db, second_worker, booking_job, verified_worker, "Pick me instead", now=now)


def test_a_declined_applicant_s_thread_is_read_only(db, booking_job, poster, verified_worker, second_worker, now):
    application = booking.for_job(db, jobs.get(db, booking_job, None), second_worker, now=now)[0]["id"]
    booking.decline(db, poster, application, now=now)

    with pytest.raises(NotAllowed):
        send(db, second_worker, booking_job, second_worker, "Why not me?", now=now)
    with pytest.raises(InvalidTransition) as closed:
        send(db, poster, booking_job, second_worker, "Sorry", now=now)

    assert closed.value.key == "error.thread_closed"
    thread = thread_of(db, booking_job, second_worker)
    assert not thread["open"]
    assert [line["body"] for line in messages.read(db, second_worker, thread["id"])] == ["Free on Sunday"]


def test_the_accepted_applicant_keeps_the_same_thread(db, booking_job, poster, verified_worker, now):
    before = thread_of(db, booking_job, poster, verified_worker)["id"]
    application = booking.for_job(db, jobs.get(db, booking_job, None), verified_worker, now=now)[0]["id"]
    booking.accept(db, poster, application, now=now)

    thread = thread_of(db, booking_job, poster)  # the job's worker's thread comes first

    assert (thread["id"], thread["worker_id"], thread["open"]) == (before, verified_worker["id"], True)


# --- outsiders -------------------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["stranger", "second_worker", "unverified_worker", "organizer"])
def test_an_outsider_can_neither_read_nor_write_nor_see_a_photo(
    db, assigned, people, poster, verified_worker, now, outsider
):
    message_id = send(db, poster, assigned, verified_worker, "Code 1234", photo=PHOTO, now=now)
    thread_id = thread_of(db, assigned, poster)["id"]
    who = people[outsider]

    with pytest.raises(NotAllowed):
        messages.threads(db, jobs.get(db, assigned, None), who)
    with pytest.raises(NotAllowed):
        messages.read(db, who, thread_id)
    with pytest.raises(NotAllowed):
        messages.version(db, who, thread_id)
    with pytest.raises(NotAllowed):
        messages.photo_bytes(db, who, message_id)
    with pytest.raises(NotAllowed):
        send(db, who, assigned, verified_worker, "Let me in", now=now)


def test_a_signed_out_visitor_sees_no_thread_and_no_photo(db, assigned, poster, verified_worker, now):
    message_id = send(db, poster, assigned, verified_worker, photo=PHOTO, now=now)

    with pytest.raises(NotAllowed):
        messages.threads(db, jobs.get(db, assigned, None), None)
    with pytest.raises(NotAllowed):
        messages.photo_bytes(db, None, message_id)


def test_a_released_worker_no_longer_reads_the_thread(db, job_in, poster, verified_worker, now):
    job_id = job_in("assigned")
    send(db, poster, job_id, verified_worker, "See you at 3", now=now)
    thread_id = thread_of(db, job_id, poster)["id"]
    jobs.act(db, job_id, "release", verified_worker, now=now)

    with pytest.raises(NotAllowed):
        messages.read(db, verified_worker, thread_id)


def test_no_one_writes_once_the_job_has_ended(db, job_in, poster, verified_worker, now):
    job_id = job_in("completed")

    with pytest.raises(InvalidTransition):
        send(db, poster, job_id, verified_worker, "Thanks again", now=now)
    assert thread_of(db, job_id, poster)  # and both still read it


# --- the organizer joins a dispute -----------------------------------------------------------------


def test_the_organizer_joins_when_the_dispute_opens(db, job_in, poster, verified_worker, organizer, now):
    job_id = job_in("done")
    send(db, poster, job_id, verified_worker, "The tap drips", now=now)
    thread_id = thread_of(db, job_id, poster)["id"]
    with pytest.raises(NotAllowed):
        messages.read(db, organizer, thread_id)

    act_as_sent(db, job_id, "dispute", poster, now)

    lines = messages.read(db, organizer, thread_id)
    assert [(line["kind"], line["author_id"]) for line in lines][-1] == ("joined", None)
    assert [t["id"] for t in messages.threads(db, jobs.get(db, job_id, None), organizer)] == [thread_id]
    assert thread_of(db, job_id, verified_worker)["unread"] == 2  # the poster's line and the board's


def test_the_organizer_writes_while_disputed_and_both_sides_are_told(
    db, job_in, poster, verified_worker, organizer, now
):
    job_id = job_in("disputed")

    message_id = send(db, organizer, job_id, verified_worker, "Please both send a photo", now=now)

    assert sorted(told(db)) == sorted(
        [(poster["id"], f"message:{message_id}"), (verified_worker["id"], f"message:{message_id}")]
    )


def test_a_side_s_message_during_a_dispute_reaches_the_organizer(db, job_in, poster, verified_worker, organizer, now):
    job_id = job_in("disputed")

    message_id = send(db, verified_worker, job_id, verified_worker, "I replaced the washer", now=now)

    assert {user for user, _ in told(db)} == {poster["id"], organizer["id"]}
    assert all(source == f"message:{message_id}" for _, source in told(db))


def test_once_resolved_the_organizer_reads_but_no_one_writes(db, job_in, poster, verified_worker, organizer, now):
    job_id = job_in("resolved")
    thread_id = thread_of(db, job_id, poster)["id"]

    assert messages.read(db, organizer, thread_id)
    with pytest.raises(NotAllowed):
        send(db, organizer, job_id, verified_worker, "Closed now", now=now)


# --- notifications ---------------------------------------------------------------------------------


def test_a_message_tells_the_other_side_once_with_the_job_and_an_excerpt(db, assigned, poster, verified_worker, now):
    message_id = send(db, poster, assigned, verified_worker, "Please bring a ladder " * 5, now=now)

    row = notifications.inbox(db, verified_worker)[0]
    assert (row["kind"], row["job_id"], row["source"]) == ("message.new", assigned, f"message:{message_id}")
    assert row["params"]["title"] == "Carry a sofa upstairs"
    assert row["params"]["name"] == "Poster"
    assert row["params"]["excerpt"].startswith("Please bring a ladder") and len(row["params"]["excerpt"]) <= 41
    assert told(db) == [(verified_worker["id"], f"message:{message_id}")]


def test_a_rolled_back_message_tells_nobody_and_leaves_nothing(db, assigned, poster, verified_worker, now):
    """A failure after the line and its photo were written (here: the notification's insert) undoes all."""
    db.execute(
        """CREATE TRIGGER refuse_notices BEFORE INSERT ON notifications
           BEGIN SELECT RAISE(ABORT, 'disk full'); END"""
    )

    with pytest.raises(Exception, match="disk full"):
        send(db, poster, assigned, verified_worker, "Hello", photo=PHOTO, now=now)

    assert message_rows(db) == []
    assert told(db) == []
    assert files_on_disk(db) == []
    assert list(db.query("SELECT * FROM thread_reads")) == []


# --- fraud warnings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "加微信详谈",
        "先交 200 元押金",
        "需要交培训费",
        "我们私下转账吧",
        "Please pay a deposit first",
        "Add me on WhatsApp",
        "Let's pay outside the app",
        "call me 138 1234 5678",
        "打我电话13812345678",
        "Office: +86 21 6234 5678",
    ],
)
def test_a_scam_phrase_is_flagged_and_still_sent(db, assigned, poster, verified_worker, now, body):
    send(db, poster, assigned, verified_worker, body, now=now)

    line = messages.read(db, verified_worker, thread_of(db, assigned, verified_worker)["id"])[0]
    assert (line["body"], line["flagged"]) == (body, 1)


@pytest.mark.parametrize(
    "body", ["I'll be there at 3", "周六下午两点到", "Price ¥120 for 2026-11-25", "三楼，没有电梯", "Room 1203"]
)
def test_an_ordinary_message_is_not_flagged(db, assigned, poster, verified_worker, now, body):
    send(db, poster, assigned, verified_worker, body, now=now)

    assert message_rows(db)[0]["flagged"] == 0


def test_the_phrases_are_found_through_spaces_case_and_full_width_letters():
    assert fraud.flags("加 微 信") == ["加微信"]
    assert fraud.flags("ＷｈａｔｓＡｐｐ") == ["whatsapp"]
    assert fraud.flags("１３８１２３４５６７８") == ["phone"]


def test_a_job_asking_for_a_deposit_is_flagged_when_posted_and_still_posted(db, post_job):
    flagged = post_job(description="需要先交保证金100元")
    plain = post_job(description="Three boxes to the fourth floor")

    assert [jobs.get(db, job_id, None)["status"] for job_id in (flagged, plain)] == ["open", "open"]
    assert [db["jobs"].get(job_id)["flagged"] for job_id in (flagged, plain)] == [1, 0]


def test_an_application_s_message_is_flagged_too(db, post_job, verified_worker, now):
    job_id = post_job(mode="booking")
    booking.apply(db, verified_worker, job_id, quote_yuan="80", message="Pay me by WeChat me directly", now=now)

    assert message_rows(db)[0]["flagged"] == 1


def test_the_attention_list_shows_flagged_messages_and_jobs_to_organizers_only(
    db, assigned, post_job, poster, verified_worker, organizer, stranger, now
):
    send(db, verified_worker, assigned, verified_worker, "先付押金", now=now)
    send(db, verified_worker, assigned, verified_worker, "Fine", now=now)
    job_id = post_job(title="Sofa move", description="Training fee required")

    listed = fraud.attention(db, organizer)

    assert {(row["kind"], row["job_id"], row["author_name"], row["text"]) for row in listed} == {
        ("message", assigned, "Verified Worker", "先付押金"),
        ("job", job_id, "Poster", "Training fee required"),
    }
    for outsider in (poster, verified_worker, stranger):
        with pytest.raises(NotAllowed):
            fraud.attention(db, outsider)


def test_the_phrase_list_is_one_data_file():
    assert fraud.PHRASES_FILE.name == "fraud_phrases.toml"
    assert {"微信转账", "加微信", "私下交易", "押金", "保证金", "培训费", "deposit", "training fee"} <= set(
        fraud._lists()[0].values()
    )

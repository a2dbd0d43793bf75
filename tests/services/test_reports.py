"""Reports (#16 item 1): anyone signed in reports a job, a person, a review, a message or a question;
the organizer dismisses, hides, warns or blocks; hidden items are hidden from everyone but organizers;
and a block ends the person's sessions, cancels and refunds their open jobs and releases the jobs they
hold, with the books still balanced. Real services on a real SQLite file."""

from datetime import timedelta

import pytest

from services import booking, jobs, ledger, messages, questions, reports, reviews, users, workers
from services.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from tests.services.conftest import act_as_sent


def open_reports(db):
    return [(r["kind"], r["item_id"], r["reason"]) for r in db.query("SELECT * FROM reports WHERE status = 'open'")]


def told(db, kind):
    return [(r["user_id"], r["params"]) for r in db.query("SELECT * FROM notifications WHERE kind = ?", [kind])]


@pytest.fixture
def items(db, people, job_in, post_job, now):
    """One of each kind of item, none written by the stranger: {kind: (item id, who wrote it)}."""
    completed = job_in("completed")
    review = reviews.rate(db, people["poster"], completed, stars=1, comment="Rude and late", now=now)
    assigned = job_in("assigned")
    messages.send(
        db,
        people["verified_worker"],
        assigned,
        people["verified_worker"]["id"],
        "Pay me outside",
        None,
        key="m",
        now=now,
    )
    message = db.execute("SELECT MAX(id) FROM messages WHERE author_id IS NOT NULL").fetchone()[0]
    open_job = post_job()
    question = questions.ask(db, people["second_worker"], open_job, "Is it real?", key="q", now=now)
    return {
        "job": (open_job, people["poster"]),
        "user": (people["verified_worker"]["id"], people["verified_worker"]),
        "review": (review, people["poster"]),
        "message": (message, people["verified_worker"]),
        "question": (question, people["second_worker"]),
        "assigned": (assigned, people["poster"]),
    }


@pytest.mark.parametrize("kind", reports.KINDS)
def test_anyone_signed_in_reports_each_kind_of_item_once_and_a_second_report_changes_the_reason(
    db, people, items, now, kind
):
    item_id = items[kind][0]
    reporter = people["poster"] if kind == "message" else people["stranger"]  # a message: only its readers
    if kind == "review":
        reporter = people["verified_worker"]  # the reviewed person reports the review of them

    reports.report(db, reporter, kind, item_id, reason="scam", detail="Asks for a deposit", now=now)
    reports.report(db, reporter, kind, item_id, reason="abusive", now=now + timedelta(minutes=1))

    assert open_reports(db) == [(kind, item_id, "abusive")]
    assert reports.mine(db, reporter, kind, item_id)["detail"] == ""


@pytest.mark.parametrize("kind", ["job", "user", "review", "message", "question"])
def test_nobody_reports_their_own_item(db, items, now, kind):
    item_id, author = items[kind]

    with pytest.raises(NotAllowed):
        reports.report(db, author, kind, item_id, reason="spam", now=now)

    assert open_reports(db) == []


def test_a_message_is_reported_only_by_those_who_may_read_it(db, people, items, now):
    with pytest.raises(NotAllowed):
        reports.report(db, people["stranger"], "message", items["message"][0], reason="spam", now=now)


@pytest.mark.parametrize(
    ("kind", "reason", "detail", "error"),
    [
        ("job", "bad", "", ValidationError),
        ("job", "other", "x" * 501, ValidationError),
        ("job", "other", "a\u202eb", ValidationError),
        ("thing", "other", "", NotFound),
    ],
)
def test_a_report_needs_a_listed_reason_and_readable_words(db, stranger, items, now, kind, reason, detail, error):
    with pytest.raises(error):
        reports.report(db, stranger, kind, items["job"][0], reason=reason, detail=detail, now=now)


def test_a_report_of_nothing_is_not_found(db, stranger, now):
    with pytest.raises(NotFound):
        reports.report(db, stranger, "review", 999, reason="spam", now=now)


def test_the_queue_groups_reports_by_item_with_its_context_and_reasons(db, people, items, now):
    job_id = items["job"][0]
    reports.report(db, people["stranger"], "job", job_id, reason="scam", detail="Deposit first", now=now)
    reports.report(db, people["second_worker"], "job", job_id, reason="unsafe", now=now)
    reports.report(db, people["stranger"], "question", items["question"][0], reason="spam", now=now)

    queue = reports.queue(db, people["organizer"])

    assert [(entry["kind"], entry["count"]) for entry in queue] == [("job", 2), ("question", 1)]
    job_entry = queue[0]
    assert (job_entry["text"], job_entry["job_id"], job_entry["owner_name"]) == (
        "Carry a sofa upstairs",
        job_id,
        "Poster",
    )
    assert [(r["reporter_name"], r["reason"], r["detail"]) for r in job_entry["reports"]] == [
        ("Stranger", "scam", "Deposit first"),
        ("Second Worker", "unsafe", ""),
    ]
    assert queue[1]["text"] == "Is it real?"
    assert reports.waiting(db) == 2


@pytest.mark.parametrize("who", ["poster", "verified_worker", "stranger"])
def test_only_organizers_read_the_queue_and_answer_it(db, people, items, now, who):
    reports.report(
        db,
        people["stranger"] if who != "stranger" else people["second_worker"],
        "job",
        items["job"][0],
        reason="spam",
        now=now,
    )
    with pytest.raises(NotAllowed):
        reports.queue(db, people[who])
    with pytest.raises(NotAllowed):
        reports.handle(db, people[who], "job", items["job"][0], "hide", now=now)

    assert len(open_reports(db)) == 1
    assert jobs.list_open(db)  # still listed


def test_dismissing_records_who_did_what_when_and_empties_the_queue(db, people, items, now):
    reports.report(db, people["stranger"], "job", items["job"][0], reason="spam", now=now)

    reports.handle(db, people["organizer"], "job", items["job"][0], "dismiss", now=now)
    reports.handle(db, people["organizer"], "job", items["job"][0], "dismiss", now=now)  # a double click

    row = db.execute("SELECT status, handled_by, handled_at FROM reports").fetchone()
    assert tuple(row) == ("dismiss", people["organizer"]["id"], "2026-11-25T06:00:00+00:00")
    assert reports.queue(db, people["organizer"]) == []


def test_warning_tells_the_person_in_the_organizers_words_once(db, people, items, now):
    reports.report(db, people["stranger"], "question", items["question"][0], reason="abusive", now=now)

    with pytest.raises(ValidationError):
        reports.handle(db, people["organizer"], "question", items["question"][0], "warn", note=" ", now=now)
    reports.handle(db, people["organizer"], "question", items["question"][0], "warn", note="Be kind", now=now)
    reports.handle(db, people["organizer"], "question", items["question"][0], "warn", note="Be kind", now=now)

    assert told(db, "account.warned") == [(people["second_worker"]["id"], '{"note": "Be kind"}')]


def test_a_person_is_blocked_or_warned_never_hidden(db, people, items, now):
    reports.report(db, people["stranger"], "user", items["user"][0], reason="abusive", now=now)

    with pytest.raises(InvalidTransition):
        reports.handle(db, people["organizer"], "user", items["user"][0], "hide", now=now)


def hide(db, people, kind, item_id, now, reporter="stranger"):
    reports.report(db, people[reporter], kind, item_id, reason="scam", now=now)
    reports.handle(db, people["organizer"], kind, item_id, "hide", now=now)


def test_a_hidden_job_leaves_browse_and_search_and_its_page_says_so_to_others(db, people, items, now):
    job_id = items["job"][0]
    hide(db, people, "job", job_id, now)

    assert job_id not in [j["id"] for j in jobs.list_open(db)]
    assert jobs.list_open(db, search="sofa") == []
    for who in ("stranger", "verified_worker"):
        seen = jobs.get(db, job_id, people[who])
        assert (seen["withheld"], seen["title"], seen["description"]) == (True, "", "")
    assert jobs.get(db, job_id, None)["withheld"]
    for who in ("organizer", "poster"):  # the organizer, and its poster (who can still cancel it)
        seen = jobs.get(db, job_id, people[who])
        assert (seen["withheld"], seen["title"], bool(seen["hidden_at"])) == (False, "Carry a sofa upstairs", True)


def test_a_hidden_review_loses_its_words_and_stars_for_others_and_leaves_the_rating(db, people, items, now):
    worker_id = people["verified_worker"]["id"]
    later = now + timedelta(days=15)  # the poster's rating shows (double-blind: the worker never rated)
    assert reviews.summary(db, worker_id, now=later) == {"average": 1.0, "count": 1}

    hide(db, people, "review", items["review"][0], now, reporter="verified_worker")

    for who in ("stranger", "verified_worker", "poster", None):
        [shown] = reviews.received(db, worker_id, people[who] if who else None, now=later)
        assert (shown["hidden"], shown["comment"], shown["stars"]) == (True, None, None)
    [organizers] = reviews.received(db, worker_id, people["organizer"], now=later)
    assert (organizers["hidden"], organizers["comment"]) == (True, "Rude and late")
    assert reviews.summary(db, worker_id, now=later) == {"average": None, "count": 0}
    assert workers.public_profile(db, worker_id, now=later)["rating_count"] == 0


def test_a_hidden_message_loses_its_words_in_the_conversation(db, people, items, now):
    hide(db, people, "message", items["message"][0], now, reporter="poster")
    job = jobs.get(db, items["assigned"][0], None)

    for who in ("poster", "verified_worker"):
        [thread] = messages.threads(db, job, people[who])
        line = next(m for m in messages.read(db, people[who], thread["id"]) if m["id"] == items["message"][0])
        assert (line["hidden"], line["body"], thread["last_body"]) == (True, None, None)


def test_a_hidden_question_loses_its_words_for_everyone_but_organizers(db, people, items, now):
    hide(db, people, "question", items["question"][0], now)
    job = jobs.get(db, items["job"][0], None)

    for who in (None, "stranger", "poster", "second_worker"):
        [shown] = questions.for_job(db, job, people[who] if who else None)
        assert (shown["hidden"], shown["body"]) == (True, None)
    assert questions.for_job(db, job, people["organizer"])[0]["body"] == "Is it real?"


def test_reports_then_hide_then_block_ends_sessions_cancels_refunds_and_releases(db, people, job_in, post_job, now):
    """The chain of #16: a worker who is also a poster is reported, their message hidden, then blocked."""
    bad = people["verified_worker"]
    ledger.top_up(db, people["organizer"], bad["id"], "500", key="bad", now=now)
    wallet_before = ledger.wallet(db, bad["id"])
    own_open = post_job(actor=bad)  # an open job of theirs: its hold goes back
    own_taken = post_job(actor=bad)
    act_as_sent(db, own_taken, "claim", people["second_worker"], now)  # assigned to someone else: cancelled too
    held = job_in("assigned")  # a job they hold as the worker
    started = job_in("in_progress")  # ... and one they began
    booked = post_job(mode="booking")  # someone else's booking job they applied to
    applied = booking.apply(db, bad, booked, quote_yuan="90", now=now)
    messages.send(db, bad, held, bad["id"], "Send a deposit to my account", None, key="m", now=now)
    message = db.execute("SELECT MAX(id) FROM messages WHERE author_id = ?", [bad["id"]]).fetchone()[0]
    issued_before = (now - timedelta(hours=1)).timestamp()
    assert users.session_user(db, "verified_worker", issued_before)

    reports.report(db, people["poster"], "message", message, reason="scam", now=now)
    reports.report(db, people["stranger"], "user", bad["id"], reason="scam", now=now)
    reports.handle(db, people["organizer"], "message", message, "hide", now=now)
    reports.handle(db, people["organizer"], "user", bad["id"], "block", now=now + timedelta(minutes=1))

    assert users.session_user(db, "verified_worker", issued_before) is None  # their re-login cookie too
    assert users.session_user(db, "verified_worker", (now + timedelta(minutes=2)).timestamp()) is None
    with pytest.raises(NotAllowed):
        jobs.act(db, post_job(), "claim", bad, now=now)
    status = {job_id: jobs.get(db, job_id, None) for job_id in (own_open, own_taken, held, started)}
    assert {job_id: (job["status"], job["worker_id"]) for job_id, job in status.items()} == {
        own_open: ("cancelled", None),
        own_taken: ("cancelled", people["second_worker"]["id"]),
        held: ("open", None),
        started: ("open", None),
    }
    assert ledger.wallet(db, bad["id"]) == wallet_before  # every hold back
    assert ledger.balance_of(db, "escrow", job_id=own_open) == ledger.balance_of(db, "escrow", job_id=own_taken) == 0
    assert ledger.check_books(db) == []
    told_poster = "SELECT job_id FROM notifications WHERE kind = 'job.release' AND user_id = ?"
    assert {row["job_id"] for row in db.query(told_poster, [people["poster"]["id"]])} == {held, started}
    assert [r["status"] for r in db.query("SELECT status FROM reports ORDER BY id")] == ["hide", "block"]
    assert db["applications"].get(applied)["status"] == "withdrawn"  # waits on no one any more


def test_a_failed_block_changes_nothing(db, people, post_job, now):
    bad = people["verified_worker"]
    ledger.top_up(db, people["organizer"], bad["id"], "500", key="bad", now=now)
    own_open = post_job(actor=bad)

    with pytest.raises(NotAllowed):
        users.set_blocked(db, people["poster"], bad["id"], True, now)

    assert jobs.get(db, own_open, None)["status"] == "open"
    assert users.get(db, bad["id"])["blocked_at"] is None

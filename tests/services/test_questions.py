"""Public questions on open jobs (services.questions): a verified helper asks, the poster answers,
everyone reads both; nothing private of the job or the asker comes with them."""

import pytest

from services import fraud, questions, users
from services.errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from tests.services.conftest import PATHS, act_as_sent


def notices(db, kind: str) -> list[tuple[int, int | None]]:
    """(user, job) of every notification of `kind`."""
    return [(r["user_id"], r["job_id"]) for r in db.query("SELECT * FROM notifications WHERE kind = ?", [kind])]


def count(db, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_verified_helper_asks_and_the_poster_is_told_once(db, open_job, poster, verified_worker, now):
    question_id = questions.ask(db, verified_worker, open_job["id"], "  Is there a lift?\n", key="k", now=now)

    [question] = questions.for_job(db, open_job, poster)
    assert (question["id"], question["body"], question["answer"]) == (question_id, "Is there a lift?", None)
    assert question["author_name"] == verified_worker["display_name"]
    assert notices(db, "message.question") == [(poster["id"], open_job["id"])]
    assert db["questions"].get(question_id)["flagged"] == 0  # services.fraud decides, not this module


def test_a_double_click_asks_once_and_tells_once(db, open_job, verified_worker, now):
    first = questions.ask(db, verified_worker, open_job["id"], "Is there a lift?", key="same", now=now)
    second = questions.ask(db, verified_worker, open_job["id"], "Is there a lift?", key="same", now=now)

    assert first == second
    assert count(db, "questions") == 1
    assert len(notices(db, "message.question")) == 1


def test_another_helpers_filling_in_with_the_same_key_is_their_own_question(
    db, open_job, verified_worker, second_worker, now
):
    first = questions.ask(db, verified_worker, open_job["id"], "Is there a lift?", key="same", now=now)
    second = questions.ask(db, second_worker, open_job["id"], "Is there parking?", key="same", now=now)

    assert first != second
    assert [q["body"] for q in questions.for_job(db, open_job, None)] == ["Is there a lift?", "Is there parking?"]


@pytest.mark.parametrize("who", ["poster", "unverified_worker", "stranger", "organizer"])
def test_only_a_verified_helper_who_is_not_the_poster_asks(db, open_job, people, now, who):
    with pytest.raises(NotAllowed):
        questions.ask(db, people[who], open_job["id"], "Is there a lift?", key="k", now=now)
    assert count(db, "questions") == count(db, "notifications WHERE kind = 'message.question'") == 0


def test_a_signed_out_visitor_cannot_ask(db, open_job, now):
    with pytest.raises(NotAllowed):
        questions.ask(db, None, open_job["id"], "Is there a lift?", key="k", now=now)
    assert count(db, "questions") == 0


@pytest.mark.parametrize("path", ["assigned", "in_progress", "completed", "cancelled", "expired"])
def test_questions_are_asked_on_open_jobs_only(db, job_in, verified_worker, second_worker, now, path):
    job_id = job_in(path)
    with pytest.raises(InvalidTransition):
        questions.ask(db, second_worker, job_id, "Is there a lift?", key="k", now=now)
    assert count(db, "questions") == 0


@pytest.mark.parametrize(
    "body, key",
    [("", "error.required"), ("   \n ", "error.required"), ("x" * (questions.MAX_QUESTION + 1), "error.too_long")],
)
def test_a_question_must_say_something_short(db, open_job, verified_worker, now, body, key):
    with pytest.raises(ValidationError) as refused:
        questions.ask(db, verified_worker, open_job["id"], body, key="k", now=now)
    assert (refused.value.field, refused.value.key) == ("question", key)
    assert count(db, "questions") == 0


def test_a_question_is_stored_exactly_as_typed_up_to_its_limit(db, open_job, verified_worker, now):
    body = "是否需要自带工具？<b>x</b> $1 " + "x" * (questions.MAX_QUESTION - 30)
    questions.ask(db, verified_worker, open_job["id"], body, key="k", now=now)
    assert questions.for_job(db, open_job, None)[0]["body"] == body


@pytest.fixture
def asked(db, open_job, verified_worker, now):
    return questions.ask(db, verified_worker, open_job["id"], "Is there a lift?", key="k", now=now)


def test_the_poster_answers_and_the_asker_is_told_once(db, open_job, asked, poster, verified_worker, now):
    questions.answer(db, poster, asked, "No lift, third floor.", now=now)
    questions.answer(db, poster, asked, "No lift, third floor.", now=now)  # a double click

    [question] = questions.for_job(db, open_job, None)
    assert question["answer"] == "No lift, third floor."
    assert notices(db, "message.answer") == [(verified_worker["id"], open_job["id"])]


def test_the_poster_may_change_their_answer_while_the_job_is_open(db, open_job, asked, poster, now):
    questions.answer(db, poster, asked, "No lift.", now=now)
    questions.answer(db, poster, asked, "No lift, but a wide staircase.", now=now)

    assert questions.for_job(db, open_job, None)[0]["answer"] == "No lift, but a wide staircase."
    assert len(notices(db, "message.answer")) == 1  # told of the answer, not of every edit


@pytest.mark.parametrize("who", ["verified_worker", "second_worker", "stranger", "organizer"])
def test_only_the_poster_answers(db, open_job, asked, people, now, who):
    with pytest.raises(NotAllowed):
        questions.answer(db, people[who], asked, "Yes there is", now=now)
    assert questions.for_job(db, open_job, None)[0]["answer"] is None
    assert notices(db, "message.answer") == []


def test_once_the_job_is_taken_answers_are_closed_but_the_same_answer_again_is_no_error(
    db, open_job, asked, poster, second_worker, now
):
    questions.answer(db, poster, asked, "No lift.", now=now)
    act_as_sent(db, open_job["id"], "claim", second_worker, now)

    questions.answer(db, poster, asked, "No lift.", now=now)  # a late second click: already so
    with pytest.raises(InvalidTransition):
        questions.answer(db, poster, asked, "Actually there is one.", now=now)
    assert questions.for_job(db, open_job, None)[0]["answer"] == "No lift."


def test_an_answer_must_say_something(db, asked, poster, now):
    with pytest.raises(ValidationError) as refused:
        questions.answer(db, poster, asked, " ", now=now)
    assert refused.value.field == "answer"


def test_answering_no_such_question_is_not_found(db, poster, now):
    with pytest.raises(NotFound):
        questions.answer(db, poster, 999, "Yes", now=now)


@pytest.mark.parametrize("who", [None, "stranger", "second_worker", "organizer", "poster"])
def test_everyone_reads_the_questions_and_answers_on_any_job(db, job_in, asked, people, poster, now, who):
    questions.answer(db, poster, asked, "No lift.", now=now)
    job = db["jobs"].get(db["questions"].get(asked)["job_id"])
    for action, actor in PATHS["completed"]:
        act_as_sent(db, job["id"], action, people[actor], now)

    [question] = questions.for_job(db, db["jobs"].get(job["id"]), people[who] if who else None)
    assert (question["body"], question["answer"]) == ("Is there a lift?", "No lift.")


def test_a_question_carries_nothing_private_of_the_job_or_the_asker(db, open_job, asked, verified_worker):
    """The asker's display name, the words and the times: no phone, e-mail, username, place or note."""
    [question] = questions.for_job(db, open_job, None)
    columns = {
        "id",
        "job_id",
        "author_id",
        "author_name",
        "body",
        "answer",
        "answered_at",
        "flagged",
        "created_at",
        "hidden_at",
        "hidden",
    }
    assert set(question) == columns
    everything = " ".join(str(value) for value in question.values())
    worker = users.get(db, verified_worker["id"])
    job = db["jobs"].get(open_job["id"])
    for private in (worker["phone"], worker["email"], job["address_note"], str(job["lat"]), str(job["lon"])):
        assert private not in everything


def test_another_jobs_questions_are_not_listed(db, open_job, asked, post_job, poster):
    other = db["jobs"].get(post_job(title="Walk a dog"))
    assert questions.for_job(db, other, poster) == []


def test_a_question_asking_for_money_off_the_board_is_flagged_never_refused(
    db, open_job, verified_worker, organizer, now
):
    question = questions.ask(db, verified_worker, open_job["id"], "先交200押金，加微信细聊", key="f", now=now)
    [shown] = questions.for_job(db, open_job, None)
    assert (shown["id"], shown["flagged"]) == (question, 1)
    assert [(row["kind"], row["id"]) for row in fraud.attention(db, organizer)] == [("question", question)]

"""Questions, shared phones and the organizers' contact line on the job page (AppTest): questions and
answers for everyone, signed-out visitors too, and no exact place beside them; the ask box only for a
verified helper on an open job; a shared phone only for the other side; the contact line on every job
page and under an error that sends people to the organizer."""

import pytest

from services import community, contact, questions, users
from services.clock import utcnow
from tests.pages.conftest import (
    CENTER,
    JOB_PAGE,
    METRES_PER_DEGREE,
    button,
    form_field,
    on_page,
    shown_texts,
    text,
    unescape_markdown,
)
from tests.pages.test_pages import ORGANIZER_CASH, fill_post_form
from tests.services.test_contact import phone_seen
from tests.support import set_phone
from ui.feedback import ASK_THE_ORGANIZER
from ui.i18n import catalog

WORKER_PHONE = "+86 137 2468 1357"
LINE = "Office in building 3, 9:00-17:00"


def texts(at) -> str:
    """Everything the page shows, as one text a reader could search (Markdown escapes undone)."""
    return "\n".join(unescape_markdown(shown) for shown in shown_texts(at))


def keys(at) -> set[str]:
    return {w.key for w in [*at.button, *at.text_area, *at.toggle] if w.key}


@pytest.fixture
def asked(db, person, job_ids):
    """A question the helper asked on the open job, answered by the poster."""
    question = questions.ask(db, person("worker"), job_ids["open"], "Is there a lift?", key="q", now=utcnow())
    questions.answer(db, person("poster"), question, "No lift, third floor.", now=utcnow())
    return question


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_signed_out_visitor_reads_the_questions_and_answers(open_page, job_ids, asked, lang):
    at = open_page(JOB_PAGE, lang=lang, id=job_ids["open"])

    assert not at.exception
    shown = texts(at)
    assert text(lang, "questions.title") in shown
    assert "Is there a lift?" in shown and "No lift, third floor." in shown
    assert not any(key.startswith("questions_") for key in keys(at))  # no box to ask or answer


@pytest.mark.parametrize("who", [None, "pending_worker", "worker"])  # the helper has no part in the open job
def test_a_question_list_for_an_outsider_shows_no_exact_place(open_page, person, job_ids, asked, who):
    at = open_page(JOB_PAGE, lang="en", user=person(who) if who else None, id=job_ids["open"])

    shown = texts(at)
    assert "Is there a lift?" in shown
    exact_lat = CENTER[0] + 500 / METRES_PER_DEGREE  # where conftest.job_fields puts every job
    assert "Building 7" not in shown
    assert f"{exact_lat:.4f}" not in shown and f"{CENTER[1]:.4f}" not in shown


@pytest.mark.parametrize(
    "who, job, offered",
    [
        ("worker", "open", True),
        ("pending_worker", "open", False),  # not verified yet
        ("poster", "open", False),  # their own job
        ("organizer", "open", False),  # takes no jobs
        (None, "open", False),
        ("worker", "assigned", False),  # taken: no more questions
    ],
)
def test_the_ask_box_is_only_for_a_verified_helper_on_an_open_job(open_page, person, job_ids, who, job, offered):
    at = open_page(JOB_PAGE, lang="en", user=person(who) if who else None, id=job_ids[job])

    assert not at.exception
    assert any(key.startswith(f"questions_ask_{job_ids[job]}_send_") for key in keys(at)) == offered


def test_a_helper_asks_on_the_page_and_the_poster_answers_there(open_page, person, db, job_ids):
    job_id = job_ids["open"]
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("worker"), id=job_id)
    at.text_area(key=form_field(at, f"questions_ask_{job_id}", "body")).set_value("需要自带梯子吗？")
    button(at, text("zh_CN", "questions.ask")).click().run()

    assert not at.exception
    assert [q["body"] for q in questions.for_job(db, db["jobs"].get(job_id), None)] == ["需要自带梯子吗？"]
    assert [s.value for s in at.success] == [text("zh_CN", "questions.asked")]

    poster = open_page(JOB_PAGE, lang="zh_CN", user=person("poster"), id=job_id)
    [question] = questions.for_job(db, db["jobs"].get(job_id), None)
    poster.text_area(key=f"questions_answer_body_{question['id']}").set_value("不用，家里有。")
    button(poster, text("zh_CN", "questions.send_answer")).click().run()

    assert not poster.exception
    assert questions.for_job(db, db["jobs"].get(job_id), None)[0]["answer"] == "不用，家里有。"
    assert text("zh_CN", "questions.edit_answer") in texts(poster)  # answered: the box now changes it


def test_an_empty_question_is_refused_under_its_box(open_page, person, db, job_ids):
    job_id = job_ids["open"]
    at = open_page(JOB_PAGE, lang="en", user=person("worker"), id=job_id)
    button(at, text("en", "questions.ask")).click().run()

    assert [e.value for e in at.error] == [text("en", "error.required")]
    assert questions.for_job(db, db["jobs"].get(job_id), None) == []


@pytest.fixture
def worker_shared(db, person, job_ids):
    """The helper of the assigned job shares a phone of their own."""
    set_phone(db, person("worker"), WORKER_PHONE)
    contact.share(db, person("worker"), job_ids["assigned"], True, utcnow())


@pytest.mark.parametrize(
    "who, sees", [("poster", True), ("worker", False), ("pending_worker", False), ("organizer", False), (None, False)]
)
def test_a_shared_phone_shows_only_to_the_other_side(open_page, person, job_ids, worker_shared, who, sees):
    at = open_page(JOB_PAGE, lang="en", user=person(who) if who else None, id=job_ids["assigned"])

    assert not at.exception
    assert (WORKER_PHONE in texts(at)) == sees


def test_the_switch_shares_the_phone_and_tells_the_other_side(open_page, person, db, job_ids):
    job_id = job_ids["assigned"]
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)
    switch = at.toggle(key=f"contact_share_{job_id}_{person('worker')['id']}")
    assert switch.value is False
    switch.set_value(True).run()

    assert not at.exception
    assert phone_seen(db, db["jobs"].get(job_id), person("worker")) == person("poster")["phone"]
    told = db.execute("SELECT user_id FROM notifications WHERE kind = 'job.contact_shared'").fetchall()
    assert told == [(person("worker")["id"],)]
    assert at.toggle(key=f"contact_share_{job_id}_{person('worker')['id']}").value is True


def test_without_a_phone_the_switch_points_to_the_account_page(open_page, person, db, job_ids):
    set_phone(db, person("worker"), "")
    at = open_page(JOB_PAGE, lang="en", user=person("worker"), id=job_ids["assigned"])

    assert not on_page(at.toggle)
    assert text("en", "contact.no_phone") in texts(at)
    assert text("en", "contact.add_phone") in texts(at)


@pytest.mark.parametrize("who", [None, "worker", "poster"])
def test_the_organizers_contact_line_is_on_every_job_page(open_page, person, db, job_ids, who):
    community.set_organizer_contact(db, person("organizer"), LINE)
    for job in ("open", "assigned", "completed"):
        at = open_page(JOB_PAGE, lang="en", user=person(who) if who else None, id=job_ids[job])
        assert text("en", "contact.organizer", line=LINE) in texts(at)


def test_no_contact_line_is_shown_before_the_organizer_writes_one(open_page, job_ids):
    at = open_page(JOB_PAGE, lang="en", id=job_ids["open"])
    assert "Questions or trouble?" not in texts(at)


def test_the_organizer_sets_the_contact_line_on_the_cashier_page(open_page, person, db):
    at = open_page(ORGANIZER_CASH, lang="zh_CN", user=person("organizer"))
    at.text_input(key="organizer_cash_contact_line").set_value(LINE)
    at.button(key="organizer_cash_contact_save").click().run()

    assert not at.exception
    assert community.organizer_contact(db) == LINE


def test_an_error_that_sends_people_to_the_organizer_ends_with_the_contact_line(open_page, person, db):
    community.set_organizer_contact(db, person("organizer"), LINE)
    at = open_page("app_pages/post_job.py", lang="zh_CN", user=person("pending_worker"))  # an empty wallet
    fill_post_form(at)
    button(at, text("zh_CN", "post.submit")).click().run()

    [error] = at.error
    assert error.value.startswith(text("zh_CN", "error.insufficient_funds", missing_fen="¥80.00"))
    assert text("zh_CN", "contact.organizer", line=LINE) in texts(at)


def test_a_person_changes_their_phone_on_the_account_page(open_page, person, db):
    at = open_page("app_pages/account.py", lang="en", user=person("worker"))
    at.text_input(key="account_phone").set_value("021-6666-7777")
    at.button(key="account_details_save").click().run()
    assert users.get(db, person("worker")["id"])["phone"] == "021-6666-7777"

    at.text_input(key="account_phone").set_value("call me")
    at.button(key="account_details_save").click().run()
    assert [e.value for e in at.error] == [text("en", "error.phone")]
    assert users.get(db, person("worker")["id"])["phone"] == "021-6666-7777"


# Errors that speak of organizers to an organizer (about the board's organizers), sending no one anywhere.
ABOUT_ORGANIZERS = {"error.last_organizer"}


def test_every_error_that_sends_people_to_the_organizer_is_followed_by_the_contact_line():
    """ui.feedback's list is the catalog's: each error message that mentions the organizer."""
    mentioning = {key for key, words in catalog("en").items() if key.startswith("error.") and "organizer" in words}
    assert mentioning - ABOUT_ORGANIZERS == ASK_THE_ORGANIZER

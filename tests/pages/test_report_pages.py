"""Reports on the pages (#16 item 1), as people use them (AppTest, the real app on a real SQLite file):
the 🚩 form beside a job sends one report per person (a second changes the reason), a reason is
needed; the organizer's reports page shows the item in its context and each answer asks once first:
nothing changes before "Confirm"."""

import pytest

from services import jobs, reports
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, job_fields, shown_texts, text
from tests.pages.test_pages import errors

ORGANIZER_REPORTS = "app_pages/organizer_reports.py"


def rows(db) -> list[tuple]:
    return [tuple(row) for row in db.execute("SELECT reporter_id, kind, item_id, reason, detail, status FROM reports")]


def send_report(at, job_id: int, reason: str | None, detail: str = "") -> None:
    if reason:
        at.radio(key=f"report_reason_job_{job_id}").set_value(reason)
    at.text_area(key=f"report_detail_job_{job_id}").input(detail)
    at.button(key=f"report_send_job_{job_id}").click().run()


def test_a_neighbour_reports_a_job_once_and_a_second_report_changes_the_reason(open_page, person, db):
    # zh_CN: AppTest matches a radio's value through the format function, which runs in the default language
    lang = "zh_CN"
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow()))
    worker = person("worker")
    at = open_page(JOB_PAGE, lang=lang, user=worker, id=job_id)
    assert text(lang, "report.send") in [b.label for b in at.button if b.key == f"report_send_job_{job_id}"]

    send_report(at, job_id, "scam", "Wants a deposit first")
    assert not at.exception and not errors(at)
    assert rows(db) == [(worker["id"], "job", job_id, "scam", "Wants a deposit first", "open")]
    assert text(lang, "report.sent") in [toast.value for toast in at.toast] + shown_texts(at)

    send_report(at, job_id, "unsafe")
    assert rows(db) == [(worker["id"], "job", job_id, "unsafe", "", "open")]


def test_a_report_needs_a_reason(open_page, person, db):
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow()))
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("worker"), id=job_id)

    send_report(at, job_id, None, "Something feels off")

    assert rows(db) == []
    assert text("zh_CN", "error.report_reason") in shown_texts(at)


def test_the_poster_has_no_report_button_on_their_own_job(open_page, person, db):
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow()))
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    assert not [b for b in at.button if b.key == f"report_send_job_{job_id}"]


@pytest.fixture
def reported(db, person):
    """A job of the poster's, reported by the worker for a scam: its id."""
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow()))
    reports.report(db, person("worker"), "job", job_id, reason="scam", detail="Deposit first", now=utcnow())
    return job_id


def test_the_queue_shows_the_item_in_its_context_who_reported_it_and_why(open_page, person, db, reported):
    at = open_page(ORGANIZER_REPORTS, lang="en", user=person("organizer"))

    shown = shown_texts(at)
    assert not at.exception
    assert any("Carry a sofa upstairs" in words for words in shown)
    assert any("Worker Li" in words and text("en", "report.reason_scam") in words for words in shown)
    assert any("Deposit first" in words for words in shown)
    assert text("en", "reports.count", count=1) in " ".join(shown)


@pytest.mark.parametrize("action", reports.ACTIONS)
def test_each_answer_asks_first_and_only_confirm_does_it(open_page, person, db, reported, action):
    at = open_page(ORGANIZER_REPORTS, lang="zh_CN", user=person("organizer"))
    name = f"organizer_reports_{action}_job_{reported}"
    at.text_input(key=f"organizer_reports_note_job_{reported}").input("请不要先收定金")
    before = rows(db), jobs.get(db, reported, person("organizer"))

    at.button(key=f"{name}_ask").click().run()
    assert not at.exception and not errors(at)
    assert (rows(db), jobs.get(db, reported, person("organizer"))) == before, "the first tap changed something"
    assert text("zh_CN", f"reports.confirm_{action}", name="Poster Wang") in shown_texts(at)
    at.button(key=f"{name}_yes").click().run()

    assert not at.exception and not errors(at)
    assert [row[-1] for row in rows(db)] == [action]
    poster = db.execute("SELECT blocked_at FROM users WHERE username = 'poster'").fetchone()[0]
    job = jobs.get(db, reported, person("organizer"))
    assert (bool(job["hidden_at"]), bool(poster), job["status"]) == {
        "dismiss": (False, False, "open"),
        "hide": (True, False, "open"),
        "warn": (False, False, "open"),
        "block": (False, True, "cancelled"),
    }[action]
    warned = db.execute("SELECT params FROM notifications WHERE kind = 'account.warned'").fetchall()
    assert [row[0] for row in warned] == (['{"note": "请不要先收定金"}'] if action == "warn" else [])
    assert text("zh_CN", "reports.none") in shown_texts(at)


def test_a_warning_without_words_is_refused_before_it_asks(open_page, person, db, reported):
    at = open_page(ORGANIZER_REPORTS, lang="en", user=person("organizer"))

    at.button(key=f"organizer_reports_warn_job_{reported}_ask").click().run()

    assert not [b for b in at.button if b.key == f"organizer_reports_warn_job_{reported}_yes"]
    assert text("en", "error.required") in shown_texts(at)
    assert [row[-1] for row in rows(db)] == ["open"]

"""Notifications through the real app (AppTest, issue #14): the inbox says what happened in the
reader's language and opens the place to act, reading marks read, the badge counts what is unread on
every page, "what needs you now" leads to the job, and the helper's switch turns nearby alerts off."""

import pytest

from services import alerts, notifications
from tests.pages.conftest import JOB_PAGE, button, text, unescape_markdown
from tests.pages.test_pages import errors

INBOX = "app_pages/inbox.py"
MY_JOBS = "app_pages/my_jobs.py"
WORKER = "app_pages/worker.py"


def about(db, person: dict, job_id: int) -> list[dict]:
    return [row for row in notifications.inbox(db, person) if row["job_id"] == job_id]


def page_links(at) -> list[str]:
    return [unescape_markdown(link.label) for link in at.main.get("page_link")]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_inbox_says_what_happened_in_the_readers_language(open_page, person, job_ids, lang):
    poster, worker = person("poster"), person("worker")
    at = open_page(INBOX, lang=lang, user=poster)
    assert not at.exception
    shown = [unescape_markdown(m.value) for m in at.markdown]
    claimed = text(lang, "notice.job.claim", name=worker["display_name"], title="Pick up a parcel")
    finished = text(lang, "notice.job.finish", name=worker["display_name"], title="Move boxes")
    assert any(claimed in line for line in shown), shown
    assert any(finished in line for line in shown), shown


def test_opening_a_notification_marks_it_read_and_opens_its_job(open_page, person, job_ids, db):
    poster = person("poster")
    [claim] = [row for row in about(db, poster, job_ids["assigned"]) if row["kind"] == "job.claim"]
    at = open_page(INBOX, lang="en", user=poster)
    at.button(key=f"notices_open_{claim['id']}").click().run()
    assert not at.exception
    [row] = [r for r in about(db, poster, job_ids["assigned"]) if r["id"] == claim["id"]]
    assert row["read_at"] is not None
    assert [unescape_markdown(title.value) for title in at.title] == ["Pick up a parcel"]  # the job's page


def test_opening_a_job_reads_what_its_reader_was_told_about_it(open_page, person, job_ids, db):
    poster = person("poster")
    assert any(row["read_at"] is None for row in about(db, poster, job_ids["done"]))
    open_page(JOB_PAGE, lang="en", user=poster, id=job_ids["done"])
    assert all(row["read_at"] is not None for row in about(db, poster, job_ids["done"]))
    assert any(row["read_at"] is None for row in about(db, poster, job_ids["assigned"]))  # other jobs: untouched


def test_every_page_shows_the_unread_count_and_marking_all_read_clears_it(open_page, person, db):
    poster = person("poster")
    unread = notifications.unread_count(db, poster["id"])
    assert unread > 0
    at = open_page(MY_JOBS, lang="en", user=poster)
    assert page_links(at)[0] == text("en", "inbox.badge", count=unread)

    at = open_page(INBOX, lang="en", user=poster)
    button(at, text("en", "inbox.mark_all")).click().run()
    assert not at.exception and not errors(at)
    assert notifications.unread_count(db, poster["id"]) == 0
    assert page_links(at)[0] == text("en", "nav.inbox")


def test_an_empty_inbox_says_what_will_come_there(open_page, person):
    at = open_page(INBOX, lang="en", user=person("pending_worker"))
    assert [i.value for i in at.info] == [text("en", "inbox.empty")]


def test_what_needs_the_poster_leads_to_the_job(open_page, person, job_ids):
    """The poster's finished job waits for their confirmation: My jobs says so first, linked to it."""
    at = open_page(MY_JOBS, lang="en", user=person("poster"))
    needs = [link for link in at.main.get("page_link") if link.proto.icon == "👉"]
    assert [unescape_markdown(link.label) for link in needs] == [text("en", "needs.confirm", count=1)]
    assert needs[0].proto.query_string == f"id={job_ids['done']}"


def test_nothing_waits_on_someone_with_no_part_in_anything(open_page, person):
    at = open_page(MY_JOBS, lang="en", user=person("pending_worker"))
    assert not [link for link in at.main.get("page_link") if link.proto.icon == "👉"]


def test_the_helper_turns_nearby_alerts_off_with_one_tap(open_page, person, db):
    worker = person("worker")
    at = open_page(WORKER, lang="en", user=worker)
    assert at.toggle(key="worker_alerts").value is True
    at.toggle(key="worker_alerts").set_value(False).run()
    assert not at.exception
    assert not alerts.alerts_on(db, worker["id"])


def test_a_signed_out_visitor_has_no_inbox_and_no_badge(open_page):
    at = open_page("app_pages/browse.py", lang="en")
    assert text("en", "nav.inbox") not in page_links(at)
    assert not [label for label in page_links(at) if label.startswith("Notifications")]
    assert not at.exception

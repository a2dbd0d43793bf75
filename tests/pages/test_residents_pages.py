"""For the residents who will use it (issue #15), through the real app (AppTest): My jobs opens on the
tab where something waits for the person, and a job page tells a resident who may not take it why there
is no button and what to do."""

import pytest

from services import booking, jobs, users
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, PASSWORD, job_fields, shown_texts, text

MY_JOBS = "app_pages/my_jobs.py"


def opened_tab(at) -> str:
    """The label of the tab My jobs opens on (st.tabs' default, as the page sent it)."""
    labels = [tab.label for tab in at.tabs]
    return labels[_tab_container(at._tree).default_tab_index]


def _tab_container(node):
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "WhichOneof") and _kind(proto) == "tab_container":
        return proto.tab_container
    for child in getattr(node, "children", {}).values():
        found = _tab_container(child)
        if found is not None:
            return found
    return None


def _kind(proto) -> str | None:
    try:
        return proto.WhichOneof("type")
    except ValueError:  # a proto with no 'type' choice
        return None


def test_a_helper_who_posted_nothing_opens_on_the_jobs_they_work_on(open_page, person):
    at = open_page(MY_JOBS, lang="en", user=person("worker"))
    assert opened_tab(at).startswith(text("en", "my_jobs.working"))


def test_a_poster_with_a_job_to_confirm_opens_on_what_they_posted(open_page, person):
    at = open_page(MY_JOBS, lang="en", user=person("poster"))
    assert opened_tab(at).startswith(text("en", "my_jobs.posted"))


def test_an_invitation_waiting_opens_on_the_applications(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    job_id = jobs.post(db, poster, **job_fields(utcnow(), mode="booking", title="Paint a fence"))
    booking.invite(db, poster, job_id, worker["id"], now=utcnow())
    at = open_page(MY_JOBS, lang="en", user=worker)
    assert opened_tab(at) == text("en", "my_jobs.applications")


@pytest.mark.parametrize(
    ("who", "says", "links_to_helping"),
    [("pending_worker", "job.helper_pending", False), ("organizer", "job.become_helper", True)],
)
def test_a_resident_who_may_not_claim_is_told_why_and_what_to_do(
    open_page, person, job_ids, who, says, links_to_helping
):
    at = open_page(JOB_PAGE, lang="en", user=person(who), id=job_ids["open"])
    assert not at.exception
    assert text("en", says) in [i.value for i in at.info]
    links = [link.label for link in at.main.get("page_link")]
    assert (text("en", "job.become_helper_link") in links) is links_to_helping


def test_a_verified_helper_sees_the_claim_button_and_no_explanation(open_page, person, job_ids):
    at = open_page(JOB_PAGE, lang="en", user=person("worker"), id=job_ids["open"])
    assert f"job_claim_{job_ids['open']}_ask" in [b.key for b in at.button]  # a paid job: asked once first (ui.confirm)
    shown = shown_texts(at)
    assert text("en", "job.become_helper") not in shown and text("en", "job.helper_pending") not in shown


ACCOUNT = "app_pages/account.py"


def fill_password_form(at, current: str, new: str, again: str):
    at.text_input(key="account_current_password").input(current)
    at.text_input(key="account_new_password").input(new)
    at.text_input(key="account_new_password_again").input(again)
    return at.button(key="account_password_save").click().run()


def test_changing_the_password_keeps_this_session_and_ends_the_others(open_page, person, db):
    poster = person("poster")
    at = open_page(ACCOUNT, lang="en", user=poster)
    at = fill_password_form(at, PASSWORD, "a new password 9", "a new password 9")
    assert not at.exception and not at.error
    assert users.authenticate(db, "poster", "a new password 9", client="198.51.100.9", now=utcnow())
    valid_after = db["users"].get(poster["id"])["sessions_valid_after"]
    assert at.session_state["issued_at"] > valid_after  # this session was issued anew
    assert users.session_user(db, "poster", valid_after - 1) is None  # one issued before: ended
    at.run()
    assert at.session_state["user_id"] == poster["id"]  # still signed in here


def test_a_wrong_current_password_is_explained_under_its_box(open_page, person, db):
    poster = person("poster")
    before = db["users"].get(poster["id"])["password_hash"]
    at = fill_password_form(
        open_page(ACCOUNT, lang="en", user=poster), "a guess 123", "a new password 9", "a new password 9"
    )
    assert [e.value for e in at.error] == [text("en", "error.current_password")]
    assert db["users"].get(poster["id"])["password_hash"] == before


def test_signing_in_greets_the_person_in_their_own_language(new_app, person, db):
    """The board speaks Chinese; an English reader signing in is welcomed in English (it was Chinese)."""
    users.set_language(db, person("worker")["id"], "en")
    at = new_app()
    at.switch_page("app_pages/login.py").run()
    at.text_input(key="login_username").input("worker")
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert [toast.value for toast in at.toast] == [text("en", "login.welcome")]

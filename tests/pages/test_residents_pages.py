"""For the residents who will use it (issue #15), through the real app (AppTest): My jobs opens on the
tab where something waits for the person, and a job page tells a resident who may not take it why there
is no button and what to do."""

import pytest

from services import booking, jobs, resets, users, workers
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


# --- account care (#15 items 1, 2) ---------------------------------------------------------------

LOGIN, ACCOUNT, PEOPLE_PAGE = "app_pages/login.py", "app_pages/account.py", "app_pages/organizer_users.py"
NEW_PASSWORD = "a brand new password"


def signed_in_id(at):
    return at.session_state["user_id"] if "user_id" in at.session_state else None


def test_the_organizer_makes_a_reset_code_that_is_shown_once(open_page, person, db):
    poster = person("poster")
    at = open_page(PEOPLE_PAGE, lang="en", user=person("organizer"))
    at.button(key=f"organizer_users_reset_code_{poster['id']}").click().run()

    assert not at.exception
    [shown] = at.code
    assert text("en", "organizer.reset_code_shown", name="Poster Wang") in shown_texts(at)
    users.reset_password(
        db,
        username="poster",
        code=shown.value,
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
        client="192.0.2.1",
        now=utcnow(),
    )  # the code shown is the one that works
    at.run()
    assert list(at.code) == []  # gone on the next run: shown once


def test_the_login_page_resets_a_forgotten_password_and_signs_in(open_page, person, db):
    poster = person("poster")
    code = resets.issue_code(db, person("organizer"), poster["id"], utcnow())
    at = open_page(LOGIN, lang="en")
    at.text_input(key="login_reset_username").input("Poster")
    at.text_input(key="login_reset_code").input(code)
    at.text_input(key="login_reset_password").input(NEW_PASSWORD)
    at.text_input(key="login_reset_password_again").input(NEW_PASSWORD)
    at.button(key="login_reset_submit").click().run()

    assert not at.exception and not at.error
    assert signed_in_id(at) == poster["id"]
    assert users.authenticate(db, "poster", NEW_PASSWORD, client="192.0.2.2", now=utcnow())["id"] == poster["id"]
    assert users.get(db, poster["id"])["sessions_valid_after"] > 0  # every earlier session ended


def test_a_wrong_reset_code_shows_the_one_generic_message(open_page, person, db):
    at = open_page(LOGIN, lang="en")
    at.text_input(key="login_reset_username").input("poster")
    at.text_input(key="login_reset_code").input("2222-3333-4444")
    at.text_input(key="login_reset_password").input(NEW_PASSWORD)
    at.text_input(key="login_reset_password_again").input(NEW_PASSWORD)
    at.button(key="login_reset_submit").click().run()

    assert [e.value for e in at.error] == [text("en", "error.reset_failed")]
    assert signed_in_id(at) is None
    assert users.authenticate(db, "poster", PASSWORD, client="192.0.2.3", now=utcnow())


def test_an_e_mailed_link_opens_the_reset_form_filled_in(open_page):
    at = open_page(LOGIN, lang="zh_CN", username="poster", reset="ABCDEFGHJKMNPQRSTUVWXYZ2")
    assert at.expander[0].proto.expanded
    assert at.text_input(key="login_reset_username").value == "poster"
    assert at.text_input(key="login_reset_code").value == "ABCDEFGHJKMNPQRSTUVWXYZ2"


def test_a_person_edits_their_details_on_the_account_page(open_page, person, db):
    worker = person("worker")
    at = open_page(ACCOUNT, lang="en", user=worker)
    at.text_input(key="account_display_name").set_value("Li, building 7")
    at.text_input(key="account_email_address").set_value("li@example.org")
    at.selectbox(key="account_language").set_value("zh_CN")
    at.button(key="account_details_save").click().run()

    assert not at.exception and not at.error
    stored = users.get(db, worker["id"])
    assert (stored["display_name"], stored["email"]) == ("Li, building 7", "li@example.org")
    assert stored["language"] == "zh_CN"
    assert at.title[0].value == text("zh_CN", "account.title")  # the page follows the new language


def test_a_bad_detail_is_shown_under_its_field_and_nothing_is_saved(open_page, person, db):
    worker = person("worker")
    at = open_page(ACCOUNT, lang="en", user=worker)
    at.text_input(key="account_display_name").set_value("Changed name")
    at.text_input(key="account_email_address").set_value("not an address")
    at.button(key="account_details_save").click().run()

    assert [e.value for e in at.error] == [text("en", "error.email")]
    assert users.get(db, worker["id"]) == worker


def test_i_take_jobs_too_at_registration_switches_taking_jobs_on(open_page, db):
    at = open_page("app_pages/register.py", lang="en")
    for key, value in {
        "register_username": "小李",
        "register_display_name": "Xiao Li",
        "register_password": PASSWORD,
        "register_password_again": PASSWORD,
    }.items():
        at.text_input(key=key).input(value)
    at.checkbox(key="register_wants_work").check()
    at.button(key="register_submit").click().run()

    assert not at.exception and not at.error
    created = users.by_username(db, "小李")
    assert workers.get_profile(db, created["id"])["taking_jobs"] == 1
    assert at.title[0].value == text("en", "worker.title")

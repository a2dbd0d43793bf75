"""The pages, run by Streamlit's AppTest from app.py against a real SQLite file.

Map components (st_folium) and the cookie manager render as unknown elements here; what a map click
does is covered by the services it calls.
"""

import re
import time

import pytest

from demo import samples
from services import community, jobs, ledger, notifications, reviews, settings, users, verification, workers
from services import db as database
from services.clock import utcnow
from services.transitions import request
from tests.pages.conftest import (
    CENTER,
    JOB_PAGE,
    LANGS,
    PAGE_TITLES,
    PASSWORD,
    PROFILE_PAGE,
    ROLE_USER,
    button,
    confirm,
    form_field,
    job_fields,
    raw_keys,
    shown_texts,
    text,
    unescape_markdown,
)
from tests.support import HOSTILE
from ui.safe import md

BROWSE, LOGIN, REGISTER = "app_pages/browse.py", "app_pages/login.py", "app_pages/register.py"
ORGANIZER_CONSOLE = "app_pages/organizer_console.py"
ORGANIZER_WORKERS = "app_pages/organizer_workers.py"
ORGANIZER_USERS = "app_pages/organizer_users.py"
ORGANIZER_CASH = "app_pages/organizer_cash.py"
ORGANIZER_DISPUTES = "app_pages/organizer_disputes.py"
ORGANIZER_MAIL = "app_pages/organizer_mail.py"
ORGANIZER_REPORTS = "app_pages/organizer_reports.py"
ORGANIZER_BACKUP = "app_pages/organizer_backup.py"
ORGANIZER_AUDIT = "app_pages/organizer_audit.py"
INBOX = "app_pages/inbox.py"
SIGNED_IN_MENU = [
    "app_pages/post_job.py",
    "app_pages/find_helpers.py",
    "app_pages/my_jobs.py",
    INBOX,
    "app_pages/wallet.py",
    "app_pages/worker.py",
    "app_pages/account.py",
]
MENUS = {  # role -> the pages of its sidebar menu, in order (job and profile pages are reached by links)
    "anonymous": [BROWSE, LOGIN, REGISTER],
    "resident": [BROWSE, *SIGNED_IN_MENU],
    "verified_worker": [BROWSE, *SIGNED_IN_MENU],
    "organizer": [
        BROWSE,
        *SIGNED_IN_MENU,
        ORGANIZER_CONSOLE,
        ORGANIZER_WORKERS,
        ORGANIZER_USERS,
        ORGANIZER_CASH,
        ORGANIZER_DISPUTES,
        ORGANIZER_MAIL,
        ORGANIZER_REPORTS,
        ORGANIZER_BACKUP,
        ORGANIZER_AUDIT,
    ],
}
NAV_KEYS = {
    BROWSE: "nav.browse",
    LOGIN: "nav.login",
    REGISTER: "nav.register",
    "app_pages/post_job.py": "nav.post",
    "app_pages/find_helpers.py": "nav.helpers",
    "app_pages/my_jobs.py": "nav.my_jobs",
    INBOX: "nav.inbox",
    "app_pages/wallet.py": "nav.wallet",
    "app_pages/worker.py": "nav.worker",
    "app_pages/account.py": "nav.account",
    ORGANIZER_CONSOLE: "nav.organizer_console",
    ORGANIZER_WORKERS: "nav.organizer_workers",
    ORGANIZER_USERS: "nav.organizer_users",
    ORGANIZER_CASH: "nav.organizer_cash",
    ORGANIZER_DISPUTES: "nav.organizer_disputes",
    ORGANIZER_MAIL: "nav.organizer_mail",
    ORGANIZER_REPORTS: "nav.organizer_reports",
    ORGANIZER_BACKUP: "nav.organizer_backup",
    ORGANIZER_AUDIT: "nav.organizer_audit",
}
UNESCAPED_TAG = re.compile(r"(?<!\\)<img")


def button_labels(at) -> list[str]:
    return [b.label for b in at.button]


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def title(at) -> str:
    assert at.title, "the page has no title"
    return at.title[0].value


def signed_in_id(at):
    return at.session_state["user_id"] if "user_id" in at.session_state else None


# --- first run ----------------------------------------------------------------------------------

SETUP_FIELDS = {
    "setup_name": "Sunny Court",
    "setup_username": "organizer",
    "setup_display_name": "Organizer Chen",
    "setup_password": PASSWORD,
    "setup_password_again": PASSWORD,
}


def fill_setup(at, *, centre=CENTER, **overrides) -> None:
    for key, value in {**SETUP_FIELDS, **overrides}.items():
        at.text_input(key=key).input(value)
    if centre:
        at.number_input(key="setup_centre_lat").set_value(centre[0])
        at.number_input(key="setup_centre_lon").set_value(centre[1])


@pytest.fixture
def fresh_app(app_env, new_app):
    """The app on a database file that does not exist yet, first run done."""
    at = new_app().run()
    assert not at.exception
    return at


@pytest.fixture
def fresh_db(fresh_app, app_env):
    """A connection to the file the fresh app created (opened after its first run)."""
    connection = database.connect(app_env)
    yield connection
    connection.conn.close()


def test_first_run_shows_the_setup_page(fresh_app):
    assert title(fresh_app) == text("zh_CN", "setup.title")
    assert fresh_app.text_input(key="setup_name").value == ""
    assert button_labels(fresh_app) == [text("zh_CN", "setup.submit")]


def test_setup_form_creates_the_community_and_signs_the_organizer_in(fresh_app, fresh_db):
    at = fresh_app
    fill_setup(at)
    button(at, text("zh_CN", "setup.submit")).click().run()

    assert not at.exception and not errors(at)
    place = community.get(fresh_db)
    assert (place["name"], place["lat"], place["lon"]) == ("Sunny Court", *CENTER)
    organizer = users.by_username(fresh_db, "organizer")
    assert (organizer["role"], organizer["display_name"]) == ("organizer", "Organizer Chen")
    assert signed_in_id(at) == organizer["id"]
    assert title(at) == text("zh_CN", "browse.title")


def test_setup_form_in_english_stores_english_as_the_community_language(fresh_app, fresh_db):
    at = fresh_app
    at.radio(key="setup_language").set_value("en").run()
    assert title(at) == text("en", "setup.title")
    fill_setup(at)
    button(at, text("en", "setup.submit")).click().run()

    assert not errors(at)
    assert community.get(fresh_db)["language"] == "en"
    assert title(at) == text("en", "browse.title")


@pytest.mark.parametrize(
    ("change", "error_key", "params"),
    [
        ({"setup_password_again": PASSWORD + "x"}, "error.password_mismatch", {}),
        ({"centre": None}, "error.location_missing", {}),
        ({"setup_name": "   "}, "error.required", {}),
        ({"setup_username": "a b"}, "error.username_format", {}),
        ({"setup_password": "short", "setup_password_again": "short"}, "error.password_short", {"min": 8}),
    ],
    ids=["mismatched_passwords", "missing_centre", "blank_name", "bad_username", "short_password"],
)
def test_setup_form_with_a_bad_field_shows_the_error_and_writes_nothing(fresh_app, fresh_db, change, error_key, params):
    at = fresh_app
    fill_setup(at, **change)
    button(at, text("zh_CN", "setup.submit")).click().run()

    assert not at.exception
    assert errors(at) == [text("zh_CN", error_key, **params)]
    assert title(at) == text("zh_CN", "setup.title")
    assert community.get(fresh_db) is None
    assert fresh_db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    assert signed_in_id(at) is None


# --- every page, every role, both languages -----------------------------------------------------

RENDER_CASES = [
    (role, page, lang) for role, menu in MENUS.items() for page in [*menu, JOB_PAGE, PROFILE_PAGE] for lang in LANGS
]


@pytest.mark.parametrize(
    ("role", "page", "lang"),
    RENDER_CASES,
    ids=[f"{role}-{page.split('/')[1][:-3]}-{lang}" for role, page, lang in RENDER_CASES],
)
def test_page_renders_translated_for_role(open_page, role_user, person, job_ids, role, page, lang):
    user = role_user(role)
    worker = person("worker")
    query = {JOB_PAGE: {"id": job_ids["open"]}, PROFILE_PAGE: {"id": worker["id"]}}.get(page, {})

    at = open_page(page, lang=lang, user=user, **query)

    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    if page == JOB_PAGE:
        assert title(at) == md("Fix the washing machine")
        involved = role in ("resident", "organizer")  # the open job's poster, and organizers
        assert (text(lang, "job.history") in shown_texts(at)) is involved
    elif page == PROFILE_PAGE:
        assert title(at) == md(f"{worker['display_name']} {text(lang, 'badge.verified')}")
        assert text(lang, "profile.verified") in [s.value for s in at.success]
    else:
        assert title(at) == text(lang, PAGE_TITLES[page])
    assert raw_keys(at) == []


JOB_STATUS = {
    **{state: state for state in ("open", "assigned", "done", "completed", "cancelled", "disputed")},
    "free": "open",
}


@pytest.mark.parametrize("state", list(JOB_STATUS))
@pytest.mark.parametrize("role", list(ROLE_USER))
def test_job_page_renders_in_every_state_for_every_role(open_page, role_user, job_ids, role, state):
    user = role_user(role)
    at = open_page(JOB_PAGE, lang="en", user=user, id=job_ids[state])

    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    assert raw_keys(at) == []
    assert text("en", f"status.{JOB_STATUS[state]}") in " ".join(shown_texts(at))


def test_poster_of_a_completed_job_sees_their_rating_not_the_form(open_page, person, job_ids):
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_ids["completed"])
    assert [s.value for s in at.success] == [text("en", "rating.thanks", stars="★★★★★")]
    assert not at.feedback


@pytest.fixture
def completed_unrated_job(db, person):
    """A job the worker finished and the poster confirmed; nobody has rated it yet."""
    poster, worker = person("poster"), person("worker")
    job_id = jobs.post(db, poster, **job_fields(utcnow(), title="Hang a mirror"))
    for action, actor in (("claim", worker), ("start", worker), ("finish", worker), ("confirm", poster)):
        jobs.act(db, job_id, action, actor, now=utcnow())
    return job_id


def test_worker_rates_the_poster_through_the_rating_form(open_page, person, db, completed_unrated_job):
    worker = person("worker")
    at = open_page(JOB_PAGE, lang="en", user=worker, id=completed_unrated_job)
    at.feedback[0].set_value(3)  # the fourth star
    at.text_area(key=f"reviews_rate_comment_{completed_unrated_job}").input("Friendly, paid at once.")
    button(at, text("en", "rating.submit")).click().run()

    assert not at.exception and not errors(at)
    review = reviews.by_author(db, completed_unrated_job, worker["id"])
    assert (review["stars"], review["comment"], review["author_role"]) == (4, "Friendly, paid at once.", "worker")
    assert [s.value for s in at.success] == [text("en", "rating.thanks", stars="★★★★")]


def test_rating_form_without_stars_shows_the_error_and_stores_nothing(open_page, person, db, completed_unrated_job):
    worker = person("worker")
    at = open_page(JOB_PAGE, lang="en", user=worker, id=completed_unrated_job)
    button(at, text("en", "rating.submit")).click().run()

    assert errors(at) == [text("en", "error.stars")]
    assert reviews.by_author(db, completed_unrated_job, worker["id"]) is None


# --- navigation per role ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", list(MENUS))
def test_sidebar_menu_lists_exactly_the_pages_of_the_role(open_page, role_user, db, role, lang):
    user = role_user(role)
    at = open_page(BROWSE, lang=lang, user=user)
    links = [link.label for link in at.sidebar.get("page_link")]
    unread = notifications.unread_count(db, user["id"]) if user else 0
    inbox = text(lang, "inbox.badge", count=unread) if unread else text(lang, "nav.inbox")  # the count, once any
    # the organizer's console counts what waits on them: the template's dispute and pending ID check
    counted = {INBOX: inbox, ORGANIZER_CONSOLE: text(lang, "console.badge", count=2)}
    assert links == [counted.get(page) or text(lang, NAV_KEYS[page]) for page in MENUS[role]]


@pytest.mark.parametrize("role", ["anonymous", "resident", "verified_worker"])
def test_organizer_workers_page_is_not_in_the_navigation_of_a_non_organizer(open_page, role_user, role):
    user = role_user(role)
    at = open_page(BROWSE, user=user)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(ORGANIZER_WORKERS)


def test_organizer_approves_a_pending_identity_check_on_the_workers_page(open_page, person, db):
    at = open_page(ORGANIZER_WORKERS, lang="en", user=person("organizer"))
    assert not at.exception
    pending = person("pending_worker")
    assert len(at.get("image")) == 3  # the front, back and selfie, side by side
    button(at, text("en", "organizer.approve")).click().run()  # only the pending worker is waiting
    assert not at.exception and not errors(at)
    assert workers.is_verified_worker(db, pending["id"])
    assert verification.latest(db, pending["id"], person("organizer"))["status"] == "approved"


def test_organizer_rejects_with_a_reason_the_worker_then_reads(open_page, person, db):
    at = open_page(ORGANIZER_WORKERS, lang="en", user=person("organizer"))
    pending = person("pending_worker")
    button(at, text("en", "organizer.reject")).click().run()
    assert [e.value for e in at.error] == [text("en", "error.too_short", min=2)]  # no reason: nothing changes
    assert workers.get_profile(db, pending["id"])["verification"] == "pending"

    at.text_input(
        key=next(k.key for k in at.text_input if k.key.startswith("organizer_workers_reject_reason_"))
    ).set_value("The selfie is blurred")
    button(at, text("en", "organizer.reject")).click().run()
    assert workers.get_profile(db, pending["id"])["verification"] == "rejected"

    mine = open_page("app_pages/worker.py", lang="en", user=pending)
    assert md(text("en", "worker.reason", reason="The selfie is blurred")) in [m.value for m in mine.markdown]


def test_changing_the_language_in_the_sidebar_retranslates_and_remembers_it(open_page, person, db):
    poster = person("poster")
    at = open_page(BROWSE, lang="zh_CN", user=poster)
    at.segmented_control(key="nav_language").set_value("en").run()

    assert not at.exception
    assert title(at) == text("en", "browse.title")
    assert users.get(db, poster["id"])["language"] == "en"

    at.segmented_control(key="nav_language").set_value(None).run()  # tapping the chosen one again
    assert not at.exception
    assert title(at) == text("en", "browse.title")
    assert at.segmented_control(key="nav_language").value == "en"


def larger_text_shown(at) -> bool:
    """Whether the run drew the larger-text CSS (ui.menu.menu_styles)."""
    return any("html { font-size: 20px; }" in m.value for m in at.markdown)


def test_larger_text_switched_on_in_the_menu_is_kept_for_the_account_on_another_device(open_page, new_app, person, db):
    poster = person("poster")
    at = open_page(BROWSE, lang="en", user=poster)
    assert not larger_text_shown(at) and users.get(db, poster["id"])["larger_text"] == 0

    at.toggle(key="nav_larger_text").set_value(True).run()

    assert not at.exception
    assert larger_text_shown(at)
    assert at.toggle(key="nav_phone_larger_text").value is True  # the phone menu's switch says the same
    assert users.get(db, poster["id"])["larger_text"] == 1
    elsewhere = new_app(user=poster).run()  # a new session of the same person
    assert larger_text_shown(elsewhere) and elsewhere.toggle(key="nav_larger_text").value is True


def test_a_visitor_switches_larger_text_for_the_session_only(open_page, db):
    at = open_page(BROWSE, lang="en")
    at.toggle(key="nav_phone_larger_text").set_value(True).run()
    assert not at.exception and larger_text_shown(at)
    assert at.toggle(key="nav_larger_text").value is True
    assert [row["larger_text"] for row in db.query("SELECT larger_text FROM users")] == [0] * db["users"].count


@pytest.mark.parametrize("how", ["logged_out_elsewhere", "blocked"])
def test_session_ends_on_the_next_run_after_logout_elsewhere_or_a_block(open_page, person, db, how):
    poster = person("poster")
    at = open_page("app_pages/my_jobs.py", lang="en", user=poster)
    assert title(at) == text("en", "my_jobs.title")
    if how == "blocked":
        users.set_blocked(db, person("organizer"), poster["id"], True, utcnow())
    else:
        users.log_out_everywhere(db, poster["id"], utcnow())

    at.run()

    assert not at.exception, [e.value for e in at.exception]
    assert signed_in_id(at) is None
    assert title(at) == text("en", "login.title")  # my jobs now asks to sign in first
    assert [link.label for link in at.sidebar.get("page_link")] == [text("en", NAV_KEYS[p]) for p in MENUS["anonymous"]]


# --- posting a job and offering work ------------------------------------------------------------

NORTH_500M = (CENTER[0] + 500 / 111_320, CENTER[1])
# The category pickers' format_func translates with the session's language, and AppTest calls it
# outside a script run, where no session state is visible: the default language then. So: zh_CN here.
LANG = "zh_CN"


def fill_post_form(at, *, point=NORTH_500M, **overrides) -> None:
    fields = {"title": "Carry a sofa upstairs", "price": "80", "address_note": "Building 7"}
    for field, value in {**fields, **overrides}.items():
        at.text_input(key=form_field(at, "post_job", field)).input(value)
    at.text_area(key=form_field(at, "post_job", "description")).input("Third floor, no lift.")
    at.selectbox(key="post_job_category").set_value("moving")
    if point:  # typed in, as people who cannot use the map do
        at.number_input(key="post_job_location_lat").set_value(point[0])
        at.number_input(key="post_job_location_lon").set_value(point[1])


def test_posting_a_job_through_the_form_stores_it_and_opens_its_page(open_page, person, db):
    poster = person("poster")
    at = open_page("app_pages/post_job.py", lang=LANG, user=poster)
    fill_post_form(at)
    button(at, text(LANG, "post.submit")).click().run()

    assert not at.exception and not errors(at)
    job = jobs.mine(db, poster)["posted"][0]
    assert (job["title"], job["status"], job["category"]) == ("Carry a sofa upstairs", "open", "moving")
    assert (job["price_fen"], job["address_note"], job["lat"]) == (8000, "Building 7", NORTH_500M[0])
    assert title(at) == md("Carry a sofa upstairs")
    assert at.query_params["id"] == str(job["id"])

    at.switch_page("app_pages/post_job.py").run()  # back to post the same again: a second job of its own
    assert at.text_input(key=form_field(at, "post_job", "title")).value == ""
    fill_post_form(at)
    button(at, text(LANG, "post.submit")).click().run()
    assert not at.exception and not errors(at)
    assert [j["title"] for j in jobs.mine(db, poster)["posted"][:2]] == ["Carry a sofa upstairs"] * 2


@pytest.mark.parametrize(
    ("change", "error_key", "params"),
    [
        ({"point": None}, "error.location_missing", {}),
        ({"point": (CENTER[0] + 0.05, CENTER[1])}, "error.outside_radius", {"km": 3.0}),
        ({"price": "12.345"}, "error.price_cents", {}),
        ({"title": "x"}, "error.too_short", {"min": 2}),
    ],
    ids=["no_place", "outside_radius", "price_below_a_fen", "title_too_short"],
)
def test_post_form_with_a_bad_field_shows_the_error_and_stores_nothing(
    open_page, person, db, change, error_key, params
):
    poster = person("poster")
    before = len(jobs.mine(db, poster)["posted"])
    at = open_page("app_pages/post_job.py", lang=LANG, user=poster)
    fill_post_form(at, **change)
    button(at, text(LANG, "post.submit")).click().run()

    assert not at.exception
    assert errors(at) == [text(LANG, error_key, **params)]
    assert len(jobs.mine(db, poster)["posted"]) == before
    assert title(at) == text(LANG, "post.title")


def test_switching_on_i_take_jobs_asks_for_an_identity_check(open_page, person, db):
    poster = person("poster")
    at = open_page("app_pages/worker.py", lang=LANG, user=poster)
    at.toggle(key="worker_taking").set_value(True)
    at.multiselect(key="worker_categories").set_value(["parcel", "errands"])
    button(at, text(LANG, "worker.save")).click().run()

    assert not at.exception and not errors(at)
    profile = workers.get_profile(db, poster["id"])
    assert (profile["taking_jobs"], profile["verification"]) == (1, "unverified")
    assert profile["categories"] == ["errands", "parcel"]
    assert text(LANG, "worker.status_unverified") in [i.value for i in at.info]
    assert button(at, text(LANG, "worker.submit_id"))  # the identity form is there to fill in


# --- registering and signing in -----------------------------------------------------------------


def register_through_form(at, lang: str, username: str, password: str = PASSWORD) -> None:
    fields = {
        "register_username": username,
        "register_display_name": "Neighbour Zhou",
        "register_password": password,
        "register_password_again": password,
        "register_email": f"{username}@example.org",
    }
    for key, value in fields.items():
        at.text_input(key=key).input(value)
    button(at, text(lang, "register.submit")).click().run()


def log_in_through_form(at, lang: str, username: str, password: str) -> None:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    button(at, text(lang, "login.submit")).click().run()


@pytest.mark.parametrize("lang", LANGS)
def test_registering_through_the_form_creates_the_account_and_signs_in_then_login_works(open_page, db, lang):
    at = open_page(REGISTER, lang=lang)
    register_through_form(at, lang, "neighbour")

    assert not at.exception and not errors(at)
    created = users.by_username(db, "neighbour")
    assert (created["display_name"], created["role"], created["language"]) == ("Neighbour Zhou", "resident", lang)
    assert signed_in_id(at) == created["id"]
    assert title(at) == text(lang, "browse.title")

    again = open_page(LOGIN, lang=lang)  # a new session: another browser
    log_in_through_form(again, lang, "neighbour", PASSWORD)
    assert not again.exception and not errors(again)
    assert signed_in_id(again) == created["id"]
    assert title(again) == text(lang, "browse.title")
    assert [link.label for link in again.sidebar.get("page_link")][-1] == text(lang, "nav.account")


def test_registering_as_a_worker_leads_to_the_worker_page(open_page, db):
    at = open_page(REGISTER, lang="en")
    at.checkbox(key="register_wants_work").check()
    register_through_form(at, "en", "handy")
    assert not errors(at)
    assert title(at) == text("en", "worker.title")


def test_registering_a_taken_username_shows_the_error_and_signs_nobody_in(open_page, db):
    at = open_page(REGISTER, lang="en")
    register_through_form(at, "en", "poster")
    assert errors(at) == [text("en", "error.username_taken")]
    assert signed_in_id(at) is None
    assert db.execute("SELECT COUNT(*) FROM users WHERE username = 'poster'").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [("poster", "wrong password 1"), ("nobody_here", PASSWORD)],
    ids=["wrong_password", "unknown_user"],
)
def test_failed_login_shows_one_generic_error_and_signs_nobody_in(open_page, username, password):
    at = open_page(LOGIN, lang="en")
    log_in_through_form(at, "en", username, password)

    assert not at.exception
    assert errors(at) == [text("en", "error.login_failed")]
    assert signed_in_id(at) is None
    assert title(at) == text("en", "login.title")


@pytest.mark.parametrize("where", ["account_logout", "nav_logout", "nav_phone_logout"])  # the page, both menus
def test_signing_out_on_the_account_page_or_from_the_menu_ends_the_session(open_page, person, db, where):
    poster = person("poster")
    at = open_page("app_pages/account.py", lang="en", user=poster)
    at.button(key=where).click().run()

    assert not at.exception
    assert signed_in_id(at) is None
    assert title(at) == text("en", "browse.title")
    assert users.get(db, poster["id"])["sessions_valid_after"] > 0


# --- pages given a bad id -----------------------------------------------------------------------


@pytest.mark.parametrize("page", [JOB_PAGE, PROFILE_PAGE])
@pytest.mark.parametrize("bad_id", ["999999", "abc", "", None], ids=["unknown", "text", "empty", "missing"])
def test_page_with_a_bad_id_shows_not_found_not_an_exception(open_page, page, bad_id):
    query = {} if bad_id is None else {"id": bad_id}
    at = open_page(page, lang="en", **query)
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == [text("en", "error.not_found")]
    assert not at.title


def test_browse_filters_apply_and_stay_on_while_their_panel_is_closed(open_page, person, db):
    poster = person("poster")
    jobs.post(db, poster, **job_fields(utcnow(), title="Walk the dog", category="pets"))
    every, pets = len(jobs.list_open(db)), len(jobs.list_open(db, category="pets"))
    assert every > pets > 0

    at = open_page(BROWSE, lang="zh_CN", user=poster)
    assert "browse_category" not in [s.key for s in at.selectbox]  # drawn only while the panel is open
    assert f"**{text('zh_CN', 'browse.count', count=every)}**" in [m.value for m in at.markdown]

    at.session_state["browse_filters"] = True  # the person opens the Filters panel
    at.run()
    at.selectbox(key="browse_category").set_value("pets").run()
    assert not at.exception
    assert f"**{text('zh_CN', 'browse.count', count=pets)}**" in [m.value for m in at.markdown]

    at.session_state["browse_filters"] = False  # and closes it: the filter stays on, and says so
    at.run()
    assert "browse_category" not in [s.key for s in at.selectbox]
    assert f"**{text('zh_CN', 'browse.count', count=pets)}**" in [m.value for m in at.markdown]
    assert text("zh_CN", "browse.filters_on", count=1) in [c.value for c in at.caption]


def test_browse_lists_the_nearest_jobs_a_page_at_a_time(open_page, person, db):
    poster = person("poster")
    for n in range(12):
        jobs.post(db, poster, **job_fields(utcnow(), title=f"Errand {n}"))
    place = community.get(db)
    nearest = [job["title"] for job in jobs.list_open(db, near=(place["lat"], place["lon"]), sort="nearest")]

    at = open_page(BROWSE, lang="en", user=poster)
    cards = lambda: [link for link in at.main.get("page_link") if link.proto.icon == "📌"]  # noqa: E731 (job cards)
    listed = lambda: [unescape_markdown(link.label) for link in cards()]  # noqa: E731
    page = len(listed())
    assert 0 < page < len(nearest)
    assert listed() == nearest[:page]

    button(at, text("en", "browse.more")).click().run()
    assert not at.exception
    assert listed() == nearest[: 2 * page]


# --- hostile user text --------------------------------------------------------------------------


def test_hostile_job_title_and_description_show_literally_on_job_page_and_in_the_list(open_page, person, db):
    description = f"**not bold** {HOSTILE}\n# no heading"
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow(), title=HOSTILE, description=description))

    at = open_page(JOB_PAGE, lang="en", id=job_id)
    assert not at.exception
    assert unescape_markdown(title(at)) == HOSTILE
    assert description.replace("\n", "  \n") in [unescape_markdown(m.value) for m in at.markdown]
    assert [shown for shown in shown_texts(at) if UNESCAPED_TAG.search(shown)] == []

    at = open_page(BROWSE, lang="en")
    assert HOSTILE in [unescape_markdown(link.label) for link in at.main.get("page_link")]
    assert [shown for shown in shown_texts(at) if UNESCAPED_TAG.search(shown)] == []


def test_hostile_helper_area_label_leaves_the_helpers_map_working(open_page, person, db):
    """The helpers map carries each helper's area label into the map's script (see ui/maps._js)."""
    label = "{{7*7}}{%x%} <b>gate</b>"
    workers.save_profile(
        db,
        person("worker"),
        bio="Careful with furniture.",
        service_radius_km=2,
        rate_yuan="45",
        area=CENTER,
        area_label=label,
        availability=[],
        now=utcnow(),
    )

    at = open_page("app_pages/find_helpers.py", lang="en", user=person("poster"))
    assert not at.exception, [e.value for e in at.exception]
    assert workers.get_profile(db, person("worker")["id"])["area_label"] == label


def test_find_a_helper_keeps_the_address_people_bookmarked(open_page, person):
    """The screen's script is app_pages/find_helpers.py; its address is still /helpers."""
    at = open_page("app_pages/find_helpers.py", lang="en", user=person("poster"))

    assert title(at) == text("en", "helpers.title")
    links = {link.label: link.proto.page for link in at.sidebar.get("page_link")}
    assert links[text("en", "nav.helpers")] == "helpers"


# --- job actions --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_verified_worker_claims_an_open_job_with_the_claim_button(open_page, person, db, job_ids, lang):
    worker = person("worker")
    at = open_page(JOB_PAGE, lang=lang, user=worker, id=job_ids["open"])
    button(at, text(lang, "action.claim")).click().run()
    assert jobs.get(db, job_ids["open"], worker)["status"] == "open"  # asked first (ui.confirm)
    confirm(at)

    assert not at.exception and not errors(at)
    job = jobs.get(db, job_ids["open"], worker)
    assert (job["status"], job["worker_id"]) == ("assigned", worker["id"])
    assert text(lang, "action.claim") not in button_labels(at)
    assert text(lang, "action.start") in button_labels(at)
    assert [t.value for t in at.toast] == [text(lang, "action.claim_done")]


def test_poster_sees_cancel_not_claim_on_own_open_job(open_page, person, job_ids):
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_ids["open"])
    assert text("en", "action.claim") not in button_labels(at)
    assert text("en", "action.cancel") in button_labels(at)


def test_poster_cancels_only_after_confirming(open_page, person, db, job_ids):
    poster = person("poster")
    at = open_page(JOB_PAGE, lang="en", user=poster, id=job_ids["open"])
    button(at, text("en", "action.cancel")).click().run()

    assert jobs.get(db, job_ids["open"], poster)["status"] == "open"
    assert text("en", "action.cancel_confirm") in [unescape_markdown(c.value) for c in at.caption]  # in the box
    button(at, text("en", "confirm.yes")).click().run()

    assert not at.exception and not errors(at)
    assert jobs.get(db, job_ids["open"], poster)["status"] == "cancelled"


@pytest.mark.parametrize("who", ["anonymous", "pending_worker", "organizer"])
def test_no_claim_button_for_someone_who_may_not_claim(open_page, person, job_ids, who):
    user = None if who == "anonymous" else person(who)
    at = open_page(JOB_PAGE, lang="en", user=user, id=job_ids["open"])
    assert text("en", "action.claim") not in button_labels(at)


def test_claim_pressed_after_someone_else_took_the_job_tells_the_worker_it_was_taken(open_page, person, db, job_ids):
    worker = person("worker")
    at = open_page(JOB_PAGE, lang="en", user=worker, id=job_ids["open"])
    claim = button(at, text("en", "action.claim"))
    # Someone else gets it between the page showing the button and the click.
    rival = users.get(
        db,
        users.register(
            db,
            username="rival",
            display_name="Rival Sun",
            password=PASSWORD,
            language="en",
            now=utcnow(),
        ),
    )
    workers.set_taking_jobs(db, rival, taking_jobs=True, categories=["moving"], now=utcnow())
    samples.verify(db, person("organizer"), users.get(db, rival["id"]), utcnow())
    jobs.act(db, job_ids["open"], "claim", rival, request("claim", safety=True), now=utcnow())  # notes read

    claim.click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == [text("en", "error.already_taken")]
    assert jobs.get(db, job_ids["open"], worker)["worker_id"] == rival["id"]
    assert text("en", "action.claim") not in button_labels(at)
    assert text("en", "status.assigned") in " ".join(shown_texts(at))


def test_organizer_blocks_an_account_which_can_then_no_longer_sign_in(open_page, role_user, db_path):
    organizer = role_user("organizer")
    at = open_page(ORGANIZER_USERS, user=organizer)
    assert not [b for b in at.button if b.key == f"organizer_users_block_{organizer['id']}_ask"], (
        "an organizer cannot block themselves"
    )
    first_other = next(b for b in at.button if b.key and b.key.startswith("organizer_users_block_"))
    first_other.click().run()
    confirm(at)

    assert not at.exception
    db = database.connect(db_path)
    blocked = [u for u in users.list_users(db, organizer) if u["blocked_at"]]
    assert [u["id"] for u in blocked] == [
        int(first_other.key.removeprefix("organizer_users_block_").removesuffix("_ask"))
    ]
    assert users.session_user(db, blocked[0]["username"], time.time()) is None


# --- money: the cashier and the wallet ------------------------------------------------------------


def record_cash(at, form: str, person_id: int, amount: str, note: str = "", lang: str = "en", again=None) -> None:
    """Fill in the cashier's form as it is now (each filling-in has its own widget keys) and send it."""
    at.selectbox(key=form_field(at, f"organizer_cash_{form}", "person")).set_value(person_id)
    at.text_input(key=form_field(at, f"organizer_cash_{form}", "amount")).set_value(amount)
    at.text_input(key=form_field(at, f"organizer_cash_{form}", "note")).set_value(note)
    if again is not None:
        at.checkbox(key=form_field(at, f"organizer_cash_{form}", "again")).set_value(again)
    button(at, text(lang, f"cash.{form}_submit")).click().run()
    if not errors(at):  # the amounts are shown first, then recorded (ui.confirm)
        confirm(at)


def test_four_top_ups_in_a_row_are_each_recorded_once(open_page, person, db):
    """Each filling-in is recorded, then the form starts empty for the next (#11: a reused key
    dropped every top-up after the first while saying "recorded")."""
    organizer = person("organizer")
    at = open_page(ORGANIZER_CASH, lang="en", user=organizer)
    transfers_before = db["transfers"].count
    who = [person("pending_worker"), person("worker"), person("poster"), person("pending_worker")]
    for payer, amount in zip(who, ("3", "4", "5", "6"), strict=True):
        before = ledger.balance_of(db, "wallet", user_id=payer["id"])
        record_cash(at, "topup", payer["id"], amount, "WeChat <b>transfer</b>")
        assert not at.exception and not errors(at)
        assert ledger.balance_of(db, "wallet", user_id=payer["id"]) == before + int(amount) * 100
        assert [s.value for s in at.success] == [
            md(
                text(
                    "en",
                    "cash.recorded",
                    what=text("en", "cash.topup_done"),
                    name=payer["display_name"],
                    balance=f"¥{(before + int(amount) * 100) / 100:,.2f}",
                )
            )
        ]
    assert db["transfers"].count == transfers_before + 4
    assert ledger.check_books(db) == []

    at.switch_page("app_pages/browse.py").run()
    at.switch_page(ORGANIZER_CASH).run()
    assert not at.success  # the last confirmation was news of the visit that recorded it


def test_the_same_top_up_again_within_minutes_is_asked_about_once(open_page, person, db):
    """Two tabs (two fillings-in) recording the same amount for the same person: the second asks."""
    payer, organizer = person("pending_worker"), person("organizer")
    first, second = (open_page(ORGANIZER_CASH, lang="zh_CN", user=organizer) for _ in range(2))
    record_cash(first, "topup", payer["id"], "50", lang="zh_CN")
    record_cash(second, "topup", payer["id"], "50", lang="zh_CN")
    assert ledger.balance_of(db, "wallet", user_id=payer["id"]) == 5000  # not yet: asked first
    assert [w.value for w in second.warning] == [
        text("zh_CN", "error.possible_repeat_topup", amount_fen="¥50.00", minutes=1)
    ]

    record_cash(second, "topup", payer["id"], "50", lang="zh_CN", again=True)
    assert not errors(second) and not second.warning
    assert ledger.balance_of(db, "wallet", user_id=payer["id"]) == 10000
    assert ledger.check_books(db) == []


def test_a_payout_beyond_the_balance_says_what_the_wallet_holds(open_page, person, db):
    worker = person("pending_worker")  # a wallet with nothing in it yet
    at = open_page(ORGANIZER_CASH, lang="zh_CN", user=person("organizer"))
    record_cash(at, "topup", worker["id"], "10", lang="zh_CN")
    record_cash(at, "payout", worker["id"], "22.50", lang="zh_CN")

    assert [e.value for e in at.error] == [text("zh_CN", "error.payout_over_balance", balance_fen="¥10.00")]
    assert ledger.balance_of(db, "wallet", user_id=worker["id"]) == 1000


def test_the_wallet_shows_balance_and_history_to_its_owner_only(open_page, person, db):
    poster, stranger = person("pending_worker"), person("worker")
    ledger.top_up(db, person("organizer"), poster["id"], "35", note="cash <b>in</b>", key="w", now=utcnow())
    ledger.payout(db, person("organizer"), poster["id"], "10", key="p", now=utcnow())

    at = open_page("app_pages/wallet.py", lang="en", user=poster)
    assert not at.exception
    assert at.metric[0].value == "¥25.00"
    cards = [m.value for m in at.markdown if m.value.startswith("**")]  # newest first
    assert cards == [
        f"**-¥10.00** · {text('en', 'statement.payout')}",
        f"**+¥35.00** · {text('en', 'statement.topup')}",
    ]
    captions = [unescape_markdown(c.value) for c in at.caption]
    assert any(text("en", "wallet.line_after", balance="¥35.00") in c for c in captions)
    assert "cash <b>in</b>" in captions  # the cashier's note as typed, on its own line

    other = open_page("app_pages/wallet.py", lang="en", user=stranger, id=poster["id"])
    assert [e.value for e in other.error] == [text("en", "error.not_found")]


def test_organizer_sets_the_commission_on_the_cashier_page(open_page, person, db):
    at = open_page(ORGANIZER_CASH, lang="en", user=person("organizer"))
    at.number_input(key="organizer_cash_commission").set_value(5)
    at.text_input(key="organizer_cash_cap").set_value("abc")
    button(at, text("en", "worker.save")).click().run()
    assert errors(at) and settings.whole(db, "commission_pct") == 10  # a bad cap: nothing saved

    at.text_input(key="organizer_cash_cap").set_value("30")
    button(at, text("en", "worker.save")).click().run()
    assert not errors(at)
    assert (settings.whole(db, "commission_pct"), settings.whole(db, "cancel_fee_cap_fen")) == (5, 3000)

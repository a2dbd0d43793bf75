"""Fixtures for the page tests: the real app (app.py) run by Streamlit's AppTest against a real SQLite file.

Registering a person costs one bcrypt hash, so the community, its people and a few jobs in known
states are built once per session through the real services into a template file; every test gets
its own copy (SQLite's online backup) at tmp_path/linbang.db, and LINBANG_DB points the app there.

A person is signed in either through the real login form or, for render tests, the way
ui/auth.py's _start_session leaves a session: the same session_state keys, issued now.
"""

import pathlib
import re
import time
from datetime import timedelta

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from demo import samples
from services import community, jobs, ledger, materials, reviews, users, workers
from services import db as database
from services.catalogs import text_in
from services.clock import utcnow
from services.transitions import request
from tests.support import copy_database
from ui.i18n import catalog

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
LANGS = ("zh_CN", "en")
CENTER = (31.2304, 121.4737)
PASSWORD = "correct horse 7"
COOKIE_KEY = "page-tests-cookie-key-0123456789abcdef"  # any fixed key of 32+ characters
METRES_PER_DEGREE = 111_320

# Who stands for each role in the render tests (username in the template; None: not signed in).
ROLE_USER = {"anonymous": None, "resident": "poster", "verified_worker": "worker", "organizer": "organizer"}
PEOPLE = {  # username -> display name; "organizer" comes from community.set_up
    "poster": "Poster Wang",
    "worker": "Worker Li",
    "pending_worker": "Pending Zhao",
}

# Page script -> catalog key of its st.title (job and profile pages title user text instead).
PAGE_TITLES = {
    "app_pages/browse.py": "browse.title",
    "app_pages/login.py": "login.title",
    "app_pages/register.py": "register.title",
    "app_pages/post_job.py": "post.title",
    "app_pages/find_helpers.py": "helpers.title",
    "app_pages/my_jobs.py": "my_jobs.title",
    "app_pages/inbox.py": "inbox.title",
    "app_pages/worker.py": "worker.title",
    "app_pages/account.py": "account.title",
    "app_pages/organizer_console.py": "console.title",
    "app_pages/organizer_workers.py": "organizer.workers_title",
    "app_pages/organizer_users.py": "organizer.users_title",
    "app_pages/organizer_cash.py": "cash.title",
    "app_pages/organizer_disputes.py": "disputes.title",
    "app_pages/organizer_mail.py": "mail.title",
    "app_pages/organizer_reports.py": "reports.title",
    "app_pages/organizer_backup.py": "backup.title",
    "app_pages/organizer_audit.py": "audit.title",
    "app_pages/wallet.py": "wallet.title",
}
JOB_PAGE = "app_pages/job.py"
PROFILE_PAGE = "app_pages/profile.py"


def button(at, label: str):
    """The one button (plain or form submit) labelled `label`."""
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, f"{label!r} in {[b.label for b in at.button]}"
    return found[0]


MENU_KEYS = "nav_"  # the menu's widgets (ui/menu.py: the sidebar's and the phone menu's), on every page


def on_page(widgets) -> list:
    """The page's own widgets of one kind (at.button, at.toggle, ...): the menu's left out."""
    return [widget for widget in widgets if not (widget.key or "").startswith(MENU_KEYS)]


def confirm(at) -> None:
    """Press "Confirm" in the confirmation the last run asks (ui.confirm; nothing moves before it)."""
    asked = [b for b in at.button if b.key and b.key.endswith("_yes")]
    assert len(asked) == 1, f"one confirmation asked: {[b.key for b in at.button]}"
    asked[0].click().run()


def form_field(at, form: str, field: str) -> str:
    """The widget key of `field` in the current filling-in of the ui.forms.Filling named `form`."""
    return f"{form}_{field}_{at.session_state[f'_filling_{form}']}"


def text(lang: str, key: str, **params) -> str:
    """The catalog text for `key` in `lang`, as the reader sees it (a plural message in the form for
    its `count`)."""
    assert key in catalog(lang), key
    return text_in(lang, key, **params)


_MD_ESCAPE = re.compile(r"\\(.)|:small\[\]|&#(\d+);")


def unescape_markdown(source: str) -> str:
    """Undo ui.safe.md: what a reader sees of the Markdown source of one line of user text
    (backslash escapes, the empty `:small[]` text-node breaks, leading blanks as character references)."""
    return _MD_ESCAPE.sub(lambda m: m[1] or (chr(int(m[2])) if m[2] else ""), source)


def job_fields(now, **overrides) -> dict:
    """Keyword arguments for jobs.post that pass every check: a job 500 m north of the centre,
    its time window open now."""
    fields = {
        "title": "Carry a sofa upstairs",
        "description": "Third floor, no lift.\nBring gloves.",
        "category": "moving",
        "price_yuan": "80",
        "window_start": now - timedelta(hours=1),
        "window_end": now + timedelta(hours=6),
        "lat": CENTER[0] + 500 / METRES_PER_DEGREE,
        "lon": CENTER[1],
        "address_note": "Building 7, unit 2",
        "now": now,
    }
    fields.update(overrides)
    return fields


def _build_template(path: pathlib.Path) -> dict[str, int]:
    """Set the community up with its people and one job per state the pages show; returns job ids.

    Jobs are posted at the real current time: the app runs its clock (expiry, auto-confirm) with
    utcnow() on every run, and their windows stay open for hours, far longer than a test run.
    """
    now = utcnow()
    db = database.connect(path)
    organizer = users.get(
        db,
        community.set_up(
            db,
            name="Sunny Court",
            lat=CENTER[0],
            lon=CENTER[1],
            radius_km=3.0,
            language="zh_CN",
            organizer={"username": "organizer", "display_name": "Organizer Chen", "password": PASSWORD},
            now=now,
        ),
    )
    people = {"organizer": organizer}
    for username, display_name in PEOPLE.items():
        user_id = users.register(
            db,
            username=username,
            display_name=display_name,
            password=PASSWORD,
            password_again=PASSWORD,
            email=f"{username}@example.org",
            phone="+86 138 0000 0000",
            language="zh_CN",
            now=now,
        )
        people[username] = users.get(db, user_id)
    for username in ("worker", "pending_worker"):
        workers.set_taking_jobs(db, people[username], taking_jobs=True, categories=["moving", "appliance"], now=now)
    samples.verify(db, organizer, users.get(db, people["worker"]["id"]), now)
    samples.submit_id(db, people["pending_worker"], now)  # waits in the organizer's queue
    ledger.top_up(db, organizer, people["poster"]["id"], "10000", note="starting credit", key="start", now=now)
    poster, worker = people["poster"], people["worker"]

    def post(**overrides) -> int:
        return jobs.post(db, poster, **job_fields(now, **overrides))

    def drive(job_id: int, *steps: tuple) -> int:
        """Steps of (action, actor) or (action, actor, what they typed)."""
        for action, actor, *typed in steps:
            sent = typed[0] if typed else {"safety": True} if action == "claim" else {}  # as the claim's question sends
            jobs.act(db, job_id, action, actor, request(action, **sent), now=now)
        return job_id

    ids = {
        "open": post(
            title="Fix the washing machine",
            category="appliance",
            price_yuan="45.5",
            price_type="hourly",
            est_hours=1.5,
        ),
        "free": post(title="Water my plants", category="pets", price_yuan="0"),
        "assigned": drive(post(title="Pick up a parcel", category="parcel"), ("claim", worker)),
        "done": drive(post(title="Move boxes"), ("claim", worker), ("start", worker), ("finish", worker)),
        "completed": drive(
            post(title="Assemble a wardrobe", category="furniture"),
            ("claim", worker),
            ("start", worker),
            ("finish", worker),
            ("confirm", poster),
        ),
        "cancelled": drive(post(title="Walk the dog", category="pets"), ("cancel", poster)),
        "disputed": drive(post(title="Fix a dripping tap", category="plumbing"), ("claim", worker), ("start", worker)),
    }
    # The tap: the helper bought a washer (approved), finished, and the poster disputes the work.
    washer = materials.add(db, worker, ids["disputed"], what="Washer", amount_yuan="6", receipt=None, key="w", now=now)
    materials.decide(db, poster, washer, approve=True, now=now)
    drive(ids["disputed"], ("finish", worker), ("dispute", poster, {"detail": "Still drips every night"}))
    # Both sides rated the completed job: each profile lists one review, one page of each kind.
    reviews.rate(db, poster, ids["completed"], stars=5, comment="Quick and careful.", now=now)
    reviews.rate(db, worker, ids["completed"], stars=4, comment="Clear instructions.", now=now)
    db.conn.close()
    return ids


@pytest.fixture(scope="session", autouse=True)
def full_error_details():
    """Show the real error of a failing run in test output: .streamlit/config.toml hides error details
    from readers (client.showErrorDetails = "none"), and AppTest honours it."""
    before = streamlit_config.get_option("client.showErrorDetails")
    streamlit_config.set_option("client.showErrorDetails", "full")
    yield
    streamlit_config.set_option("client.showErrorDetails", before)


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    """(path, job ids by state) of the database every page test starts from."""
    path = tmp_path_factory.mktemp("pages-template") / "linbang.db"
    return path, _build_template(path)


@pytest.fixture
def job_ids(template):
    """Job id by state: open (hourly, hazardous), free, assigned, done, completed (rated), cancelled,
    disputed (with an approved material)."""
    return template[1]


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """Point the app at this test's own database file (not created yet) and a fixed cookie key."""
    path = tmp_path / "linbang.db"
    monkeypatch.setenv("LINBANG_DB", str(path))
    monkeypatch.setenv("LINBANG_COOKIE_KEY", COOKIE_KEY)
    return path


@pytest.fixture
def db_path(app_env, template):
    """This test's copy of the template, which the app will open."""
    copy_database(template[0], app_env, with_uploads=True)
    return app_env


@pytest.fixture
def db(db_path):
    """A connection of the test's own to the database the app uses, to arrange and to check."""
    connection = database.connect(db_path)
    yield connection
    connection.conn.close()


@pytest.fixture
def person(db):
    """username -> the user row, as services see it now."""
    return lambda username: users.by_username(db, username)


@pytest.fixture
def role_user(person):
    """role (a key of ROLE_USER) -> the user who stands for it, or None for anonymous."""
    return lambda role: person(ROLE_USER[role]) if ROLE_USER[role] else None


def sign_in_session(at: AppTest, user: dict) -> None:
    """Leave the session state ui/auth.py's _start_session leaves after a successful login."""
    at.session_state["user_id"] = user["id"]
    at.session_state["issued_at"] = time.time()
    at.session_state["username"] = user["username"]
    at.session_state["name"] = user["display_name"]
    at.session_state["authentication_status"] = True


@pytest.fixture
def new_app():
    """Build AppTests of app.py; each one's own database connection is closed after the test."""
    built = []

    def build(*, lang: str | None = None, user: dict | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        if lang:
            at.session_state["lang"] = lang
        if user:
            sign_in_session(at, user)
        built.append(at)
        return at

    yield build
    for at in built:
        if "_db" in at.session_state:
            at.session_state["_db"].conn.close()


@pytest.fixture
def open_page(new_app, db_path):
    """Run the app once, then open `page` (with query parameters, e.g. id=3) and return the AppTest."""

    def open_(page: str, *, lang: str = "zh_CN", user: dict | None = None, **query) -> AppTest:
        at = new_app(lang=lang, user=user).run()
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page(page)
        at.query_params.update({name: str(value) for name, value in query.items()})
        return at.run()

    return open_


# --- reading what a page shows ------------------------------------------------------------------


def _node_texts(node):
    """Every piece of text a person reads in one element or block: labels, bodies, help, options."""
    if hasattr(node, "children"):  # a block: its own label (expander, tab), then what it holds
        label = getattr(node, "label", None)
        if isinstance(label, str) and label:
            yield label
        for child in node.children.values():
            yield from _node_texts(child)
        return
    for field in ("label", "body", "help", "placeholder", "message"):
        value = getattr(node.proto, field, None)
        if isinstance(value, str) and value:
            yield value
    for option in getattr(node, "options", None) or ():
        if isinstance(option, str):
            yield option


def shown_texts(at: AppTest) -> list[str]:
    """All text in the main area and the sidebar of the last run."""
    return [*_node_texts(at.main), *_node_texts(at.sidebar)]


KEY_PREFIXES = sorted({key.split(".")[0] for key in catalog("en")})
RAW_KEY = re.compile(r"\b(?:" + "|".join(KEY_PREFIXES) + r")\.[a-z][a-z0-9_]*")


def raw_keys(at: AppTest) -> list[str]:
    """Catalog-style keys ("browse.title") that reached the screen untranslated.

    ui.safe.md is undone first: it escapes the dot and underscores of a key that went through it."""
    return [m.group(0) for t in shown_texts(at) for m in RAW_KEY.finditer(unescape_markdown(t))]

"""Fixtures for the domain tests: a real SQLite file per test, and the people who use the board.

Registering a person costs one bcrypt hash (~0.3 s), so the community and its people are built once
per session, through the real services (community.set_up, users.register, workers.set_taking_jobs, and
demo.samples.verify: a real identity check, approved) into a template file. Every test gets its own copy
of that file in its tmp_path (SQLite's online backup, so the copy is consistent whatever the WAL holds) and
opens it with services.db.connect. No two tests share a database file.
"""

from datetime import UTC, datetime, timedelta

import bcrypt
import pytest

from demo import samples
from services import access, community, jobs, ledger, transitions, users, workers
from services import db as database
from services.transitions import request
from tests.support import copy_database

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
CENTER = (31.2304, 121.4737)
RADIUS_KM = 3.0
PASSWORD = "correct horse 7"
STARTING_CREDIT = "100000"  # yuan in the poster's wallet in the template (nobody else has any)
METRES_PER_DEGREE = 111_320

# username -> how the person is set up in the template. The organizer comes from community.set_up.
PEOPLE = {
    "organizer": "organizer",
    "poster": "resident",
    "verified_worker": "verified",
    "second_worker": "verified",
    "unverified_worker": "pending",  # switched "I take jobs" on and sent an ID check; no decision yet
    "stranger": "resident",  # a resident with no part in the job at hand
}

# How to bring a freshly posted job to a status: (action, who) steps through jobs.act.
PATHS = {
    "open": (),
    "released": (("claim", "verified_worker"), ("release", "verified_worker")),
    "assigned": (("claim", "verified_worker"),),
    "in_progress": (("claim", "verified_worker"), ("start", "verified_worker")),
    "done": (("claim", "verified_worker"), ("start", "verified_worker"), ("finish", "verified_worker")),
    "completed": (
        ("claim", "verified_worker"),
        ("start", "verified_worker"),
        ("finish", "verified_worker"),
        ("confirm", "poster"),
    ),
    "disputed": (
        ("claim", "verified_worker"),
        ("start", "verified_worker"),
        ("finish", "verified_worker"),
        ("dispute", "poster"),
    ),
    "resolved": (
        ("claim", "verified_worker"),
        ("start", "verified_worker"),
        ("finish", "verified_worker"),
        ("dispute", "poster"),
        ("resolve_pay", "organizer"),
    ),
    "cancelled": (("cancel", "poster"),),
    "cancelled_after_assignment": (("claim", "verified_worker"), ("cancel", "poster")),
    "expired": (("expire", "clock"),),
}
# What a person types with the actions that need more than a click (a fixed-price job of ¥80).
ACTION_TERMS = {"dispute": {"detail": "The tap still drips"}, "resolve_split": {"split_yuan": "30"}}
PATH_STATUS = {"released": "open", "cancelled_after_assignment": "cancelled"}


def status_of_path(path: str) -> str:
    return PATH_STATUS.get(path, path)


def valid_job_fields(now: datetime, north_m: float = 500, **overrides) -> dict:
    """Keyword arguments for jobs.post that pass every check; override one to break it.

    The job sits `north_m` metres due north of the community centre.
    """
    fields = {
        "title": "Carry a sofa upstairs",
        "description": "Third floor, no lift. Two people needed.\nBring gloves.",
        "category": "moving",
        "price_yuan": "80",
        "price_type": "fixed",
        "est_hours": None,
        "window_start": now - timedelta(hours=1),
        "window_end": now + timedelta(hours=5),
        "lat": CENTER[0] + north_m / METRES_PER_DEGREE,
        "lon": CENTER[1],
        "address_note": "Building 7, unit 2, door code 1234",
        "mode": "grab",
        "now": now,
    }
    fields.update(overrides)
    return fields


def _register(db, username: str) -> int:
    return users.register(
        db,
        username=username,
        display_name=username.replace("_", " ").title(),
        password=PASSWORD,
        password_again=PASSWORD,
        email=f"{username}@example.org",
        phone="+86 138 0000 0000",
        language="zh_CN",
        now=NOW,
    )


def make_verified_worker(db, organizer: dict, username: str) -> dict:
    """Register a person, switch "I take jobs" on and have the organizer verify them."""
    user = users.get(db, _register(db, username))
    workers.set_taking_jobs(db, user, taking_jobs=True, categories=["moving", "parcel"], now=NOW)
    samples.verify(db, organizer, users.get(db, user["id"]), NOW)
    return users.get(db, user["id"])


@pytest.fixture(scope="session")
def community_template(tmp_path_factory):
    """Path of a database with the community set up and every person in PEOPLE registered."""
    path = tmp_path_factory.mktemp("template") / "linbang.db"
    db = database.connect(path)
    organizer_id = community.set_up(
        db,
        name="Sunny Court",
        lat=CENTER[0],
        lon=CENTER[1],
        radius_km=RADIUS_KM,
        language="zh_CN",
        organizer={"username": "organizer", "display_name": "Organizer", "password": PASSWORD},
        now=NOW,
    )
    organizer = users.get(db, organizer_id)
    for username, kind in PEOPLE.items():
        if kind == "verified":
            make_verified_worker(db, organizer, username)
        elif kind == "pending":
            user = users.get(db, _register(db, username))
            workers.set_taking_jobs(db, user, taking_jobs=True, categories=["moving"], now=NOW)
            samples.submit_id(db, user, NOW)
        elif kind == "resident":
            _register(db, username)
    # the poster posts the tests' paid jobs: credit for them, recorded by the organizer
    ledger.top_up(db, organizer, users.by_username(db, "poster")["id"], STARTING_CREDIT, key="start", now=NOW)
    db.conn.close()
    return path


@pytest.fixture
def copy_community(community_template):
    """Copy the set-up community into a new database file at the given path."""
    return lambda target: copy_database(community_template, target)


@pytest.fixture
def db(copy_community, tmp_path):
    """A connection (services.db.connect) to this test's own copy of the set-up community."""
    path = tmp_path / "linbang.db"
    copy_community(path)
    connection = database.connect(path)
    yield connection
    connection.conn.close()


@pytest.fixture
def db_path(db, tmp_path):
    """The file behind `db`, for tests that open more connections to it."""
    return tmp_path / "linbang.db"


@pytest.fixture
def now():
    return NOW


def person(db, username: str) -> dict:
    return users.get(db, users.by_username(db, username)["id"])


@pytest.fixture
def people(db):
    """Every person in PEOPLE by name, plus 'clock' for the board's own timer."""
    return {**{name: person(db, name) for name in PEOPLE}, "clock": jobs.CLOCK}


@pytest.fixture
def organizer(people):
    return people["organizer"]


@pytest.fixture
def poster(people):
    return people["poster"]


@pytest.fixture
def verified_worker(people):
    return people["verified_worker"]


@pytest.fixture
def second_worker(people):
    return people["second_worker"]


@pytest.fixture
def unverified_worker(people):
    """Has switched "I take jobs" on; verification is still pending."""
    return people["unverified_worker"]


@pytest.fixture
def stranger(people):
    return people["stranger"]


@pytest.fixture
def job_fields(now):
    """valid_job_fields at `now`: call with overrides (and north_m=) to vary one field."""
    return lambda **overrides: valid_job_fields(now, **overrides)


@pytest.fixture
def centre(db):
    place = community.get(db)
    return place["lat"], place["lon"]


@pytest.fixture
def post_job(db, poster, now):
    """Post a job through jobs.post (as the poster unless `actor` is given); returns its id."""

    def post(actor=None, **overrides):
        return jobs.post(db, actor or poster, **valid_job_fields(now, **overrides))

    return post


@pytest.fixture
def open_job(db, post_job, poster):
    """An open grab-mode job posted by `poster` 500 m from the centre, its window covering `now`."""
    return jobs.get(db, post_job(), poster)


@pytest.fixture
def job_in(db, people, post_job, now):
    """Post a new job and drive it along PATHS[path] through jobs.act; returns the job id."""

    def drive(path: str, **overrides) -> int:
        job_id = post_job(**overrides)
        for action, who in PATHS[path]:
            act_as_sent(db, job_id, action, people[who], now)
        assert jobs.get(db, job_id, None)["status"] == status_of_path(path)
        return job_id

    return drive


@pytest.fixture
def fast_hashing(monkeypatch):
    """bcrypt at its lowest cost, for tests that register people for anything but their passwords."""
    monkeypatch.setattr(users, "hash_password", lambda p: bcrypt.hashpw(p.encode(), bcrypt.gensalt(4)).decode())


def buttons(db, job: dict, who: dict | None) -> list[str]:
    """The transitions the action bar offers `who` on `job` (ui.action_bar draws the same): those
    in the job's capabilities, in table order, but booking's acceptances, which answer one application."""
    allowed = access.capabilities(db, job, who)
    return [a for a, rule in transitions.TRANSITIONS.items() if a in allowed and rule.worker != "assignee"]


def act_as_sent(db, job_id: int, action: str, who: dict | None, now: datetime) -> dict:
    """jobs.act with what the tests send for `action` (ACTION_TERMS: a dispute's reason, a split's share)."""
    return jobs.act(db, job_id, action, who, request(action, **ACTION_TERMS.get(action, {})), now=now)

"""The demo seed: a believable community built through the real services, and safe to run twice."""

import hashlib
from collections import Counter
from datetime import timedelta

import bcrypt
import pytest

from demo import seed
from services import categories, community, geo, jobs, transitions, uploads, users
from services import db as database
from services.clock import to_db, utcnow


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The seed run into a fresh path, then run again without --force: (path, digest after the first run)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert seed.main([str(path)]) == 0
    first = digest(path)
    assert seed.main([str(path)]) == 0
    return path, first


@pytest.fixture
def db(demo):
    conn = database.connect(demo[0])
    yield conn
    conn.conn.close()


@pytest.fixture
def fast_hashing(monkeypatch):
    """bcrypt at its lowest cost, for the tests that only care about files, not about passwords."""
    monkeypatch.setattr(users, "hash_password", lambda p: bcrypt.hashpw(p.encode(), bcrypt.gensalt(4)).decode())


def test_second_run_without_force_leaves_it_unchanged(demo):
    path, first = demo
    assert digest(path) == first
    # no half-built or stray files: the database and its uploads folder (workers' photos)
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.db", "demo.uploads"]


def test_community_settings(db):
    place = community.get(db)
    assert place["name"] == "阳光花园社区 Sunny Garden"
    assert (place["lat"], place["lon"], place["radius_km"], place["language"]) == (31.2304, 121.4737, 5.0, "zh_CN")


def test_jobs_cover_every_category_and_every_status(db):
    rows = list(db.query("SELECT category, status, price_type, price_fen FROM jobs"))
    assert len(rows) >= 60
    assert {r["category"] for r in rows} == {c["slug"] for c in categories.list_all(db)}
    assert {r["status"] for r in rows} == set(transitions.STATUSES)
    assert {r["price_type"] for r in rows} == {"fixed", "hourly"}
    assert any(r["price_fen"] == 0 for r in rows)  # free favours too


def test_jobs_lie_around_the_centre(db):
    for job in db.query("SELECT lat, lon FROM jobs"):
        assert geo.distance_km(31.2304, 121.4737, job["lat"], job["lon"]) <= 3.05


def test_times_fit_the_story(db):
    now = to_db(utcnow())
    for job in db.query("SELECT * FROM jobs"):
        if job["status"] in ("open", "assigned"):
            assert job["window_start"] > now, job["title"]
        if job["status"] == "expired":
            assert job["window_end"] < now
        if job["status"] == "done":  # not yet auto-confirmed by the clock
            assert jobs.auto_confirm_at(job) > utcnow()
    assert db.execute("SELECT COUNT(*) FROM job_events WHERE at > ?", [now]).fetchone()[0] == 0
    events = list(db.query("SELECT job_id, at FROM job_events ORDER BY id"))
    last = {}
    for event in events:
        assert event["at"] >= last.get(event["job_id"], ""), "every job's history runs forward in time"
        last[event["job_id"]] = event["at"]
    assert {e["action"] for e in db.query("SELECT DISTINCT action FROM job_events")} >= {
        "post",
        "claim",
        "release",
        "start",
        "finish",
        "confirm",
        "auto_confirm",
        "cancel",
        "expire",
    }
    assert len(jobs.list_open(db)) >= 10


def test_workers_verified_and_pending(db):
    counts = {
        r["verification"]: r["n"]
        for r in db.query("SELECT verification, COUNT(*) AS n FROM worker_profiles GROUP BY verification")
    }
    assert counts["verified"] >= 10
    assert counts["pending"] >= 1
    for profile in db.query("SELECT categories FROM worker_profiles"):
        assert profile["categories"] != "[]"


def test_reviews_from_both_roles(db):
    rows = list(db.query("SELECT r.author_role, r.stars, j.status FROM reviews r JOIN jobs j ON j.id = r.job_id"))
    assert {r["author_role"] for r in rows} == {"poster", "worker"}
    assert {r["status"] for r in rows} == {"completed"}
    assert len({r["stars"] for r in rows}) >= 3


def test_every_demo_login_authenticates(db):
    assert {login.kind for login in seed.DEMO_LOGINS} == {"organizer", "resident", "worker", "pending"}
    assert len({login.username for login in seed.DEMO_LOGINS}) == len(seed.DEMO_LOGINS)
    for login in seed.DEMO_LOGINS:
        user = users.authenticate(db, login.username, login.password, client=f"test-{login.username}", now=utcnow())
        assert user["role"] == ("organizer" if login.kind == "organizer" else "resident")
    assert db["users"].count == len(seed.DEMO_LOGINS)


def test_refuses_a_database_it_did_not_build(tmp_path):
    path = tmp_path / "linbang.db"
    database.connect(path).conn.close()
    before = digest(path)
    assert seed.main([str(path)]) == 1
    assert seed.main([str(path), "--force"]) == 1
    assert digest(path) == before
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database")
    assert seed.main([str(text_file), "--force"]) == 1
    assert text_file.read_text() == "not a database"


def test_force_rebuilds_a_demo(tmp_path, fast_hashing):
    path = tmp_path / "demo.db"
    assert seed.main([str(path)]) == 0
    before = database.connect(path)
    jobs_before = before["jobs"].count
    before.conn.close()
    assert seed.main([str(path), "--force"]) == 0
    after = database.connect(path)
    assert after["jobs"].count == jobs_before
    assert after["users"].count == len(seed.DEMO_LOGINS)
    after.conn.close()


@pytest.mark.parametrize("hours", [0, 5, 11, 17, 23, 24 * 3 + 7])
def test_builds_at_any_time_of_day_and_week(tmp_path, fast_hashing, hours):
    """Windows, starts and finishes are planned relative to `now`: every status must come out at any hour."""
    now = utcnow().replace(hour=0, minute=0) + timedelta(hours=hours)
    stats = seed.build(tmp_path / "demo.db", now=now)
    assert stats["by_status"] == Counter(status for status, _ in seed.PLAN)


def test_booking_jobs_with_applications_and_workers_with_profiles(db):
    assert list(db.query("SELECT DISTINCT mode FROM jobs WHERE status = 'open' ORDER BY mode")) == [
        {"mode": "booking"},
        {"mode": "grab"},
    ]
    assert db["applications"].count >= 4
    verified = list(db.query("SELECT * FROM worker_profiles WHERE verification = 'verified'"))
    assert all(p["bio"] and p["area_lat"] is not None and p["availability"] != "[]" for p in verified)
    assert db["worker_photos"].count >= 5
    assert db.execute("SELECT COUNT(*) FROM id_checks WHERE status = 'pending'").fetchone()[0] == 2


RANDOM_BY_DESIGN = {  # salts, hashes, stored file names, fuzzed public points, when the schema was made
    "_sqlite_migrations": {"applied_at"},
    "users": {"password_hash"},
    "id_checks": {"id_hash", "front_file", "back_file", "selfie_file"},
    "worker_photos": {"file"},
    "worker_profiles": {"area_lat", "area_lon"},
    "jobs": {"public_lat", "public_lon"},
}


def board(path) -> dict:
    """Every row of every table, without the values that are random by design, and the stored files' bytes."""
    conn = database.connect(path)
    try:
        tables = {}
        for table in conn.table_names():
            hidden = RANDOM_BY_DESIGN.get(table, set())
            rows = [{k: v for k, v in row.items() if k not in hidden} for row in conn[table].rows]
            if table == "settings":
                rows = [row for row in rows if row["key"] != "id_hash_salt"]
            tables[table] = sorted(rows, key=repr)
    finally:
        conn.conn.close()
    files = sorted(digest(p) for p in uploads.root_for(path).rglob("*") if p.is_file())
    return {"tables": tables, "files": files}


def test_the_same_seed_and_time_build_the_same_board(tmp_path, fast_hashing):
    """The demo is reproducible: what people, jobs, money, reviews and photos it holds depends on nothing else."""
    now = utcnow() - timedelta(days=3)
    first, second = tmp_path / "first" / "demo.db", tmp_path / "second" / "demo.db"
    for path in (first, second):
        path.parent.mkdir()
        seed.build(path, now=now, seed=7)
    built = board(first)
    assert built == board(second)
    assert built["tables"]["reviews"] and built["tables"]["ledger_lines"] and built["files"]

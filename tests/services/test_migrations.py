"""Migrations applied to a database made by an earlier version keep its people working."""

import sqlite3

from services import db as database
from services import verification, workers
from services.migrations import migrations


def test_workers_from_before_identity_checks_can_send_one_or_be_revoked(tmp_path, now):
    """Before m002 "pending" meant "switched on, waiting for the organizer" and an organizer could
    verify without an ID check. Afterwards the first must be able to send a check, and the organizer
    must be able to revoke the second."""
    path = tmp_path / "old.db"
    old = database.Database(sqlite3.connect(path, isolation_level=None))
    with database.write(old):
        migrations.apply(old, stop_before="m002_workers")
    old["users"].insert_all(
        {
            "id": i,
            "username": name,
            "display_name": name,
            "password_hash": "x",
            "role": role,
            "language": "en",
            "created_at": "2026-01-01T00:00:00+00:00",
        }
        for i, name, role in ((1, "organizer", "organizer"), (2, "waiting", "resident"), (3, "trusted", "resident"))
    )
    old["worker_profiles"].insert_all(
        {
            "user_id": i,
            "taking_jobs": 1,
            "categories": '["moving"]',
            "verification": status,
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
        for i, status in ((2, "pending"), (3, "verified"))
    )
    old.conn.close()

    db = database.connect(path)  # applies m002

    assert workers.get_profile(db, 2)["verification"] == "unverified"
    assert workers.is_verified_worker(db, 3)
    organizer = {"id": 1, "role": "organizer"}
    verification.revoke(db, organizer, 3, reason="Please send your ID", now=now)
    assert workers.get_profile(db, 3)["verification"] == "rejected"

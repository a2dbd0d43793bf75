"""The organizers' audit log (#16 item 6), more than one organizer and announcements (#16 item 7).

Every organizer action writes exactly one append-only row in its own transaction: a refused or rolled
back action leaves none, and nothing can change or delete a row afterwards. The board never loses its
last organizer, not even to two organizers removing each other at the same moment.
"""

import sqlite3
import threading
from datetime import timedelta

import pytest

from services import announcements, audit, community, fees, jobs, ledger, mail, organizers, users, verification
from services import db as database
from services.db import write
from services.errors import InvalidTransition, NotAllowed, ValidationError
from services.transitions import request

STARTS: dict[int, int] = {}  # id(db) -> the last row the template already had (its verifications, top-ups)


@pytest.fixture(autouse=True)
def template_rows_left_out(db):
    STARTS[id(db)] = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
    yield
    STARTS.pop(id(db))


def log(db) -> list[dict]:
    """The log's rows this test wrote, oldest first, as stored."""
    sql = "SELECT kind, actor_id, user_id, job_id, before, after FROM audit_log WHERE id > ? ORDER BY id"
    return list(db.query(sql, [STARTS[id(db)]]))


def only_row(db) -> dict:
    rows = log(db)
    assert len(rows) == 1, rows
    row = rows[0]
    return {
        **row,
        "before": audit._read({**row, "at": None})["before"],
        "after": audit._read({**row, "at": None})["after"],
    }


@pytest.fixture
def deputy(db, organizer, stranger, now):
    """A second organizer, made one by the first."""
    organizers.set_organizer(db, organizer, stranger["id"], True, now)
    return users.get(db, stranger["id"])


def test_approving_an_identity_check_writes_a_verify_row(db, organizer, unverified_worker, now):
    check_id = db.execute("SELECT id FROM id_checks WHERE status = 'pending'").fetchone()[0]
    verification.decide(db, organizer, check_id, approve=True, now=now)
    row = only_row(db)
    assert (row["kind"], row["actor_id"], row["user_id"]) == ("verify", organizer["id"], unverified_worker["id"])
    assert row["before"] == {"verification": "pending"}
    assert row["after"] == {"verification": "verified", "reason": ""}


def test_revoking_a_helper_writes_a_revoke_row(db, organizer, verified_worker, now):
    verification.revoke(db, organizer, verified_worker["id"], reason="Sent someone else", now=now)
    row = only_row(db)
    assert (row["kind"], row["user_id"]) == ("revoke", verified_worker["id"])
    assert row["after"] == {"verification": "rejected", "reason": "Sent someone else"}


def test_blocking_and_unblocking_write_a_row_each(db, organizer, poster, now):
    users.set_blocked(db, organizer, poster["id"], True, now)
    users.set_blocked(db, organizer, poster["id"], False, now)
    assert [(row["kind"], row["before"], row["after"]) for row in log(db)] == [
        ("block", '{"blocked": false}', '{"blocked": true}'),
        ("unblock", '{"blocked": true}', '{"blocked": false}'),
    ]


def test_a_top_up_and_a_payout_write_the_wallet_before_and_after(db, organizer, stranger, now):
    ledger.top_up(db, organizer, stranger["id"], "50", key="in", now=now)
    ledger.payout(db, organizer, stranger["id"], "20", key="out", now=now)
    rows = [(row["kind"], row["user_id"], row["before"], row["after"]) for row in log(db)]
    assert rows == [
        ("top_up", stranger["id"], '{"balance_fen": 0}', '{"amount_fen": 5000, "balance_fen": 5000}'),
        ("payout", stranger["id"], '{"balance_fen": 5000}', '{"amount_fen": 2000, "balance_fen": 3000}'),
    ]


def test_the_same_top_up_sent_twice_writes_one_row(db, organizer, stranger, now):
    ledger.top_up(db, organizer, stranger["id"], "50", key="in", now=now)
    ledger.top_up(db, organizer, stranger["id"], "50", key="in", now=now)
    assert len(log(db)) == 1


def test_a_dispute_decision_writes_the_job_and_the_decision(db, organizer, job_in, now):
    job_id = job_in("disputed")
    jobs.act(db, job_id, "resolve_split", organizer, request("resolve_split", split_yuan="30"), now=now)
    row = only_row(db)
    assert (row["kind"], row["job_id"], row["user_id"]) == ("dispute_decision", job_id, None)
    assert row["before"] == {"status": "disputed"}
    assert row["after"] == {"status": "resolved", "decision": "resolve_split", "split_fen": 3000}


def test_changed_settings_write_what_changed_only(db, organizer, now):
    fees.set_money_settings(
        db, organizer, commission_pct=5, cancel_fee_pct=20, cancel_fee_cap_yuan="50", cancel_window_hours=24, now=now
    )
    row = only_row(db)
    assert row["kind"] == "setting_changed"
    assert (row["before"], row["after"]) == ({"commission_pct": 10}, {"commission_pct": 5})


@pytest.mark.parametrize(
    "change",
    [
        lambda db, who, now: community.set_organizer_contact(db, who, "Office, building 3", now),
        lambda db, who, now: verification.set_keep_days(db, who, 7, now),
        lambda db, who, now: mail.configure(
            db,
            who,
            host="",
            port="587",
            security="starttls",
            user="",
            password="",
            from_address="",
            public_url="https://linbang.example.org",
            now=now,
        ),
    ],
    ids=["organizer contact", "keep ID photos", "mail settings"],
)
def test_every_settings_page_writes_a_setting_changed_row(db, organizer, now, change):
    change(db, organizer, now)
    assert only_row(db)["kind"] == "setting_changed"


def test_the_same_settings_saved_again_write_nothing_more(db, organizer, now):
    community.set_organizer_contact(db, organizer, "Office", now)
    community.set_organizer_contact(db, organizer, "Office", now)
    assert len(log(db)) == 1


def test_making_and_unmaking_an_organizer_write_a_row_each(db, organizer, poster, now):
    organizers.set_organizer(db, organizer, poster["id"], True, now)
    assert users.get(db, poster["id"])["role"] == "organizer"
    organizers.set_organizer(db, organizer, poster["id"], False, now)
    assert users.get(db, poster["id"])["role"] == "resident"
    assert [(row["kind"], row["user_id"], row["after"]) for row in log(db)] == [
        ("organizer_granted", poster["id"], '{"role": "organizer"}'),
        ("organizer_revoked", poster["id"], '{"role": "resident"}'),
    ]


def test_posting_and_ending_an_announcement_write_a_row_each(db, organizer, now):
    notice = announcements.post(db, organizer, "Water off on Sunday", now + timedelta(days=2), key="k", now=now)
    announcements.end(db, organizer, notice, now + timedelta(hours=1))
    assert [row["kind"] for row in log(db)] == ["announcement", "announcement"]
    assert announcements.current(db, now + timedelta(hours=2)) == []


def test_a_refused_action_writes_no_row(db, organizer, stranger, now):
    with pytest.raises(ValidationError):
        ledger.payout(db, organizer, stranger["id"], "20", key="out", now=now)  # the wallet is empty
    with pytest.raises(NotAllowed):
        users.set_blocked(db, organizer, organizer["id"], True, now)
    assert log(db) == []


def test_an_action_rolled_back_after_its_row_takes_the_row_with_it(db, organizer, poster, now):
    with pytest.raises(RuntimeError), write(db):
        users.set_blocked(db, organizer, poster["id"], True, now)
        assert len(log(db)) == 1
        raise RuntimeError("the transaction fails after the action")
    assert log(db) == []
    assert users.get(db, poster["id"])["blocked_at"] is None


def test_only_an_organizer_writes_a_row(db, poster, now):
    with pytest.raises(NotAllowed):
        audit.record(db, poster, "backup_taken", now=now)
    assert log(db) == []


def test_the_board_itself_may_write_a_row(db, now):
    audit.record(db, None, "backup_taken", after={"file": "linbang-backup.tar.gz"}, now=now)
    assert log(db)[0]["actor_id"] is None


def test_rows_cannot_be_changed_or_deleted(db, organizer, poster, now):
    users.set_blocked(db, organizer, poster["id"], True, now)
    for statement in ("UPDATE audit_log SET kind = 'unblock'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), write(db):
            db.execute(statement)
    assert [row["kind"] for row in log(db)] == ["block"]


def test_the_page_is_newest_first_with_names_and_paged(db, organizer, poster, now):
    for minute in range(5):
        users.set_blocked(db, organizer, poster["id"], minute % 2 == 0, now + timedelta(minutes=minute))
    total = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]  # the template's rows too
    rows, pages = audit.page(db, organizer, 1, size=2)
    assert pages == (total + 1) // 2
    assert [row["kind"] for row in rows] == ["block", "unblock"]
    assert (rows[0]["actor_name"], rows[0]["user_name"]) == (organizer["display_name"], poster["display_name"])
    assert rows[0]["at"] == now + timedelta(minutes=4)
    second, _ = audit.page(db, organizer, 2, size=2)
    assert [row["kind"] for row in second] == ["block", "unblock"]
    assert second[0]["id"] < rows[1]["id"]
    assert audit.page(db, organizer, pages + 5, size=2)[0] == audit.page(db, organizer, pages, size=2)[0]


def test_the_csv_holds_every_row_with_chinese_as_written(db, organizer, now):
    community.set_organizer_contact(db, organizer, "=居委会 3 号楼", now)
    data = audit.csv_file(db, organizer)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig").splitlines()
    assert text[0] == "at,organizer,kind,user,job,before,after"
    assert "setting_changed" in text[1] and "居委会 3 号楼" in text[1]


def test_the_log_is_read_by_organizers_only(db, poster):
    with pytest.raises(NotAllowed):
        audit.page(db, poster)
    with pytest.raises(NotAllowed):
        audit.csv_file(db, poster)


# --- more than one organizer ----------------------------------------------------------------------


def test_the_last_organizer_cannot_step_down(db, organizer, now):
    with pytest.raises(InvalidTransition) as refused:
        organizers.set_organizer(db, organizer, organizer["id"], False, now)
    assert refused.value.key == "error.last_organizer"
    assert users.get(db, organizer["id"])["role"] == "organizer"


def test_an_organizer_may_step_down_while_another_remains(db, organizer, deputy, now):
    organizers.set_organizer(db, organizer, organizer["id"], False, now)
    assert users.get(db, organizer["id"])["role"] == "resident"
    with pytest.raises(InvalidTransition):
        organizers.set_organizer(db, deputy, deputy["id"], False, now)


def test_a_blocked_organizer_does_not_count_as_one_left(db, organizer, deputy, now):
    users.set_blocked(db, organizer, deputy["id"], True, now)
    with pytest.raises(InvalidTransition):
        organizers.set_organizer(db, organizer, organizer["id"], False, now)


def test_a_resident_cannot_make_organizers(db, poster, stranger, now):
    with pytest.raises(NotAllowed):
        organizers.set_organizer(db, poster, stranger["id"], True, now)
    with pytest.raises(NotAllowed):
        organizers.set_organizer(db, {**poster, "role": "organizer"}, poster["id"], True, now)


def _remove_at_once(db_path, pairs, now) -> list[str]:
    """Each (organizer, other) removes `other` on its own connection and thread, released together by
    a barrier; what each was told ("done" or the refusal's key)."""
    results = [""] * len(pairs)
    barrier = threading.Barrier(len(pairs), timeout=30)

    def remove(index, me, other):
        connection = database.connect(db_path)
        try:
            barrier.wait()
            organizers.set_organizer(connection, me, other["id"], False, now)
            results[index] = "done"
        except NotAllowed as error:  # InvalidTransition is a NotAllowed too
            results[index] = error.key
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=remove, args=(i, *pair)) for i, pair in enumerate(pairs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_organizers_removing_each_other_at_once_leave_one(db, db_path, organizer, deputy, now):
    """One removal wins, the other finds its maker no longer an organizer; fifty rounds."""
    for _ in range(50):
        results = _remove_at_once(db_path, [(organizer, deputy), (deputy, organizer)], now)
        assert sorted(results) == ["done", "error.not_allowed"]
        remaining = [row["id"] for row in db.query("SELECT id FROM users WHERE role = 'organizer'")]
        assert len(remaining) == 1
        winner = users.get(db, remaining[0])
        loser = deputy if winner["id"] == organizer["id"] else organizer
        organizers.set_organizer(db, winner, loser["id"], True, now)  # the next round starts with two again


# --- announcements --------------------------------------------------------------------------------


def test_an_announcement_shows_until_it_ends(db, organizer, now):
    announcements.post(db, organizer, "Lift repairs on Friday", now + timedelta(hours=3), now=now)
    assert [row["body"] for row in announcements.current(db, now + timedelta(hours=2))] == ["Lift repairs on Friday"]
    assert announcements.current(db, now + timedelta(hours=3)) == []


@pytest.mark.parametrize("hours", [0, -1, 24 * 61])
def test_an_announcement_must_end_later_and_within_sixty_days(db, organizer, now, hours):
    with pytest.raises(ValidationError) as refused:
        announcements.post(db, organizer, "Notice", now + timedelta(hours=hours), now=now)
    assert refused.value.field == "ends_at"


def test_the_same_filling_in_posts_one_announcement(db, organizer, now):
    first = announcements.post(db, organizer, "Notice", now + timedelta(hours=3), key="k", now=now)
    assert announcements.post(db, organizer, "Notice", now + timedelta(hours=3), key="k", now=now) == first
    assert len(announcements.current(db, now)) == 1


def test_residents_cannot_post_or_end_announcements(db, organizer, poster, now):
    with pytest.raises(NotAllowed):
        announcements.post(db, poster, "Free sofa", now + timedelta(hours=3), now=now)
    notice = announcements.post(db, organizer, "Notice", now + timedelta(hours=3), now=now)
    with pytest.raises(NotAllowed):
        announcements.end(db, poster, notice, now)

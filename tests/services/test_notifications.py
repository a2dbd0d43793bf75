"""Notifications (issue #14): each event tells exactly the people entitled to know, once, in the
transaction that made it; a refused or rolled-back action tells nobody; nearby-job alerts reach the
helpers who would want the job, at most a few a day."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from services import (
    alerts,
    booking,
    disputes,
    jobs,
    ledger,
    materials,
    notifications,
    reviews,
    settings,
    users,
    verification,
    workers,
)
from services.errors import AlreadyTaken, InsufficientFunds
from services.transitions import Confirm, Finish
from tests.services.conftest import CENTER, NOW, PATHS, make_verified_worker

JOB_STEPS = {  # path -> who hears of each of its steps, in order (the people's usernames)
    "assigned": [{"poster"}],
    "in_progress": [{"poster"}, {"poster"}],
    "done": [{"poster"}, {"poster"}, {"poster"}],
    "completed": [{"poster"}, {"poster"}, {"poster"}, {"verified_worker"}],
    "disputed": [{"poster"}, {"poster"}, {"poster"}, {"verified_worker", "organizer"}],
    "resolved": [{"poster"}, {"poster"}, {"poster"}, {"verified_worker", "organizer"}, {"poster", "verified_worker"}],
    "released": [{"poster"}, {"poster"}],
    "cancelled": [set()],  # an open job with no helper: nobody else to tell
    "cancelled_after_assignment": [{"poster"}, {"verified_worker"}],
    "expired": [{"poster"}],
}


def told(db, source: str) -> dict[str, str]:
    """username -> kind of each notification about `source`."""
    rows = db.query(
        "SELECT u.username, n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.source = ?", [source]
    )
    return {row["username"]: row["kind"] for row in rows}


def count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0]


def about(db, person: dict, job_id: int) -> list[dict]:
    """The person's notifications about one job."""
    return [row for row in notifications.inbox(db, person) if row["job_id"] == job_id]


def step_sources(db, job_id: int) -> list[tuple[str, str]]:
    """Each step of the job after its posting: (its source, its action)."""
    return [(f"event:{e['id']}", e["action"]) for e in jobs.events(db, job_id) if e["action"] != "post"]


@pytest.mark.parametrize("path", sorted(JOB_STEPS))
def test_each_step_of_a_job_tells_its_other_side(db, job_in, path):
    job_id = job_in(path)
    steps = step_sources(db, job_id)
    assert [action for _, action in steps] == [action for action, _ in PATHS[path]]
    for (source, action), expected in zip(steps, JOB_STEPS[path], strict=True):
        assert told(db, source) == {name: f"job.{action}" for name in expected}, action


def test_a_notification_names_the_job_and_who_acted(db, open_job, verified_worker, poster, now):
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    [row] = about(db, poster, open_job["id"])
    assert (row["kind"], row["job_id"], row["read_at"]) == ("job.claim", open_job["id"], None)
    assert row["params"] == {"title": open_job["title"], "name": verified_worker["display_name"]}


def test_a_double_click_tells_once(db, open_job, verified_worker, now):
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    before = count(db)
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    assert count(db) == before


def test_a_refused_action_tells_nobody(db, open_job, verified_worker, second_worker, now):
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    before = count(db)
    with pytest.raises(AlreadyTaken):
        jobs.act(db, open_job["id"], "claim", second_worker, now=now)
    assert count(db) == before


def test_a_rolled_back_confirmation_tells_nobody(db, post_job, stranger, verified_worker, now):
    """A tip the poster's wallet cannot cover rolls the whole confirmation back: nobody is told."""
    job_id = post_job(actor=stranger, price_yuan="0")  # a favour: the stranger has no credit at all
    jobs.act(db, job_id, "claim", verified_worker, now=now)
    jobs.act(db, job_id, "start", verified_worker, now=now)
    jobs.act(db, job_id, "finish", verified_worker, now=now)
    before = count(db)
    with pytest.raises(InsufficientFunds):
        jobs.act(db, job_id, "confirm", stranger, Confirm(tip_yuan="5"), now=now)
    assert count(db) == before


def test_a_tip_is_told_to_the_worker_with_its_amount(db, job_in, poster, verified_worker, now):
    job_id = job_in("done")
    jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan="5"), now=now)
    [source] = [s for s, action in step_sources(db, job_id) if action == "confirm"]
    assert told(db, f"{source}:tip") == {"verified_worker": "job.tip"}
    [tip] = [r for r in notifications.inbox(db, verified_worker) if r["kind"] == "job.tip"]
    assert tip["params"]["tip_fen"] == 500


def test_the_auto_confirmation_tells_both_sides(db, job_in, now):
    job_id = job_in("done")
    jobs.run_clock(db, now + jobs.AUTO_CONFIRM_AFTER + timedelta(minutes=1))
    [source] = [s for s, action in step_sources(db, job_id) if action == "auto_confirm"]
    assert told(db, source) == {"poster": "job.auto_confirm", "verified_worker": "job.auto_confirm"}


def test_booking_tells_each_side_of_each_application(db, post_job, poster, verified_worker, second_worker, now):
    job_id = post_job(mode="booking")
    first = booking.apply(db, verified_worker, job_id, quote_yuan="70", message="Tomorrow?", now=now)
    second = booking.apply(db, second_worker, job_id, quote_yuan="60", now=now)
    assert told(db, f"application:{first}:job.applied") == {"poster": "job.applied"}
    booking.accept(db, poster, second, now=now)
    assert told(db, f"application:{first}:declined") == {"verified_worker": "job.declined"}
    [accept] = [s for s, action in step_sources(db, job_id) if action == "accept"]
    assert told(db, accept) == {"second_worker": "job.accept"}


def test_an_invitation_and_its_answers_are_told_to_the_other_side(db, post_job, poster, verified_worker, now):
    job_id = post_job(mode="booking")
    invitation = booking.invite(db, poster, job_id, verified_worker["id"], now=now)
    assert told(db, f"application:{invitation}:job.invited") == {"verified_worker": "job.invited"}
    booking.decline(db, verified_worker, invitation, now=now)
    assert told(db, f"application:{invitation}:job.invite_declined") == {"poster": "job.invite_declined"}


def test_a_withdrawn_application_and_a_cancelled_booking_are_told(
    db, post_job, poster, verified_worker, second_worker, now
):
    job_id = post_job(mode="booking")
    first = booking.apply(db, verified_worker, job_id, quote_yuan="70", now=now)
    second = booking.apply(db, second_worker, job_id, quote_yuan="60", now=now)
    booking.withdraw(db, verified_worker, first, now=now)
    assert told(db, f"application:{first}:job.apply_withdrawn") == {"poster": "job.apply_withdrawn"}
    jobs.act(db, job_id, "cancel", poster, now=now)
    assert told(db, f"application:{second}:declined") == {"second_worker": "job.closed"}


def test_materials_are_told_to_the_poster_and_their_answers_to_the_worker(db, job_in, poster, verified_worker, now):
    job_id = job_in("in_progress")
    line = materials.add(db, verified_worker, job_id, what="Tap", amount_yuan="25", receipt=None, key="k", now=now)
    assert told(db, f"material:{line}") == {"poster": "job.material_added"}
    materials.decide(db, poster, line, approve=True, now=now)
    assert told(db, f"material:{line}:approved") == {"verified_worker": "job.material_approved"}
    materials.decide(db, poster, line, approve=True, now=now)  # the same answer again
    assert told(db, f"material:{line}:approved") == {"verified_worker": "job.material_approved"}


def test_a_statement_is_told_to_the_other_side_and_the_organizers(db, job_in, verified_worker, now):
    job_id = job_in("disputed")
    statement = disputes.add_statement(db, verified_worker, job_id, "It was fine when I left", key="s", now=now)
    assert told(db, f"statement:{statement}") == {"poster": "job.statement", "organizer": "job.statement"}


def test_extra_hours_answered_are_told_to_the_worker(db, post_job, people, poster, now):
    job_id = post_job(price_type="hourly", price_yuan="40", est_hours="2")
    for action in ("claim", "start"):
        jobs.act(db, job_id, action, people["verified_worker"], now=now)
    jobs.act(db, job_id, "finish", people["verified_worker"], Finish(hours="3"), now=now)
    jobs.answer_extra_hours(db, poster, job_id, approve=False, now=now)
    [source] = [s for s, action in step_sources(db, job_id) if action == "extra_declined"]
    assert told(db, source) == {"verified_worker": "job.extra_declined"}


def test_a_rating_is_told_to_the_person_rated(db, job_in, poster, now):
    job_id = job_in("completed")
    review = reviews.rate(db, poster, job_id, stars=5, comment="Quick and tidy", now=now)
    assert told(db, f"review:{review}") == {"verified_worker": "account.review"}


def test_identity_decisions_are_told_to_the_worker(db, organizer, unverified_worker, now):
    check = db.execute("SELECT id FROM id_checks WHERE status = 'pending'").fetchone()[0]
    verification.decide(db, organizer, check, approve=False, reason="The photo is blurred", now=now)
    assert told(db, f"id_check:{check}") == {"unverified_worker": "account.rejected"}
    [row] = notifications.inbox(db, unverified_worker)
    assert row["params"] == {"reason": "The photo is blurred"}


def test_top_ups_and_payouts_are_told_to_the_wallet_owner(db, organizer, stranger, now):
    first = ledger.top_up(db, organizer, stranger["id"], "50", key="a", now=now)
    ledger.top_up(db, organizer, stranger["id"], "50", key="a", now=now)  # the same filling-in again
    payout = ledger.payout(db, organizer, stranger["id"], "20", key="b", now=now)
    assert told(db, f"transfer:{first}") == {"stranger": "account.topup"}
    assert told(db, f"transfer:{payout}") == {"stranger": "account.payout"}
    assert [r["params"]["amount_fen"] for r in notifications.inbox(db, stranger)] == [2000, 5000]


def test_the_badge_counts_unread_and_reading_clears_it(db, job_in, poster, now):
    notifications.mark_all_read(db, poster, now)  # the template's top-up
    job_id = job_in("done")
    other = job_in("assigned")
    assert notifications.unread_count(db, poster["id"]) == 4
    assert notifications.mark_all_read(db, poster, now, job_id=job_id) == 3
    assert notifications.unread_count(db, poster["id"]) == 1
    [row] = [r for r in notifications.inbox(db, poster) if r["read_at"] is None]
    assert row["job_id"] == other
    notifications.mark_read(db, poster, row["id"], now)
    assert notifications.unread_count(db, poster["id"]) == 0
    assert notifications.mark_all_read(db, poster, now) == 0


def test_nobody_marks_another_persons_notification_read(db, open_job, verified_worker, poster, stranger, now):
    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    [row] = about(db, poster, open_job["id"])
    notifications.mark_read(db, stranger, row["id"], now)
    assert [r["read_at"] for r in about(db, poster, open_job["id"])] == [None]


def test_the_badge_query_uses_the_unread_index(db, poster):
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL",
        [poster["id"]],
    ).fetchall()
    assert any("notifications_unread" in row[-1] for row in plan), plan


def test_an_unknown_kind_is_a_programming_error(db, now):
    with pytest.raises(ValueError):
        notifications.tell(db, [1], "job.no_such_step", "x", now)


# --- nearby-job alerts --------------------------------------------------------------------------


def give_profile(db, worker: dict, now, availability=()) -> None:
    """The worker's area is the community's centre, their service radius 2 km."""
    workers.save_profile(
        db,
        worker,
        bio="Moving and parcels",
        service_radius_km=2,
        rate_yuan="",
        area=CENTER,
        area_label="By the gate",
        availability=list(availability),
        now=now,
    )


@pytest.fixture
def helper(db, organizer, now):
    """A verified helper for moving and parcels, free at any time, with give_profile's area."""
    worker = make_verified_worker(db, organizer, "nearby_helper")
    give_profile(db, worker, now)
    return users.get(db, worker["id"])


def alerted(db, job_id: int) -> set[str]:
    return set(told(db, f"job:{job_id}:nearby"))


def test_a_new_job_nearby_in_a_helpers_category_alerts_them_once(db, post_job, helper):
    job_id = post_job(category="moving", north_m=500)
    assert alerted(db, job_id) == {"nearby_helper"}
    [row] = [r for r in notifications.inbox(db, helper) if r["kind"] == "nearby.job"]
    assert row["job_id"] == job_id


@pytest.mark.parametrize(
    "why, fields",
    [
        ("another category", {"category": "pets"}),
        ("outside the service radius", {"north_m": 2500}),
    ],
)
def test_a_new_job_the_helper_would_not_want_does_not_alert_them(db, post_job, helper, why, fields):
    assert "nearby_helper" not in alerted(db, post_job(**fields)), why


def test_alerts_switched_off_alert_nobody(db, post_job, helper):
    alerts.set_alerts(db, helper, False)
    assert not alerts.alerts_on(db, helper["id"])
    assert "nearby_helper" not in alerted(db, post_job())


def test_the_poster_and_helpers_not_yet_verified_are_not_alerted(db, post_job, verified_worker, unverified_worker):
    job_id = post_job(actor=None)
    assert {"poster", "unverified_worker"}.isdisjoint(alerted(db, job_id))


def test_alerts_respect_the_hours_a_helper_is_usually_free(db, post_job, helper, now):
    give_profile(db, helper, now, availability=["weekends_morning"])
    # NOW is Wednesday 2026-11-25 06:00 UTC = 14:00 in Shanghai: a weekday afternoon
    afternoon = post_job(window_start=now + timedelta(hours=1), window_end=now + timedelta(hours=3))
    saturday = now + timedelta(days=3) - timedelta(hours=5)  # Saturday 09:00 in Shanghai
    morning = post_job(window_start=saturday, window_end=saturday + timedelta(hours=2))
    assert "nearby_helper" not in alerted(db, afternoon)
    assert "nearby_helper" in alerted(db, morning)


def test_a_busy_day_stops_at_the_daily_cap(db, post_job, helper):
    cap = settings.whole(db, "alerts_daily_cap")
    posted = [post_job() for _ in range(cap + 2)]
    assert sum("nearby_helper" in alerted(db, job_id) for job_id in posted) == cap


def test_slots_touched_by_a_window_in_local_time():
    tz = ZoneInfo("Asia/Shanghai")
    start = NOW  # Wednesday 14:00 in Shanghai
    assert alerts.slots_touched(start, start + timedelta(hours=5), tz) == {"weekdays_afternoon", "weekdays_evening"}
    assert len(alerts.slots_touched(start, start + timedelta(days=30), tz)) == 6


def test_a_cashier_form_sent_again_for_another_person_tells_nobody(db, organizer, stranger, poster, now):
    """The same filling-in sent again returns the first transfer: the second person got no money and
    is told nothing (found by the money state machine)."""
    first = ledger.top_up(db, organizer, stranger["id"], "50", key="once", now=now)
    assert ledger.top_up(db, organizer, poster["id"], "70", key="once", now=now) == first
    assert told(db, f"transfer:{first}") == {"stranger": "account.topup"}

"""The console's figures (services.figures) against a small community built through the real services
at known times, each answer worked out by hand below; and every figure's query read through indexes.

The community's clock is Asia/Shanghai (UTC+8): a week runs Monday 00:00 to Sunday 24:00 there.
REPORT is Wednesday 25 November 2026, 14:00 in Shanghai; "4 weeks" are the weeks of Monday 2, 9, 16
and 23 November. Prices are fixed, commission is the default 10 %.

| job | posted (UTC)        | local week | who posts       | category | ¥   | taken after      | now        |
|-----|---------------------|------------|-----------------|----------|-----|------------------|------------|
| old | 1 Oct 02:00         | 28 Sep     | second_worker   | parcel   | 10  | never            | cancelled  |
| 1   | 10 Nov 02:00        | 9 Nov      | poster          | moving   | 80  | 30 min           | completed 10 Nov  |
| 2   | 11 Nov 02:00        | 9 Nov      | poster          | moving   | 20  | never            | cancelled  |
| 3   | 16 Nov 01:00        | 16 Nov     | poster          | moving   | 100 | 10 min           | completed 23 Nov  |
| 4   | 17 Nov 02:00        | 16 Nov     | poster          | parcel   | 30  | 60 min           | disputed   |
| 5   | 22 Nov 17:00 (Sun)  | 23 Nov (Mon 01:00 local) | poster | parcel | 50 | never          | open       |
| 6   | 24 Nov 02:00        | 23 Nov     | stranger        | moving   | 40  | 240 min (second_worker) | assigned |
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services import figures, jobs, ledger, reports
from services.errors import NotAllowed
from tests.services.conftest import act_as_sent, valid_job_fields

REPORT = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKS = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def community(db, people):
    """The jobs of the table above, through jobs.post and jobs.act at their times."""
    organizer, stranger, second = people["organizer"], people["stranger"], people["second_worker"]
    for who in (stranger, second):
        ledger.top_up(db, organizer, who["id"], "500", key=f"credit-{who['id']}", now=at(1, 0, month=10))

    def post(by, when, category, yuan, description="Third floor, no lift.") -> int:
        fields = valid_job_fields(when, category=category, price_yuan=yuan, description=description)
        return jobs.post(db, by, **fields)

    def steps(job_id, *done):
        for action, who, when in done:
            act_as_sent(db, job_id, action, people[who], when)

    old = post(second, at(1, 2, month=10), "parcel", "10", description="先付款 please, the deposit first")
    steps(old, ("cancel", "second_worker", at(1, 3, month=10)))
    one = post(people["poster"], at(10, 2), "moving", "80")
    steps(
        one,
        ("claim", "verified_worker", at(10, 2) + timedelta(minutes=30)),
        ("start", "verified_worker", at(10, 3)),
        ("finish", "verified_worker", at(10, 4)),
        ("confirm", "poster", at(10, 5)),
    )
    two = post(people["poster"], at(11, 2), "moving", "20")
    steps(two, ("cancel", "poster", at(11, 3)))
    three = post(people["poster"], at(16, 1), "moving", "100")
    steps(
        three,
        ("claim", "verified_worker", at(16, 1) + timedelta(minutes=10)),
        ("start", "verified_worker", at(16, 2)),
        ("finish", "verified_worker", at(16, 3)),
        ("confirm", "poster", at(23, 3)),
    )
    four = post(people["poster"], at(17, 2), "parcel", "30")
    steps(
        four,
        ("claim", "verified_worker", at(17, 3)),
        ("start", "verified_worker", at(17, 4)),
        ("finish", "verified_worker", at(17, 5)),
        ("dispute", "poster", at(17, 6)),
    )
    post(people["poster"], at(22, 17), "parcel", "50")
    six = post(stranger, at(24, 2), "moving", "40", description="Add my WeChat to talk")
    steps(six, ("claim", "second_worker", at(24, 6)))
    return db


def test_weeks_and_months_are_the_communitys_and_end_with_the_one_now():
    assert [b.first_day.isoformat() for b in figures.buckets("4w", REPORT, SHANGHAI)] == WEEKS
    weeks = figures.buckets("12w", REPORT, SHANGHAI)
    assert (len(weeks), weeks[0].first_day, weeks[-1].first_day) == (12, date(2026, 9, 7), date(2026, 11, 23))
    months = figures.buckets("12m", REPORT, SHANGHAI)
    assert (len(months), months[0].first_day, months[-1].first_day) == (12, date(2025, 12, 1), date(2026, 11, 1))
    # a Shanghai Monday starts at 16:00 UTC on the Sunday before; the last bucket ends a week on
    assert weeks[-1].since == "2026-11-22T16:00:00+00:00"
    assert weeks[-1].until == "2026-11-29T16:00:00+00:00"


def test_a_bucket_follows_the_clock_change_of_a_zone_with_summer_time():
    berlin = ZoneInfo("Europe/Berlin")  # summer time ended on Sunday 25 October 2026
    october = figures.buckets("4w", datetime(2026, 10, 28, 12, tzinfo=UTC), berlin)
    assert [(b.since, b.until) for b in october[-2:]] == [
        ("2026-10-18T22:00:00+00:00", "2026-10-25T23:00:00+00:00"),  # 22:00 UTC was midnight in summer
        ("2026-10-25T23:00:00+00:00", "2026-11-01T23:00:00+00:00"),
    ]


def test_jobs_per_week_by_category_count_each_job_in_its_local_week(community, organizer):
    rows = figures.jobs_posted(community, organizer, "4w", "category", REPORT, SHANGHAI)
    assert [(r["first_day"], r["category"], r["jobs"]) for r in rows] == [
        ("2026-11-09", "moving", 1 + 1),  # jobs 1 and 2
        ("2026-11-16", "moving", 1),  # job 3
        ("2026-11-16", "parcel", 1),  # job 4
        ("2026-11-23", "moving", 1),  # job 6
        ("2026-11-23", "parcel", 1),  # job 5: Sunday 17:00 UTC is Monday 01:00 in Shanghai
    ]


def test_jobs_per_week_by_status_count_where_each_job_stands_now(community, organizer):
    rows = figures.jobs_posted(community, organizer, "4w", "status", REPORT, SHANGHAI)
    assert [(r["first_day"], r["status"], r["jobs"]) for r in rows] == [
        ("2026-11-09", "cancelled", 1),
        ("2026-11-09", "completed", 1),
        ("2026-11-16", "completed", 1),
        ("2026-11-16", "disputed", 1),
        ("2026-11-23", "assigned", 1),
        ("2026-11-23", "open", 1),
    ]


def test_jobs_per_month_over_twelve_months(community, organizer):
    rows = figures.jobs_posted(community, organizer, "12m", "status", REPORT, SHANGHAI)
    assert [(r["first_day"], r["status"], r["jobs"]) for r in rows] == [
        ("2026-10-01", "cancelled", 1),  # the old job
        ("2026-11-01", "assigned", 1),
        ("2026-11-01", "cancelled", 1),
        ("2026-11-01", "completed", 2),
        ("2026-11-01", "disputed", 1),
        ("2026-11-01", "open", 1),
    ]


def test_median_wait_until_taken_per_week_and_over_the_period(community, organizer):
    rows = figures.wait_to_take(community, organizer, "4w", REPORT, SHANGHAI)
    assert [(r["first_day"], r["median_minutes"], r["taken"]) for r in rows] == [
        (None, (30 + 60) / 2, 4),  # 10, 30, 60, 240: the two middle ones
        ("2026-11-09", 30, 1),  # job 2 was never taken
        ("2026-11-16", (10 + 60) / 2, 2),
        ("2026-11-23", 240, 1),  # job 5 is still open
    ]


def test_completed_and_cancelled_of_the_jobs_posted_in_the_period(community, organizer):
    four_weeks = figures.outcomes(community, organizer, "4w", REPORT, SHANGHAI)
    assert dict(four_weeks) == {"posted": 6, "completed": 2, "cancelled": 1}
    twelve_weeks = figures.outcomes(community, organizer, "12w", REPORT, SHANGHAI)  # from 7 September
    assert dict(twelve_weeks) == {"posted": 6 + 1, "completed": 2, "cancelled": 1 + 1}


def test_active_posters_and_helpers_did_something_in_the_last_30_days(community, organizer):
    # posters since 26 Oct: poster, stranger (second_worker posted on 1 Oct only);
    # helpers: verified_worker (jobs 1, 3, 4), second_worker (job 6)
    assert dict(figures.active_people(community, organizer, REPORT)) == {"posters": 2, "workers": 2}


def test_money_held_and_commission_per_week(community, organizer):
    rows = figures.money(community, organizer, "4w", REPORT, SHANGHAI)
    assert [(r["first_day"], r["held_fen"], r["commission_fen"]) for r in rows] == [
        ("2026-11-02", 0, 0),
        ("2026-11-09", 8000 + 2000, 8000 * 10 // 100),  # jobs 1 and 2 held; job 1 paid on 10 Nov
        ("2026-11-16", 10000 + 3000, 0),  # jobs 3 and 4 held; job 4 is disputed, unpaid
        ("2026-11-23", 5000 + 4000, 10000 * 10 // 100),  # jobs 5 and 6 held; job 3 paid on 23 Nov
    ]


def test_money_per_month(community, organizer):
    rows = figures.money(community, organizer, "12m", REPORT, SHANGHAI)
    assert len(rows) == 12 and sum(r["held_fen"] for r in rows[:-2]) == 0
    assert [(r["first_day"], r["held_fen"], r["commission_fen"]) for r in rows[-2:]] == [
        ("2026-10-01", 1000, 0),
        ("2026-11-01", 8000 + 2000 + 10000 + 3000 + 5000 + 4000, 800 + 1000),
    ]


def test_what_waits_on_the_organizers(community, organizer):
    # job 4's dispute; unverified_worker's ID check; job 6's "add my WeChat" (the old job's 先付款 was
    # flagged in October, more than FLAGGED_DAYS ago)
    assert figures.waiting(community, organizer, REPORT) == {"disputes": 1, "id_checks": 1, "flagged": 1, "reports": 0}


def test_reported_items_wait_on_the_organizers_however_many_reported_them(community, organizer, people):
    job_id = jobs.list_open(community)[0]["id"]
    for who in ("stranger", "second_worker"):
        reports.report(community, people[who], "job", job_id, reason="scam", now=REPORT)
    reports.report(community, people["stranger"], "user", people["poster"]["id"], reason="abusive", now=REPORT)

    assert figures.waiting(community, organizer, REPORT)["reports"] == 2  # two items, three reports


@pytest.mark.parametrize(
    "read",
    [
        lambda db, who: figures.jobs_posted(db, who, "4w", "category", REPORT, SHANGHAI),
        lambda db, who: figures.wait_to_take(db, who, "4w", REPORT, SHANGHAI),
        lambda db, who: figures.outcomes(db, who, "4w", REPORT, SHANGHAI),
        lambda db, who: figures.active_people(db, who, REPORT),
        lambda db, who: figures.money(db, who, "4w", REPORT, SHANGHAI),
        lambda db, who: figures.waiting(db, who, REPORT),
    ],
)
def test_only_organizers_read_the_figures(db, poster, read):
    with pytest.raises(NotAllowed):
        read(db, poster)


BIG_TABLES = ("jobs", "job_events", "transfers", "ledger_lines", "messages", "questions", "id_checks")


def test_every_figure_reads_the_big_tables_through_an_index(community, organizer):
    """Each query a figure runs, as SQLite plans it: no full scan of a table that grows with use."""
    statements: list[str] = []
    community.conn.set_trace_callback(statements.append)
    for period in figures.PERIODS:
        for group in figures.JOB_GROUPS:
            figures.jobs_posted(community, organizer, period, group, REPORT, SHANGHAI)
        figures.wait_to_take(community, organizer, period, REPORT, SHANGHAI)
        figures.outcomes(community, organizer, period, REPORT, SHANGHAI)
        figures.money(community, organizer, period, REPORT, SHANGHAI)
    figures.active_people(community, organizer, REPORT)
    figures.waiting(community, organizer, REPORT)
    community.conn.set_trace_callback(None)
    # a partial index (id_checks_one_pending: WHERE status = 'pending') holds only the rows counted
    partial = {
        name for name, sql in community.conn.execute("SELECT name, sql FROM sqlite_master") if " WHERE " in (sql or "")
    }
    reads = [s for s in statements if s.lstrip().startswith(("WITH", "SELECT"))]
    assert len(reads) >= 3 * 5 + 2
    scans = {}
    for sql in reads:
        plan = [row[3] for row in community.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        full = [
            step
            for step in plan
            if step.startswith("SCAN") and step.split()[1] in BIG_TABLES + ("j", "e", "t", "l")
            if step.split()[-1] not in partial
        ]
        if full:
            scans[sql[:80]] = full
    assert scans == {}


def test_the_migration_adds_the_indexes_the_figures_read(db):
    indexes = {row[1] for row in db.conn.execute("SELECT * FROM sqlite_master WHERE type = 'index'")}
    assert {"jobs_created", "job_events_at", "questions_flagged"} <= indexes

"""Who is acting comes from the database, never from the dict a caller hands a service (issue #11).

Every public service function that takes the database and an acting user (a parameter named in
ACTING) has at least one row in CASES: who may make the call and how, on a board prepared once
through the real services. For every row: the right caller succeeds (and writes exactly when the row
says it does), the same person blocked by an organizer is refused, and a resident's id in a dict that
says role="organizer" gains nothing: each organizer-only call refuses it, every other call answers it
exactly as it answers that resident's real row. A refused call changes nothing: not one row, not one
uploaded file, and the books still balance.

A function added later that takes an acting user fails test_every_acting_function_has_a_row until
it gets a row here.
"""

import functools
import importlib
import inspect
import pathlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest

import services
from demo import samples
from services import (
    access,
    alerts,
    announcements,
    audit,
    backup,
    booking,
    community,
    contact,
    disputes,
    export,
    favourites,
    fees,
    figures,
    fraud,
    jobs,
    ledger,
    mail,
    materials,
    messages,
    needs,
    notifications,
    organizers,
    questions,
    reports,
    resets,
    reviews,
    safety,
    settings,
    statements,
    uploads,
    users,
    verification,
    workers,
)
from services import db as database
from services.errors import LinbangError, NotAllowed
from services.transitions import Finish, request
from tests.services.conftest import CENTER, NOW, PASSWORD, PATHS, person, valid_job_fields
from tests.support import copy_database

ACTING = {"actor", "viewer", "user", "worker"}  # the parameter names of an acting user
OUTSIDER = "stranger"  # a resident with no part in anything on the board
HOURLY = {"price_type": "hourly", "price_yuan": "40", "est_hours": "2"}
EVENING = NOW.replace(hour=11, minute=30)  # 19:30 in the community's time (Shanghai)
# The board's mail server: nothing listens on port 1, so a test e-mail is answered at once with why not.
MAIL_SERVER = {
    "host": "127.0.0.1",
    "port": "1",
    "security": "none",
    "user": "",
    "password": "",
    "from_address": "board@example.org",
    "public_url": "https://linbang.example.org",
}


@dataclass(frozen=True)
class Case:
    function: Callable  # the service function the row is about
    caller: str  # who may make the call: a username on the board
    call: Callable  # (db, board, acting user) -> what the service returns
    writes: bool = False  # the right caller's call changes the database or the uploads
    organizer_only: bool = False


def by(caller: str, function: Callable, call: Callable, *, writes: bool = False) -> Case:
    return Case(function, caller, call, writes)


def org(function: Callable, call: Callable, *, writes: bool = False) -> Case:
    return Case(function, "organizer", call, writes, organizer_only=True)


def _first_unread(db, person: dict) -> int:
    sql = "SELECT MIN(id) FROM notifications WHERE user_id = ? AND read_at IS NULL"
    return db.execute(sql, [person["id"]]).fetchone()[0]


def _fields(**overrides) -> dict:
    """valid_job_fields as jobs.edit takes them (a job keeps its mode)."""
    fields = valid_job_fields(NOW, **overrides)
    del fields["mode"]
    return fields


def material(db, board) -> dict:
    return db["job_materials"].get(board.material)


CASES = {
    # users
    "users.active": by("poster", users.active, lambda db, b, who: users.active(db, who)),
    "users.active_or_none": by("poster", users.active_or_none, lambda db, b, who: users.active_or_none(db, who)),
    "users.organizer": org(users.organizer, lambda db, b, who: users.organizer(db, who)),
    "users.self_or_organizer": by(
        "poster", users.self_or_organizer, lambda db, b, who: users.self_or_organizer(db, who, b.people["poster"]["id"])
    ),
    "users.set_blocked": org(
        users.set_blocked,
        lambda db, b, who: users.set_blocked(db, who, b.people["second_worker"]["id"], True, NOW),
        writes=True,
    ),
    "users.list_users": org(users.list_users, lambda db, b, who: users.list_users(db, who)),
    # jobs
    "jobs.post": by("poster", jobs.post, lambda db, b, who: jobs.post(db, who, **valid_job_fields(NOW)), writes=True),
    "jobs.edit": by(
        "poster",
        jobs.edit,
        lambda db, b, who: jobs.edit(db, who, b.open_job, **_fields(title="Carry two sofas")),
        writes=True,
    ),
    "jobs.again_draft": by("poster", jobs.again_draft, lambda db, b, who: jobs.again_draft(db, who, b.completed)),
    "favourites.mark": by(
        "poster",
        favourites.mark,
        lambda db, b, who: favourites.mark(db, who, b.people["verified_worker"]["id"], True, NOW),
        writes=True,
    ),
    "favourites.helper_ids": by("poster", favourites.helper_ids, lambda db, b, who: favourites.helper_ids(db, who)),
    "jobs.get": by("poster", jobs.get, lambda db, b, who: jobs.get(db, b.open_job, who)),
    "jobs.mine": by("poster", jobs.mine, lambda db, b, who: jobs.mine(db, who)),
    # an organizer is offered the dispute's resolutions; anyone else nothing (not a refusal)
    "jobs.act:claim": by(
        "verified_worker", jobs.act, lambda db, b, who: jobs.act(db, b.open_job, "claim", who, now=NOW), writes=True
    ),
    "jobs.preview": by(
        "verified_worker", jobs.preview, lambda db, b, who: jobs.preview(db, b.open_job, "claim", who, now=NOW)
    ),
    "jobs.act:resolve_pay": org(
        jobs.act, lambda db, b, who: jobs.act(db, b.disputed, "resolve_pay", who, now=NOW), writes=True
    ),
    "jobs.extra_hours_preview": by(
        "poster", jobs.extra_hours_preview, lambda db, b, who: jobs.extra_hours_preview(db, who, b.extra_hours)
    ),
    "jobs.answer_extra_hours": by(
        "poster",
        jobs.answer_extra_hours,
        lambda db, b, who: jobs.answer_extra_hours(db, who, b.extra_hours, approve=True, now=NOW),
        writes=True,
    ),
    "disputes.add_statement": by(
        "poster",
        disputes.add_statement,
        lambda db, b, who: disputes.add_statement(db, who, b.disputed, "It still drips", key="second", now=NOW),
        writes=True,
    ),
    "disputes.statements": by(
        "poster", disputes.statements, lambda db, b, who: disputes.statements(db, jobs.get(db, b.disputed, None), who)
    ),
    "jobs.for_viewer": by(
        "poster", jobs.for_viewer, lambda db, b, who: jobs.for_viewer(db, access.stored_job(db, b.open_job), who)
    ),
    # access: what anyone may do or see on a job
    "access.capabilities": by(
        "poster",
        access.capabilities,
        lambda db, b, who: access.capabilities(db, access.stored_job(db, b.open_job), who),
    ),
    "access.refusal": by(
        "poster",
        access.refusal,
        lambda db, b, who: getattr(access.refusal(db, access.stored_job(db, b.open_job), who, "cancel"), "key", None),
    ),
    "access.require": by(
        "poster",
        access.require,
        lambda db, b, who: access.require(db, access.stored_job(db, b.open_job), who, "cancel"),
    ),
    "access.load": by("poster", access.load, lambda db, b, who: access.load(db, b.open_job, who, "cancel")),
    "jobs.history": by(
        "poster", jobs.history, lambda db, b, who: jobs.history(db, jobs.get(db, b.disputed, None), who)
    ),
    "disputes.unresolved": org(disputes.unresolved, lambda db, b, who: disputes.unresolved(db, who)),
    # notifications (the poster was told of the booking job's application)
    "notifications.inbox": by("poster", notifications.inbox, lambda db, b, who: notifications.inbox(db, who)),
    "notifications.mark_read": by(
        "poster",
        notifications.mark_read,
        lambda db, b, who: notifications.mark_read(db, who, _first_unread(db, b.people["poster"]), NOW),
        writes=True,
    ),
    "notifications.mark_all_read": by(
        "poster", notifications.mark_all_read, lambda db, b, who: notifications.mark_all_read(db, who, NOW), writes=True
    ),
    "needs.waiting_on": by("poster", needs.waiting_on, lambda db, b, who: needs.waiting_on(db, who)),
    # e-mail
    "mail.configure": org(
        mail.configure, lambda db, b, who: mail.configure(db, who, **{**MAIL_SERVER, "port": "2525"}), writes=True
    ),
    "mail.send_test": org(mail.send_test, lambda db, b, who: mail.send_test(db, who, "chen@example.org", NOW)),
    "mail.delivery_report": org(mail.delivery_report, lambda db, b, who: mail.delivery_report(db, who)),
    # backups: an archive is a file beside the database, not a row
    "backup.take": org(backup.take, lambda db, b, who: backup.take(db, who, NOW).integrity, writes=True),
    "backup.kept": org(backup.kept, lambda db, b, who: backup.kept(db, who)),
    "backup.schedule": org(backup.schedule, lambda db, b, who: backup.schedule(db, who)),
    "backup.configure": org(
        backup.configure, lambda db, b, who: backup.configure(db, who, daily=True, hour=4, keep=3), writes=True
    ),
    "mail.email_choice": by("poster", mail.email_choice, lambda db, b, who: mail.email_choice(db, who)),
    "mail.set_email_kinds": by(
        "poster", mail.set_email_kinds, lambda db, b, who: mail.set_email_kinds(db, who, ["job"]), writes=True
    ),
    "alerts.set_alerts": by(
        "verified_worker", alerts.set_alerts, lambda db, b, who: alerts.set_alerts(db, who, False), writes=True
    ),
    # public questions, shared phones, the organizers' contact line
    "questions.ask": by(
        "verified_worker",
        questions.ask,
        lambda db, b, who: questions.ask(db, who, b.open_job, "Is there a lift?", key="new", now=NOW),
        writes=True,
    ),
    "questions.answer": by(
        "poster",
        questions.answer,
        lambda db, b, who: questions.answer(db, who, b.question, "No, third floor", now=NOW),
        writes=True,
    ),
    "questions.for_job": by(
        "poster", questions.for_job, lambda db, b, who: questions.for_job(db, jobs.get(db, b.open_job, None), who)
    ),
    "contact.share": by(
        "verified_worker",
        contact.share,
        lambda db, b, who: contact.share(db, who, b.in_progress, True, NOW),
        writes=True,
    ),
    "contact.sharing": by(
        "poster", contact.sharing, lambda db, b, who: contact.sharing(db, jobs.get(db, b.in_progress, None), who)
    ),
    "contact.shared_phone": by(
        "verified_worker",
        contact.shared_phone,
        lambda db, b, who: contact.shared_phone(db, jobs.get(db, b.in_progress, None), who),
    ),
    "users.change_password": by(
        "poster",
        users.change_password,
        lambda db, b, who: users.change_password(
            db, who, current=PASSWORD, password="a new one 8", password_again="a new one 8", client="c", now=NOW
        ),
        writes=True,
    ),
    "users.update_details": by(
        "poster",
        users.update_details,
        lambda db, b, who: users.update_details(
            db, who, display_name="Mrs Poster", phone="021-6666-7777", email="", language="en"
        ),
        writes=True,
    ),
    "resets.issue_code": org(
        resets.issue_code,
        lambda db, b, who: resets.issue_code(db, who, b.people["second_worker"]["id"], NOW),
        writes=True,
    ),
    "resets.send_link": org(
        resets.send_link, lambda db, b, who: resets.send_link(db, who, b.people["poster"]["id"], NOW), writes=True
    ),
    "users.set_larger_text": by(
        "poster", users.set_larger_text, lambda db, b, who: users.set_larger_text(db, who, True), writes=True
    ),
    "community.set_organizer_contact": org(
        community.set_organizer_contact,
        lambda db, b, who: community.set_organizer_contact(db, who, "Office in building 3"),
        writes=True,
    ),
    # booking
    "booking.apply": by(
        "verified_worker",
        booking.apply,
        lambda db, b, who: booking.apply(db, who, b.booking_job, quote_yuan="90", now=NOW),
        writes=True,
    ),
    "booking.invite": by(
        "poster",
        booking.invite,
        lambda db, b, who: booking.invite(db, who, b.booking_job, b.people["verified_worker"]["id"], now=NOW),
        writes=True,
    ),
    "booking.accept": by(
        "poster", booking.accept, lambda db, b, who: booking.accept(db, who, b.application, now=NOW), writes=True
    ),
    "booking.preview": by(
        "poster", booking.preview, lambda db, b, who: booking.preview(db, who, b.application, now=NOW)
    ),
    "booking.decline": by(
        "poster", booking.decline, lambda db, b, who: booking.decline(db, who, b.application, now=NOW), writes=True
    ),
    "booking.withdraw": by(
        "second_worker",
        booking.withdraw,
        lambda db, b, who: booking.withdraw(db, who, b.application, now=NOW),
        writes=True,
    ),
    "booking.for_job": by(
        "poster",
        booking.for_job,
        lambda db, b, who: booking.for_job(db, jobs.get(db, b.booking_job, None), who, now=NOW),
    ),
    "booking.mine": by("second_worker", booking.mine, lambda db, b, who: booking.mine(db, who)),
    # materials
    "materials.add": by(
        "verified_worker",
        materials.add,
        lambda db, b, who: materials.add(
            db, who, b.in_progress, what="Tape", amount_yuan="3", receipt=samples.picture("Till"), key="new", now=NOW
        ),
        writes=True,
    ),
    "materials.decide": by(
        "poster",
        materials.decide,
        lambda db, b, who: materials.decide(db, who, b.material, approve=True, now=NOW),
        writes=True,
    ),
    "materials.preview": by("poster", materials.preview, lambda db, b, who: materials.preview(db, who, b.material)),
    "materials.for_job": by(
        "poster", materials.for_job, lambda db, b, who: materials.for_job(db, jobs.get(db, b.in_progress, None), who)
    ),
    "materials.receipt_bytes": by(
        "poster", materials.receipt_bytes, lambda db, b, who: materials.receipt_bytes(db, material(db, b), who)
    ),
    # conversations (the poster wrote to the in-progress job's worker, with a photo) and fraud warnings
    "messages.send": by(
        "poster",
        messages.send,
        lambda db, b, who: messages.send(
            db, who, b.in_progress, b.people["verified_worker"]["id"], "Any news?", None, key="again", now=NOW
        ),
        writes=True,
    ),
    "messages.threads": by(
        "poster", messages.threads, lambda db, b, who: messages.threads(db, jobs.get(db, b.in_progress, None), who)
    ),
    "messages.read": by(
        "verified_worker", messages.read, lambda db, b, who: messages.read(db, who, b.thread), writes=True
    ),
    "messages.version": by("poster", messages.version, lambda db, b, who: messages.version(db, who, b.thread)),
    "messages.unread_total": by(
        "verified_worker", messages.unread_total, lambda db, b, who: messages.unread_total(db, who)
    ),
    "messages.photo_bytes": by(
        "poster", messages.photo_bytes, lambda db, b, who: messages.photo_bytes(db, who, b.message)
    ),
    "messages.readable_line": by(
        "poster", messages.readable_line, lambda db, b, who: messages.readable_line(db, who, b.message)
    ),
    "fraud.attention": org(fraud.attention, lambda db, b, who: fraud.attention(db, who)),
    # reviews
    "reviews.rate": by(
        "poster", reviews.rate, lambda db, b, who: reviews.rate(db, who, b.completed, stars=5, now=NOW), writes=True
    ),
    "reviews.received": by(
        "poster",
        reviews.received,
        lambda db, b, who: reviews.received(db, b.people["verified_worker"]["id"], who, now=NOW),
    ),
    # reports (#16): the board has none open, so an organizer's answer has nothing to change
    "reports.report": by(
        "stranger",
        reports.report,
        lambda db, b, who: reports.report(db, who, "job", b.open_job, reason="scam", now=NOW),
        writes=True,
    ),
    "reports.mine": by("stranger", reports.mine, lambda db, b, who: reports.mine(db, who, "job", b.open_job)),
    "reports.queue": org(reports.queue, lambda db, b, who: reports.queue(db, who)),
    "reports.handle": org(
        reports.handle, lambda db, b, who: reports.handle(db, who, "job", b.open_job, "dismiss", now=NOW)
    ),
    "reviews.reply": by(
        "verified_worker",
        reviews.reply,
        lambda db, b, who: reviews.reply(db, who, b.review, reply="Thank you", now=NOW),
        writes=True,
    ),
    # safety
    "safety.tell_token": by(
        "verified_worker", safety.tell_token, lambda db, b, who: safety.tell_token(db, who, b.evening)
    ),
    "safety.ask_code": by(
        "poster", safety.ask_code, lambda db, b, who: safety.ask_code(db, who, b.open_job, NOW), writes=True
    ),
    "safety.check_code": by(
        "verified_worker",
        safety.check_code,
        lambda db, b, who: safety.check_code(db, who, b.coded, db["jobs"].get(b.coded)["handover_code"], NOW),
    ),
    # identity checks
    "verification.submit": by(
        "newcomer", verification.submit, lambda db, b, who: samples.submit_id(db, who, NOW), writes=True
    ),
    "verification.latest": by(
        "unverified_worker",
        verification.latest,
        lambda db, b, who: verification.latest(db, b.people["unverified_worker"]["id"], who),
    ),
    "verification.queue": org(verification.queue, lambda db, b, who: verification.queue(db, who)),
    "verification.photo": org(verification.photo, lambda db, b, who: verification.photo(db, who, b.id_check, "front")),
    "verification.set_keep_days": org(
        verification.set_keep_days, lambda db, b, who: verification.set_keep_days(db, who, 7, NOW), writes=True
    ),
    "verification.decide": org(
        verification.decide,
        lambda db, b, who: verification.decide(db, who, b.id_check, approve=True, now=NOW),
        writes=True,
    ),
    "verification.revoke": org(
        verification.revoke,
        lambda db, b, who: verification.revoke(
            db, who, b.people["second_worker"]["id"], reason="Please send your ID again", now=NOW
        ),
        writes=True,
    ),
    "verification.verified_workers": org(
        verification.verified_workers, lambda db, b, who: verification.verified_workers(db, who)
    ),
    # workers
    "workers.set_taking_jobs": by(
        "poster",
        workers.set_taking_jobs,
        lambda db, b, who: workers.set_taking_jobs(db, who, taking_jobs=True, categories=["pets"], now=NOW),
        writes=True,
    ),
    "workers.save_profile": by(
        "verified_worker",
        workers.save_profile,
        lambda db, b, who: workers.save_profile(
            db,
            who,
            bio="Careful with stairs and sofas.",
            service_radius_km=4,
            rate_yuan="45",
            area=None,  # keep the stored area: a new one is moved at random
            area_label="By the north gate",
            availability=["weekends_morning"],
            now=NOW,
        ),
        writes=True,
    ),
    "workers.add_photo": by(
        "verified_worker",
        workers.add_photo,
        lambda db, b, who: workers.add_photo(db, who, samples.picture("Bookcase"), "A bookcase", NOW),
        writes=True,
    ),
    "workers.remove_photo": by(
        "verified_worker",
        workers.remove_photo,
        lambda db, b, who: workers.remove_photo(db, who, b.photo),
        writes=True,
    ),
    # the ledger
    "ledger.top_up": org(
        ledger.top_up,
        lambda db, b, who: ledger.top_up(db, who, b.people["poster"]["id"], "5", key="again", now=NOW),
        writes=True,
    ),
    "ledger.payout": org(
        ledger.payout,
        lambda db, b, who: ledger.payout(db, who, b.people["poster"]["id"], "5", key="again", now=NOW),
        writes=True,
    ),
    "ledger.cash_preview": org(
        ledger.cash_preview, lambda db, b, who: ledger.cash_preview(db, who, b.people["poster"]["id"], "5", "payout")
    ),
    "ledger.history": by(
        "poster", ledger.history, lambda db, b, who: ledger.history(db, b.people["poster"]["id"], who)
    ),
    "ledger.wallet_fen": by(
        "poster", ledger.wallet_fen, lambda db, b, who: ledger.wallet_fen(db, b.people["poster"]["id"], who)
    ),
    "ledger.on_hold_fen": by(
        "poster", ledger.on_hold_fen, lambda db, b, who: ledger.on_hold_fen(db, b.people["poster"]["id"], who)
    ),
    "statements.wallet_lines": by(
        "poster",
        statements.wallet_lines,
        lambda db, b, who: statements.wallet_lines(db, b.people["poster"]["id"], who),
    ),
    "statements.receipt": by("poster", statements.receipt, lambda db, b, who: statements.receipt(db, who, b.completed)),
    "ledger.cash_report": org(ledger.cash_report, lambda db, b, who: ledger.cash_report(db, who, UTC)),
    "ledger.totals": org(ledger.totals, lambda db, b, who: ledger.totals(db, who)),
    # the organizer's console (#16 items 4, 5)
    "figures.jobs_posted": org(
        figures.jobs_posted, lambda db, b, who: figures.jobs_posted(db, who, "4w", "status", NOW, UTC)
    ),
    "figures.wait_to_take": org(figures.wait_to_take, lambda db, b, who: figures.wait_to_take(db, who, "4w", NOW, UTC)),
    "figures.outcomes": org(figures.outcomes, lambda db, b, who: figures.outcomes(db, who, "12m", NOW, UTC)),
    "figures.active_people": org(figures.active_people, lambda db, b, who: figures.active_people(db, who, NOW)),
    "figures.money": org(figures.money, lambda db, b, who: figures.money(db, who, "12w", NOW, UTC)),
    "figures.waiting": org(figures.waiting, lambda db, b, who: figures.waiting(db, who, NOW)),
    "export.table_csv": org(export.table_csv, lambda db, b, who: export.table_csv(db, who, "users", UTC)),
    "fees.set_money_settings": org(
        fees.set_money_settings,
        lambda db, b, who: fees.set_money_settings(
            db, who, commission_pct=5, cancel_fee_pct=20, cancel_fee_cap_yuan="50", cancel_window_hours=24
        ),
        writes=True,
    ),
    # the audit log, organizers, announcements (#16 items 6, 7)
    "audit.record": org(audit.record, lambda db, b, who: audit.record(db, who, "backup_taken", now=NOW), writes=True),
    "audit.page": org(audit.page, lambda db, b, who: audit.page(db, who)),
    "audit.csv_file": org(audit.csv_file, lambda db, b, who: audit.csv_file(db, who)),
    "settings.change": org(
        settings.change, lambda db, b, who: settings.change(db, who, {"alerts_daily_cap": 3}, NOW), writes=True
    ),
    "organizers.set_organizer": org(
        organizers.set_organizer,
        lambda db, b, who: organizers.set_organizer(db, who, b.people["second_worker"]["id"], True, NOW),
        writes=True,
    ),
    "announcements.post": org(
        announcements.post,
        lambda db, b, who: announcements.post(db, who, "Water off on Sunday", NOW + timedelta(days=1), now=NOW),
        writes=True,
    ),
    "announcements.end": org(
        announcements.end, lambda db, b, who: announcements.end(db, who, b.announcement, NOW), writes=True
    ),
}


def qualified(function: Callable) -> str:
    return f"{function.__module__.removeprefix('services.')}.{function.__name__}"


def acting_functions() -> set[str]:
    """Every public function in services/* that takes the database and an acting user. (A function
    without `db`, such as pricing.extra_fen, reads nothing: it judges rows its caller already
    re-read.)"""
    found = set()
    for module_info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"services.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = list(inspect.signature(function).parameters)
            if (
                function.__module__ == module.__name__
                and not name.startswith("_")
                and parameters[:1] == ["db"]
                and ACTING & set(parameters)
            ):
                found.add(qualified(function))
    return found


# --- the board ----------------------------------------------------------------------------------


def _register(db, username: str, role: str = "resident") -> dict:
    user_id = users.register(
        db, username=username, display_name=username.title(), password=PASSWORD, language="en", role=role, now=NOW
    )
    return users.get(db, user_id)


def _job_in(db, people: dict, path: str, **fields) -> int:
    job_id = jobs.post(db, people["poster"], **valid_job_fields(NOW, **fields))
    for action, who in PATHS[path]:
        terms = {"detail": "The tap still drips"} if action == "dispute" else {}
        jobs.act(db, job_id, action, people[who], request(action, **terms), now=NOW)
    return job_id


@pytest.fixture(scope="module")
def board_template(community_template, tmp_path_factory):
    """The set-up community with something for every row of CASES, made through the real services:
    a second organizer (the deputy, who blocks the first), a newcomer taking jobs who has sent no ID,
    a mail server (that nothing answers), jobs in the states the rows need, a booking job with an
    application, a material line with its receipt, a question on the open job, the poster's phone
    shared on the job in progress, a portfolio photo and a stored area. Returns its path and the ids
    the rows use."""
    path = tmp_path_factory.mktemp("board") / "linbang.db"
    copy_database(community_template, path, with_uploads=True)
    db = database.connect(path)
    people = {name: person(db, name) for name in ("organizer", "poster", "verified_worker", "second_worker")}
    _register(db, "deputy", role="organizer")
    mail.configure(db, people["organizer"], **MAIL_SERVER)
    workers.set_taking_jobs(db, _register(db, "newcomer"), taking_jobs=True, categories=["moving"], now=NOW)
    ids = {
        "open_job": _job_in(db, people, "open"),
        "in_progress": _job_in(db, people, "in_progress"),
        "extra_hours": _job_in(db, people, "in_progress", **HOURLY),
        "disputed": _job_in(db, people, "disputed"),
        "completed": _job_in(db, people, "completed"),
        "booking_job": _job_in(db, people, "open", mode="booking"),
        "rated": _job_in(db, people, "completed"),
        "evening": _job_in(db, people, "assigned", window_start=EVENING, window_end=EVENING + timedelta(hours=2)),
        "coded": _job_in(db, people, "in_progress", handover_code=True),
        "id_check": db.execute("SELECT id FROM id_checks WHERE status = 'pending'").fetchone()[0],
    }
    ids["review"] = reviews.rate(db, people["poster"], ids["rated"], stars=3, now=NOW)
    reviews.rate(db, people["verified_worker"], ids["rated"], stars=5, now=NOW)  # both rated: shown
    jobs.act(db, ids["extra_hours"], "finish", people["verified_worker"], Finish(hours="3"), now=NOW)
    ids["application"] = booking.apply(db, people["second_worker"], ids["booking_job"], quote_yuan="95", now=NOW)
    ids["material"] = materials.add(
        db,
        people["verified_worker"],
        ids["in_progress"],
        what="Washers",
        amount_yuan="12",
        receipt=samples.picture("Receipt"),
        key="first",
        now=NOW,
    )
    ids["message"] = messages.send(
        db,
        people["poster"],
        ids["in_progress"],
        people["verified_worker"]["id"],
        "Is the washer the right size?",
        samples.picture("Washer"),
        key="first",
        now=NOW,
    )
    ids["thread"] = db.execute("SELECT thread_id FROM messages WHERE id = ?", [ids["message"]]).fetchone()[0]
    ids["question"] = questions.ask(db, people["second_worker"], ids["open_job"], "Parking?", key="q", now=NOW)
    contact.share(db, people["poster"], ids["in_progress"], True, NOW)
    ids["announcement"] = announcements.post(db, people["organizer"], "Lift repairs", NOW + timedelta(days=1), now=NOW)
    ids["photo"] = workers.add_photo(db, people["verified_worker"], samples.picture("Shelf"), "A shelf", NOW)
    workers.save_profile(
        db,
        people["verified_worker"],
        bio="Moving help most weekends.",
        service_radius_km=3,
        rate_yuan="40",
        area=CENTER,
        area_label="Near the gate",
        availability=["weekdays_evening"],
        now=NOW,
    )
    db.conn.close()
    return path, ids


@pytest.fixture
def open_board(board_template, tmp_path):
    """Open a fresh copy of the board (each call a new file): (db, board)."""
    template, ids = board_template
    connections = []

    def open_copy():
        path = tmp_path / f"board{len(connections)}.db"
        copy_database(template, path, with_uploads=True)
        db = database.connect(path)
        connections.append(db)
        people = {row["username"]: users.get(db, row["id"]) for row in db.query("SELECT id, username FROM users")}
        return db, SimpleNamespace(people=people, **ids)

    yield open_copy
    for db in connections:
        db.conn.close()


def snapshot(db) -> tuple:
    """Everything a call could change: every row of every table, every uploaded file, the books."""
    path = pathlib.Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    files = sorted(str(f.relative_to(path.parent)) for f in uploads.root_for(path).rglob("*") if f.is_file())
    return list(db.conn.iterdump()), files, ledger.check_books(db)


def outcome(call: Callable) -> tuple:
    """What a call answers: its return value, or the domain error it raised (type and message key)."""
    try:
        return ("returned", call())
    except LinbangError as error:
        return ("raised", type(error).__name__, error.key)


def forged(db, username: str) -> dict:
    """That person's real row with one thing changed: it says they are an organizer."""
    return {**users.get(db, users.by_username(db, username)["id"]), "role": "organizer"}


def refused_and_nothing_written(db, call: Callable) -> None:
    before = snapshot(db)
    with pytest.raises(NotAllowed):
        call()
    assert snapshot(db) == before


CASE_IDS = sorted(CASES)
ORGANIZER_ONLY = sorted(name for name, case in CASES.items() if case.organizer_only)
EVERYONE_ELSE = sorted(name for name, case in CASES.items() if not case.organizer_only)


# --- the tests ----------------------------------------------------------------------------------


def test_every_acting_function_has_a_row():
    assert {qualified(case.function) for case in CASES.values()} == acting_functions()


@pytest.mark.parametrize("name", CASE_IDS)
def test_the_right_caller_is_served(open_board, monkeypatch, name):
    """The control: each row's call goes through for the person it names (so the refusals below are
    refusals of the caller, not of a broken call), really calls its function, and writes exactly
    when the row says so (so "nothing written" could see a write)."""
    case = CASES[name]
    db, board = open_board()
    calls = []
    real = case.function

    @functools.wraps(real)
    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(importlib.import_module(real.__module__), real.__name__, spy)
    before = snapshot(db)

    case.call(db, board, board.people[case.caller])

    assert calls, f"{name} does not call {qualified(real)}"
    assert (snapshot(db) != before) == case.writes


@pytest.mark.parametrize("name", CASE_IDS)
def test_a_blocked_caller_is_refused(open_board, name):
    """The same person, blocked by an organizer (an organizer by the deputy) after their dict was
    handed out, is refused and nothing is written."""
    case = CASES[name]
    db, board = open_board()
    caller = board.people[case.caller]
    blocker = board.people["deputy" if case.caller == "organizer" else "organizer"]
    users.set_blocked(db, blocker, caller["id"], True, NOW)

    refused_and_nothing_written(db, lambda: case.call(db, board, caller))


@pytest.mark.parametrize("name", ORGANIZER_ONLY)
def test_a_resident_saying_they_are_an_organizer_is_refused(open_board, name):
    db, board = open_board()

    refused_and_nothing_written(db, lambda: CASES[name].call(db, board, forged(db, OUTSIDER)))


@pytest.mark.parametrize("name", EVERYONE_ELSE)
def test_saying_one_is_an_organizer_gains_nothing(open_board, name):
    """A resident's dict that says role="organizer" is answered exactly as their real row is, on two
    copies of one board: the same value (the same private fields blanked) or the same refusal."""
    case = CASES[name]
    real_db, real_board = open_board()
    forged_db, forged_board = open_board()
    expected = outcome(lambda: case.call(real_db, real_board, real_board.people[OUTSIDER]))
    before = snapshot(forged_db)

    assert outcome(lambda: case.call(forged_db, forged_board, forged(forged_db, OUTSIDER))) == expected
    if expected[0] == "raised":
        assert snapshot(forged_db) == before


@pytest.mark.parametrize(
    "actor",
    [None, {}, {"role": "organizer"}, {"id": 999_999, "role": "organizer"}, {"id": "1"}, {"id": None}, "organizer"],
)
def test_no_account_behind_the_dict_is_refused(open_board, actor):
    db, _ = open_board()

    with pytest.raises(NotAllowed):
        users.organizer(db, actor)
    with pytest.raises(NotAllowed):
        users.active(db, actor)

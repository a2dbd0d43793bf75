"""The capability table: for every role × every job status × both modes (and the organizer's own
jobs), services.access.capabilities names exactly what the services allow. Each capability has a
probe, the real service call a page makes for it; the probe must succeed exactly when the capability
is in the set, and otherwise be refused with NotAllowed (or one of its kinds) and change nothing.

Allowed calls run on a fresh copy of the board (they change it); refused ones run on the shared
board, which must not change at all.
"""

from datetime import UTC, datetime

import pytest

from demo import samples
from services import (
    access,
    booking,
    contact,
    disputes,
    jobs,
    materials,
    messages,
    questions,
    reports,
    reviews,
    safety,
    statements,
)
from services import db as database
from services.clock import from_db
from services.errors import NotAllowed
from services.transitions import TRANSITIONS, Assign, request
from tests import capability_board
from tests.capability_board import MODES, POSTERS, ROLES, VARIANTS
from tests.support import copy_database

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
TYPED = {"dispute": {"detail": "It still drips"}, "resolve_split": {"split_yuan": "1"}}


def _act(action):
    def probe(board, job, who):
        if TRANSITIONS[action].worker == "assignee":  # booking: the worker an application names
            assignee = board.people["applicant" if action == "accept" else "invitee"]["id"]
            typed = Assign(assignee=assignee)
        elif action == "finish":  # with the job's handover code, where it has one
            typed = request(action, code=job["handover_code"])
        else:
            typed = request(action, **TYPED.get(action, {}))
        jobs.act(board.db, job["id"], action, who, typed, now=board.now)

    return probe


def _answer_material(board, job, who):
    """A line the worker adds now (if they may), answered by `who`; no line: nothing to answer."""
    try:
        line = materials.add(
            board.db,
            job_worker(board, job),
            job["id"],
            what="Glue",
            amount_yuan="3",
            receipt=None,
            key="g",
            now=board.now,
        )
    except NotAllowed:
        raise NotAllowed() from None
    materials.decide(board.db, who, line, approve=False, now=board.now)


def job_worker(board, job):
    return board.people["worker"] if job["worker_id"] else None


def _own_application(board, job, who):
    """The application `who` would act on: their own on this job, else anyone's (not theirs)."""
    mine = board.applications.get((job["id"], who["username"])) if who else None
    return mine or next((a for (j, _), a in board.applications.items() if j == job["id"]), None)


def _withdraw(board, job, who):
    application = board.applications.get((job["id"], "applicant"))
    if application is None:  # no applications on a grab job: nothing to take back
        raise NotAllowed()
    booking.withdraw(board.db, who, _own_application(board, job, who) or application, now=board.now)


def _take_back_invitation(board, job, who):
    application = board.applications.get((job["id"], "invitee"))
    if application is None:
        raise NotAllowed()
    booking.withdraw(board.db, who, application, now=board.now)


def _answer_question(board, job, who):
    """The question a helper asked while the job was open (capability_board), answered by `who`."""
    question = board.db.execute("SELECT id FROM questions WHERE job_id = ?", [job["id"]]).fetchone()[0]
    questions.answer(board.db, who, question, "No lift, third floor", now=board.now)


def _invite(board, job, who):
    booking.invite(board.db, who, job["id"], board.people["other"]["id"], now=board.now)


def _thread_worker(board, job, who) -> int:
    """The worker of the thread `who` would write in: their own (a helper), else (the poster, an
    organizer) the job's worker's, or a waiting applicant's; 0 for none."""
    if who and who["role"] != "organizer" and who["id"] != job["poster_id"]:
        return who["id"]
    waiting = "SELECT worker_id FROM applications WHERE job_id = ? AND status = 'pending' ORDER BY id LIMIT 1"
    row = next(board.db.query(waiting, [job["id"]]), None)
    return job["worker_id"] or (row["worker_id"] if row else 0)


def _may_read_threads(board, job, who) -> bool:
    try:
        messages.threads(board.db, job, who)
    except NotAllowed:
        return False
    return True


def _edited(job) -> dict:
    """The job's fields as the post form sends them, its price raised by a yuan."""
    return {
        **{field: job[field] for field in ("title", "description", "category", "price_type", "lat", "lon")},
        "price_yuan": str(job["price_fen"] // 100 + 1),
        "est_hours": str(job["est_minutes"] / 60) if job["est_minutes"] else None,
        "window_start": from_db(job["window_start"]),
        "window_end": from_db(job["window_end"]),
        "address_note": job["address_note"],
    }


def _reply(board, job, who):
    """Answer the review of `who` on the job (else any review of it: not theirs to answer)."""
    rows = board.db.query(
        "SELECT id, subject_id FROM reviews WHERE job_id = ? ORDER BY subject_id = ? DESC",
        [job["id"], (who or {}).get("id")],
    )
    review = next(iter(rows), None)
    if review is None:
        raise NotAllowed()  # nothing written to answer: no call the page could make
    reviews.reply(board.db, who, review["id"], reply="Thank you", now=board.now)


def _may_read_receipt(board, job, who) -> bool:
    try:
        statements.receipt(board.db, who, job["id"])
    except NotAllowed:
        return False
    return True


PROBES = {  # capability -> (board, stored job, acting user) -> None, raising NotAllowed when refused
    **{action: _act(action) for action, rule in TRANSITIONS.items() if rule.actor != "clock"},
    "add_material": lambda b, job, who: materials.add(
        b.db, who, job["id"], what="Glue", amount_yuan="3", receipt=samples.picture("R"), key="k", now=b.now
    ),
    "answer_material": _answer_material,
    "answer_extra_hours": lambda b, job, who: jobs.answer_extra_hours(b.db, who, job["id"], approve=False, now=b.now),
    "add_statement": lambda b, job, who: disputes.add_statement(b.db, who, job["id"], "My side", key="s", now=b.now),
    "rate": lambda b, job, who: reviews.rate(b.db, who, job["id"], stars=4, now=b.now),
    "apply": lambda b, job, who: booking.apply(b.db, who, job["id"], quote_yuan="70", now=b.now),
    "withdraw": _withdraw,
    "invite": lambda b, job, who: (_invite if job["status"] == "open" else _take_back_invitation)(b, job, who),
    "message": lambda b, job, who: messages.send(
        b.db, who, job["id"], _thread_worker(b, job, who), "Hello", samples.picture("Stairs"), key="m", now=b.now
    ),
    "ask": lambda b, job, who: questions.ask(b.db, who, job["id"], "Do I bring tools?", key="k", now=b.now),
    "answer_question": _answer_question,
    "share_contact": lambda b, job, who: contact.share(b.db, who, job["id"], False, b.now),
    "edit_job": lambda b, job, who: jobs.edit(b.db, who, job["id"], **_edited(job), now=b.now),
    "post_again": lambda b, job, who: jobs.again_draft(b.db, who, job["id"]),
    "book_again": lambda b, job, who: jobs.again_draft(b.db, who, job["id"], same_helper=True),
    "report": lambda b, job, who: reports.report(b.db, who, "job", job["id"], reason="spam", now=b.now),
    "reply_review": _reply,
    "tell_someone": lambda b, job, who: safety.tell_token(b.db, who, job["id"]),
    "ask_handover_code": lambda b, job, who: safety.ask_code(b.db, who, job["id"], b.now),
    "type_handover_code": lambda b, job, who: safety.check_code(b.db, who, job["id"], job["handover_code"], b.now),
}
PREPARES = {"answer_material"}  # probes that change the board before the call they test
READS = {  # capability -> (board, stored job, viewer) -> whether the service shows it
    "see_private": lambda b, job, who: jobs.get(b.db, job["id"], who)["exact"],
    "see_history": lambda b, job, who: bool(jobs.history(b.db, job, who)),
    "see_applicants": lambda b, job, who: any(
        a["worker_id"] != (who or {}).get("id") for a in booking.for_job(b.db, job, who, now=b.now)
    ),
    "see_messages": _may_read_threads,
    "see_contact": lambda b, job, who: contact.shared_phone(b.db, job, who) is not None,
    "see_receipt": _may_read_receipt,
    "see_handover_code": lambda b, job, who: jobs.get(b.db, job["id"], who)["handover_code"] is not None,
}
CASES = [
    (poster, mode, variant, role)
    for poster in POSTERS
    for mode in MODES
    for variant in VARIANTS
    for role in (ROLES if poster == "poster" else ("organizer",))  # on their own job: a party
]


def test_every_capability_has_a_probe():
    assert set(PROBES) | set(READS) == set(access.CAPABILITIES)
    assert not set(PROBES) & set(READS)


@pytest.fixture(scope="module")
def board_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("capabilities") / "linbang.db"
    board = capability_board.build(path, NOW)
    board.db.conn.close()
    return path, board


@pytest.fixture(scope="module")
def shared(board_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("capabilities-shared") / "linbang.db"
    copy_database(board_template[0], path, with_uploads=True)
    template = board_template[1]
    return capability_board.Board(
        database.connect(path), template.now, template.people, template.job_ids, template.applications
    )


def _fresh(board_template, tmp_path):
    path = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.db"
    copy_database(board_template[0], path, with_uploads=True)
    template = board_template[1]
    return capability_board.Board(
        database.connect(path), template.now, template.people, template.job_ids, template.applications
    )


def _repeats_the_last_step(board, job_id: int, action: str, who: dict | None) -> bool:
    last = jobs.events(board.db, job_id)[-1]
    return who is not None and (last["action"], last["actor_id"]) == (action, who["id"])


def _outcome(board, capability, job_id, who) -> bool:
    job = access.stored_job(board.db, job_id)
    try:
        PROBES[capability](board, job, who)
    except NotAllowed:
        return False
    return True


@pytest.mark.parametrize("poster, mode, variant, role", CASES, ids=["-".join(case) for case in CASES])
def test_the_services_allow_exactly_what_the_capabilities_say(
    board_template, shared, tmp_path, poster, mode, variant, role
):
    job_id = shared.job_ids[poster, mode, variant]
    who = shared.user(role)
    allowed = access.capabilities(shared.db, access.stored_job(shared.db, job_id), who)
    assert allowed <= set(access.CAPABILITIES)

    for capability, read in READS.items():
        assert read(shared, access.stored_job(shared.db, job_id), who) == (capability in allowed), capability
    mismatches = []
    for capability in PROBES:
        if _repeats_the_last_step(shared, job_id, capability, who):
            continue  # a double click, answered as done (test_jobs): not a new capability
        if capability in allowed or capability in PREPARES:  # it writes: on a copy of its own
            board = _fresh(board_template, tmp_path)
            if _outcome(board, capability, job_id, who) != (capability in allowed):
                mismatches.append(f"{capability}: {'in' if capability in allowed else 'not in'} the set, but not so")
            board.db.conn.close()
        else:
            changes = shared.db.conn.total_changes
            if _outcome(shared, capability, job_id, who):
                mismatches.append(f"{capability}: not in the set, but allowed")
            assert shared.db.conn.total_changes == changes, f"{capability}: a refusal changed the board"
    assert mismatches == []


def test_the_table_covers_every_status_and_the_control_cases_grant_something(shared):
    """Control: the board really has a job in every status, and the cases grant each capability
    to someone somewhere (a table that allowed nothing would pass the test above)."""
    statuses = {access.stored_job(shared.db, job_id)["status"] for job_id in shared.job_ids.values()}
    granted = set()
    for poster, mode, variant, role in CASES:
        job = access.stored_job(shared.db, shared.job_ids[poster, mode, variant])
        granted |= access.capabilities(shared.db, job, shared.user(role))
    assert statuses == {
        "open",
        "assigned",
        "in_progress",
        "done",
        "disputed",
        "completed",
        "resolved",
        "cancelled",
        "expired",
    }
    assert granted == set(access.CAPABILITIES)

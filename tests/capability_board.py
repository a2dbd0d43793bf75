"""A board with one job in every status (and a done job waiting on extra hours) in both modes, posted
by a resident and again by an organizer, and a person for every role a job's capabilities tell
apart: made through the real services, for the capability table tests. Every job has a question a
helper asked while it was open, and both sides of every job that was taken shared their phones then."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from demo import samples
from services import booking, contact, jobs, ledger, materials, questions, reviews, settings, users, workers
from services import db as database
from services.transitions import Finish, Reason
from tests.support import set_phone, sunny_garden

PASSWORD = "correct horse 7"
PHONES = {"org_zh": "+86 139 0000 0001", "poster": "+86 139 0000 0002", "worker": "+86 139 0000 0003"}
CENTER = (31.2304, 121.4737)
# role -> username; "signed_out" has none. On the organizer's own jobs the organizer is the poster.
ROLES = {
    "poster": "poster",
    "worker": "worker",  # the job's worker, once it has one
    "applicant": "applicant",  # applied to every booking job (pending while it is open)
    "invitee": "invitee",  # invited to every booking job (pending while it is open)
    "other_worker": "other",  # verified, with no part in the job
    "unverified": "newcomer",  # takes jobs, identity not checked
    "organizer": "org_zh",  # neither side of the job
    "signed_out": None,
}
VARIANTS = (
    "open",
    "assigned",
    "in_progress",
    "done",
    "done_extra",  # hourly, worked longer than estimated: the poster has to answer the extra hours
    "disputed",
    "completed",
    "resolved",
    "cancelled",
    "expired",
)
MODES = ("grab", "booking")
POSTERS = ("poster", "org_zh")  # whose job: a resident's, or an organizer's own (a party to it)


@dataclass
class Board:
    db: object
    now: datetime  # when everything after building happens
    people: dict  # username -> user row
    job_ids: dict  # (poster username, mode, variant) -> job id
    applications: dict  # (job id, username) -> application id

    def user(self, role: str) -> dict | None:
        return self.people[ROLES[role]] if ROLES[role] else None


def build(path, now: datetime) -> Board:
    db = database.connect(path)
    people = {"org_zh": users.get(db, sunny_garden(db, now))}
    for username, role in (
        ("deputy", "organizer"),  # resolves the disputes of the organizer's own jobs
        ("poster", "resident"),
        ("worker", "resident"),
        ("applicant", "resident"),
        ("invitee", "resident"),
        ("other", "resident"),
        ("newcomer", "resident"),
    ):
        user_id = users.register(
            db, username=username, display_name=username.title(), password=PASSWORD, language="en", role=role, now=now
        )
        people[username] = users.get(db, user_id)
    for username in ("worker", "applicant", "invitee", "other", "newcomer"):
        workers.set_taking_jobs(db, people[username], taking_jobs=True, categories=["moving"], now=now)
    for username in ("worker", "applicant", "invitee", "other"):
        samples.verify(db, people["org_zh"], people[username], now)
    for username, phone in PHONES.items():
        set_phone(db, people[username], phone)
        people[username] = users.get(db, people[username]["id"])
    with database.write(db):  # every job is an evening one: its worker may tell someone (services.safety)
        settings.save(db, {"evening_hour": 0})
    for username in POSTERS:
        ledger.top_up(db, people["org_zh"], people[username]["id"], "10000", key=f"start-{username}", now=now)
    board = Board(db, now + timedelta(hours=1), people, {}, {})
    for poster in POSTERS:
        for mode in MODES:
            for variant in VARIANTS:
                board.job_ids[poster, mode, variant] = _job(board, poster, mode, variant, now)
    jobs.run_clock(db, board.now)  # the one job whose window has passed expires; nothing else is due
    return board


def _job(board: Board, poster: str, mode: str, variant: str, now: datetime) -> int:
    db, people = board.db, board.people
    hourly = variant == "done_extra"
    ends = now + timedelta(minutes=30) if variant == "expired" else now + timedelta(days=2)
    job_id = jobs.post(
        db,
        people[poster],
        title=f"{mode} {variant}",
        description="Carry boxes",
        category="moving",
        price_yuan="40" if hourly else "80",
        price_type="hourly" if hourly else "fixed",
        est_hours="2" if hourly else None,
        window_start=now + timedelta(minutes=10),
        window_end=ends,
        lat=CENTER[0] + 0.003,
        lon=CENTER[1],
        address_note="Building 7, unit 2",
        mode=mode,
        handover_code=variant == "in_progress",  # a code to see and type; the open job's poster may still ask
        now=now,
    )
    questions.ask(db, people["other"], job_id, "Is there a lift?", key=f"lift-{job_id}", now=now)
    if mode == "booking":
        for username in ("applicant", "worker") if variant != "open" else ("applicant",):
            application = booking.apply(db, people[username], job_id, quote_yuan="80", now=now)
            board.applications[job_id, username] = application
        invitation = booking.invite(db, people[poster], job_id, people["invitee"]["id"], now=now)
        board.applications[job_id, "invitee"] = invitation
    if variant in ("open", "expired"):
        return job_id
    worker = people["worker"]
    if mode == "grab":
        jobs.act(db, job_id, "claim", worker, now=now)
    else:
        booking.accept(db, people[poster], board.applications[job_id, "worker"], now=now)
    for side in (poster, "worker"):
        contact.share(db, people[side], job_id, True, now)
    steps = {
        "assigned": [],
        "cancelled": [("cancel", poster, None)],
        "in_progress": [("start", "worker", None)],
    }.get(variant, [("start", "worker", None), ("finish", "worker", Finish(hours="3") if hourly else None)])
    for action, who, request in steps:
        jobs.act(db, job_id, action, people[who], request, now=now)
    if variant == "in_progress":  # a line waiting for the poster's answer
        materials.add(db, worker, job_id, what="Tape", amount_yuan="5", receipt=None, key="tape", now=now)
    if variant in ("disputed", "resolved"):
        jobs.act(db, job_id, "dispute", people[poster], Reason("Half done"), now=now)
    if variant == "resolved":
        resolver = people["deputy" if poster == "org_zh" else "org_zh"]
        jobs.act(db, job_id, "resolve_pay", resolver, now=now)
    if variant == "completed":  # both sides rated it: both reviews show, each may be answered
        jobs.act(db, job_id, "confirm", people[poster], now=now)
        for author in (poster, "worker"):
            reviews.rate(db, people[author], job_id, stars=4, comment="Good", now=now)
    return job_id

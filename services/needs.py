"""What needs a person now: the jobs and answers waiting on them, counted, for the top of My jobs and
browse ("1 job waiting for your confirmation", "2 applicants to answer", "a material to approve")."""

from typing import NamedTuple

from . import users
from .db import Database
from .rows import User


class Waiting(NamedTuple):
    kind: str  # a catalog key under needs.
    number: int
    job_id: int | None  # the one job it is about, when it is about one


# kind -> (only for organizers, a query of what waits on :me: one row per waiting thing, with its job's id)
QUERIES: dict[str, tuple[bool, str]] = {
    "confirm": (False, "SELECT id AS job_id FROM jobs WHERE poster_id = :me AND status = 'done'"),
    "applicants": (
        False,
        """SELECT a.job_id FROM applications a JOIN jobs j ON j.id = a.job_id
           WHERE j.poster_id = :me AND j.status = 'open' AND a.kind = 'apply' AND a.status = 'pending'""",
    ),
    "materials": (
        False,
        """SELECT m.job_id FROM job_materials m JOIN jobs j ON j.id = m.job_id
           WHERE j.poster_id = :me AND m.status = 'pending' AND j.status IN ('in_progress', 'done')""",
    ),
    "invitations": (
        False,
        """SELECT a.job_id FROM applications a JOIN jobs j ON j.id = a.job_id
           WHERE a.worker_id = :me AND j.status = 'open' AND a.kind = 'invite' AND a.status = 'pending'""",
    ),
    "start": (False, "SELECT id AS job_id FROM jobs WHERE worker_id = :me AND status = 'assigned'"),
    "disputes": (
        True,
        "SELECT id AS job_id FROM jobs WHERE status = 'disputed' AND :me NOT IN (poster_id, worker_id)",
    ),
    "id_checks": (
        True,
        "SELECT NULL AS job_id FROM id_checks WHERE status = 'pending' AND user_id != :me",
    ),
}


def waiting_on(db: Database, user: User) -> list[Waiting]:
    """Everything waiting on the acting person now, in QUERIES order; kinds with nothing are left out."""
    user = users.active(db, user)
    waiting = []
    for kind, (organizers_only, sql) in QUERIES.items():
        if organizers_only and user["role"] != "organizer":
            continue
        job_ids = [row["job_id"] for row in db.query(sql, {"me": user["id"]})]
        if job_ids:
            one_job = job_ids[0] if len(set(job_ids)) == 1 else None
            waiting.append(Waiting(kind, len(job_ids), one_job))
    return waiting

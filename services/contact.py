"""Contact without exposure: a phone number is shown only where its owner switched on "share my phone
for this job", to the other side of that job, and only until the job ends.

A share belongs to one pair: the job, the person sharing and the job's worker at the time
(contact_shares.worker_id). While the job is assigned or in progress either side may switch theirs
on or off (capability `share_contact`); the other side sees it while the job has not ended (capability
`see_contact`: assigned, in progress, done, disputed). Once it is completed, cancelled or resolved
nobody sees it; a job given back and taken by someone else is a new pair, who never sees the first
pair's numbers. Organizers do not see it either: no profile, list or page shows a phone otherwise.
"""

from datetime import datetime
from typing import NamedTuple

from . import access, notifications, users
from .clock import to_db
from .db import Database, one, write
from .errors import ValidationError
from .rows import Job, User


def share(db: Database, actor: User, job_id: int, on: bool, now: datetime) -> None:
    """The poster or the job's worker switches sharing their phone with the other side on or off
    (capability `share_contact`). Switching on tells the other side, once per pair however often it is
    switched; switching it to what it is already changes nothing.
    Raises NotFound, NotAllowed (or its kinds), ValidationError("phone") when switching on without a
    phone on file (the account page takes one)."""
    with write(db):
        job, actor = access.load(db, job_id, actor, "share_contact")
        pair = [job_id, actor["id"], job["worker_id"]]
        if not on:
            db.execute("DELETE FROM contact_shares WHERE job_id = ? AND user_id = ? AND worker_id = ?", pair)
            return
        if not actor["phone"]:
            raise ValidationError("phone", "error.no_phone")
        added = db.execute(
            "INSERT OR IGNORE INTO contact_shares (job_id, user_id, worker_id, shared_at) VALUES (?, ?, ?, ?)",
            [*pair, to_db(now)],
        ).rowcount
        if added:
            source = "contact:{}:{}:{}".format(*pair)
            notifications.job_step(db, job, "job.contact_shared", source, actor["id"], now, worker_id=job["worker_id"])


def sharing(db: Database, job: Job, viewer: User) -> bool:
    """Whether `viewer` shares their phone with the other side of `job` now (what their switch shows)."""
    viewer = users.active(db, viewer)
    sql = "SELECT 1 AS x FROM contact_shares WHERE job_id = ? AND user_id = ? AND worker_id = ?"
    return one(db, sql, [job["id"], viewer["id"], job["worker_id"]]) is not None


class Shared(NamedTuple):
    name: str  # whose phone: the other side's display name
    phone: str


def shared_phone(db: Database, job: Job, viewer: User | None) -> Shared | None:
    """The phone the other side of `job` shares with `viewer` for this pair (capability `see_contact`),
    with their name, or None: not theirs to see, not shared, or no phone on file. Raises NotAllowed for
    a blocked viewer."""
    if access.refusal(db, job, viewer, "see_contact"):
        return None
    viewer = users.active(db, viewer)
    other = job["worker_id"] if viewer["id"] == job["poster_id"] else job["poster_id"]
    row = one(
        db,
        """SELECT u.display_name, u.phone FROM contact_shares c JOIN users u ON u.id = c.user_id
           WHERE c.job_id = ? AND c.user_id = ? AND c.worker_id = ?""",
        [job["id"], other, job["worker_id"]],
    )
    return Shared(row["display_name"], row["phone"]) if row and row["phone"] else None

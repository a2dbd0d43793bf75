"""Identity checks (实名认证): a worker submits their ID, an organizer approves or rejects it.

What is kept: the real name, the ID number's last four characters, and a salted scrypt hash of the
whole number so that one ID used on two accounts can be spotted. The full number is never stored.
The three photos go to the private upload folder, are read only through `photo()` by an organizer,
and are deleted once the decision is made (or `keep_days` after it, a community setting); the
decision, who made it and when stay in id_checks.
"""

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from . import audit, notifications, settings, uploads, users
from .clock import to_db
from .db import Database, insert, one, write
from .errors import InvalidTransition, NotAllowed, NotFound, ValidationError
from .rows import Row, User
from .validate import Typed, text

ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would also take other scripts' digits
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
PHOTOS = ("front", "back", "selfie")
KEEP_DAYS_SETTING = "id_photo_keep_days"
MAX_KEEP_DAYS = 90
SALT_SETTING = "id_hash_salt"


def normalise_id_number(value: Typed) -> str:
    """An 18-character mainland resident ID number, checked by its final check character.

    Full-width digits (as typed with a Chinese input method) become ASCII first, so one number always
    hashes the same way; digits of other scripts are refused.
    """
    number = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
    if not ID_RE.match(number):
        raise ValidationError("id_number", "error.id_number")
    check = ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != check:
        raise ValidationError("id_number", "error.id_number")
    return number


def _salt(db: Database) -> bytes:
    """This board's hashing salt, made on first use (call inside write())."""
    stored = settings.read(db, [SALT_SETTING])
    if stored:
        return bytes.fromhex(str(stored[SALT_SETTING]))
    salt = secrets.token_bytes(16)
    settings.save(db, {SALT_SETTING: salt.hex()})
    return salt


def _id_hash(number: str, salt: bytes) -> str:
    # scrypt, not a fast hash: ID numbers follow a pattern, so a leaked hash must be costly to reverse.
    return hashlib.scrypt(number.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def submit(
    db: Database,
    actor: User,
    *,
    real_name: Typed,
    id_number: Typed,
    front: bytes,
    back: bytes,
    selfie: bytes,
    now: datetime,
) -> int:
    """The acting worker asks to be verified. Returns the check's id. Stores nothing on error.

    Allowed for someone with "I take jobs" on who is neither verified nor waiting for a decision.
    Raises ValidationError (a bad field or picture), NotAllowed, InvalidTransition.
    """
    real_name = text(real_name, "real_name", min_len=2, max_len=30, single_line=True)
    number = normalise_id_number(id_number)
    cleaned = {which: uploads.reencoded(data, which) for which, data in zip(PHOTOS, (front, back, selfie), strict=True)}
    with uploads.saving(db, "private") as save, write(db):
        actor = users.active(db, actor)
        profile = one(db, "SELECT * FROM worker_profiles WHERE user_id = ?", [actor["id"]])
        if not profile or not profile["taking_jobs"]:
            raise NotAllowed("error.not_a_worker")
        if profile["verification"] in ("pending", "verified"):
            raise InvalidTransition(
                "error.verification_pending" if profile["verification"] == "pending" else "error.verification_verified"
            )
        check_id = insert(
            db,
            "id_checks",
            {
                "user_id": actor["id"],
                "real_name": real_name,
                "id_last4": number[-4:],
                "id_hash": _id_hash(number, _salt(db)),
                **{f"{which}_file": save(data) for which, data in cleaned.items()},
                "submitted_at": to_db(now),
            },
        )
        _set_profile(db, actor["id"], "pending", "", now)
    return check_id


def _set_profile(db: Database, user_id: int, status: str, reason: str, now: datetime) -> None:
    db.execute(
        """UPDATE worker_profiles SET verification = ?, verification_reason = ?, updated_at = ?
           WHERE user_id = ?""",
        [status, reason, to_db(now), user_id],
    )


def latest(db: Database, user_id: int, viewer: User) -> Row | None:
    """A worker's most recent check as they (or an organizer) may see it: no photos, no hash."""
    users.self_or_organizer(db, viewer, user_id)
    return one(
        db,
        """SELECT id, real_name, id_last4, submitted_at, status, decided_at, reason, revoked_at, revoke_reason
           FROM id_checks WHERE user_id = ? ORDER BY id DESC LIMIT 1""",
        [user_id],
    )


def queue(db: Database, actor: User) -> list[Row]:
    """Checks waiting for a decision, oldest first, each with the other accounts that gave the same
    ID number (`same_id_as`: display names). Organizers only."""
    users.organizer(db, actor)
    pending = list(
        db.query(
            """SELECT c.id, c.user_id, c.real_name, c.id_last4, c.id_hash, c.submitted_at, u.username, u.display_name
               FROM id_checks c JOIN users u ON u.id = c.user_id
               WHERE c.status = 'pending' ORDER BY c.id"""
        )
    )
    for check in pending:
        check["same_id_as"] = [
            row["display_name"]
            for row in db.query(
                """SELECT DISTINCT u.display_name FROM id_checks c JOIN users u ON u.id = c.user_id
                   WHERE c.id_hash = ? AND c.user_id != ? ORDER BY u.display_name""",
                [check.pop("id_hash"), check["user_id"]],
            )
        ]
    return pending


def photo(db: Database, actor: User, check_id: int, which: str) -> bytes:
    """One ID photo of a check. Organizers only; NotFound once the photos are deleted."""
    users.organizer(db, actor)
    if which not in PHOTOS:
        raise NotFound()
    check = one(db, "SELECT * FROM id_checks WHERE id = ?", [check_id])
    if not check or not check[f"{which}_file"]:
        raise NotFound()
    return uploads.read(db, "private", check[f"{which}_file"])


def keep_days(db: Database) -> int:
    return settings.whole(db, KEEP_DAYS_SETTING)


def set_keep_days(db: Database, actor: User, days: Typed, now: datetime) -> None:
    """How many days ID photos are kept after the decision (0: deleted at once); photos already past
    the new limit are deleted now. Organizers only."""
    with write(db):
        actor = users.organizer(db, actor)
        try:
            days = int(days)
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
            raise ValidationError("keep_days", "error.keep_days", max=MAX_KEEP_DAYS) from None
        if not 0 <= days <= MAX_KEEP_DAYS:
            raise ValidationError("keep_days", "error.keep_days", max=MAX_KEEP_DAYS)
        settings.change(db, actor, {KEEP_DAYS_SETTING: days}, now)
    purge_photos(db, now)


def decide(db: Database, actor: User, check_id: int, *, approve: bool, reason: Typed = "", now: datetime) -> None:
    """An organizer approves or rejects a pending check (a rejection needs a reason the worker sees).

    Nobody decides their own check. Raises NotAllowed, NotFound, InvalidTransition (already
    decided: two organizers at once), ValidationError (no reason for a rejection).
    """
    with write(db):
        actor = users.organizer(db, actor)
        reason = text(reason, "reason", min_len=0 if approve else 2, max_len=300)
        check = one(db, "SELECT * FROM id_checks WHERE id = ?", [check_id])
        if not check:
            raise NotFound()
        if check["user_id"] == actor["id"]:
            raise NotAllowed("error.self_verify")
        status = "approved" if approve else "rejected"
        changed = db.execute(
            """UPDATE id_checks SET status = ?, decided_by = ?, decided_at = ?, reason = ?
               WHERE id = ? AND status = 'pending'""",
            [status, actor["id"], to_db(now), reason, check_id],
        ).rowcount
        if not changed:
            raise InvalidTransition("error.already_decided")
        _set_profile(db, check["user_id"], "verified" if approve else "rejected", reason, now)
        decision = {"verification": "verified" if approve else "rejected", "reason": reason}
        audit.record(
            db, actor, "verify", user_id=check["user_id"], before={"verification": "pending"}, after=decision, now=now
        )
        kind = "account.verified" if approve else "account.rejected"
        notifications.tell(db, [check["user_id"]], kind, f"id_check:{check_id}", now, reason=reason)
    purge_photos(db, now)


def revoke(db: Database, actor: User, user_id: int, *, reason: Typed, now: datetime) -> None:
    """An organizer withdraws a worker's verification, with a reason the worker sees; they may
    submit a new check afterwards. Raises NotAllowed, NotFound, InvalidTransition, ValidationError."""
    with write(db):
        actor = users.organizer(db, actor)
        reason = text(reason, "reason", min_len=2, max_len=300)
        if user_id == actor["id"]:
            raise NotAllowed("error.self_verify")
        profile = one(db, "SELECT verification FROM worker_profiles WHERE user_id = ?", [user_id])
        if not profile or profile["verification"] != "verified":
            raise InvalidTransition("error.helper_not_verified")
        db.execute(
            """UPDATE id_checks SET status = 'revoked', revoked_by = ?, revoked_at = ?, revoke_reason = ?
               WHERE id = (SELECT MAX(id) FROM id_checks WHERE user_id = ? AND status = 'approved')""",
            [actor["id"], to_db(now), reason, user_id],
        )
        _set_profile(db, user_id, "rejected", reason, now)
        after = {"verification": "rejected", "reason": reason}
        audit.record(db, actor, "revoke", user_id=user_id, before={"verification": "verified"}, after=after, now=now)
        notifications.tell(db, [user_id], "account.revoked", f"revoked:{user_id}:{to_db(now)}", now, reason=reason)


def purge_photos(db: Database, now: datetime) -> int:
    """Delete the ID photos of checks decided more than keep_days ago. Returns how many checks.

    The row is updated first, the files removed after the commit: a crash in between leaves
    unreferenced files in the private folder (never shown), not rows pointing at missing files.
    """
    cutoff = to_db(now - timedelta(days=keep_days(db)))
    due = list(
        db.query(
            """SELECT id, front_file, back_file, selfie_file FROM id_checks
               WHERE status != 'pending' AND photos_deleted_at IS NULL AND decided_at <= ?""",
            [cutoff],
        )
    )
    if not due:
        return 0
    with write(db):
        for check in due:
            db.execute(
                """UPDATE id_checks SET front_file = NULL, back_file = NULL, selfie_file = NULL,
                   photos_deleted_at = ? WHERE id = ?""",
                [to_db(now), check["id"]],
            )
    for check in due:
        for which in PHOTOS:
            uploads.delete(db, "private", check[f"{which}_file"])
    return len(due)


def verified_workers(db: Database, actor: User) -> list[Row]:
    """Verified workers with who approved them and when, for the organizer's revoke list."""
    users.organizer(db, actor)
    return list(
        db.query(
            """SELECT w.user_id, u.display_name, u.username, c.decided_at, d.display_name AS decided_by_name
               FROM worker_profiles w JOIN users u ON u.id = w.user_id
               LEFT JOIN id_checks c ON c.id = (SELECT MAX(id) FROM id_checks WHERE user_id = w.user_id
                                                AND status = 'approved')
               LEFT JOIN users d ON d.id = c.decided_by
               WHERE w.verification = 'verified' ORDER BY u.display_name"""
        )
    )

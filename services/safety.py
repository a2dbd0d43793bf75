"""Safety on the job (#16 item 3): the "tell someone" card of an evening job, and the handover code.

The card (告诉家人) is what a helper sends a family member before an evening job: its time window and
roughly where, as a link and a QR code. The link opens a read-only public page. Whoever holds it,
a stranger too, learns exactly what the card says and nothing more: its token carries only the
window and the distance of the job's public (fuzzed) point from the community's centre, signed
with a key beside the database, and no job id, name, title or address; it stops working a day
after the window ends.

The handover code (取件码) is four digits the board makes for a poster who asks; the poster tells the
worker in person and the worker types it to mark the job finished. A few wrong tries, then a wait.

(Safety notes of hazardous categories: services.categories.require_safety_seen.)
"""

import base64
import hashlib
import hmac
import io
import json
import math
import secrets
from datetime import datetime, timedelta
from typing import TypedDict

import qrcode
from qrcode.image.pil import PilImage

from . import access, community, files, geo
from .clock import from_db, to_db
from .db import Database, insert, the_one, write
from .errors import InvalidTransition, NotFound, TooManyAttempts, ValidationError
from .rows import User
from .validate import Typed

KEY_FILE = "tell.key"
CARD_KEEPS = timedelta(days=1)  # after the job's window ends, the link stops working
CODE_TRIES = 3  # wrong handover codes in a row before a wait
CODE_WAIT = timedelta(minutes=15)


class Card(TypedDict):
    """What the "tell someone" card says, all of it."""

    window_start: datetime
    window_end: datetime
    community: str
    distance_km: float  # of the job's public (fuzzed) point from the community's centre
    expires_at: datetime


# --- the "tell someone" card -------------------------------------------------------------------


def tell_token(db: Database, actor: User, job_id: int) -> str:
    """The token of the card's link for the worker of an evening job (capability tell_someone).
    Raises NotFound, NotAllowed (not the job's worker; its kind InvalidTransition: not an evening
    job, or no longer ahead)."""
    job, _ = access.load(db, job_id, actor, "tell_someone")
    place = community.get(db)
    if place is None:
        raise NotFound()
    km = geo.distance_km(place["lat"], place["lon"], job["public_lat"], job["public_lon"])
    payload = {"s": job["window_start"], "e": job["window_end"], "km": round(km, 1)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_b64(_signature(db, body))}"


def card(db: Database, token: str, now: datetime) -> Card:
    """What a card's link shows. Raises NotFound (not a token this board signed), InvalidTransition
    ("error.tell_expired": a day has passed since the job's window ended)."""
    body, _, signature = str(token).partition(".")
    try:
        good = hmac.compare_digest(base64.urlsafe_b64decode(signature + "=="), _signature(db, body))
        payload = json.loads(base64.urlsafe_b64decode(body + "==")) if good else None
    except (ValueError, TypeError):  # not base64 or not JSON: no token of ours
        payload = None
    place = community.get(db)
    if not payload or place is None:
        raise NotFound()
    expires_at = from_db(payload["e"]) + CARD_KEEPS
    if now >= expires_at:
        raise InvalidTransition("error.tell_expired")
    return Card(
        window_start=from_db(payload["s"]),
        window_end=from_db(payload["e"]),
        community=place["name"],
        distance_km=float(payload["km"]),
        expires_at=expires_at,
    )


def qr_png(link: str) -> bytes:
    """The link as a QR code, a PNG drawn by Pillow (it carries the link and nothing else)."""
    out = io.BytesIO()
    qrcode.make(link, image_factory=PilImage, border=2, box_size=8).save(out)
    return out.getvalue()


def _signature(db: Database, body: str) -> bytes:
    return hmac.new(files.secret_key(db.conn, KEY_FILE), body.encode(), hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- the handover code -------------------------------------------------------------------------


def new_code() -> str:
    return f"{secrets.randbelow(10_000):04d}"


def ask_code(db: Database, actor: User, job_id: int, now: datetime) -> str:
    """The poster of an open job has the board make its handover code; returns it. Asking again
    (a double click) returns the code made already.

    Raises NotFound, NotAllowed (not the poster; its kind InvalidTransition: the job is no longer open)."""
    with write(db):
        job, actor = access.load(db, job_id, actor)
        made = job["handover_code"] is not None and job["status"] == "open"  # asked twice: the code made already
        if access.require(db, job, actor, "ask_handover_code", done_already=made):
            return str(job["handover_code"])
        code = new_code()
        db.execute("UPDATE jobs SET handover_code = ?, updated_at = ? WHERE id = ?", [code, to_db(now), job_id])
        return code


def check_code(db: Database, actor: User, job_id: int, code: Typed, now: datetime) -> None:
    """Before the worker finishes a job that has a handover code (services.jobs.act, which calls it
    only then): the code they typed must be it. A wrong one is counted in this transaction of its
    own, so that it stays counted when the finish is refused; after CODE_TRIES wrong ones within
    CODE_WAIT the next try waits CODE_WAIT.

    Raises NotFound, NotAllowed (not the worker of an in-progress job with a code),
    TooManyAttempts("error.handover_wait", minutes=...), ValidationError("code": wrong)."""
    with write(db):
        job, actor = access.load(db, job_id, actor, "type_handover_code")
        wait = _wait(db, job_id, now)
        if wait:
            raise TooManyAttempts("error.handover_wait", minutes=max(1, -(-wait // 60)))
        right = hmac.compare_digest(str(code or "").strip().encode(), str(job["handover_code"]).encode())
        if not right:
            insert(db, "handover_misses", {"job_id": job_id, "at": to_db(now)})
    if not right:
        raise ValidationError("code", "error.handover_code")


def _wait(db: Database, job_id: int, now: datetime) -> int:
    """Seconds before the next try may be made: CODE_TRIES wrong tries within CODE_WAIT make the next
    wait CODE_WAIT from the last of them (0: no wait)."""
    row = the_one(
        db,
        "SELECT COUNT(*) AS misses, MAX(at) AS last FROM handover_misses WHERE job_id = ? AND at > ?",
        [job_id, to_db(now - CODE_WAIT)],
    )
    if row["misses"] < CODE_TRIES:
        return 0
    return math.ceil((from_db(row["last"]) + CODE_WAIT - now).total_seconds())

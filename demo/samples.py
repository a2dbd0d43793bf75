"""Made-up pictures and ID numbers, and a worker verified through the real identity check.

Used by the demo seed, the tests and the benchmarks: nothing here is a real person's data.
"""

import io
from datetime import datetime

from PIL import Image, ImageDraw

from services import verification

COLOURS = ("#4dabf7", "#69db7c", "#ffd43b", "#ff8787", "#b197fc", "#63e6be")


def picture(label: str, colour: str = COLOURS[0], size: tuple[int, int] = (480, 300), kind: str = "JPEG") -> bytes:
    """A plain picture with a label on it, encoded as `kind` (JPEG, PNG or WEBP)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, size[0] - 12, size[1] - 12), outline="white", width=4)
    draw.text((28, 28), label, fill="black")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def id_number(serial: int) -> str:
    """A made-up 18-character resident ID number with a correct check character."""
    body = f"110101{19800101 + serial % 28:08d}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, verification.ID_WEIGHTS, strict=True))
    return body + verification.ID_CHECK_CHARS[total % 11]


def submit_id(db, worker: dict, now: datetime, serial: int | None = None) -> int:
    """The worker submits an identity check with generated photos. Returns the check id."""
    serial = worker["id"] if serial is None else serial
    return verification.submit(
        db,
        worker,
        real_name=f"{worker['display_name']} (real)",
        id_number=id_number(serial),
        front=picture("ID front", COLOURS[1]),
        back=picture("ID back", COLOURS[2]),
        selfie=picture("Selfie with ID", COLOURS[3]),
        now=now,
    )


def verify(db, organizer: dict, worker: dict, now: datetime) -> None:
    """The worker submits an identity check and the organizer approves it."""
    verification.decide(db, organizer, submit_id(db, worker, now), approve=True, now=now)

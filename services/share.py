"""A share card for the community's WeChat group (#16 item 8): a QR code of the board's address, or
of an open job's page, as a PNG with the community's name (and the job's title) under the code.

The addresses are the board's public address (the `public_url` setting, which the e-mails' links use
too): without it there is nothing to share. The card holds nothing private: a job's title only,
never its place.
"""

import io
import pathlib
import subprocess
from functools import cache
from urllib.parse import urlencode

import qrcode
from PIL import Image, ImageDraw, ImageFont

from . import community, settings
from .db import Database
from .errors import InvalidTransition, NotFound, ValidationError
from .rows import Job

# Where Debian's fonts-noto-cjk puts its faces, when fc-match is missing or finds none of them.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
BOX = 10  # pixels of one module of the code
BORDER = 4  # modules of white around it (the QR standard's quiet zone)
FONT_SIZE = 30
LINE_GAP = 12
MAX_LINE = 24  # characters of a line drawn under the code; a longer title is cut with …


def board_url(db: Database) -> str:
    """The board's public address, without a trailing slash. Raises ValidationError("public_url")
    while the organizer has not set it (on the E-mail page)."""
    url = str(settings.read(db, ["public_url"])["public_url"])
    if not url:
        raise ValidationError("public_url", "error.share_no_address")
    return url


def job_url(db: Database, job: Job) -> str | None:
    """The public address of the job's page (the e-mails' job links have the same form) when it may be
    shared: it is open (anyone may take it) and the board has its address; else None."""
    url = str(settings.read(db, ["public_url"])["public_url"])
    if job["status"] != "open" or not url:
        return None
    return f"{url}/job?{urlencode({'id': job['id']})}"


def board_card(db: Database) -> bytes:
    """The card of the board: its address's code and the community's name. Raises as board_url."""
    return card(board_url(db), [_community_name(db)])


def job_card(db: Database, job: Job) -> bytes:
    """The card of an open job: its page's code, the community's name and the job's title. Raises
    InvalidTransition when the job may not be shared (job_url: not open, or no address)."""
    url = job_url(db, job)
    if url is None:
        raise InvalidTransition("error.share_not_open")
    return card(url, [_community_name(db), job["title"]])


def _community_name(db: Database) -> str:
    place = community.get(db)
    if place is None:
        raise NotFound()
    return place["name"]


def card(url: str, lines: list[str]) -> bytes:
    """A PNG: the QR code of `url` with `lines` drawn centred under it (each on one line, cut at
    MAX_LINE characters), in a CJK font when the machine has one (else Pillow's own, which draws
    Latin letters only)."""
    code = qrcode.QRCode(box_size=BOX, border=BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    picture = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    font = _font()
    texts = [_one_line(line) for line in lines]
    height = picture.height + sum(_height(font, text) + LINE_GAP for text in texts) + BORDER * BOX // 2
    width = max([picture.width, *(int(font.getlength(text)) + 2 * BOX * BORDER for text in texts)])
    sheet = Image.new("RGB", (width, height), "white")
    sheet.paste(picture, ((width - picture.width) // 2, 0))
    y = picture.height
    for text in texts:
        ImageDraw.Draw(sheet).text(((width - font.getlength(text)) / 2, y), text, fill="black", font=font)
        y += _height(font, text) + LINE_GAP
    out = io.BytesIO()
    sheet.save(out, format="PNG")
    return out.getvalue()


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def _height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> int:
    left, top, right, bottom = font.getbbox(text or " ")
    return int(bottom)


@cache
def font_path() -> pathlib.Path | None:
    """A font file that draws Chinese: the one fontconfig names for Simplified Chinese, else the
    first of CJK_FONTS that exists; None when the machine has none."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        found = ""
    candidates = ([found] if "CJK" in found else []) + list(CJK_FONTS)
    return next((pathlib.Path(path) for path in candidates if pathlib.Path(path).is_file()), None)


def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path()
    if path is None:
        return ImageFont.load_default(FONT_SIZE)
    return ImageFont.truetype(str(path), FONT_SIZE)

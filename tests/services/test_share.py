"""The share card (#16 item 8): a PNG whose QR code reads as the board's address or an open job's page,
with the community's name (and the job's title) under it, and nothing private.

No QR decoder is installed here (no zbar, no OpenCV), so the code is read back from the PNG's own
pixels: the centre of every module, sampled where the card draws the code, must be the matrix that
`qrcode` makes for the expected address, and not the one for any other address.
"""

import io

import pytest
import qrcode
from PIL import Image

from services import jobs, mail, share
from services.errors import InvalidTransition, ValidationError

BOARD = "https://linbang.example.org"


def read_code(png: bytes, url: str) -> bool:
    """Whether the code drawn at the top centre of the card is the QR code of `url` (module by module)."""
    expected = qrcode.QRCode(box_size=share.BOX, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    expected.add_data(url)
    matrix = expected.get_matrix()
    image = Image.open(io.BytesIO(png)).convert("L")
    side = (len(matrix) + 2 * share.BORDER) * share.BOX
    left = (image.width - side) // 2 + share.BORDER * share.BOX
    top = share.BORDER * share.BOX
    half = share.BOX // 2
    seen = [
        [image.getpixel((left + x * share.BOX + half, top + y * share.BOX + half)) < 128 for x in range(len(matrix))]
        for y in range(len(matrix))
    ]
    return seen == matrix


@pytest.fixture
def with_address(db, organizer):
    mail.configure(
        db, organizer, host="", port="587", security="none", user="", password="", from_address="", public_url=BOARD
    )


def test_the_board_card_reads_as_the_board_address(db, with_address):
    png = share.board_card(db)
    assert png.startswith(b"\x89PNG")
    assert read_code(png, BOARD)
    assert not read_code(png, BOARD + "/job?id=1")


def test_an_open_job_card_reads_as_its_page(db, with_address, open_job):
    job = jobs.get(db, open_job["id"], None)
    png = share.job_card(db, job)
    assert read_code(png, f"{BOARD}/job?id={open_job['id']}")
    assert not read_code(png, BOARD)


def test_the_card_draws_the_names_under_the_code(db, with_address, open_job):
    """The job's card is taller than the board's: a line more, the title, under the community's name."""
    job = jobs.get(db, open_job["id"], None)
    board = Image.open(io.BytesIO(share.board_card(db)))
    card = Image.open(io.BytesIO(share.job_card(db, job)))
    assert card.height > board.height > board.width


def test_a_cjk_font_is_found_on_this_machine():
    path = share.font_path()
    assert path is not None and path.is_file(), "fonts-noto-cjk is installed here (README asks for it)"


def test_without_a_cjk_font_the_card_is_still_made(monkeypatch):
    monkeypatch.setattr(share, "font_path", lambda: None)
    assert read_code(share.card(BOARD, ["Sunny Gardens"]), BOARD)


def test_only_an_open_job_is_shared(db, with_address, job_in):
    job = jobs.get(db, job_in("assigned"), None)
    assert share.job_url(db, job) is None
    with pytest.raises(InvalidTransition):
        share.job_card(db, job)


def test_nothing_is_shared_before_the_board_has_its_address(db, open_job):
    assert share.job_url(db, jobs.get(db, open_job["id"], None)) is None
    with pytest.raises(ValidationError) as refused:
        share.board_card(db)
    assert refused.value.field == "public_url"

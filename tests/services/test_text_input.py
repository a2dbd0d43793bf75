"""Text exactly as typed (issue #13): every text-taking service either refuses a string with a
ValidationError naming its field and a message in both catalogs, or stores exactly the typed string
after the one normalisation services.validate.text states (line breaks folded to a space in one-line
fields, to "\\n" in the others; surrounding whitespace stripped). Never anything else: no
UnicodeEncodeError from SQLite, no text stored that reorders what is shown after it.

Each case calls the real service on a real SQLite file and reads the stored value back with SQL.
"""

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import samples
from services import booking, disputes, export, jobs, ledger, materials, reviews, users, validate, verification, workers
from services.errors import ValidationError
from services.transitions import Reason, request
from tests.budget import budget
from tests.services.conftest import CENTER, PASSWORD, valid_job_fields

LOCALES = Path(__file__).resolve().parents[2] / "locales"
# The stated normalisation, written out again here as the specification the service must meet.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
BLANK_LETTERS = "\u3164\u115f\u1160\uffa0\u2800"  # Hangul fillers, braille blank: letters that draw nothing
# Pieces hypothesis seldom draws by itself but a hostile paste is made of.
HOSTILE_PIECES = (
    ["\ud800", "\udfff", "\udbff\udc00", "\x00", "\x1b", "\x7f", "\x9b", "\t", " ", "\u3000", "\xa0", "\u200e"]
    + list("\r\n\x0b\x0c\x85\u2028\u2029" + DIRECTION_CONTROLS + ZERO_WIDTH + BLANK_LETTERS)
    + ["\r\n", "=", "+", "-", "@", "中", "文", "a", "é", "e\u0301", "👩\u200d💻", "❤\ufe0f", "\U000e0041", "\U0010ffff"]
)
# Text over all of Unicode, surrogates included (characters() leaves them out unless told), mixed with those pieces.
ANY_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=()), max_size=4), st.sampled_from(HOSTILE_PIECES)),
    max_size=16,
).map("".join)


def normalised(typed: str, single_line: bool) -> str:
    return LINE_BREAKS.sub(" " if single_line else "\n", typed).strip()


def catalog_keys(language: str) -> set[str]:
    return set(re.findall(r'^msgid "([^"]+)"', (LOCALES / f"{language}.po").read_text("utf-8"), re.M))


CATALOG_KEYS = catalog_keys("en") & catalog_keys("zh_CN")


# How far a job goes before the text is typed (steps of jobs.act: action, who).
ACTION_TERMS = {"dispute": {"detail": "It still drips"}}
WORKED = (("claim", "verified_worker"), ("start", "verified_worker"))
DONE = (*WORKED, ("finish", "verified_worker"))
DISPUTED = (*DONE, ("dispute", "poster"))
COMPLETED = (*DONE, ("confirm", "poster"))


@dataclass
class Board:
    """One test's database and people; `serial` makes every example's keys and names its own."""

    db: object
    people: dict
    now: object
    serial: itertools.count

    def job(self, path: tuple[tuple[str, str], ...] = ()) -> int:
        job_id = jobs.post(self.db, self.people["poster"], **valid_job_fields(self.now))
        for action, who in path:
            jobs.act(
                self.db, job_id, action, self.people[who], request(action, **ACTION_TERMS.get(action, {})), now=self.now
            )
        return job_id

    def stored(self, field: "Field", row_id: int) -> str:
        sql = f"SELECT {field.column} FROM {field.table} WHERE {field.key} = ?"  # names from FIELDS
        return self.db.execute(sql, [row_id]).fetchone()[0]


def post_job(board: Board, **typed) -> int:
    return jobs.post(board.db, board.people["poster"], **valid_job_fields(board.now, **typed))


def register(board: Board, display_name: str) -> int:
    return users.register(
        board.db,
        username=f"neighbour{next(board.serial)}",
        display_name=display_name,
        password=PASSWORD,
        language="zh_CN",
        now=board.now,
    )


def save_profile(board: Board, **typed) -> int:
    fields = {"bio": "I fix taps and bikes.", "area_label": "North gate", **typed}
    worker = board.people["verified_worker"]
    workers.save_profile(
        board.db,
        worker,
        service_radius_km=2,
        rate_yuan="",
        area=CENTER,
        availability=[],
        now=board.now,
        **fields,
    )
    return worker["id"]


def add_photo(board: Board, caption: str) -> int:
    return workers.add_photo(board.db, board.people["second_worker"], samples.picture("tap"), caption, board.now)


def remove_photos(board: Board) -> None:
    """The portfolio holds six photos at most: start each example with none."""
    for photo in workers.photos(board.db, board.people["second_worker"]["id"]):
        workers.remove_photo(board.db, board.people["second_worker"], photo["id"])


def top_up_note(board: Board, note: str) -> int:
    organizer, poster = board.people["organizer"], board.people["poster"]
    key = f"note{next(board.serial)}"
    return ledger.top_up(board.db, organizer, poster["id"], "1", note=note, key=key, again=True, now=board.now)


def add_material(board: Board, what: str) -> int:
    job_id = board.job(WORKED)
    return materials.add(
        board.db,
        board.people["verified_worker"],
        job_id,
        what=what,
        amount_yuan="5",
        receipt=None,
        key=f"m{next(board.serial)}",
        now=board.now,
    )


def add_statement(board: Board, body: str) -> int:
    return disputes.add_statement(
        board.db, board.people["poster"], board.job(DISPUTED), body, key=f"s{next(board.serial)}", now=board.now
    )


def dispute(board: Board, reason: str) -> int:
    job_id = board.job(DONE)
    jobs.act(board.db, job_id, "dispute", board.people["poster"], Reason(reason), now=board.now)
    sql = "SELECT id FROM job_events WHERE job_id = ? AND to_status = 'disputed'"
    return board.db.execute(sql, [job_id]).fetchone()[0]


def apply(board: Board, message: str) -> int:
    job_id = post_job(board, mode="booking")
    return booking.apply(
        board.db, board.people["second_worker"], job_id, quote_yuan="80", message=message, now=board.now
    )


ID_PHOTO = samples.picture("ID")


def submit_check(board: Board, real_name: str) -> int:
    """A newly registered helper sends an identity check under `real_name`; returns its id."""
    worker = users.get(board.db, register(board, "New helper"))
    workers.set_taking_jobs(board.db, worker, taking_jobs=True, categories=["moving"], now=board.now)
    return verification.submit(
        board.db,
        worker,
        real_name=real_name,
        id_number=samples.id_number(next(board.serial)),
        front=ID_PHOTO,
        back=ID_PHOTO,
        selfie=ID_PHOTO,
        now=board.now,
    )


def reject_check(board: Board, reason: str) -> int:
    check_id = submit_check(board, "Zhang Wei")
    verification.decide(board.db, board.people["organizer"], check_id, approve=False, reason=reason, now=board.now)
    return check_id


def rate(board: Board, comment: str) -> int:
    job_id = board.job(COMPLETED)
    return reviews.rate(board.db, board.people["poster"], job_id, stars=4, comment=comment, now=board.now)


@dataclass(frozen=True)
class Field:
    """A text field a person fills in: the service that takes it and where it lands in SQLite."""

    name: str
    table: str
    column: str
    store: object  # (board, typed) -> the row's `key` in `table`
    single_line: bool
    min_len: int
    max_len: int
    key: str = "id"  # the column `store`'s id is found in
    empty_key: str = "error.required"  # the message for nothing visible when min_len is 1

    def __str__(self) -> str:
        return self.name


FIELDS = [
    Field("title", "jobs", "title", lambda b, s: post_job(b, title=s), True, 2, 60),
    Field("description", "jobs", "description", lambda b, s: post_job(b, description=s), False, 1, 2000),
    Field("address_note", "jobs", "address_note", lambda b, s: post_job(b, address_note=s), True, 0, 200),
    Field("display_name", "users", "display_name", register, True, 1, 40),
    Field("bio", "worker_profiles", "bio", lambda b, s: save_profile(b, bio=s), False, 5, 500, "user_id"),
    Field(
        "area_label",
        "worker_profiles",
        "area_label",
        lambda b, s: save_profile(b, area_label=s),
        True,
        2,
        40,
        "user_id",
    ),
    Field("caption", "worker_photos", "caption", add_photo, True, 0, 80),
    Field("note", "transfers", "note", top_up_note, True, 0, 200),
    Field("what", "job_materials", "what", add_material, True, 1, 60),
    Field("statement", "dispute_statements", "body", add_statement, False, 1, 1000),
    Field("comment", "reviews", "comment", rate, False, 0, 500),
    Field("detail", "job_events", "detail", dispute, False, 1, 500, empty_key="error.dispute_reason"),
    Field("message", "applications", "message", apply, False, 0, 300),
]
# An identity check costs a registration, three pictures checked and a scrypt hash: fewer examples.
SLOW_FIELDS = [
    Field("real_name", "id_checks", "real_name", submit_check, True, 2, 30),
    Field("reason", "id_checks", "reason", reject_check, False, 2, 300),
]


@pytest.fixture
def board(db, people, now, fast_hashing):
    """Registering is tested here for its display name, not its password: bcrypt at its lowest cost."""
    return Board(db, people, now, itertools.count())


def why_refused(field: Field, typed: str) -> set[str]:
    """Every message key the specification allows for refusing `typed` in `field`."""
    if any(unicodedata.category(ch) == "Cs" for ch in typed):  # a lone surrogate: no UTF-8 for it
        return {"error.unreadable_text"}
    value = normalised(typed, field.single_line)
    reasons = set()
    if any(ch in DIRECTION_CONTROLS for ch in value):
        reasons.add("error.direction_controls")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in value):
        reasons.add("error.control_chars")
    if validate.visible_len(value) < field.min_len:
        reasons.add(field.empty_key if field.min_len == 1 else "error.too_short")
    if len(value) > field.max_len:
        reasons.add("error.too_long")
    return reasons


def check_stored_or_refused(board: Board, field: Field, typed: str) -> None:
    """The property: refused for a stated reason with a translated message, or stored exactly."""
    try:
        row_id = field.store(board, typed)
    except ValidationError as error:
        assert error.field == field.name
        assert error.key in CATALOG_KEYS, f"{error.key} is missing from a catalog"
        assert error.key in why_refused(field, typed), f"{typed!r} refused as {error.key}"
        return
    stored = board.stored(field, row_id)
    assert stored == normalised(typed, field.single_line)
    assert not why_refused(field, typed), f"{typed!r} was stored as {stored!r}"
    if field.single_line:
        assert "\n" not in stored


@pytest.mark.parametrize("field", FIELDS, ids=str)
@settings(max_examples=budget(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=ANY_TEXT)
def test_any_text_is_stored_exactly_or_refused_with_a_message(board, field, typed):
    # One database for all examples of a field: each example writes rows of its own and reads them back.
    if field.name == "caption":
        remove_photos(board)
    check_stored_or_refused(board, field, typed)


@pytest.mark.parametrize("field", SLOW_FIELDS, ids=str)
@settings(max_examples=budget(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=ANY_TEXT)
def test_any_text_in_an_identity_check_is_stored_exactly_or_refused_with_a_message(board, field, typed):
    check_stored_or_refused(board, field, typed)


# (typed, what must happen): a key, or None for "stored as normalised".
HOSTILE = {
    "lone high surrogate": ("Fix \ud800 tap", "error.unreadable_text"),
    "lone low surrogate": ("\udfff", "error.unreadable_text"),
    "right-to-left override": ("Bob\u202e (reversed)", "error.direction_controls"),
    "right-to-left embedding": ("\u202bName", "error.direction_controls"),
    "first-strong isolate": ("Name\u2068", "error.direction_controls"),
    "pop directional isolate": ("Na\u2069me", "error.direction_controls"),
    "two zero-width spaces": ("\u200b\u200b", "empty"),
    "a lone BOM": ("\ufeff", "empty"),
    "word joiner and ZWJ": ("\u2060\u200d\u2060", "empty"),
    "Hangul fillers": ("\u3164\u3164\u115f\u1160\uffa0", "empty"),
    "braille blanks": ("\u2800\u2800\u2800", "empty"),
    "ideographic and no-break spaces": ("\u3000\xa0\u3000", "empty"),
    "variation selectors and a soft hyphen": ("\ufe0f\ufe0f\u00ad\U000e0101", "empty"),
    "tags only": ("\U000e0041\U000e0042\U000e007f", "empty"),
    "escape": ("Tap\x1b[31m", "error.control_chars"),
    "NUL": ("Tap\x00", "error.control_chars"),
    "C1 control": ("Tap\x9b", "error.control_chars"),
    "delete": ("Tap\x7f", "error.control_chars"),
    "record separator": ("Tap\x1eline", "error.control_chars"),
    "CR LF": ("Fix the\r\ntap now", None),
    "every line break": ("a\rb\nc\x0bd\x0ce\x85f\u2028g\u2029h", None),
    "line breaks around": ("\n\u2028 Fix the tap \r\n", None),
    "direction marks kept": ("\u200fשלום\u200e Tap", None),
    "emoji with joiners and selectors": ("Fix 👩\u200d💻 ❤\ufe0f", None),
    "formula": ('=HYPERLINK("http://x","ok")', None),
    "Chinese with full-width space": ("修水管\u3000急", None),
    "combining accents": ("Cafe\u0301 sign", None),
    "Markdown and HTML": ("**<b>hi</b>** :material/home: -> www.x.cn", None),
}


def expected_key(field: Field, outcome: str | None, typed: str) -> str | None:
    """The key `typed` must be refused with in `field`, or None when it must be stored."""
    if outcome not in (None, "empty"):
        return outcome
    value = normalised(typed, field.single_line)
    if outcome == "empty":
        assert validate.visible_len(value) == 0, f"{typed!r} draws nothing, so it counts as empty"
    if validate.visible_len(value) < field.min_len:
        return field.empty_key if field.min_len == 1 else "error.too_short"
    if len(value) > field.max_len:
        return "error.too_long"
    return None


@pytest.mark.parametrize("field", FIELDS + SLOW_FIELDS, ids=str)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_is_refused_or_stored_as_typed(board, field, name):
    typed, outcome = HOSTILE[name]
    key = expected_key(field, outcome, typed)
    if key is None:
        row_id = field.store(board, typed)
        assert board.stored(field, row_id) == normalised(typed, field.single_line)
        return
    with pytest.raises(ValidationError) as refused:
        field.store(board, typed)
    assert (refused.value.field, refused.value.key) == (field.name, key)
    assert key in CATALOG_KEYS


def test_single_line_fields_fold_each_line_break_to_one_space_and_others_keep_them_as_newlines():
    typed = "a\rb\r\nc\nd\x0be\x0cf\x85g\u2028h\u2029i"
    assert validate.text(typed, "title", max_len=60, single_line=True) == "a b c d e f g h i"
    assert validate.text(typed, "description", max_len=60) == "a\nb\nc\nd\ne\nf\ng\nh\ni"


@pytest.mark.parametrize("typed", ["中", "é", "e\u0301", "❤\ufe0f", "👩\u200d💻", "\U0010ffff"])
def test_one_visible_character_fills_a_required_field(typed):
    assert validate.text(typed, "what", min_len=1, max_len=60) == typed


def test_a_non_string_is_refused_not_crashed_on():
    with pytest.raises(ValidationError) as refused:
        validate.text(12, "title", max_len=60)
    assert refused.value.key == "error.unreadable_text"


def test_a_password_with_a_lone_surrogate_is_refused_and_cannot_sign_in(db, now):
    with pytest.raises(ValidationError) as refused:
        users.register(
            db, username="surrogate", display_name="S", password="long enough \ud800", language="en", now=now
        )
    assert (refused.value.field, refused.value.key) == ("password", "error.unreadable_text")
    for username, password in (("poster", "\ud800" * 10), ("\udfffposter", PASSWORD)):
        with pytest.raises(users.AuthFailed):
            users.authenticate(db, username, password, client="test", now=now)


# --- CSV exports ---------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_a_csv_export_reads_back_as_typed_with_formulas_neutralised_and_chinese_intact():
    typed = [
        '=HYPERLINK("http://evil.example","退款")',
        "+86 138 0000 0000",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1,1)",
        "\tTAB",
        "\rCR",
        "微信转账，谢谢",
        'a = b, "quoted"\nsecond line',
        "",
    ]
    rows = [
        {"时间 when": "2026-11-25", "金额（元）": export.yuan(fen), "备注": note}
        for fen, note in zip([-8000, 20000, -1, 0, 5, 123456789, -50, 100, 1], typed, strict=True)
    ]

    data = export.csv_bytes(rows)

    assert data.startswith("\ufeff".encode()), "a BOM, so spreadsheet programs read the Chinese"
    header, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == ["时间 when", "金额（元）", "备注"]
    assert [row[2] for row in body] == [("'" + s if s.startswith(FORMULA_STARTS) else s) for s in typed]
    assert [row[1] for row in body] == [
        "-80.00",
        "200.00",
        "-0.01",
        "0.00",
        "0.05",
        "1234567.89",
        "-0.50",
        "1.00",
        "0.01",
    ]
    for row in body:
        for value in row:
            assert not value.startswith(FORMULA_STARTS) or re.fullmatch(r"-\d+\.\d\d", value), value


@pytest.mark.parametrize("value", ["-80.00", "-1", "0.05"])
def test_a_plain_number_is_left_as_a_number(value):
    assert export.cell(value) == value


@pytest.mark.parametrize("value", ["-1+1", "-¥80.00", "-A1", "+1", "=1", "@x", "-"])
def test_anything_else_that_could_start_a_formula_is_neutralised(value):
    assert export.cell(value) == "'" + value

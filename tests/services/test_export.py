"""The organizer's exports (services.export.table_csv, #16 item 5): CSV files that a spreadsheet opens
with the Chinese intact, where no cell runs as a formula, and the people's file holds no private field."""

import csv
import io
from zoneinfo import ZoneInfo

import pytest

from services import export, ledger, reviews
from services.errors import NotAllowed
from tests.services.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE = [
    '=HYPERLINK("http://evil.example","退款")',
    "+86 138 0000 0000",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\tTAB first",
    '他说 "好的", 然后\n第二行',
    "שלום עליכם مرحبا",  # right-to-left scripts
    "微信转账，谢谢",
]


def read_back(data: bytes) -> list[dict[str, str]]:
    """The CSV as a spreadsheet reads it: UTF-8 behind its byte-order mark, quoted newlines kept."""
    assert data.startswith("\ufeff".encode()), "a BOM, so spreadsheet programs read the Chinese"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def as_text(value: str) -> str:
    """What a neutralised cell holds: a leading ' before anything that could start a formula."""
    return "'" + value if value.startswith(export.FORMULA_STARTS) else value


def test_hostile_and_chinese_cells_come_back_as_typed_but_never_as_formulas():
    rows = [{"备注 note": value, "金额": export.yuan(-8000)} for value in HOSTILE]

    back = read_back(export.csv_bytes(rows))

    assert [row["备注 note"] for row in back] == [as_text(value) for value in HOSTILE]
    assert {row["金额"] for row in back} == {"-80.00"}, "a negative amount stays a number a spreadsheet adds up"


def test_an_empty_export_still_names_its_columns():
    data = export.csv_bytes([], ["id", "title"])
    assert data.decode("utf-8-sig") == "id,title\r\n"


def test_the_jobs_and_reviews_exports_carry_what_people_typed_safely(
    db, organizer, poster, verified_worker, job_in, now
):
    job_id = job_in("completed", title='=1+1 搬沙发 "三楼"')
    reviews.rate(db, poster, job_id, stars=5, comment=HOSTILE[5], now=now)
    reviews.rate(db, verified_worker, job_id, stars=4, comment="-1", now=now)

    [job] = read_back(export.table_csv(db, organizer, "jobs", SHANGHAI))
    assert list(job) == list(export.TABLES["jobs"].columns)
    assert (job["title"], job["status"], job["price_yuan"], job["poster"]) == (
        '\'=1+1 搬沙发 "三楼"',
        "completed",
        "80.00",
        "poster",
    )
    assert job["posted_at"] == "2026-11-25 14:00", "on the community's clock (NOW is 06:00 UTC)"
    back = read_back(export.table_csv(db, organizer, "reviews", SHANGHAI))
    assert [(r["author"], r["stars"], r["comment"]) for r in back] == [
        ("poster", "5", HOSTILE[5]),
        ("verified_worker", "4", "-1"),  # a plain number is no formula
    ]


def test_the_ledger_export_has_every_line_with_signed_amounts(db, organizer, job_in):
    job_in("completed")
    back = read_back(export.table_csv(db, organizer, "ledger", SHANGHAI))
    lines = list(db.query("SELECT amount_fen FROM ledger_lines ORDER BY id"))
    assert [row["amount_yuan"] for row in back] == [export.yuan(line["amount_fen"]) for line in lines]
    assert sum(int(row["amount_yuan"].replace(".", "")) for row in back) == 0, "lines sum to zero"
    assert {"topup", "hold", "pay"} <= {row["kind"] for row in back}
    assert not ledger.check_books(db)


PRIVATE_COLUMNS = {"email", "phone", "password_hash", "avatar", "real_name", "id_last4", "id_hash", "front_file"}


def test_the_people_export_names_only_the_allowed_columns_and_no_private_value(db, organizer):
    data = export.table_csv(db, organizer, "users", SHANGHAI)
    back = read_back(data)
    assert list(back[0]) == [
        "id",
        "username",
        "display_name",
        "role",
        "language",
        "joined_at",
        "blocked_at",
        "takes_jobs",
        "verification",
    ]
    assert not PRIVATE_COLUMNS & set(back[0])
    private = [row for row in db.query("SELECT email, phone, password_hash FROM users") if row["email"]]
    text = data.decode("utf-8-sig")
    for row in private:
        assert row["email"] not in text and row["password_hash"] not in text
    assert "138 0000" not in text and PASSWORD not in text
    assert {row["verification"] for row in back} >= {"verified", "pending"}


@pytest.mark.parametrize("name", list(export.TABLES))
def test_only_organizers_export(db, poster, name):
    with pytest.raises(NotAllowed):
        export.table_csv(db, poster, name, SHANGHAI)

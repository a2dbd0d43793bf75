"""Hostile query parameters on every page: a page that reads one shows "not found" for anything but a
plain id, every other page ignores them; nothing crashes (issue #11)."""

import pytest

from tests.pages.conftest import JOB_PAGE, PAGE_TITLES, PROFILE_PAGE, text
from ui.query import id_from

WALLET_PAGE = "app_pages/wallet.py"
# Each would be read as an existing id (1 to 3: jobs, people) by int() or float(), or crashes SQLite.
HOSTILE_IDS = {
    "huge": "99999999999999999999",
    "just-past-64-bits": "9223372036854775808",
    "negative": "-1",
    "zero": "0",
    "float": "1.0",
    "exponent": "1e0",
    "arabic-indic-digit": "٣",
    "fullwidth-digit": "３",
    "plus-sign": "+1",
    "padded": " 1 ",
    "underscore": "1_0",
    "hex": "0x1",
    "text": "abc",
    "nul": "1\x00",
    "empty": "",
    "repeated": ["1", "2"],
}


@pytest.mark.parametrize("values", [[v] if isinstance(v, str) else v for v in HOSTILE_IDS.values()], ids=HOSTILE_IDS)
def test_anything_but_one_plain_positive_whole_number_reads_as_no_id(values):
    assert id_from(values) is None


@pytest.mark.parametrize(
    "values, expected",
    [(["1"], 1), (["42"], 42), (["999999999999999999"], 999_999_999_999_999_999), ([], 7)],
    ids=["one", "two-digits", "eighteen-digits", "missing-reads-as-the-default"],
)
def test_a_plain_id_reads_as_its_number(values, expected):
    assert id_from(values, missing=7) == expected


def open_with_id(new_app, page: str, value, user=None):
    at = new_app(lang="en", user=user).run()
    at.switch_page(page)
    at.query_params["id"] = value
    return at.run()


@pytest.mark.parametrize("value", HOSTILE_IDS.values(), ids=HOSTILE_IDS)
@pytest.mark.parametrize("page", [JOB_PAGE, PROFILE_PAGE, WALLET_PAGE], ids=["job", "profile", "wallet"])
def test_a_page_given_a_hostile_id_says_not_found(new_app, db_path, person, page, value):
    at = open_with_id(new_app, page, value, user=person("organizer"))  # may open any job, profile, wallet

    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [text("en", "error.not_found")]


SIGNED_OUT_PAGES = {"app_pages/login.py", "app_pages/register.py"}


@pytest.mark.parametrize("page", sorted(PAGE_TITLES.keys() - {WALLET_PAGE}), ids=lambda p: p.split("/")[-1])
def test_a_page_without_parameters_ignores_hostile_ones(new_app, db_path, person, page):
    user = None if page in SIGNED_OUT_PAGES else person("organizer")  # the organizer has every other page
    at = open_with_id(new_app, page, HOSTILE_IDS["huge"], user=user)

    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == text("en", PAGE_TITLES[page])

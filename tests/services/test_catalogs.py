"""Plurals and dates as a reader writes them, in each language (#15 item 11): the catalogs' plural
forms chosen by `count`, and one long form of a date and time on the community's clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services import settings
from services.catalogs import catalog, day_in, moment_in, plural_form, text_in

SHANGHAI = ZoneInfo(settings.DEFAULT_TIMEZONE)
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 on 7 December in the community
PLURAL_KEYS = sorted(key for key, text in catalog("en").items() if isinstance(text, tuple))


@pytest.mark.parametrize(
    "count, english", [(1, "1 open job"), (2, "2 open jobs"), (0, "0 open jobs"), (21, "21 open jobs")]
)
def test_english_counts_take_the_singular_for_one_only(count, english):
    assert text_in("en", "browse.count", count=count) == english


@pytest.mark.parametrize("count", [1, 2])
def test_chinese_counts_have_one_form(count):
    assert plural_form("zh_CN")(count) == 0
    assert text_in("zh_CN", "browse.count", count=count) == f"共 {count} 个待接的活"


def test_english_has_two_forms_and_chinese_one_for_every_plural_message():
    assert PLURAL_KEYS  # the counts a person reads: open jobs, helpers, jobs done, filters on, ...
    assert {key: len(catalog("en")[key]) for key in PLURAL_KEYS} == dict.fromkeys(PLURAL_KEYS, 2)
    assert {key: len(catalog("zh_CN")[key]) for key in PLURAL_KEYS} == dict.fromkeys(PLURAL_KEYS, 1)


@pytest.mark.parametrize("key", PLURAL_KEYS)
def test_one_and_two_read_differently_in_english(key):
    assert text_in("en", key, count=1) != text_in("en", key, count=2)


@pytest.mark.parametrize(
    "moment, language, written",
    [
        (datetime(2026, 12, 2, 7, 0, tzinfo=UTC), "en", "2 Dec, 15:00"),
        (datetime(2026, 12, 2, 7, 0, tzinfo=UTC), "zh_CN", "12月2日 15:00"),
        (datetime(2027, 1, 3, 1, 30, tzinfo=UTC), "en", "3 Jan 2027, 09:30"),
        (datetime(2027, 1, 3, 1, 30, tzinfo=UTC), "zh_CN", "2027年1月3日 09:30"),
        # 23:30 on 31 December in London is already the new year in the community
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "zh_CN", "2027年1月1日 07:30"),
    ],
)
def test_a_moment_reads_in_the_readers_long_form_on_the_communitys_clock(moment, language, written):
    assert moment_in(moment, language, SHANGHAI, NOW) == written


@pytest.mark.parametrize(
    "day, language, written",
    [
        (date(2026, 3, 8), "en", "8 Mar"),
        (date(2026, 3, 8), "zh_CN", "3月8日"),
        (date(2025, 3, 8), "en", "8 Mar 2025"),
        (date(2025, 3, 8), "zh_CN", "2025年3月8日"),
    ],
)
def test_a_day_shows_its_year_only_when_not_this_year(day, language, written):
    assert day_in(day, language, 2026) == written

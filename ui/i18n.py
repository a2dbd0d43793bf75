"""Translation and locale formatting. Every string a person reads goes through t().

Catalogs are gettext .po files in locales/ (msgid = a stable key), read with Babel; numbers, money
and dates are formatted by Babel in the reader's language and the community's timezone.
"""

import functools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import streamlit as st
from babel import lists, numbers

from services import settings
from services.catalogs import catalog as catalog  # the pages' tests read the catalogs through here
from services.catalogs import day_in, moment_in, money_in, readable, text_in
from services.clock import utcnow
from services.errors import LinbangError
from services.validate import LANGUAGES

from .safe import isolated

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def language() -> str:
    lang = st.session_state.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Read in `lang` from now on; each choice made in a neutral() widget is kept (written back as its
    value, so Streamlit shows it in the new language's words)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if lang != st.session_state.get("lang"):
        for key in st.session_state.get(NEUTRAL_KEYS, ()):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state["lang"] = lang


NEUTRAL_KEYS = "i18n_neutral_keys"  # session state: the keys neutral() was given


def neutral(key: str) -> str:
    """`key`, for a choice widget (select box, radio, multiselect, pills, segmented control) whose
    options are language-neutral values (a category's slug, a mode's name) shown by a format_func in
    the reader's words.

    Streamlit keeps such a choice as the words shown for it, which no option matches once the words are
    another language's: the select box and radios fell back to nothing or their first option, the
    multiselect kept the old words as a value of their own. set_language writes each such widget's value
    back when the language changes, so it is drawn again in the new words."""
    st.session_state.setdefault(NEUTRAL_KEYS, set()).add(key)
    return key


def t(key: str, **params) -> str:
    """The text for `key` in the reader's language, with {placeholders} filled in; a text value is
    isolated (ui.safe.isolated), so a right-to-left name cannot reorder the sentence around it."""
    return text_in(language(), key, **{name: isolated(v) if isinstance(v, str) else v for name, v in params.items()})


def error_text(error: LinbangError) -> str:
    """The error's message; parameters named *_fen are amounts of money and read as such."""
    return t(error.key, **readable(error.params, language()))


def money(fen: int) -> str:
    """Integer fen -> '¥12.50' in the reader's language (services.catalogs.money_in)."""
    return money_in(fen, language())


def yuan_field(fen: int | None) -> str:
    """Integer fen -> '12.5': what a yuan text field starts with, the plain number a person would type
    and services.validate.yuan_to_fen reads back; "" for no amount (None)."""
    return "" if fen is None else str(Decimal(fen) / 100)


def number(value, digits: int = 1) -> str:
    return _number(round(value, digits), language())


@functools.lru_cache(maxsize=8192)
def _number(value, locale: str) -> str:
    return numbers.format_decimal(value, locale=locale)


def listing(items: list[str]) -> str:
    """Items as a list in the reader's language: "A、B和C" or "A, B, and C"; each item isolated
    (ui.safe.isolated), so one cannot reorder the others."""
    return lists.format_list([isolated(item) for item in items], locale=language()) if items else ""


def timezone() -> ZoneInfo:
    return ZoneInfo(st.session_state.get("timezone") or settings.DEFAULT_TIMEZONE)


def when(moment: datetime | None) -> str:
    """A moment as the reader writes it, on the community's clock: "2 Dec, 15:00", "12月2日 15:00"
    (the year too when it is not this year's); "" for none."""
    return moment_in(moment, language(), timezone(), utcnow()) if moment else ""


def calendar_day(value: date) -> str:
    """A day as the reader writes it: "2 Dec", "12月2日" (the year too when it is not this year's)."""
    return day_in(value, language(), utcnow().astimezone(timezone()).year)


def day(moment: datetime | None) -> str:
    """The day of a moment, on the community's clock, as calendar_day writes it; "" for none."""
    return calendar_day(moment.astimezone(timezone()).date()) if moment else ""


def category_name(category: dict) -> str:
    return category["name_zh"] if language() == "zh_CN" else category["name_en"]


def category_label(category: dict) -> str:
    """A category as menus and job lines show it: its icon, then its name in the reader's language."""
    return f"{category['icon']} {category_name(category)}"


def all_or(label):
    """A selectbox format_func for a filter whose first option, None or "", means "all". ("" where
    the value lives in session state: there None would read as nothing chosen, a blank box.)"""
    return lambda value: t("browse.all") if value in (None, "") else label(value)

"""The translation catalogs (locales/*.po, read with Babel) and the sentences built from them, for any
reader: the page's (ui.i18n.t) and an e-mail's recipient (services.mail), who may read another language.

Money and dates are formatted here too, so they read the same on the page and in the e-mail."""

import functools
import gettext
import pathlib
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import cast

from babel import dates, numbers
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES = pathlib.Path(__file__).resolve().parent.parent / "locales"
FALLBACK = "en"  # a key missing from a catalog reads in English rather than as the bare key


Text = str | tuple[str, ...]  # a plural message is its forms, in the order of the catalog's Plural-Forms


@functools.cache
def _read(language: str) -> Catalog:
    with open(LOCALES / f"{language}.po", "rb") as po:
        return read_po(po)


@functools.cache
def catalog(language: str) -> dict[str, Text]:
    """key -> text; a plural message (msgid_plural, msgstr[n]) -> its forms, each filled in."""
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else tuple(m.string))
        for m in _read(language)
        if m.id and m.string and all([m.string] if isinstance(m.string, str) else m.string)
    }


@functools.cache
def plural_form(language: str) -> Callable[[int], int]:
    """The catalog's rule (its Plural-Forms header, as gettext's ngettext reads it): a number -> the
    index of its form. English: 1 -> 0 ("1 open job"), any other -> 1; Chinese has one form."""
    return gettext.c2py(_read(language).plural_expr)


def text_in(language: str, key: str, **params: object) -> str:
    """The text for `key` in `language` with {placeholders} filled in (the values as given); a plural
    message's form is chosen by its `count`."""
    for reader in (language, FALLBACK):
        text = catalog(reader).get(key)
        if isinstance(text, tuple):
            text = text[plural_form(reader)(cast(int, params["count"]))]
        if text:
            return text.format(**params) if params else text
    return key.format(**params) if params else key


# Babel takes ~0.1 ms a call; the browse map labels thousands of jobs whose prices repeat.
@functools.lru_cache(maxsize=8192)
def money_in(fen: int, language: str) -> str:
    """Integer fen -> '¥12.50', digits grouped per `language` (Decimal: no float rounding).

    The sign is always ¥: Babel's English name for it, CN¥, reads oddly to a community that only
    ever uses yuan."""
    sign = "-" if fen < 0 else ""  # -¥50.50, not ¥-50.50
    return sign + "¥" + numbers.format_decimal(Decimal(abs(fen)) / 100, "#,##0.00", locale=language)


def readable(params: Mapping[str, object], language: str) -> dict[str, object]:
    """A sentence's values as a reader sees them: each one named *_fen is an amount of money."""
    return {
        name: money_in(value, language) if name.endswith("_fen") and isinstance(value, int) else value
        for name, value in params.items()
    }


# English dates as a neighbour writes them in China and Britain alike: the day first and a 24-hour
# clock, "2 Dec, 15:00" (Babel's en, American, says "Dec 2, 3:00 PM").
DATE_LOCALES = {"en": "en_GB"}


def day_in(value: date, language: str, this_year: int) -> str:
    """A day as a reader writes it: "2 Dec", "12月2日"; with its year ("2 Dec 2027", "2027年12月2日")
    when that is not `this_year`."""
    skeleton = "MMMd" if value.year == this_year else "yMMMd"
    return dates.format_skeleton(skeleton, value, locale=DATE_LOCALES.get(language, language))


def moment_in(moment: datetime, language: str, zone: tzinfo, now: datetime) -> str:
    """A moment as a reader writes it, on the clock of `zone` (the community's): "2 Dec, 15:00",
    "12月2日 15:00"; with the year ("2 Dec 2027, 15:00", "2027年12月2日 15:00") when it is not the
    year of `now` there."""
    local, locale = moment.astimezone(zone), DATE_LOCALES.get(language, language)
    return (
        str(dates.get_datetime_format("medium", locale))
        .replace("{1}", day_in(local.date(), language, now.astimezone(zone).year))
        .replace("{0}", dates.format_skeleton("Hm", local, locale=locale))
    )

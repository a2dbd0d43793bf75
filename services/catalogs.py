"""The translation catalogs (locales/*.po, read with Babel) and the sentences built from them, for any
reader: the page's (ui.i18n.t) and an e-mail's recipient (services.mail), who may read another language.

Money is formatted here too, so an amount reads the same on the page and in the e-mail."""

import functools
import pathlib
from collections.abc import Mapping
from decimal import Decimal

from babel import numbers
from babel.messages.pofile import read_po

LOCALES = pathlib.Path(__file__).resolve().parent.parent / "locales"
FALLBACK = "en"  # a key missing from a catalog reads in English rather than as the bare key


@functools.cache
def catalog(language: str) -> dict[str, str]:
    with open(LOCALES / f"{language}.po", "rb") as po:
        return {
            m.id: m.string
            for m in read_po(po)  # singular messages: the catalogs have no plural forms
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string
        }


def text_in(language: str, key: str, **params: object) -> str:
    """The text for `key` in `language` with {placeholders} filled in (the values as given)."""
    text = catalog(language).get(key) or catalog(FALLBACK).get(key) or key
    return text.format(**params) if params else text


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

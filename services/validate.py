"""Small validators shared by the services. Each raises ValidationError(field, key, ...) on bad input."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ValidationError

# What a person typed or a widget gave (None, text, a number...): the validators here check it, so any value.
Typed = Any
LANGUAGES = ("zh_CN", "en")
MAX_PRICE_FEN = 10_000_000  # ¥100,000: far above any odd job, catches a slipped finger

# Every way a string can break a line: CR LF (one break, not two), CR, LF, vertical tab, form feed,
# NEL, and Unicode's line and paragraph separators. (The file/group/record separators U+001C-U+001E,
# which str.splitlines() also breaks on, are no one's typing: they are refused as control characters.)
LINE_BREAK = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
# Explicit direction controls: embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
# One of them in a name reorders everything after it on the line, the board's own "(@username)"
# included. They are refused, not stripped: stripping would store something other than what was
# typed without saying so, and nobody types them on purpose (they come with a paste); the message
# tells the person what to remove. The direction *marks* (U+200E, U+200F, U+061C) stay: they are
# part of writing Arabic and Hebrew and move only the punctuation next to them, as any letter of
# those scripts does.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that draw nothing, so that text made only of them looks empty: format characters (Cf:
# zero-width space and joiners, BOM, soft hyphen, tags), controls (Cc), spaces (Zs) and the line
# and paragraph separators (Zl, Zp), plus letters and marks that Unicode counts as default-ignorable
# or that render blank: the Hangul fillers, the combining grapheme joiner, the Khmer inherent vowels,
# the Mongolian and standard variation selectors, and the blank braille pattern.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
INVISIBLE_CHARS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def is_invisible(ch: str) -> bool:
    return ch in INVISIBLE_CHARS or unicodedata.category(ch) in INVISIBLE_CATEGORIES


def visible_len(value: str) -> int:
    """How many characters of `value` draw something: what "filled in" and min_len count."""
    return sum(not is_invisible(ch) for ch in value)


def text(value: Typed, field: str, *, min_len: int = 0, max_len: int, single_line: bool = False) -> str:
    """Normalise and check a piece of user text; return what is to be stored.

    Normalisation, in this order:
    - every line break (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029) becomes one space when
      `single_line` (a title, a name, a label: as a browser's one-line input does with a paste), and
      one "\\n" otherwise;
    - whitespace around the text is stripped (str.strip()).
    Nothing else is changed. Refused with ValidationError(field, key):
    - anything that is not a string, and text that cannot be written as UTF-8 (a lone surrogate such
      as "\\ud800"): error.unreadable_text;
    - direction controls (BIDI_CONTROLS): error.direction_controls;
    - control characters other than tab and line breaks: error.control_chars;
    - fewer than `min_len` visible characters (invisible ones, is_invisible, do not count, so a
      zero-width space or a BOM alone is empty): error.required when min_len is 1, else
      error.too_short;
    - more than `max_len` characters, invisible ones included: error.too_long.
    """
    value = "" if value is None else value
    if not isinstance(value, str) or not encodable(value):
        raise ValidationError(field, "error.unreadable_text")
    value = LINE_BREAK.sub(" " if single_line else "\n", value).strip()
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(field, "error.direction_controls")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise ValidationError(field, "error.control_chars")
    if visible_len(value) < min_len:
        raise ValidationError(field, "error.required" if min_len == 1 else "error.too_short", min=min_len)
    if len(value) > max_len:
        raise ValidationError(field, "error.too_long", max=max_len)
    return value


def encodable(value: str) -> bool:
    """Whether `value` can be written as UTF-8 (what SQLite and bcrypt need): False for a lone surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: SQLite would raise this very error on INSERT
        return False
    return True


def yuan_to_fen(value: Typed, field: str = "price") -> int:
    """'12.5' or 12.5 or Decimal -> 1250 fen. Exact decimal arithmetic: money never touches a float."""
    try:
        amount = Decimal(str(value).strip() or "x")
    except InvalidOperation:
        raise ValidationError(field, "error.price_number") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(field, "error.price_number")
    if amount > Decimal(MAX_PRICE_FEN) / 100:  # checked first: 1e999999 would overflow below
        raise ValidationError(field, "error.price_too_high", max=MAX_PRICE_FEN // 100)
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValidationError(field, "error.price_cents")
    return int(fen)


def minutes_of(hours: Typed, field: str, key: str, least: int) -> int:
    """Hours typed by a person as whole minutes, between `least` minutes and 24 hours."""
    try:
        minutes = round(float(hours) * 60)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(field, key) from None
    if not least <= minutes <= 24 * 60:
        raise ValidationError(field, key)
    return minutes

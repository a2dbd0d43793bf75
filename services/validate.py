"""Small validators shared by the services. Each raises ValidationError(field, key, ...) on bad input."""

from decimal import Decimal, InvalidOperation

from .errors import ValidationError

LANGUAGES = ("zh_CN", "en")
MAX_PRICE_FEN = 10_000_000  # ¥100,000: far above any odd job, catches a slipped finger


def text(value, field: str, *, min_len: int = 0, max_len: int) -> str:
    """Strip and bound a piece of user text. Control characters other than newlines are refused."""
    value = (value or "").strip()
    if len(value) < min_len:
        raise ValidationError(field, "error.required" if min_len == 1 else "error.too_short", min=min_len)
    if len(value) > max_len:
        raise ValidationError(field, "error.too_long", max=max_len)
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValidationError(field, "error.control_chars")
    return value


def yuan_to_fen(value, field: str = "price") -> int:
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

"""Query parameters, read one way on every page: anything malformed reads as nothing, so the page
says "not found" instead of crashing (a 20-digit ?id= used to overflow SQLite's integers)."""

import re

import streamlit as st

# ASCII digits only: int() would also take "٣", "+3", " 3" and "3_0". At most 18 of them, so the number
# fits SQLite's 64-bit integers.
_WHOLE_NUMBER = re.compile(r"[1-9][0-9]{0,17}")


def query_id(name: str = "id", *, missing: int | None = None) -> int | None:
    """The row id in ?name=: `missing` when the page was opened without one, None when it is not a
    positive whole number or is given twice."""
    return id_from(st.query_params.get_all(name), missing=missing)


def id_from(values: list[str], *, missing: int | None = None) -> int | None:
    """query_id's reading of the values a query parameter came with."""
    if not values:
        return missing
    if len(values) > 1 or not _WHOLE_NUMBER.fullmatch(values[0]):
        return None
    return int(values[0])


def query_text(name: str, *, max_len: int = 64) -> str:
    """The text in ?name=: "" when the page was opened without it, or it is given twice or is longer
    than `max_len` (no link of the board's carries such a value)."""
    values = st.query_params.get_all(name)
    return values[0] if len(values) == 1 and len(values[0]) <= max_len else ""

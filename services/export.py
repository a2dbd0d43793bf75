"""CSV files the board hands out (a wallet's history), made safe and readable for spreadsheet programs.

A spreadsheet runs a cell that starts with = + - @ (and, in some programs, a tab or carriage return)
as a formula, so a note typed as `=HYPERLINK("http://…","Refund")` would become a live link or worse
(OWASP, "CSV Injection"). Every cell therefore goes through `cell()`: text starting with one of those
characters gets a leading `'`, which makes a spreadsheet show it as text. Amounts are written as plain
numbers (`-80.00`, yuan): a number is no formula, so it is left as it is and a spreadsheet can add it
up; a `'` in front of it would show, and turn it into text.
"""

import csv
import io
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def yuan(fen: int) -> str:
    """Integer fen -> '-80.00': yuan as a plain number, no currency sign or grouping."""
    return f"{Decimal(fen) / 100:.2f}"


def cell(value: str) -> str:
    """`value` as a spreadsheet shows it as text: a leading ' if it could start a formula."""
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Rows of text (dicts with the same keys, in order: the header) as a CSV file, every cell through
    cell(). UTF-8 with a byte-order mark, so spreadsheet programs read Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(name) for name in rows[0]])
    writer.writerows([cell(value) for value in row.values()] for row in rows)
    return out.getvalue().encode("utf-8-sig")

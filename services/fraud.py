"""Fraud warnings: text that asks for a deposit, a training fee, a payment off the board or contact
on another app (the seed's 预付保证金、培训费、私下转账).

Such a message or job is stored with `flagged = 1`, never refused: both sides see a calm warning
beside it, and the organizers find it on their list of things to look at (`attention`). What counts
is one data file, fraud_phrases.toml, so an organizer's list grows without touching the code.
"""

import pathlib
import re
import tomllib
import unicodedata
from functools import cache
from typing import NamedTuple

from . import users
from .db import Database
from .rows import Row

PHRASES_FILE = pathlib.Path(__file__).with_name("fraud_phrases.toml")
ATTENTION_SIZE = 100  # the newest of each kind; older ones have been looked at by then
_SPACE = re.compile(r"\s+")


class Pattern(NamedTuple):
    name: str
    regex: re.Pattern[str]
    digits: int  # the least number of digits a match holds (a date or a price has fewer)


def _plain(text: str) -> str:
    """Text as the phrases are compared: full-width letters made plain, no case, no spaces (so
    "加 微 信" and "W e C h a t" are found too)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


@cache
def _lists() -> tuple[dict[str, str], tuple[Pattern, ...]]:
    """The phrases (as compared -> as written) and the patterns of the data file, read once."""
    data = tomllib.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    phrases = {_plain(phrase): phrase for phrase in data["phrases"]}
    patterns = tuple(Pattern(p["name"], re.compile(p["regex"]), p["digits"]) for p in data["patterns"])
    return phrases, patterns


def flags(*texts: str) -> list[str]:
    """What in `texts` looks like a scam's request: the phrases found (as the data file writes them)
    and the names of the patterns matched ("phone"); [] for none."""
    phrases, patterns = _lists()
    found: dict[str, None] = {}
    for text in texts:
        plain = _plain(text)
        found.update((written, None) for compared, written in phrases.items() if compared in plain)
        wide = unicodedata.normalize("NFKC", text)  # full-width digits count as digits
        for pattern in patterns:
            if any(sum(ch.isdigit() for ch in m.group()) >= pattern.digits for m in pattern.regex.finditer(wide)):
                found[pattern.name] = None
    return list(found)


def attention(db: Database, actor: object) -> list[Row]:
    """Flagged messages, jobs and public questions, newest first, for an organizer to look at: each
    with its `kind` ('message', 'job' or 'question'), the job's id and title, who wrote it (author_id,
    author_name), when (created_at) and the flagged `text`. Organizers only: raises NotAllowed."""
    users.organizer(db, actor)
    rows = db.query(
        """SELECT * FROM (
               SELECT 'message' AS kind, m.id, j.id AS job_id, j.title, m.author_id, u.display_name AS author_name,
                      m.created_at, m.body AS text
               FROM messages m JOIN threads t ON t.id = m.thread_id JOIN jobs j ON j.id = t.job_id
               JOIN users u ON u.id = m.author_id
               WHERE m.flagged = 1 ORDER BY m.id DESC LIMIT :size)
           UNION ALL SELECT * FROM (
               SELECT 'job' AS kind, j.id, j.id AS job_id, j.title, j.poster_id AS author_id,
                      u.display_name AS author_name, j.created_at, j.description AS text
               FROM jobs j JOIN users u ON u.id = j.poster_id
               WHERE j.flagged = 1 ORDER BY j.id DESC LIMIT :size)
           UNION ALL SELECT * FROM (
               SELECT 'question' AS kind, q.id, j.id AS job_id, j.title, q.author_id, u.display_name AS author_name,
                      q.created_at, q.body || CASE WHEN q.answer IS NULL THEN '' ELSE char(10) || q.answer END AS text
               FROM questions q JOIN jobs j ON j.id = q.job_id JOIN users u ON u.id = q.author_id
               WHERE q.flagged = 1 ORDER BY q.id DESC LIMIT :size)
           ORDER BY created_at DESC, kind, id DESC""",
        {"size": ATTENTION_SIZE},
    )
    return list(rows)

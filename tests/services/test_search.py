"""The browse page's search (jobs.list_open(search=...)): every word typed must be in an open job's
title or description, in Chinese or English, upper or lower case alike, whatever else the person types.

The index is an FTS5 table with the trigram tokenizer over jobs(title, description), kept in step by
triggers (migration m008_search); words shorter than a trigram are found without it.
"""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services import db as database
from services import jobs
from services.db import write
from services.migrations import migrations
from tests.budget import budget

TEXTS = {  # title -> description
    "帮忙搬家": "三楼没有电梯，需要两个人。",
    "代取快递": "快递在南门驿站，送到5号楼。",
    "Walk the dog": "Twice a day, a friendly Labrador.",
    "Fix a leaking tap": "The kitchen tap drips; please bring a WASHER.",
    'Open the "smart" lock': "It says ERROR 42 (100% battery).",
}


@pytest.fixture
def board(db, post_job, poster, verified_worker, now):
    """The open jobs of TEXTS, plus a taken and a cancelled job that both say 搬家 and Labrador."""
    posted = {title: post_job(title=title, description=description) for title, description in TEXTS.items()}
    jobs.act(db, post_job(title="搬家 taken", description="Labrador"), "claim", verified_worker, now=now)
    jobs.act(db, post_job(title="搬家 cancelled", description="Labrador"), "cancel", poster, now=now)
    return posted


def found(db, search: str, **filters) -> set[str]:
    return {job["title"] for job in jobs.list_open(db, search=search, **filters)}


def rename(db, job_id: int, **text) -> None:
    """Change a job's title or description in the database (the triggers must follow)."""
    with write(db):
        db["jobs"].update(job_id, text)


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("搬家", {"帮忙搬家"}),  # two characters: shorter than a trigram
        ("快递", {"代取快递"}),  # in the title and the description
        ("南门驿站", {"代取快递"}),  # four characters, in the description only
        ("电梯", {"帮忙搬家"}),  # two, in the description only
        ("dog", {"Walk the dog"}),
        ("DOG", {"Walk the dog"}),
        ("labrador", {"Walk the dog"}),  # in the description
        ("washer", {"Fix a leaking tap"}),
        ("Tap", {"Fix a leaking tap"}),
        ("or", {"Walk the dog", 'Open the "smart" lock'}),  # two letters: Labrador, ERROR
        ("5号楼", {"代取快递"}),
        ("搬", {"帮忙搬家"}),  # one character
    ],
)
def test_a_word_finds_the_open_jobs_with_it_in_title_or_description(db, search, expected):
    assert found(db, search) == expected


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("kitchen tap", {"Fix a leaking tap"}),
        ("tap dog", set()),  # each word in some job, both in none
        ("快递 5号楼", {"代取快递"}),
        ("快递 搬家", set()),
        ("搬家　电梯", {"帮忙搬家"}),  # the ideographic space a Chinese keyboard types
        ("  dog   walk ", {"Walk the dog"}),
        ("dog dog DOG", {"Walk the dog"}),
        ("tap 的", set()),  # a long and a short word: both must match
    ],
)
def test_every_word_of_several_must_match(db, search, expected):
    assert found(db, search) == expected


@pytest.mark.usefixtures("board")
def test_an_empty_or_blank_search_lists_every_open_job(db):
    assert found(db, "") == found(db, " \u3000 ") == set(TEXTS)


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ('"', {'Open the "smart" lock'}),  # a stray quote is a character like any other
        ('""', set()),
        ('"smart"', {'Open the "smart" lock'}),  # quotes are text like any other
        ('the "smart', {'Open the "smart" lock'}),
        ("OR", {"Walk the dog", 'Open the "smart" lock'}),  # a word, not an operator
        ("AND", set()),
        ("NOT dog", set()),  # no job says "not"
        ("NEAR", set()),
        ("NEAR(tap kitchen)", set()),
        ("*", set()),
        ("tap*", set()),
        ("title:tap", set()),
        ("{title description}:tap", set()),
        ("^tap", set()),
        ("-dog", set()),
        ("(dog)", set()),
        ("100%", {'Open the "smart" lock'}),  # % and _ are no wildcards
        ("%", {'Open the "smart" lock'}),
        ("_", set()),
        ("(100%", {'Open the "smart" lock'}),
        ("'; DROP TABLE jobs; --", set()),
        ("x" * 10_000, set()),
        ("tap " * 5_000, {"Fix a leaking tap"}),  # read up to jobs.SEARCH_MAX characters
        ("\x00", set()),  # characters no job's text may hold find nothing
        ("dog \x07", set()),
        ("dog \u202e", set()),
        ("dog \ud800", set()),
    ],
)
def test_hostile_searches_are_plain_text_and_never_fail(db, search, expected):
    assert found(db, search) == expected
    assert db["jobs"].count == len(TEXTS) + 2


@pytest.mark.usefixtures("board")
def test_only_open_jobs_are_found(db):
    assert found(db, "Labrador") == {"Walk the dog"}
    assert found(db, "搬家") == {"帮忙搬家"}


def test_search_combines_with_the_other_filters(db, post_job, centre):
    post_job(title="搬家 sofa", category="moving", price_yuan="80")
    post_job(title="搬家 boxes", category="moving", price_yuan="20")
    post_job(title="搬家 parcel", category="parcel", price_yuan="20")
    post_job(title="Far 搬家", north_m=2_800)

    assert found(db, "搬家", category="moving", max_fen=5_000, near=centre, max_km=2) == {"搬家 boxes"}
    assert [j["title"] for j in jobs.list_open(db, search="搬家", sort="price_low")][:2] == [
        "搬家 parcel",
        "搬家 boxes",
    ]


def test_an_edited_title_is_found_by_its_new_words_not_its_old(db, board):
    rename(db, board["Fix a leaking tap"], title="修水龙头 faucet")

    assert found(db, "faucet") == found(db, "水龙头") == found(db, "龙头") == {"修水龙头 faucet"}
    assert found(db, "leaking") == set()
    assert found(db, "kitchen") == {"修水龙头 faucet"}  # the description is still indexed


def test_an_edited_description_is_found_by_its_new_words_not_its_old(db, board):
    rename(db, board["Walk the dog"], description="一只很乖的柯基")

    assert found(db, "柯基") == found(db, "很乖的") == {"Walk the dog"}
    assert found(db, "labrador") == set()


def test_a_deleted_job_leaves_the_index(db, board):
    job = db["jobs"].get(board["Walk the dog"])
    with write(db):
        copy_id = db["jobs"].insert({**job, "id": None, "title": "Walk the puppy"}).last_pk
    assert found(db, "puppy") == {"Walk the puppy"}

    with write(db):
        db["jobs"].delete(copy_id)

    assert found(db, "puppy") == set()
    assert_index_in_step(db)


def test_the_index_stays_in_step_with_the_jobs_through_posts_edits_and_deletes(db, board):
    rename(db, board["帮忙搬家"], title="帮忙搬钢琴", description="琴很重")
    rename(db, board["代取快递"], status="cancelled")  # a change of status leaves the text as it was
    assert_index_in_step(db)


def assert_index_in_step(db):
    """FTS5's integrity check with rank 1 compares the index with the text of jobs; it raises when they differ."""
    db.execute("INSERT INTO jobs_search (jobs_search, rank) VALUES ('integrity-check', 1)")


def test_the_migration_indexes_the_jobs_posted_before_it(tmp_path, db, post_job):
    path = tmp_path / "old.db"
    old = database.Database(sqlite3.connect(path, isolation_level=None))
    with write(old):
        migrations.apply(old, stop_before="m008_search")
        job = db["jobs"].get(post_job(title="搬家 before search"))
        for table, row in (("users", db["users"].get(job["poster_id"])), ("jobs", job)):
            columns = old[table].columns_dict  # the columns a later migration adds are not there yet
            old[table].insert({column: value for column, value in row.items() if column in columns})
    old.conn.close()

    upgraded = database.connect(path)  # applies m008

    assert found(upgraded, "搬家") == found(upgraded, "before search") == {"搬家 before search"}
    assert_index_in_step(upgraded)
    upgraded.conn.close()


def test_the_search_looks_words_up_in_the_index(db, board):
    """The query a search runs reads the FTS index (a MATCH on jobs_search), not every job's text."""
    statements = []
    with db.tracer(lambda sql, params: statements.append((sql, params))):
        jobs.list_open(db, search="kitchen 快递")
    sql, params = next((sql, params) for sql, params in statements if "jobs_search" in sql)

    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]

    assert any(step.startswith("SCAN jobs_search VIRTUAL TABLE INDEX") and ":M" in step for step in plan), plan
    assert not any(step.startswith("SCAN jobs") and "jobs_search" not in step for step in plan), plan


# --- the search against a plain substring filter -----------------------------------------------

LETTERS = "搬家快递帮忙修水管猫狗的了 abcABC xyzXYZ 0123 \"*-():^%_'"
job_text = st.text(alphabet=LETTERS, min_size=2, max_size=40)


@st.composite
def board_and_search(draw):
    """A few jobs (title, description, open or not) and a search made of pieces of their own text,
    sometimes in other capitals, sometimes with a stray piece of the alphabet."""
    posted = draw(st.lists(st.tuples(job_text, job_text, st.booleans()), min_size=1, max_size=6))
    texts = [title + " " + description for title, description, _ in posted]
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        source = draw(st.sampled_from(texts))
        start = draw(st.integers(0, len(source) - 1))
        piece = source[start : start + draw(st.integers(1, 8))]
        pieces.append(draw(st.sampled_from([piece, piece.swapcase(), piece.upper()])))
    if draw(st.booleans()):
        pieces.append(draw(st.text(alphabet=LETTERS, min_size=1, max_size=4)))
    return posted, " ".join(pieces)


def substring_filter(db, search: str) -> set[int]:
    """The open jobs whose title or description holds every word, compared in lower case."""
    words = search.lower().split()
    return {
        job["id"]
        for job in db.query("SELECT id, title, description FROM jobs WHERE status = 'open'")
        if all(word in job["title"].lower() or word in job["description"].lower() for word in words)
    }


def test_search_finds_exactly_what_a_plain_substring_filter_finds(db, open_job):
    model = db["jobs"].get(open_job["id"])

    @settings(max_examples=budget(200))
    @given(board_and_search())
    def search_equals_filter(example):
        posted, search = example
        with write(db):
            db.execute("DELETE FROM jobs WHERE id > ?", [model["id"]])  # the last example's jobs
            for title, description, is_open in posted:
                row = {**model, "title": title, "description": description}
                db["jobs"].insert({**row, "id": None, "status": "open" if is_open else "cancelled"})

        assert {job["id"] for job in jobs.list_open(db, search=search)} == substring_filter(db, search)

    search_equals_filter()
    assert_index_in_step(db)

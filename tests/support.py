"""Helpers shared by the test folders."""

import os
import pathlib
import shutil
import sqlite3

import pytest

from services import community, settings, uploads, users

# Text that must show literally wherever a person's words appear: HTML, a JS template literal, a
# backtick, a backslash, and Jinja tags (folium compiles each map element's script as a template).
HOSTILE = "<img src=x onerror=alert(1)> ${alert(2)} ` \\ {{7*7}}{%x%}"


def missing_tool(reason: str) -> None:
    """Skip a test whose outside program (Litestream, Caddy) cannot run here, with the reason shown;
    under REQUIRE_BROWSER=1 (.ci/run, which installs every such program) fail instead."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def copy_database(source, target, *, with_uploads: bool = False) -> None:
    """Copy a template database with SQLite's backup API (consistent even in WAL mode), and with
    `with_uploads` the uploads folder beside it (the ID and portfolio photos its rows name)."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    source_uploads = uploads.root_for(pathlib.Path(source))
    if with_uploads and source_uploads.exists():
        shutil.copytree(source_uploads, uploads.root_for(pathlib.Path(target)))


def sunny_garden(db, now, *, radius_km: float = 5) -> int:
    """The browser tests' community around central Shanghai, speaking Chinese, set up with its first
    organizer org_zh (王主任, password organizer-pass). Returns the organizer's id."""
    organizer_id = community.set_up(
        db,
        name="阳光花园 Sunny Garden",
        lat=31.2304,
        lon=121.4737,
        radius_km=radius_km,
        language="zh_CN",
        organizer={"username": "org_zh", "display_name": "王主任", "password": "organizer-pass"},
        now=now,
    )
    # A test board takes no daily backup: its server would take one within its first minute (past 03:00
    # the day's is due), a tar of the board and a write lock in the middle of the test's clicks.
    # tests/services/test_backup.py tests the schedule.
    settings.save(db, {"backup_daily": 0})
    return organizer_id


# Single-line text Streamlit's Markdown would rewrite (issue #13): links nobody wrote, icon and emoji
# shortcodes, typographic replacements, and what streamlit-folium rewrites in a map's script.
AS_TYPED = (
    "see https://x.y/a?b=1 www.x.cn me@x.cn <https://x.y> :material/home: :material_home: :streamlit: :smile:"
    " -- -> <- <-> >= <= ~= alert(coords); drawnItems_1 drawnItems_draw_control_div_7 邻居帮忙：修水龙头。 " + HOSTILE
)
# The same with line breaks: a blank line then four spaces or a tab would start a code block.
AS_TYPED_LINES = AS_TYPED + "\n\n    code block?\n\tand a tab -- here"
# Markdown's block and inline syntax, a line each: a heading, two lists, a quote, a line that a rule
# under it would make a heading, a table, a fenced code block, emphasis, LaTeX, a footnote, a link,
# an image, character references, a directive and HTML. Shown as typed, none of it is structure.
AS_TYPED_BLOCKS = (
    "# not a heading\n- not a list\n1. not a list\n> not a quote\nnot a heading\n---\n| a | b |\n|---|---|\n"
    "```js\nfenced?\n```\n**b** _i_ ~~s~~ $x^2$ [^1] [a](https://x.y) ![i](x.png) &amp; &#65; :red[x] <b>b</b>"
)
# Right-to-left letters (Hebrew, Arabic) and Arabic-Indic digits. A browser lays them out right to
# left, and on a line of the board's own words they would take neighbouring digits and punctuation
# with them ("name (@123)" drawn as "(123@) name"), unless the text is isolated from its neighbours.
RIGHT_TO_LEFT = "שלום دال ١٢"


def set_phone(db, person: dict, phone) -> None:
    """The person changes only their phone number on the account page (users.update_details with the
    other details as they are)."""
    users.update_details(
        db,
        person,
        display_name=person["display_name"],
        phone=phone,
        email=person["email"] or "",
        language=person["language"],
    )

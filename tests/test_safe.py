"""ui.safe.md against the text transformations of Streamlit's shipped Markdown renderer.

The patterns below are copied from Streamlit 1.67's bundle (static/static/js/StreamlitMarkdown.*.js);
the first test fails when an upgrade changes them, so md() is read again against the new renderer.
They run on each text node's decoded text after parsing, so md() must leave none of them a match
inside one node (the browser test tests/browser/test_text_as_typed.py checks the rendered page).
"""

import pathlib
import re

import streamlit
from hypothesis import given
from hypothesis import strategies as st

from tests.pages.conftest import unescape_markdown
from tests.support import AS_TYPED, AS_TYPED_BLOCKS, AS_TYPED_LINES, HOSTILE, RIGHT_TO_LEFT
from ui.safe import isolated, md

BUNDLE = next((pathlib.Path(streamlit.__file__).parent / "static/static/js").glob("StreamlitMarkdown.*.js"))
TEXT_NODE_PATTERNS = {
    "link": r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi",
    "e-mail": r"/(?<=^|\s|\p{P}|\p{S})([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu",
    "material icon": r"/:material_(\w+):/g",
    "streamlit logo": r"/:streamlit:/g",
    "typography <->": r"/(^|\s)<->(\s|$)/g",
    "typography ->": r"/(^|\s)->(\s|$)/g",
    "typography <-": r"/(^|\s)<-(\s|$)/g",
    "typography --": r"/(^|\s)--(\s|$)/g",
    "typography >=": r"/(^|\s)>=(\s|$)/g",
    "typography <=": r"/(^|\s)<=(\s|$)/g",
    "typography ~=": r"/(^|\s)~=(\s|$)/g",
}


def as_python(js: str) -> re.Pattern:
    """A JS regex literal from the bundle as a Python pattern; the e-mail one's \\p{P}/\\p{S} lookbehind
    (which Python's re lacks) widened to any preceding character, which finds more, never fewer."""
    body, flags = js[1 : js.rindex("/")], js[js.rindex("/") + 1 :]
    body = body.replace("\\/", "/").replace("(?<=^|\\s|\\p{P}|\\p{S})", "")
    return re.compile(body, re.IGNORECASE if "i" in flags else 0)


# and remark-emoji's shortcodes (loaded by the renderer when the source holds one)
PYTHON_PATTERNS = {name: as_python(js) for name, js in TEXT_NODE_PATTERNS.items()} | {"emoji": re.compile(r":[\w+-]+:")}
CASES = [
    "https://x.y/a?b=1",
    "http://x.y",
    "www.x.cn",
    "me@x.cn",
    "<https://x.y>",
    ":material/home:",
    ":material_home:",
    ":streamlit:",
    ":smile:",
    ":+1:",
    "a -- b",
    "a -> b",
    "a <- b",
    "a <-> b",
    "a >= b",
    "a <= b",
    "a ~= b",
    "-- -> <- <-> >= <= ~=",
    "--->",
    "a\n\n    code",
    "a\n\n\tcode",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "a\n===",
    "$x$",
    ":red[x]",
    "~~x~~",
    "[^1]",
    "|a|b|",
    "**b** _i_",
    "&amp; &#58;",
    "\\:x:",
    HOSTILE,
    AS_TYPED,
    AS_TYPED_LINES,
    AS_TYPED_BLOCKS,
    "邻居帮忙：修水龙头。",
]


def text_nodes(markdown: str) -> list[str]:
    """What each text node of the rendered Markdown holds: md() ends a node at every `:small[]`."""
    return [unescape_markdown(part) for line in markdown.split("  \n") for part in line.split(":small[]")]


def test_the_shipped_renderer_still_has_the_patterns_md_defeats():
    bundle = BUNDLE.read_text()
    assert [name for name, js in TEXT_NODE_PATTERNS.items() if js not in bundle] == []
    assert "replaceAll(`:material/`,`:material_`)" in bundle
    assert "if(a===`small`){let t=n.data??={};t.hName=`span`" in bundle  # the break: an empty <span>


def test_every_case_reads_back_as_typed():
    assert [case for case in CASES if unescape_markdown(md(case)) != case.replace("\n", "  \n")] == []


def test_no_text_node_holds_a_link_shortcode_or_typographic_pattern():
    found = [
        (case, name)
        for case in CASES
        for node in text_nodes(md(case))
        for name, pattern in PYTHON_PATTERNS.items()
        if pattern.search(node)
    ]
    assert found == []


def test_no_line_starts_with_a_blank_or_holds_an_unescaped_punctuation_mark():
    for case in CASES:
        for line in md(case).split("  \n"):
            assert not line[:1].isspace(), case
            bare = re.sub(r"\\[!-/:-@\[-`{-~]|:small\[\]|&#\d+;", "", line)
            assert not re.search(r"[!-/:-@\[-`{-~]", bare), (case, line)


def test_the_source_never_holds_the_renderers_material_rewrite():
    assert ":material/" not in md(":material/home: \\:material/x")


@given(st.text())
def test_any_text_reads_back_as_typed_and_no_node_matches(text):
    markdown = md(text)
    assert unescape_markdown(markdown) == re.sub(r"\r\n|\r|\n", "  \n", text)
    assert [name for node in text_nodes(markdown) for name, p in PYTHON_PATTERNS.items() if p.search(node)] == []


def test_only_text_that_could_reorder_its_neighbours_is_isolated():
    assert [isolated(text) for text in ("王阿姨 Alice 12", HOSTILE, "", None)] == ["王阿姨 Alice 12", HOSTILE, "", ""]
    for text in (RIGHT_TO_LEFT, "שלום", "مرحبا", "١٢", "a\u202eb"):  # letters, Arabic-Indic digits, an override
        assert isolated(text) == "\u2068" + text + "\u2069"

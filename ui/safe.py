"""The one place user text is made safe for Streamlit's Markdown: it shows exactly the stored characters.

Streamlit 1.67 renders st.markdown, captions, headings, page-link and expander labels and alert texts
with react-markdown (frontend StreamlitMarkdown.tsx; read in the shipped bundle
static/static/js/StreamlitMarkdown.*.js). What that renderer does to plain text, and what md() does:

- CommonMark and GFM syntax (emphasis, headings, lists, quotes, tables, strikethrough, footnotes,
  HTML, `<https://…>` autolinks, character references), LaTeX between `$` (remark-math), and
  directives (`:red[…]`, remark-directive): every ASCII punctuation character is backslash-escaped,
  which CommonMark allows for all of them and which always shows the character itself. The escaped
  `/` also keeps the renderer's source rewrite `:material/` -> `:material_` from matching.
- Indented code: a line starting with four spaces or a tab (after a blank line) is a code block, and
  a paragraph's continuation lines lose their leading blanks. Leading spaces and tabs are written as
  numeric character references (`&#32;`, `&#9;`), which decode to the same characters but are not
  indentation. (HTML still collapses runs of blanks when it lays the text out.)
- Line breaks: every line ending is a hard break, so lines stay lines.
- Transformations that run on the *decoded* text of each text node after parsing, where no escape or
  character reference can reach: GFM's literal autolinks (`https://…`, `www.…`, e-mail addresses,
  found by a find-and-replace over text nodes), `:material_x:` icons (the renderer's own plugin),
  `:streamlit:` (its logo), remark-emoji's `:shortcode:` and the typographic table
  `--` `->` `<-` `<->` `>=` `<=` `~=` between blanks (-> — → ← ↔ ≥ ≤ ≈). Each pattern must match
  inside one text node, so md() ends the text node where a pattern would need to continue: before
  every `.`, `:` and `@` (a scheme's `:`, the `.` after `www`, an e-mail's `@`, both colons of a
  shortcode then always start a node) and between two adjacent characters of `-<>=~` (no node
  holds two of them side by side). The break is `:small[]`, an empty text directive the renderer
  turns into an empty <span>: no character, no space, nothing in the visible text.
Maps take user text as JSON data and set it with textContent (ui/maps.py); no user text is ever
passed with unsafe_allow_html.

Direction: a browser lays out Hebrew and Arabic letters (and Arabic-Indic digits) right to left, and
the Unicode bidirectional algorithm lets such a run take the digits and punctuation next to it
along, the board's own included: a Hebrew name followed by " (@123)" is drawn with "(123@)" before
it, and one followed by " · 2026/12/2 10:07" with the date before it (measured in Chromium by
tests/browser/test_text_as_typed.py). isolated() wraps user text that holds such characters in a
first-strong isolate (U+2068 … U+2069, invisible), which the browser lays out on its own and treats
as one neutral character among its neighbours. Every user value placed among the board's words
goes through it: t() isolates its parameters (ui/i18n.py), and the lines built without t() call it.
"""

import re
import unicodedata

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_STARTS_A_TEXT_NODE = frozenset(".:@")
_TYPOGRAPHY_MARKS = frozenset("-<>=~")
_TEXT_NODE_BREAK = ":small[]"
_LINE_ENDING = re.compile(r"\r\n|\r|\n")


# Bidirectional classes that can reorder neighbouring text: right-to-left letters and Arabic numbers,
# and the explicit embeddings, overrides and isolates (refused on input by services.validate; a row
# stored before that may still hold one).
_REORDERING = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_FIRST_STRONG_ISOLATE, _POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(text) -> str:
    """User text to be placed among other words: wrapped in an isolate when it could reorder them
    (see the module's note on direction), else as it is."""
    text = str(text if text is not None else "")
    if any(unicodedata.bidirectional(char) in _REORDERING for char in text):
        return _FIRST_STRONG_ISOLATE + text + _POP_DIRECTIONAL_ISOLATE
    return text


def md(text) -> str:
    """User text -> Markdown that renders exactly as the text, nothing more."""
    lines = _LINE_ENDING.split(str(text if text is not None else ""))
    return "  \n".join(_line(line) for line in lines)


def _line(line: str) -> str:
    body = line.lstrip(" \t")
    indent = "".join(f"&#{ord(char)};" for char in line[: len(line) - len(body)])
    out = [indent]
    for i, char in enumerate(body):
        if char in _STARTS_A_TEXT_NODE or (char in _TYPOGRAPHY_MARKS and i and body[i - 1] in _TYPOGRAPHY_MARKS):
            out.append(_TEXT_NODE_BREAK)
        out.append("\\" + char if char in _ASCII_PUNCTUATION else char)
    return "".join(out)

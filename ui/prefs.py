"""The reader's own choices of how pages read: their language and larger text (长辈模式, #15 item 13).

Kept for the session in session state; for a signed-in person in their account (services.users), so
any device they sign in on shows them; and for every reader in two cookies of their browser, so a
visitor who chose English (or larger text) and reloads, or opens a link of the board in a new tab,
still has it (#15 item 11). The cookies hold a language code and a 0/1, nothing of the person's.
"""

import streamlit as st

from services.rows import User
from services.validate import LANGUAGES

from .i18n import language, set_language

LARGER_TEXT = "larger_text"  # session state: True when this reader reads larger text
CHOSEN = "_prefs_chosen"  # session state: the reader chose in this session, so their cookies say so
LANGUAGE_COOKIE = "linbang_lang"
LARGER_TEXT_COOKIE = "linbang_larger_text"
# A component of constant code (st.components.v2: not iframed) that writes both cookies; the values
# arrive as JSON and are written only when they are one of the few the board knows.
_REMEMBER_JS = """
export default function ({ data }) {
  const year = 365 * 24 * 3600;
  const keep = (name, value) => {
    document.cookie = `${name}=${value}; path=/; max-age=${year}; SameSite=Lax`;
  };
  if (/^[A-Za-z_]{2,8}$/.test(data.language)) keep("linbang_lang", data.language);
  keep("linbang_larger_text", data.larger_text ? "1" : "0");
}
"""
_remember = st.components.v2.component("linbang_remember_choices", js=_REMEMBER_JS)


def larger_text() -> bool:
    return bool(st.session_state.get(LARGER_TEXT))


def adopt(user: User) -> None:
    """Read pages as `user` chose in their account (at sign-in, and a signed-in session's first run)."""
    set_language(user["language"])
    st.session_state[LARGER_TEXT] = bool(user["larger_text"])


def settle(user: User | None, board_language: str) -> None:
    """At a session's first run: the signed-in person's choices; else the ones this browser's cookies
    remember; else the board's language and normal text."""
    if "lang" in st.session_state:
        return
    if user:
        adopt(user)
        return
    cookies = st.context.cookies
    remembered = cookies.get(LANGUAGE_COOKIE)
    set_language(remembered if remembered in LANGUAGES else board_language)
    st.session_state[LARGER_TEXT] = cookies.get(LARGER_TEXT_COOKIE) == "1"


def chose() -> None:
    """The reader changed a choice in this session: from now on their browser keeps it (remember)."""
    st.session_state[CHOSEN] = True


def remember() -> None:
    """Once the reader chose in this session, have their browser keep the choices in its cookies
    (drawn on every run from then on: the component writes them whenever they change)."""
    if st.session_state.get(CHOSEN):
        _remember(data={"language": language(), "larger_text": larger_text()}, key="prefs_remember")

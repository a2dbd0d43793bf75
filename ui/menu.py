"""The menu of every page (#15 items 3 and 13): the person's pages (the inbox with its unread count),
language, larger text and signing out.

Wide screens show it in the sidebar. On a phone (768 px or narrower, where Streamlit's sidebar is a
drawer over the page, opened by an unlabelled "»" and left open after a tap) a labelled menu button at
the top of the page opens the same menu instead, and the menu closes once a page is chosen.
"""

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from services import notifications, users
from services.catalogs import text_in
from services.clock import utcnow
from services.db import Database
from services.rows import User

from . import auth, console, notices, prefs
from .feedback import flash, go
from .i18n import LANGUAGE_NAMES, set_language, t
from .safe import md

PHONE_MENU = "menu_phone"  # the phone menu's open state in session state; its CSS class is st-key-menu_phone
KEEP_OPEN = "_menu_keep_open"  # session state: this run was caused by the phone menu's own controls
Pages = list[StreamlitPage]
Links = list[tuple[StreamlitPage, str | None]]  # a menu's pages, each with its label (None: its title)
# The phone menu's button reads the same in every language ("菜单 · Menu"): a reader who landed in a
# language they cannot read finds the language switch in it; and Streamlit names a popover by its label,
# so a label that changed with the language made a new, closed popover that a tap no longer opened.
MENU_LABEL = " · ".join(text_in(language, "menu.open") for language in LANGUAGE_NAMES)


def links(db: Database, user: User | None, pages: Pages, inbox: StreamlitPage | None) -> Links:
    """Each of `pages` with its name in the menu: the inbox with its unread count, the organizer's
    console with its things waiting (ui.console), None for the page's own title. Worked out once per
    run: the sidebar and the phone menu both draw them."""
    unread = notifications.unread_count(db, user["id"]) if user else 0

    def label(item: StreamlitPage) -> str | None:
        if item is inbox:
            return notices.badge_label(unread)
        if user and item.url_path == console.URL_PATH:
            return console.badge_label(db, user, utcnow())
        return None

    return [(item, label(item)) for item in pages]


def draw_menu(db: Database, user: User | None, menu: Links, key: str) -> None:
    """The menu: a link to each page (`menu`, from links()), who is signed in, the language, larger text
    and, for a signed-in person, signing out. `key` names its widgets."""
    for item, label in menu:
        st.page_link(item, label=label, use_container_width=True)
    if user:
        st.caption(t("nav.signed_in_as", name=md(user["display_name"])))
    st.session_state[f"{key}_language"] = st.session_state["lang"]  # follow a language set elsewhere
    # Two buttons, not a select box: one tap, and the select box alone made a cold browser fetch some
    # twenty script chunks before the page's own (bench/browse_map.py).
    st.segmented_control(
        t("nav.language"),
        list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=f"{key}_language",
        on_change=_switch_language,
        args=(db, user, f"{key}_language"),
    )
    st.session_state[f"{key}_larger_text"] = prefs.larger_text()  # the other menu's switch may have changed it
    st.toggle(
        t("menu.larger_text"),
        key=f"{key}_larger_text",
        help=t("menu.larger_text_help"),
        on_change=_switch_larger_text,
        args=(db, user, f"{key}_larger_text"),
    )
    if user:
        log_out_button(db, user, key=f"{key}_logout")


def _switch_language(db: Database, user: User | None, key: str) -> None:
    """The reader picked a language: use it now, and remember it for a signed-in user and in the
    browser. (None: the chosen one was tapped again; the next run shows it chosen again.)"""
    st.session_state[KEEP_OPEN] = True
    language = st.session_state[key]
    if language is None:
        return
    set_language(language)
    prefs.chose()
    if user:
        users.set_language(db, user["id"], language)


def _switch_larger_text(db: Database, user: User | None, key: str) -> None:
    """Larger text on or off: now, for the signed-in person's account and in the browser."""
    st.session_state[KEEP_OPEN] = True
    st.session_state[prefs.LARGER_TEXT] = bool(st.session_state[key])
    prefs.chose()
    if user:
        users.set_larger_text(db, user, st.session_state[key])


def log_out_button(db: Database, user: User, *, key: str) -> None:
    """Sign out: this session ends and every cookie issued so far stops working (ui.auth.log_out); then
    the browse page."""
    if st.button(t("account.logout"), key=key, use_container_width=True, icon=":material/logout:"):
        auth.log_out(db, user)
        flash(t("account.logged_out"))
        go("app_pages/browse.py")


def phone_menu(db: Database, user: User | None, menu: Links) -> None:
    """The menu behind a labelled button, for phones (the constant CSS shows it at 768 px or narrower
    only). It stays open only for the runs its own controls cause: a page chosen in it (another page
    or the same one) closes it."""
    if not st.session_state.pop(KEEP_OPEN, False):
        st.session_state[PHONE_MENU] = False
    with st.popover(MENU_LABEL, icon=":material/menu:", key=PHONE_MENU, on_change=_keep_open):
        draw_menu(db, user, menu, key="nav_phone")


def _keep_open() -> None:
    st.session_state[KEEP_OPEN] = True


def menu_styles() -> None:
    """Constant CSS: the phone menu on narrow screens, the sidebar's drawer on wide ones; and larger
    text (bigger type, 48 px tap targets, larger help icons and stars) when the reader chose it."""
    st.markdown(
        """<style>
        @media (max-width: 768px) {
            [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] { display: none; }
        }
        @media (min-width: 769px) { .st-key-menu_phone { display: none; } }
        .st-key-menu_phone button { min-height: 44px; font-weight: 600; }
        </style>""",
        unsafe_allow_html=True,
    )
    if prefs.larger_text():
        st.markdown(
            """<style>
            html { font-size: 20px; }
            .stButton button, .stFormSubmitButton button, [data-testid="stPageLink"] a, .st-key-menu_phone button,
            [data-testid="stButtonGroup"] button, [data-testid="stCheckbox"] label, [data-testid="stRadio"] label,
            [data-baseweb="select"] > div, [data-baseweb="input"], [data-baseweb="tab"] { min-height: 48px; }
            [data-testid="stButtonGroup"] button { min-width: 48px; }
            [data-testid="stCheckbox"] label { align-items: center; }
            [data-testid="stTooltipHoverTarget"] button { min-width: 48px; min-height: 48px; justify-content: center; }
            [data-testid="stTooltipIcon"] svg { width: 28px; height: 28px; }
            [data-testid="stFeedback"] [data-testid="stIconMaterial"] { font-size: 2.25rem; }
            </style>""",
            unsafe_allow_html=True,
        )

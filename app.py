"""Linbang (邻帮) entry point: page config, DB and sign-in restore, role-aware navigation."""

import functools
import pathlib

import streamlit as st

from services import community, jobs, verification
from services.clock import utcnow
from ui import announcements, auth, backup_clock, mailer, maps, notices, prefs
from ui.db import get_db
from ui.feedback import count_visit, follow_goto, show_flash, sign_in_first
from ui.i18n import set_language, t
from ui.menu import draw_menu, links, menu_styles, phone_menu
from ui.safe import md

st.set_page_config(page_title="邻帮 Linbang", page_icon="🏘️", layout="wide", initial_sidebar_state="auto")
maps.install_vendor_assets()
st.markdown(  # constant CSS only: bigger tap targets and no sideways scrolling on phones
    """<style>
    .stButton button, .stFormSubmitButton button, [data-testid="stPageLink"] a { min-height: 44px; }
    [data-testid="stMainBlockContainer"] { overflow-x: hidden; }
    [data-testid="stCaptionContainer"] { color: inherit; opacity: 0.8; }
    @media (max-width: 640px) { [data-testid="stMainBlockContainer"] { padding: 3.5rem 0.75rem 3rem; } }
    </style>""",  # 3.5rem on top: the live badge, first on every page, clear of Streamlit's header bar
    # captions: the page's text colour at 80%, about 7:1 on white (axe-core); Streamlit's 0.6 read 3.9:1
    unsafe_allow_html=True,
)

db = get_db()
place = community.get(db)


PAGES = {}  # script path -> this run's page, for follow_goto


def page(
    path: str, key: str, icon: str, default: bool = False, url_path: str | None = None, *, member: bool = False
) -> st.Page:
    """This run's page of `path`. A `member` page (for signed-in people) is, for a signed-out visitor, a
    door at the same address: it asks them to sign in, then opens the page (ui.feedback.sign_in_first)."""
    if member and user is None:
        door = functools.partial(sign_in_first, path)
        return st.Page(door, title=t(key), icon=icon, url_path=url_path or pathlib.Path(path).stem)
    PAGES[path] = st.Page(path, title=t(key), icon=icon, default=default, url_path=url_path)
    return PAGES[path]


if place is None:
    set_language(st.session_state.get("lang") or "zh_CN")
    st.navigation([page("app_pages/setup.py", "nav.setup", "🛠️", default=True)], position="hidden").run()
    st.stop()

mailer.start_sender()
backup_clock.start_clock()
st.session_state["timezone"] = place["timezone"]
jobs.run_clock(db, utcnow())
verification.purge_photos(db, utcnow())  # ID photos whose keeping time is up
user = auth.current_user(db)
st.session_state["user"] = user
prefs.settle(user, place["language"])


browse = page("app_pages/browse.py", "nav.browse", "🗺️", default=True)
job_page = page("app_pages/job.py", "nav.job", "📌")
profile_page = page("app_pages/profile.py", "nav.profile", "👤")
members = [
    page("app_pages/post_job.py", "nav.post", "➕", member=True),
    page("app_pages/find_helpers.py", "nav.helpers", "🧑‍🔧", url_path="helpers", member=True),  # bookmarks know it
    page("app_pages/my_jobs.py", "nav.my_jobs", "📋", member=True),
    page(notices.INBOX_PAGE, "nav.inbox", "🔔", member=True),
    page("app_pages/wallet.py", "nav.wallet", "👛", member=True),
    page("app_pages/worker.py", "nav.worker", "🧰", member=True),
    page("app_pages/account.py", "nav.account", "⚙️", member=True),
]
organizers = [
    page("app_pages/organizer_console.py", "nav.organizer_console", "📊", member=True),
    page("app_pages/organizer_workers.py", "nav.organizer_workers", "🛡️", member=True),
    page("app_pages/organizer_users.py", "nav.organizer_users", "👥", member=True),
    page("app_pages/organizer_cash.py", "nav.organizer_cash", "💴", member=True),
    page("app_pages/organizer_disputes.py", "nav.organizer_disputes", "⚖️", member=True),
    page("app_pages/organizer_mail.py", "nav.organizer_mail", "📧", member=True),
    page("app_pages/organizer_reports.py", "nav.organizer_reports", "🚩", member=True),
    page("app_pages/organizer_backup.py", "nav.organizer_backup", "💾", member=True),
    page("app_pages/organizer_audit.py", "nav.organizer_audit", "📜", member=True),
]
if user is None:
    menu = [browse, page("app_pages/login.py", "nav.login", "🔑"), page("app_pages/register.py", "nav.register", "📝")]
    doors = members + organizers  # their addresses lead to sign-in, then to the page
else:
    menu = [browse, *members, *(organizers if user["role"] == "organizer" else [])]
    doors = []
tell_page = page("app_pages/tell.py", "nav.tell", "👪")  # a helper's card for their family (#16 item 3)
current = st.navigation([*menu, job_page, profile_page, tell_page, *doors], position="hidden")
follow_goto(current, PAGES)
count_visit(current)

menu_styles()
menu_links = links(db, user, menu, PAGES.get(notices.INBOX_PAGE))  # once a run: both menus draw them
with st.sidebar:
    st.markdown(f"### 🏘️ {t('app.name')}")
    st.caption(md(place["name"]))
    draw_menu(db, user, menu_links, key="nav")
    prefs.remember()

show_flash()
with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):
    top = st.container(width="content")  # the live badge, drawn after the page (the page may read news)
    phone_menu(db, user, menu_links)
announcements.show(db)  # the organizers' notices, for everyone, under the badge row
current.run()
if user:
    with top:
        notices.live_badge(db, user)

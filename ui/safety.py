"""Safety on the job page (#16 item 3): the safety notes of a hazardous category (shown in the claim's
question and the application form), the "tell someone" card of an evening job, and the handover code.
What each person sees is drawn from the job's capabilities (services.access)."""

import streamlit as st

from services import safety, settings
from services.access import Capability
from services.clock import utcnow
from services.db import Database
from services.rows import Job, Row

from .feedback import action_error, callback_button
from .i18n import t, when

TELL_PAGE = "tell"  # the public page a card's link opens (app_pages/tell.py)


def safety_notes(kind: Row) -> list[str]:
    """The safety notes of a job's category, in plain words: [] for a category that needs none."""
    return [t("safety.title"), t(f"safety.{kind['slug']}"), t("safety.general")] if kind["hazardous"] else []


def show_notes(notes: list[str]) -> None:
    """The notes as one warning a helper cannot miss, where they take the job on."""
    if notes:
        st.warning("  \n".join(notes), icon="⚠️")


def tell_someone(db: Database, job: Job, allowed: frozenset[Capability]) -> None:
    """The worker of an evening job: a card for a family member, a link and its QR code carrying the
    time and roughly where (services.safety: never the address)."""
    if "tell_someone" not in allowed:
        return
    link = f"{_board_address(db)}/{TELL_PAGE}?t={safety.tell_token(db, st.session_state['user'], job['id'])}"
    with st.container(border=True):
        st.markdown(f"**👪 {t('tell.title')}**")
        st.caption(t("tell.help"))
        st.code(link, language=None, wrap_lines=True)
        st.image(safety.qr_png(link), caption=t("tell.qr"), width=200)


def _board_address(db: Database) -> str:
    """The board's address as the organizer set it for e-mails, else as this browser reached it."""
    address = str(settings.read(db, ["public_url"])["public_url"]).rstrip("/")
    return address or str(st.context.url).rsplit("/", 1)[0]


def handover_code(db: Database, job: Job, allowed: frozenset[Capability]) -> None:
    """The poster: their job's code to tell the worker in person, or the button that makes one."""
    if "see_handover_code" in allowed and job["handover_code"]:
        st.info(t("handover.yours", code=job["handover_code"]), icon="🔢")
    if "ask_handover_code" in allowed:
        callback_button(
            t("handover.ask"),
            f"safety_handover_ask_{job['id']}",
            lambda: safety.ask_code(db, st.session_state["user"], job["id"], utcnow()),
            done=t("handover.made"),
            error_key=("handover", job["id"]),
        )
        st.caption(t("handover.help"))
        action_error(("handover", job["id"]))


def card_page(db: Database, token: str) -> None:
    """The public page of a card's link: what the card says, read-only, and nothing else."""
    card = safety.card(db, token, utcnow())
    st.title(f"👪 {t('tell.page_title')}")
    with st.container(border=True):
        st.markdown(t("tell.when", start=when(card["window_start"]), end=when(card["window_end"])))
        st.markdown(t("tell.where", community=card["community"], km=f"{card['distance_km']:.1f}"))
    st.caption(t("tell.approximate"))
    st.caption(t("tell.expires", when=when(card["expires_at"])))

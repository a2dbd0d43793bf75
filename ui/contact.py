"""Reaching the other side of a job without a public phone number (services.contact), and the
organizers' contact line, on every job page."""

import re

import streamlit as st

from services import contact
from services.access import Capability
from services.clock import utcnow
from services.db import Database
from services.rows import Job, User
from services.users import PHONE_RE

from .feedback import ACCOUNT_PAGE, action_error, organizer_note, perform
from .i18n import t
from .safe import md


def contact_section(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """`allowed`: the job's capabilities for `user`. The organizers' line is shown to everyone."""
    if "share_contact" in allowed or "see_contact" in allowed:
        st.markdown(f"**{t('contact.title')}**")
    if "see_contact" in allowed:
        other_phone(db, job, user)
    if "share_contact" in allowed:
        share_switch(db, job, user)
    note = organizer_note()
    if note:
        st.caption(note)


def other_phone(db: Database, job: Job, user: User | None) -> None:
    """The phone the other side shares for this job, as a link a phone dials; else that they do not."""
    shared = contact.shared_phone(db, job, user)
    if shared and PHONE_RE.match(shared.phone):  # digits, spaces, dashes and a leading +: nothing else in the link
        label = md(t("contact.call", name=shared.name, phone=shared.phone))
        st.link_button(label, f"tel:{re.sub('[ -]', '', shared.phone)}", icon="📞", use_container_width=True)
    else:
        st.caption(t("contact.not_shared"))


def share_switch(db: Database, job: Job, user: User | None) -> None:
    """The person's own switch, showing what the database says each run; without a phone on file, a
    pointer to the account page instead."""
    if not user or not user["phone"]:
        st.caption(t("contact.no_phone"))
        st.page_link(ACCOUNT_PAGE, label=t("contact.add_phone"), icon="📞")
        return
    key = f"contact_share_{job['id']}_{job['worker_id']}"
    action_error(key)
    st.session_state[key] = contact.sharing(db, job, user)  # the stored answer, whatever was tapped before
    st.toggle(t("contact.share"), key=key, help=t("contact.share_help"), on_change=_switched, args=(db, job, user, key))


def _switched(db: Database, job: Job, user: User, key: str) -> None:
    on = st.session_state[key]
    perform(
        lambda: contact.share(db, user, job["id"], on, utcnow()),
        t("contact.switched_on" if on else "contact.switched_off"),
        key,
    )

"""Organizer: everyone with an account; block (and unblock) an account, which also ends its sessions."""

import streamlit as st

from services import users
from services.clock import utcnow
from services.rows import User
from ui.cards import account_name
from ui.confirm import Question
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, action_error
from ui.i18n import t
from ui.safe import md

db = get_db()
user = st.session_state["user"]


def block_button(person: User, blocked: bool) -> None:
    """Block or unblock, asked once first: a block signs the person out at once (ui.confirm)."""
    question = Question(f"organizer_users_block_{person['id']}")
    label = t("organizer.unblock" if blocked else "organizer.block")
    if not question.asked:
        question.first_tap(label, lambda: None, ("block", person["id"]))
        return
    question.summary(
        [],
        [label, t("confirm.unblock" if blocked else "confirm.block", name=person["display_name"])],
        send=(
            lambda: users.set_blocked(db, user, person["id"], not blocked, utcnow()),
            t("organizer.unblocked" if blocked else "organizer.blocked"),
            ("block", person["id"]),
        ),
    )


st.title(t("organizer.users_title"))
st.caption(t("organizer.users_help"))
for person in users.list_users(db, user):
    with st.container(border=True):
        st.page_link(
            PROFILE_PAGE,
            label=md(account_name(person["display_name"], person["username"])),
            query_params={"id": person["id"]},
        )
        blocked = bool(person["blocked_at"])
        action_error(("block", person["id"]))
        st.caption(t(f"role.{person['role']}") + (" · " + t("organizer.is_blocked") if blocked else ""))
        if person["id"] != user["id"]:
            block_button(person, blocked)

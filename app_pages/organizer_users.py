"""Organizer: everyone with an account; block (and unblock) an account, which also ends its sessions; give
a person who forgot their password a one-time reset code, or e-mail them a reset link; make a person an
organizer (or a resident again); the board's share card for the community's WeChat group."""

import streamlit as st

from services import organizers, outbox, resets, share, users
from services.clock import utcnow
from services.rows import User
from ui.cards import account_name
from ui.confirm import Question
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, action_error, attempt
from ui.i18n import t
from ui.safe import md
from ui.share import share_button

WALLET_PAGE = "app_pages/wallet.py"

db = get_db()
user = st.session_state["user"]

mail_on = outbox.configured(db)


def reset_controls(person: dict) -> None:
    """Reset the person's password: a code shown here once (this run only), or a link by e-mail."""
    if st.button(t("organizer.reset_code"), key=f"organizer_users_reset_code_{person['id']}", use_container_width=True):
        code = attempt(lambda: resets.issue_code(db, user, person["id"], utcnow()))
        if code:
            st.success(t("organizer.reset_code_shown", name=person["display_name"]), icon="🔑")
            st.code(code, language=None)
    if mail_on and person["email"]:
        if st.button(
            t("organizer.reset_link"), key=f"organizer_users_reset_link_{person['id']}", use_container_width=True
        ):
            sent_to = attempt(lambda: resets.send_link(db, user, person["id"], utcnow()))
            if sent_to:
                st.success(t("organizer.reset_link_sent", address=md(sent_to)), icon="✉️")


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


def organizer_button(person: User) -> None:
    """Make the person an organizer, or a resident again (the last organizer stays one: the service
    refuses), asked once first (ui.confirm)."""
    question = Question(f"organizer_users_role_{person['id']}")
    making = person["role"] != "organizer"
    label = t("organizers.make" if making else "organizers.unmake")
    if not question.asked:
        question.first_tap(label, lambda: None, ("role", person["id"]))
        return
    question.summary(
        [],
        [label, t("organizers.confirm_make" if making else "organizers.confirm_unmake", name=person["display_name"])],
        send=(
            lambda: organizers.set_organizer(db, user, person["id"], making, utcnow()),
            t("organizers.made" if making else "organizers.unmade"),
            ("role", person["id"]),
        ),
    )


st.title(t("organizer.users_title"))
st.caption(t("organizer.users_help"))
share_button("organizer_users_board", lambda: share.board_card(db), "linbang.png")
for person in users.list_users(db, user):
    with st.container(border=True):
        st.page_link(
            PROFILE_PAGE,
            label=md(account_name(person["display_name"], person["username"])),
            query_params={"id": person["id"]},
        )
        st.page_link(WALLET_PAGE, label=t("nav.wallet"), query_params={"id": person["id"]}, icon="👛")
        blocked = bool(person["blocked_at"])
        action_error(("block", person["id"]))
        st.caption(t(f"role.{person['role']}") + (" · " + t("organizer.is_blocked") if blocked else ""))
        if person["id"] != user["id"]:
            block_button(person, blocked)
        if person["id"] != user["id"] and not blocked:
            reset_controls(person)
        if not blocked:
            action_error(("role", person["id"]))
            organizer_button(person)

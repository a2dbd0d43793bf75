"""The job's conversations on its page (services.messages): the lines, newest at the bottom, with
read receipts, photos and fraud warnings, and a box to write in while the thread is open.

The page redraws a thread when something changes in it, without a reload: a small fragment asks
every few seconds for the thread's version (its newest line and what its people have read, one
query) and reruns the page only when that differs from what was drawn. The lines themselves are not
in the fragment: a photo travels inside the page (ui.private), and redrawing them every few seconds
would send every photo again each time.
"""

import streamlit as st

from services import fraud, messages, uploads
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.errors import LinbangError, NotFound
from services.rows import Job, Row, User

from . import private
from .booking import quote_text
from .feedback import JOB_PAGE, FieldErrors
from .forms import Filling
from .i18n import t, when
from .report import hidden_note, report_button
from .safe import isolated, md

REFRESH_SECONDS = 5
PHOTO_WIDTH = 280  # fits a 390 px phone beside the avatar
AVATARS = {"poster": "🏠", "worker": "🧰", "organizer": "⚖️"}


def conversation_section(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """The threads of `job` that `user` may read, drawn only with see_messages in `allowed` (the job's
    capabilities for `user`): one thread open below, or, for the poster of several (a booking job's
    applicants), one expander each with its unread count, drawn when opened; the first (the job's
    worker's, else the latest) starts open. Reading marks read."""
    if "see_messages" not in allowed or user is None:
        return
    st.subheader(t("chat.title"))
    st.caption(t("chat.help"))
    threads = messages.threads(db, job, user)
    if not threads:
        st.caption(t("chat.none"))
    elif len(threads) == 1:
        thread_view(db, job, user, allowed, threads[0])
    else:
        for index, thread in enumerate(threads):
            label = t("chat.with", name=thread["other_name"])
            if thread["unread"]:
                label = t("chat.with_unread", name=thread["other_name"], count=thread["unread"])
            box = st.expander(
                md(label), index == 0, icon="💬", key=f"conversation_open_{thread['id']}", on_change="rerun"
            )
            if box.open:  # only an opened thread is read (and marked read)
                with box:
                    thread_view(db, job, user, allowed, thread)


def thread_view(db: Database, job: Job, user: User, allowed: frozenset[Capability], thread: Row) -> None:
    """One thread: its lines oldest first, the watcher that redraws it, and the box to write in."""
    lines = messages.read(db, user, thread["id"])
    if not lines:
        st.caption(t("chat.empty", name=thread["other_name"]))
    for line in lines:
        _line(db, job, user, line)
    _watch(db, user, thread["id"], messages.version(db, user, thread["id"]))
    if not thread["open"]:
        st.caption(t("chat.closed"))
    elif "message" in allowed:
        _send_form(db, job, user, thread)


@st.fragment(run_every=REFRESH_SECONDS)
def _watch(db: Database, user: User, thread_id: int, drawn: tuple[int, int]) -> None:
    """Rerun the page when the thread has changed since it was drawn (`drawn`: its version then)."""
    try:
        changed = messages.version(db, user, thread_id) != drawn
    except LinbangError:  # no longer the person's to read (a released worker): the page redraws without it
        changed = True
    if changed:
        st.rerun()


def _line(db: Database, job: Job, user: User, line: Row) -> None:
    if line["kind"] == "joined":  # the board's own line
        st.info(t("chat.joined"), icon=AVATARS["organizer"])
        return
    with st.chat_message(line["author_name"], avatar=AVATARS[line["author_role"]]):
        said = [isolated(line["author_name"]), when(from_db(line["created_at"]))]
        if line["mine"]:
            said.append(t("chat.read") if line["read"] else t("chat.not_read"))
        st.caption(md(" · ".join(said)))
        if line["kind"] == "applied":
            st.markdown(md(t("chat.applied", quote=quote_text(line, job))))
        elif line["kind"] == "invited":
            st.markdown(md(t("chat.invited")))
        if line["body"]:
            st.markdown(md(line["body"]))
        if line["has_photo"]:
            try:
                alt = t("chat.photo", name=line["author_name"])
                private.picture(messages.photo_bytes(db, user, line["id"]), alt=alt, width=PHOTO_WIDTH)
            except NotFound:
                st.caption(t("photo.missing"))
        hidden_note(line, "body")
        if line["flagged"] and not line["hidden"]:
            fraud_warning()
        if not line["mine"] and line["author_id"]:
            report_button(db, user, "message", line["id"])


def fraud_warning() -> None:
    """The calm note beside a message or a job text that asks for money up front or off the board."""
    st.warning(t("fraud.warning"), icon="🛡️")


def _send_form(db: Database, job: Job, user: User, thread: Row) -> None:
    """Text, a photo or both; one message per filling-in, however often it is sent (ui.forms)."""
    filling = Filling(f"conversation_send_{job['id']}_{thread['worker_id']}")
    errors = FieldErrors()
    with st.form(filling.form, border=False):
        body = errors.at(
            "body",
            st.text_area(
                t("chat.message", name=thread["other_name"]),
                max_chars=messages.MAX_BODY,
                height=80,
                key=filling.field("body"),
            ),
        )
        photo = errors.at(
            "photo", st.file_uploader(t("chat.add_photo"), type=uploads.EXTENSIONS, key=filling.field("photo"))
        )
        submitted = st.form_submit_button(
            t("chat.send"), type="primary", icon="📨", use_container_width=True, key=filling.field("send")
        )
    if not submitted:
        return
    filling.submitted()
    picture = photo.getvalue() if photo else None
    if filling.send(
        lambda: messages.send(
            db, user, job["id"], thread["worker_id"], body, picture, key=filling.key(body, picture), now=utcnow()
        ),
        errors,
    ):
        filling.renew()  # a fresh, empty box; the new line shows in the thread above
        st.rerun()


def attention_section(db: Database, user: User) -> None:
    """For organizers: messages and jobs whose words look like a scam's request, newest first."""
    st.subheader(t("attention.title"))
    st.caption(t("attention.help"))
    listed = fraud.attention(db, user)
    if not listed:
        st.caption(t("attention.none"))
    for row in listed:
        with st.container(border=True):
            st.page_link(JOB_PAGE, label=md(row["title"]), query_params={"id": str(row["job_id"])}, icon="📌")
            said = {"name": row["author_name"], "when": when(from_db(row["created_at"]))}
            st.caption(md(t(f"attention.{row['kind']}", **said)))
            st.markdown(md(isolated(row["text"])))

"""Ratings on the job page and the profile page (#16 item 2): the rating form, one's own rating and
when it will show (double-blind), the other side's rating once shown, and the one public reply."""

import streamlit as st

from services import reviews
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.rows import Job, Row, User

from .feedback import FieldErrors, attempt
from .i18n import t, when
from .report import hidden_note
from .safe import md


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count)


def shown_review(review: Row, author: str, about: str = "") -> None:
    """A review as everyone reads it: stars, who wrote it (and `about`: which job), the comment, and
    the reply under it. One the organizer hid says so (its stars and words are None but for organizers:
    services.reports.shown)."""
    st.markdown(f"{stars(review['stars'])} · {md(author)}" if review["stars"] else md(author))
    if about:
        st.caption(md(about))
    hidden_note(review, "comment")
    if review["comment"]:
        st.markdown(md(review["comment"]))
    if review["reply"]:  # under the review, in the text's own colour (a quote's grey reads too faint)
        st.markdown(f"↪️ **{t('rating.reply_label')}** {md(review['reply'])}")


def job_reviews(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """The ratings section of a settled job for its two sides: what they may do is in `allowed`."""
    if user is None:
        return
    mine = reviews.by_author(db, job["id"], user["id"])
    if "rate" not in allowed and mine is None:
        return
    st.subheader(t("rating.title"))
    other = job["worker_name"] if reviews.author_role(job, user) == "poster" else job["poster_name"]
    if "rate" in allowed:
        _rate_form(db, job, user, other or "")
    if mine:
        st.success(t("rating.thanks", stars="★" * mine["stars"]), icon="🙏")
        if from_db(mine["reveal_at"]) > utcnow():
            st.info(t("rating.hidden_until", name=other or "", when=when(from_db(mine["reveal_at"]))), icon="🙈")
    theirs = reviews.of_person(db, job["id"], user["id"], now=utcnow())
    if theirs:
        with st.container(border=True):
            st.caption(t("rating.theirs"))
            shown_review(theirs, other or "")
            if "reply_review" in allowed:
                _reply_form(db, user, theirs)


def _rate_form(db: Database, job: Job, user: User, other: str) -> None:
    errors = FieldErrors()
    with st.form(f"reviews_rate_form_{job['id']}"):
        st.markdown(md(t("rating.prompt", name=other)))
        st.caption(t("rating.blind"))
        given = errors.at("stars", st.feedback("stars", key=f"reviews_rate_stars_{job['id']}"))
        comment = errors.at(
            "comment", st.text_area(t("rating.comment"), max_chars=500, key=f"reviews_rate_comment_{job['id']}")
        )
        if st.form_submit_button(
            t("rating.submit"), type="primary", use_container_width=True, key=f"reviews_rate_send_{job['id']}"
        ):
            if given is None:
                errors.show("stars", t("error.stars"))
            else:
                attempt(
                    lambda: reviews.rate(db, user, job["id"], stars=given + 1, comment=comment, now=utcnow()),
                    success=t("rating.saved"),
                    rerun=True,
                    errors=errors,
                )


def _reply_form(db: Database, user: User, review: Row) -> None:
    errors = FieldErrors()
    with st.form(f"reviews_reply_form_{review['id']}"):
        reply = errors.at(
            "reply", st.text_area(t("rating.reply"), max_chars=500, key=f"reviews_reply_text_{review['job_id']}")
        )
        st.caption(t("rating.reply_help"))
        if st.form_submit_button(
            t("rating.reply_send"), use_container_width=True, key=f"reviews_reply_send_{review['job_id']}"
        ):
            attempt(
                lambda: reviews.reply(db, user, review["id"], reply=reply, now=utcnow()),
                success=t("rating.replied"),
                rerun=True,
                errors=errors,
            )

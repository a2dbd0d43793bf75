"""Booking mode (预约) on the job page and in My jobs: applications, invitations and their answers."""

from datetime import datetime, timedelta

import streamlit as st

from services import booking, categories, settings
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.rows import Job, Row, User

from .action_bar import why_not_a_helper
from .cards import person_name, price_guide, profile_link, stars_text, status_text
from .confirm import Question, job_lines
from .feedback import JOB_PAGE, FieldErrors, action_error, attempt, callback_button
from .i18n import money, t, timezone, when, yuan_field
from .safe import isolated, md
from .safety import safety_notes, show_notes


def quote_text(application: Row, job: Job | Row) -> str:
    """What the worker asks: their quote in the job's price type, or the posted price (invitations)."""
    fen = job["price_fen"] if application["quote_fen"] is None else application["quote_fen"]
    return t("profile.rate_hourly", rate=money(fen)) if job["price_type"] == "hourly" else money(fen)


def application_status(application: Row) -> str:
    """Where an application stands, in words; a declined one says why (another helper, the poster, ...)."""
    if application["status"] == "declined":
        return t(f"application.declined_{application['outcome']}")
    return t(f"application.{application['status']}")


def _details(application: Row, job: Job | Row) -> None:
    parts = [t(f"application.kind_{application['kind']}"), quote_text(application, job)]
    if application["proposed_time"]:
        parts.append(t("booking.proposed", when=when(from_db(application["proposed_time"]))))
    parts.append(application_status(application))
    st.caption(md(" · ".join(parts)))
    if application["message"]:
        st.markdown(md(f"“{isolated(application['message'])}”"))


def _answer_buttons(db: Database, application: Row, user: User, *, accept_label: str) -> None:
    """Accept / decline, each run in its button's callback (two accepts at once: one wins). Accepting
    holds the quote: it is asked once first, with the amounts (ui.confirm)."""
    key = ("application", application["id"])
    errors = action_error(key)
    question = Question(f"booking_accept_{application['id']}")
    if question.asked:
        preview = question.again(lambda: booking.preview(db, user, application["id"], now=utcnow()), errors)
        if preview is None:  # answered or taken since the first tap
            return
        question.summary(
            *job_lines(preview),
            send=(lambda: booking.accept(db, user, application["id"], now=utcnow()), t("booking.accepted"), key),
        )
        return
    left, right = st.columns(2)
    with left:
        question.first_tap(
            accept_label, lambda: booking.preview(db, user, application["id"], now=utcnow()), key, primary=True
        )
    with right:
        callback_button(
            t("booking.decline"),
            f"booking_decline_{application['id']}",
            lambda: booking.decline(db, user, application["id"], now=utcnow()),
            done=t("booking.declined"),
            error_key=key,
        )


def _withdraw_button(db: Database, application: Row, user: User) -> None:
    key = ("application", application["id"])
    action_error(key)
    callback_button(
        t("booking.withdraw"),
        f"booking_withdraw_{application['id']}",
        lambda: booking.withdraw(db, user, application["id"], now=utcnow()),
        done=t("booking.withdrawn"),
        error_key=key,
    )


def _applicants(db: Database, job: Job, user: User, applications: list[Row], allowed: frozenset[Capability]) -> None:
    """The poster (or an organizer) compares applicants: badge, rating, completed jobs, quote."""
    if not applications:
        st.caption(t("booking.no_applications"))
    elif "accept" in allowed:
        st.caption(t("booking.accept_note", pct=settings.whole(db, "commission_pct")))
    for application in applications:
        with st.container(border=True):
            profile_link(application["worker_id"], person_name(application["worker_name"], application["verified"]))
            st.caption(
                " · ".join(
                    [
                        stars_text(application["rating_average"], application["rating_count"]),
                        t("profile.completed", count=application["completed"]),
                    ]
                )
            )
            _details(application, job)
            if application["status"] != "pending":
                continue
            if application["kind"] == "apply" and "accept" in allowed:
                _answer_buttons(db, application, user, accept_label=t("booking.accept"))
            elif application["kind"] == "invite" and "invite" in allowed:
                _withdraw_button(db, application, user)


def _apply_form(db: Database, job: Job, user: User) -> None:
    price_guide(db, job["category"], job["price_type"])
    start, end = from_db(job["window_start"]), from_db(job["window_end"])
    local_start = max(start, utcnow()).astimezone(timezone())
    errors = FieldErrors()
    with st.form(f"booking_apply_form_{job['id']}"):
        label = t("booking.your_rate") if job["price_type"] == "hourly" else t("booking.your_price")
        quote = errors.at(
            "quote", st.text_input(label, value=yuan_field(job["price_fen"]), key=f"booking_apply_quote_{job['id']}")
        )
        st.caption(t("booking.commission_note", pct=settings.whole(db, "commission_pct")))
        message = errors.at(
            "message", st.text_area(t("booking.message"), max_chars=300, key=f"booking_apply_message_{job['id']}")
        )
        propose = st.toggle(t("booking.propose_time"), key=f"booking_apply_propose_{job['id']}")
        day_column, time_column = st.columns(2)
        day = day_column.date_input(
            t("post.start_day"),
            value=local_start.date(),
            min_value=local_start.date(),
            max_value=end.astimezone(timezone()).date(),
            key=f"booking_apply_day_{job['id']}",
        )
        at = errors.at(  # the proposed time's one place: under the last of its two inputs
            "proposed_time",
            time_column.time_input(
                t("post.start"),
                value=local_start.time(),
                step=timedelta(minutes=15),
                key=f"booking_apply_time_{job['id']}",
            ),
            time_column,
        )
        notes = safety_notes(categories.by_slug(db)[job["category"]])
        show_notes(notes)  # read before the one tap that sends: the tap says they were (services.categories)
        if st.form_submit_button(
            t("booking.apply"), type="primary", use_container_width=True, key=f"booking_apply_send_{job['id']}"
        ):
            proposed = datetime.combine(day, at, timezone()) if propose else None
            attempt(
                lambda: booking.apply(
                    db,
                    user,
                    job["id"],
                    quote_yuan=quote,
                    message=message,
                    proposed_time=proposed,
                    safety=bool(notes),
                    now=utcnow(),
                ),
                success=t("booking.applied"),
                rerun=True,
                errors=errors,
            )


def _as_worker(db: Database, job: Job, user: User, applications: list[Row], allowed: frozenset[Capability]) -> None:
    """A worker sees their own applications and invitations for this job, and may apply."""
    for application in applications:
        with st.container(border=True):
            _details(application, job)
            if application["status"] != "pending":
                continue
            if application["kind"] == "invite" and "accept_invitation" in allowed:
                _answer_buttons(db, application, user, accept_label=t("booking.accept_invitation"))
            elif application["kind"] == "apply" and "withdraw" in allowed:
                _withdraw_button(db, application, user)
    if "apply" in allowed:
        _apply_form(db, job, user)
        return
    why_not_a_helper(db, job, user, "apply")


def booking_section(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """Applications and invitations of a booking-mode job, as `user` may see and answer them
    (`allowed`: the job's capabilities for `user`)."""
    st.subheader(t("booking.title"))
    if user is None:
        st.info(t("job.login_to_claim"), icon="🔑")
        return
    applications = booking.for_job(db, job, user, now=utcnow())
    if "see_applicants" in allowed:
        if "invite" in allowed:
            st.caption(t("booking.poster_help"))
        _applicants(db, job, user, applications, allowed)
    else:
        _as_worker(db, job, user, applications, allowed)


def my_applications(db: Database, user: User, mine: list[Row]) -> None:
    """My jobs: every application and invitation of mine (booking.mine), with the answers still open to me."""
    if not mine:
        st.info(t("my_jobs.none_applications"), icon="🌱")
    for application in mine:
        job = {"price_fen": application["price_fen"], "price_type": application["price_type"]}
        with st.container(border=True):
            st.page_link(JOB_PAGE, label=md(application["job_title"]), query_params={"id": application["job_id"]})
            st.caption(status_text(application["job_status"]))
            _details(application, job)
            if application["status"] == "pending" and application["kind"] == "invite":
                _answer_buttons(db, application, user, accept_label=t("booking.accept_invitation"))

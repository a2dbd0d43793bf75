"""Public questions on the job page: everyone reads them with the poster's answers; a verified helper
asks on an open job, the poster answers each (services.questions)."""

import streamlit as st

from services import questions
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.rows import Job, Question, User

from .conversation import fraud_warning
from .feedback import FieldErrors, attempt
from .forms import Filling
from .i18n import t, when
from .report import hidden_note, report_button
from .safe import isolated, md


def questions_section(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """The job's questions and answers for everyone; the ask box and the answer boxes as `allowed` (the
    job's capabilities for `user`) names them."""
    asked = questions.for_job(db, job, user)
    if not asked and "ask" not in allowed:
        return
    st.subheader(t("questions.title"))
    st.caption(t("questions.help"))
    for question in asked:
        with st.container(border=True):
            question_lines(question)
            if user and question["author_id"] != user["id"]:
                report_button(db, user, "question", question["id"])
            if user and "answer_question" in allowed:  # (a signed-out visitor has no capabilities)
                answer_form(db, question, user)
    if user and "ask" in allowed:
        ask_form(db, job, user)


def question_lines(question: Question) -> None:
    st.caption(md(f"{isolated(question['author_name'])} · {when(from_db(question['created_at']))}"))
    hidden_note(question, "body")
    if question["body"] is None:  # hidden by the organizer
        return
    st.markdown(md(question["body"]))
    if question["answer"]:
        st.markdown(f"**{t('questions.answer_label')}** {md(question['answer'])}")
    else:
        st.caption(t("questions.unanswered"))
    if question["flagged"]:
        fraud_warning()


def ask_form(db: Database, job: Job, user: User) -> None:
    """One question per filling-in, however often it is sent (ui.forms)."""
    filling = Filling(f"questions_ask_{job['id']}")
    filling.confirmation()
    errors = FieldErrors()
    with st.form(filling.form):
        body = errors.at(
            "question",
            st.text_area(
                t("questions.ask_label"),
                max_chars=questions.MAX_QUESTION,
                placeholder=t("questions.ask_example"),
                key=filling.field("body"),
            ),
        )
        st.caption(t("questions.public_note"))
        submitted = st.form_submit_button(t("questions.ask"), use_container_width=True, key=filling.field("send"))
    if not submitted:
        return
    filling.submitted()
    if filling.send(lambda: questions.ask(db, user, job["id"], body, key=filling.key(body), now=utcnow()), errors):
        filling.recorded(t("questions.asked"))


def answer_form(db: Database, question: Question, user: User) -> None:
    """The poster's answer to one question, or a change to it (sending the same words twice is one answer)."""
    errors = FieldErrors()
    label = t("questions.edit_answer" if question["answer"] else "questions.answer")
    with st.expander(label, icon="💬", expanded=not question["answer"], key=f"questions_answer_{question['id']}"):
        with st.form(f"questions_answer_form_{question['id']}"):
            body = errors.at(
                "answer",
                st.text_area(
                    t("questions.answer_label"),
                    value=question["answer"] or "",
                    max_chars=questions.MAX_ANSWER,
                    key=f"questions_answer_body_{question['id']}",
                ),
            )
            submitted = st.form_submit_button(
                t("questions.send_answer"), use_container_width=True, key=f"questions_answer_send_{question['id']}"
            )
        if submitted:
            attempt(
                lambda: questions.answer(db, user, question["id"], body, now=utcnow()),
                success=t("questions.answered"),
                rerun=True,
                errors=errors,
            )

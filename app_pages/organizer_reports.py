"""Organizer: the reports waiting for an answer, one card per reported item, the most reported first:
the item in its context (a job's title and link, a person's name and link, the words of a review, a
message or a question), who reported it and why. Each answer (dismiss, hide, warn, block) asks once
first and is recorded on the reports it answers (services.reports.handle)."""

import streamlit as st

from services import reports
from services.clock import from_db, utcnow
from services.rows import Row
from services.validate import text
from ui.confirm import Question
from ui.db import get_db
from ui.feedback import JOB_PAGE, PROFILE_PAGE, action_error
from ui.i18n import t, when
from ui.safe import isolated, md

db = get_db()
user = st.session_state["user"]


def context(entry: Row) -> None:
    """The reported item where it stands: a link to the job or the person, or the words reported."""
    if entry["kind"] == "user":
        st.page_link(PROFILE_PAGE, label=md(entry["text"]), query_params={"id": entry["item_id"]}, icon="👤")
    else:
        if entry["kind"] != "job":
            st.markdown(md(entry["text"] or "–"))
        if entry["job_id"]:
            label = entry["text"] if entry["kind"] == "job" else t("reports.open_job")
            st.page_link(JOB_PAGE, label=md(label), query_params={"id": entry["job_id"]}, icon="🧰")
        st.caption(md(t("reports.written_by", name=entry["owner_name"])))  # who a warning or a block is for
    if entry["hidden_at"]:
        st.caption("🚫 " + t("report.hidden_mark"))
    if entry["owner_blocked"]:
        st.caption(t("organizer.is_blocked"))


def reasons(entry: Row) -> None:
    for report in entry["reports"]:
        said = [
            isolated(report["reporter_name"]),
            t(f"report.reason_{report['reason']}"),
            when(from_db(report["updated_at"])),
        ]
        st.markdown("- " + md(" · ".join(said)) + (f"  \n  {md(report['detail'])}" if report["detail"] else ""))


def answers(entry: Row) -> list[reports.Action]:
    """What may be done about this item: hiding is for things, blocking for someone not yet blocked."""
    return [
        action
        for action in reports.ACTIONS
        if (action != "hide" or (entry["kind"] in reports.HIDEABLE and not entry["hidden_at"]))
        and (action != "block" or not entry["owner_blocked"])
    ]


def answer_buttons(entry: Row) -> None:
    """One button per answer; the first tap asks (ui.confirm), and only "Confirm" sends it."""
    kind, item_id = entry["kind"], entry["item_id"]
    error_key = ("report", kind, item_id)
    note_key = f"organizer_reports_note_{kind}_{item_id}"
    errors = action_error(error_key)
    questions = {action: Question(f"organizer_reports_{action}_{kind}_{item_id}") for action in answers(entry)}
    asked = next((action for action, question in questions.items() if question.asked), None)
    if asked:
        question = questions[asked]
        note = question.typed.get("note", "")
        name = entry["owner_name"]
        question.summary(
            [],
            [t(f"reports.{asked}"), t(f"reports.confirm_{asked}", name=name)]
            + ([t("reports.your_words", note=note)] if note else []),
            send=(
                lambda: reports.handle(db, user, kind, item_id, asked, note=note, now=utcnow()),
                t(f"reports.done_{asked}"),
                error_key,
            ),
        )
        return
    errors.at("note", st.text_input(t("reports.note"), max_chars=reports.MAX_NOTE, key=note_key))
    columns = st.columns(len(questions))
    for column, (action, question) in zip(columns, questions.items(), strict=True):
        with column:
            question.first_tap(
                t(f"reports.{action}"),
                lambda note, action=action: text(
                    note, "note", min_len=1 if action == "warn" else 0, max_len=reports.MAX_NOTE
                ),
                error_key,
                typed=lambda: {"note": st.session_state.get(note_key, "")},
                primary=action == "dismiss",
            )


st.title(t("reports.title"))
st.caption(t("reports.help"))
waiting = reports.queue(db, user)
if not waiting:
    st.info(t("reports.none"), icon="🕊️")
for entry in waiting:
    with st.container(border=True):
        st.markdown(f"**{t('reports.kind_' + entry['kind'])}** · {t('reports.count', count=entry['count'])}")
        context(entry)
        reasons(entry)
        answer_buttons(entry)

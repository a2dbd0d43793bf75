"""The buttons for the transitions a person may take on a job now (the job page, My jobs), drawn
from the job's capabilities (services.access) and the transition table's rows."""

from collections.abc import Callable

import streamlit as st

from services import access, categories, jobs, pricing, transitions, workers
from services.access import Capability
from services.clock import utcnow
from services.db import Database
from services.rows import Job, Row, User
from services.transitions import TRANSITIONS, Action

from .confirm import Question, job_lines
from .feedback import FieldErrors, action_error, perform
from .i18n import error_text, t
from .safety import safety_notes

WORKER_PAGE = "app_pages/worker.py"


def _action_input(
    job: Job, action: Action, key: str, errors: FieldErrors, allowed: frozenset[Capability], hazardous: bool
) -> dict[str, Callable[[], object]]:
    """What a person sends with a button: the actual hours when finishing an hourly job (the estimate
    filled in) and the handover code when the job has one, an optional tip when confirming, each
    with the place for its error (`errors`); claiming a hazardous job, that its safety notes were
    shown (its question shows them). Returns readers of what was typed, from the widgets' session
    state when the button's callback runs: the request's fields, by name."""
    readers: dict[str, Callable[[], object]] = {}
    if action == "claim" and hazardous:
        readers["safety"] = lambda: True
    if action == "finish" and "type_handover_code" in allowed:
        code = f"{key}_code_{job['id']}"
        errors.at("code", st.text_input(t("handover.type"), max_chars=4, key=code, help=t("handover.type_help")))
        readers["code"] = lambda: st.session_state[code]
    if action == "finish" and job["price_type"] == "hourly":
        field = f"{key}_hours_{job['id']}"
        errors.at(
            "hours",
            st.number_input(t("hours.actual"), 0.25, 24.0, pricing.estimated_minutes(job) / 60, 0.25, key=field),
        )
        readers["hours"] = lambda: str(st.session_state[field])
    if action == "confirm":
        tip = f"{key}_tip_{job['id']}"
        errors.at("tip", st.text_input(t("tip.label"), key=tip, placeholder="0", help=t("tip.help")))
        readers["tip_yuan"] = lambda: st.session_state[tip]
    return readers


def job_actions(db: Database, job: Job, user: User | None, allowed: frozenset[Capability], *, key: str) -> None:
    """Buttons for exactly the transitions in `allowed` (the job's capabilities for `user`) that are
    pressed rather than filled in (a row's `form`) and not answers to one application (booking's)."""
    errors = action_error(job["id"])
    kind = categories.by_slug(db)[job["category"]]
    for action, rule in TRANSITIONS.items():
        if action in allowed and not rule.form and rule.worker != "assignee":
            _action_button(db, job, action, key, errors, allowed, kind)
    _waiting_for_answers(db, job, user, allowed)


def why_not_a_helper(db: Database, job: Job, user: User, capability: Capability) -> None:
    """For a signed-in resident who may not take this open job (`capability`: claim or apply) because
    they are no verified helper yet: why there is no button, and what to do about it (#15)."""
    why = access.refusal(db, job, user, capability)
    if job["status"] != "open" or why is None or why.key != "error.not_verified":
        return
    profile = workers.get_profile(db, user["id"])
    if profile is not None and profile["verification"] == "pending":
        st.info(t("job.helper_pending"), icon="⏳")
        return
    st.info(t("job.become_helper"), icon="🧰")
    st.page_link(WORKER_PAGE, label=t("job.become_helper_link"), icon="👉")


def _asks_first(job: Job, action: Action, hazardous: bool) -> bool:
    """Undoing something (a row's `confirm`), moving money (its `money`) or taking on a paid job or a
    hazardous one is asked once, with the amounts and the safety notes, before it is sent (ui.confirm)."""
    rule = TRANSITIONS[action]
    return rule.confirm or bool(rule.money) or (rule.worker == "claimer" and (job["price_fen"] > 0 or hazardous))


def _action_button(
    db: Database, job: Job, action: Action, key: str, errors: FieldErrors, allowed: frozenset[Capability], kind: Row
) -> None:
    rule = TRANSITIONS[action]
    question = Question(f"{key}_{action}_{job['id']}")
    readers = _action_input(job, action, key, errors, allowed, bool(kind["hazardous"]))

    def typed() -> dict[str, object]:
        return {name: read() for name, read in readers.items()}

    if question.asked and question.typed != typed():  # changed after the first tap: ask anew
        question.drop()
    if question.asked:
        _asked(db, job, action, question, errors, safety_notes(kind) if rule.worker == "claimer" else [])
        return

    if _asks_first(job, action, bool(kind["hazardous"])):
        question.first_tap(
            t(f"action.{action}"),
            lambda **values: jobs.preview(
                db, job["id"], action, st.session_state["user"], transitions.request(action, **values), now=utcnow()
            ),
            job["id"],
            typed=typed,
            primary=rule.primary,
        )
        return
    st.button(
        t(f"action.{action}"),
        key=f"{key}_{action}_{job['id']}",
        type="primary" if rule.primary else "secondary",
        use_container_width=True,
        on_click=perform,
        args=(
            lambda: jobs.act(
                db,
                job["id"],
                action,
                st.session_state["user"],  # whoever is signed in when the button is pressed
                transitions.request(action, **typed()),
                now=utcnow(),
            ),
            t(f"action.{action}_done"),
            job["id"],
        ),
    )


def _asked(
    db: Database, job: Job, action: Action, question: Question, errors: FieldErrors, heads_up: list[str]
) -> None:
    """The first tap was made: the amounts the action moves (services.jobs.preview, worked out
    again: the job may have changed since), the safety notes of a hazardous job taken on
    (`heads_up`: its Confirm is the helper's word that they read them), with Confirm and Back."""
    typed = question.typed
    user = st.session_state["user"]
    preview = question.again(
        lambda: jobs.preview(db, job["id"], action, user, transitions.request(action, **typed), now=utcnow()), errors
    )
    if preview is None:  # the job moved on since the first tap
        return
    lines, notes = job_lines(preview)
    warning = [t(f"action.{action}_confirm")] if TRANSITIONS[action].confirm else []
    question.summary(
        lines,
        [*warning, *notes],
        heads_up=heads_up,
        send=(
            lambda: jobs.act(db, job["id"], action, user, transitions.request(action, **typed), now=utcnow()),
            t(f"action.{action}_done"),
            job["id"],
        ),
    )


def _waiting_for_answers(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """The poster's confirmation waits for their answers to the money questions: say so where the
    button would be."""
    if "confirm" in allowed or user is None:
        return
    why = access.refusal(db, job, user, "confirm")
    if why is not None and why.key == "error.answer_money_first":
        st.info(error_text(why), icon="💬")

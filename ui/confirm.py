"""Nothing that moves or holds money happens on one tap (#15 item 6): the first tap asks, showing
what will move (what is held, what each side gets, any fee and commission), and only "Confirm"
sends the action; "Back" leaves everything as it was.

A Question lives in session state under its name (page-prefixed, with the job's or the line's id),
so it survives reruns, other widgets' taps and a language switch, and keeps what the person typed
with the first tap (a tip, a split, an amount): "Confirm" sends exactly that. The amounts come from
the services' preview functions, which work out the same plan the action then carries out.

Double click safe: the confirm button drops the question before it acts (ui.feedback.perform), so a
second click finds no button to press; one that arrives before that run sends the same request
again, which every service answers as done once (a form's filling-in key, a job's repeated action).
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

import streamlit as st

from services import jobs
from services.errors import LinbangError

from .feedback import ACTION_ERROR, FieldErrors, error_message, field_of, perform
from .i18n import money, t
from .safe import md
from .safety import show_notes

Line = tuple[str, int]  # what an amount is, and the amount in fen
Value = TypeVar("Value")


class Question:
    """The "are you sure?" of one action, named `name` (unique on the page: include an id)."""

    def __init__(self, name: str):
        self.name = name
        self._key = f"_confirm_{name}"
        self._sent_key = f"_confirm_{name}_sent"

    @property
    def asked(self) -> bool:
        """The first tap was made: the summary and its two buttons are shown instead of that tap's button."""
        return self._key in st.session_state

    @property
    def typed(self) -> dict:
        """What the person had typed when they first tapped (the values the action is sent with)."""
        return st.session_state.get(self._key) or {}

    def ask(self, **typed: object) -> None:
        """Ask, keeping what was typed."""
        st.session_state[self._key] = typed

    def drop(self) -> None:
        st.session_state.pop(self._key, None)

    def again(self, preview: Callable[[], Value], errors: FieldErrors) -> Value | None:
        """The preview worked out anew on a run that asks (the job or the wallet may have changed
        since the first tap). Its error drops the question and is shown (`errors`): returns None."""
        try:
            return preview()
        except LinbangError as error:
            self.drop()
            errors.refused(error)
            return None

    def first_tap(
        self,
        label: str,
        check: Callable[..., object],
        error_key: object,
        *,
        typed: Callable[[], dict] = dict,
        primary: bool = False,
    ) -> None:
        """The action's own button: its callback reads what was typed (`typed`), runs the preview
        (`check(**typed)`, whose error is left for action_error(error_key) and asks nothing) and asks."""
        st.button(
            label,
            key=f"{self.name}_ask",
            type="primary" if primary else "secondary",
            use_container_width=True,
            on_click=self._ask,
            args=(check, typed, error_key),
        )

    def _ask(self, check: Callable[..., object], typed: Callable[[], dict], error_key: object) -> None:
        values = typed()
        try:
            check(**values)
        except LinbangError as error:
            st.session_state[ACTION_ERROR] = (error_key, field_of(error), error_message(error))
            return
        self.ask(**values)

    def summary(
        self,
        lines: Iterable[Line],
        notes: Iterable[str] = (),
        *,
        heads_up: list[str] | None = None,
        send: tuple[Callable[[], object], str, object] | None = None,
    ) -> None:
        """The box the first tap opens: each amount on a line of its own, then `notes` (what else
        happens), then `heads_up` (what the person must read before saying yes: a hazardous job's
        safety notes, ui.safety), then "Confirm" and "Back". With `send` (the service call, the toast once done, the
        error key) the confirm runs it in its callback (ui.feedback.perform); without, the next run's
        confirmed() hands what was typed to the caller to send (a form's filling-in, ui.forms)."""
        with st.container(border=True):
            st.markdown(f"**{t('confirm.title')}**")
            for label, fen in lines:
                st.markdown(f"{md(label)}{t('confirm.colon')}**{money(fen)}**")
            for note in notes:
                st.caption(md(note))
            show_notes(heads_up or [])
            yes, back = st.columns(2)
            yes.button(
                t("confirm.yes"),
                key=f"{self.name}_yes",
                type="primary",
                use_container_width=True,
                on_click=perform if send else self._confirm,
                args=(*send, self._key) if send else (),
            )
            back.button(t("confirm.back"), key=f"{self.name}_back", use_container_width=True, on_click=self.drop)

    def _confirm(self) -> None:
        if self.asked:  # not a second click that finds the question already answered
            st.session_state[self._sent_key] = st.session_state.pop(self._key)

    def confirmed(self) -> dict | None:
        """What was typed, once "Confirm" was pressed (summary without `send`), until sending()
        takes it: the question is over and the form open again, for the caller to send it there and
        show any refusal under its field. A run interrupted before sending leaves it for the next."""
        return st.session_state.get(self._sent_key)

    def sending(self) -> None:
        """The caller sends what was confirmed now: it is sent once."""
        st.session_state.pop(self._sent_key, None)


def job_lines(preview: jobs.Preview) -> tuple[list[Line], list[str]]:
    """The amounts of an action on a job (services.jobs.preview) in plain words, and notes on what
    else happens (a material line still waiting ends unapproved). Amounts of nothing are left out."""
    plan = preview["money"]
    lines: list[Line] = [
        (t("confirm.held"), plan["held"] if plan["kind"] or preview["worker_gets"] else 0),  # settled, or taken on
        (t("confirm.hold"), plan["hold"]),
        (t("confirm.hold_back"), -plan["hold"]),
        (t("confirm.worker_will_get"), preview["worker_gets"]),
        (t("confirm.commission_later"), preview["commission"]),
        (t("confirm.fee") if plan["kind"] == "refund" else t("confirm.to_worker"), plan["to_worker"]),
        (t("confirm.commission"), plan["commission"]),
        (t("confirm.to_poster"), plan["to_poster"]),
        (t("confirm.tip"), plan["tip"]),
    ]
    notes = [
        t("confirm.material_waiting", what=line["what"], amount=money(line["amount_fen"]))
        for line in preview["waiting"]
    ]
    shown = [(label, fen) for label, fen in lines if fen > 0]
    return shown, notes if shown or notes else [t("confirm.nothing_moves")]

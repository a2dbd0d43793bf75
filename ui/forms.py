"""Forms that record something (money, a material line, a statement): one filling-in, one record.

Two ways such a form used to lose records (#11): a form with clear_on_submit is emptied in the
browser the moment it is sent, so the second click of a double click sent an empty form, and its run
interrupted the first one, often before that had recorded anything; and a key renewed only on a run
that submitted nothing was never renewed between two submits, so the next filling-in reused the first
key and was taken for a repeat.

So each filling-in is a form of its own: its name and its widgets' keys carry a random token, which
is also in the idempotency key, and the token is replaced only after the record was made and its
confirmation kept. That draws a fresh, empty form. A double click therefore sends the same filled-in
form twice: whichever run reaches the service records it, the other finds the same key and records
nothing, and both show the kept confirmation.
"""

import hashlib
import secrets

import streamlit as st

from services.errors import NeedsConfirmation

from .feedback import PAGE_VISIT, FieldErrors, attempt, go
from .i18n import error_text


class Filling:
    """The current filling-in of the form named `name` (unique on the page: include a job's id)."""

    def __init__(self, name: str):
        self.name = name
        self._token_key = f"_filling_{name}"
        self._done_key = f"_filling_{name}_done"
        self._question_key = f"_filling_{name}_question"
        self._went_key = f"_filling_{name}_went"
        if self._token_key not in st.session_state:
            st.session_state[self._token_key] = secrets.token_hex(8)
        self.token = st.session_state[self._token_key]

    @property
    def form(self) -> str:
        """The st.form key of this filling-in."""
        return f"{self.name}_{self.token}"

    def field(self, field: str) -> str:
        """A widget key of this filling-in (a new filling-in starts with empty widgets)."""
        return f"{self.name}_{field}_{self.token}"

    def key(self, *values) -> str:
        """The idempotency key for recording these values from this filling-in. The values are in
        it so that a form changed and sent again after an interrupted run is a record of its own,
        never silently taken for the first."""
        digest = hashlib.sha256()
        for value in values:
            digest.update(value if isinstance(value, bytes) else repr(value).encode())
        return f"{self.token}:{digest.hexdigest()[:16]}"

    def submitted(self) -> None:
        """Call when the form was sent: the confirmation of the previous record is no longer news."""
        st.session_state.pop(self._done_key, None)

    def send(self, action, errors: FieldErrors | None = None):
        """Run the service call that records this filling-in, as ui.feedback.attempt does (its
        result, or None after showing the error, under its field when `errors` has a place for it).
        A service that first wants a yes (NeedsConfirmation) has its question asked in the form on
        the next run: question()."""
        try:
            return attempt(action, errors=errors)
        except NeedsConfirmation as question:
            st.session_state[self._question_key] = (self.token, error_text(question))
            st.rerun()

    def question(self) -> str | None:
        """The service's question about this filling-in, if it asked one."""
        token, text = st.session_state.get(self._question_key, (None, None))
        return text if token == self.token else None

    def recorded(self, confirmation: str) -> None:
        """The record was made: keep its confirmation for this visit of the page and draw a fresh
        form (st.rerun)."""
        st.session_state[self._done_key] = (confirmation, st.session_state.get(PAGE_VISIT))
        self.renew()
        st.rerun()

    def went_on(self, page: str, **query: str) -> None:
        """The record was made and the person is sent on to see it (ui.feedback.go). This filling-in
        stays: a second click still on its way reruns this page with it, perhaps after the page it went
        to has run, and follow_on() sends that click on to the same place (it used to find a fresh,
        empty form and leave the person on it, #12). The next visit of the page starts a fresh one."""
        st.session_state[self._went_key] = (st.session_state.get(PAGE_VISIT), page, query)
        go(page, **query)

    def follow_on(self, submitted: bool) -> None:
        """Call once the form is drawn, with whether it was sent this run: a second click of a filling-in
        that went on (went_on) goes the same way; a later visit that sends nothing starts afresh."""
        went = st.session_state.get(self._went_key)
        if went is None:
            return
        visit, page, query = went
        if submitted:
            go(page, **query)
        if visit != st.session_state.get(PAGE_VISIT):
            del st.session_state[self._went_key]
            self.renew()
            st.rerun()

    def renew(self) -> None:
        """Start a fresh filling-in: the next run draws this form anew, and a second click still on
        its way for this one finds no form to send (only after the record was made)."""
        st.session_state[self._token_key] = secrets.token_hex(8)

    def confirmation(self) -> None:
        """Show what the last submit recorded, until the form is sent again or the page is left."""
        confirmation, visit = st.session_state.get(self._done_key, (None, None))
        if confirmation and visit == st.session_state.get(PAGE_VISIT):
            st.success(confirmation, icon="✅")

"""A wallet: balance, what is set aside for posted jobs, every movement like a bank statement (what
it was, its job, in or out, the balance after it; the latest first, more on request), and a CSV
export. Your own; an organizer can open anyone's with ?id=."""

import streamlit as st

from services import export, ledger, statements, users
from services.clock import from_db
from services.errors import NotAllowed, NotFound
from ui import private
from ui.db import get_db
from ui.i18n import money, t, when
from ui.query import query_id
from ui.safe import md
from ui.statements import wallet_lines, what_text

PAGE = 20  # lines shown at first, and added by each "show earlier lines"


def csv_rows(lines: list[dict]) -> list[dict[str, str]]:
    """The wallet's lines for a spreadsheet, oldest first, as a statement reads; amounts as plain
    numbers (export.yuan)."""
    return [
        {
            t("wallet.when"): when(from_db(line["created_at"])),
            t("wallet.what"): what_text(line),
            t("wallet.csv_job"): line["title"] or "",
            t("wallet.csv_amount"): export.yuan(line["amount_fen"]),
            t("wallet.csv_after"): export.yuan(line["running_fen"]),
            t("wallet.note"): line["note"],
        }
        for line in lines
    ]


db = get_db()
viewer = st.session_state["user"]
try:  # each read checks who may see this wallet itself: the owner or an organizer
    owner = users.get(db, query_id(missing=viewer["id"]))
    lines = statements.wallet_lines(db, owner["id"], viewer)
    balance_fen = ledger.wallet_fen(db, owner["id"], viewer)
    held_fen = ledger.on_hold_fen(db, owner["id"], viewer)
except (NotFound, NotAllowed):
    st.error(t("error.not_found"), icon="🔍")
    st.stop()

st.title(t("wallet.title"))
if owner["id"] != viewer["id"]:
    st.caption(md(t("wallet.of", name=owner["display_name"])))
balance_column, held_column = st.columns(2)
balance_column.metric(t("wallet.balance"), money(balance_fen))
held_column.metric(t("wallet.held"), money(held_fen), help=t("wallet.held_help"))
st.info(t("wallet.how_to_top_up"), icon="💴")

st.subheader(t("wallet.history"))
if not lines:
    st.caption(t("wallet.empty"))
else:
    shown_key = f"wallet_shown_{owner['id']}"  # how many lines this visit shows (plain state, not a widget's)
    shown = st.session_state.get(shown_key, PAGE)
    wallet_lines(lines[-shown:][::-1])  # the latest first
    if len(lines) > shown and st.button(t("wallet.more"), key="wallet_more", use_container_width=True):
        st.session_state[shown_key] = shown + PAGE
        st.rerun()
    private.download(
        t("wallet.csv"),
        export.csv_bytes(csv_rows(lines)),
        file_name=f"linbang-wallet-{owner['username']}.csv",
        mime="text/csv",
    )

"""A wallet: balance, what is set aside for posted jobs, every movement with the balance after it,
and a CSV export. Your own; an organizer can open anyone's with ?id=."""

import streamlit as st

from services import export, ledger, users
from services.clock import from_db
from services.errors import NotAllowed, NotFound
from ui import private
from ui.db import get_db
from ui.i18n import money, t, when
from ui.query import query_id
from ui.safe import md


def history_rows(lines: list[dict], *, amount, headings: tuple[str, str]) -> list[dict[str, str]]:
    """The wallet's lines as table rows, in the order given; `amount` writes fen (money on the page,
    export.yuan in the CSV, where a spreadsheet should read a number) under `headings` (amount, after)."""
    return [
        {
            t("wallet.when"): when(from_db(line["created_at"])),
            t("wallet.what"): t(f"ledger.kind_{line['kind']}"),
            headings[0]: amount(line["amount_fen"]),
            headings[1]: amount(line["running_fen"]),
            t("wallet.note"): line["note"],
        }
        for line in lines
    ]


db = get_db()
viewer = st.session_state["user"]
try:  # each read checks who may see this wallet itself: the owner or an organizer
    owner = users.get(db, query_id(missing=viewer["id"]))
    lines = ledger.history(db, owner["id"], viewer)
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
    shown = history_rows(lines[::-1], amount=money, headings=(t("wallet.amount"), t("wallet.after")))
    st.dataframe(shown, hide_index=True, use_container_width=True)  # newest first; cells are text, never Markdown
    exported = history_rows(lines, amount=export.yuan, headings=(t("wallet.csv_amount"), t("wallet.csv_after")))
    private.download(
        t("wallet.csv"),
        export.csv_bytes(exported),  # oldest first, as a statement reads
        file_name=f"linbang-wallet-{owner['username']}.csv",
        mime="text/csv",
    )

"""A wallet: balance, what is set aside for posted jobs, every movement with the balance after it,
and a CSV export. Your own; an organizer can open anyone's with ?id=."""

import csv
import io

import streamlit as st

from services import ledger, users
from services.clock import from_db
from services.errors import NotAllowed, NotFound
from ui import private
from ui.db import get_db
from ui.i18n import money, t, when
from ui.query import query_id
from ui.safe import md

db = get_db()
viewer = st.session_state["user"]
try:
    owner = users.get(db, query_id(missing=viewer["id"]))
    lines = ledger.history(db, owner["id"], viewer)
except (NotFound, NotAllowed):
    st.error(t("error.not_found"), icon="🔍")
    st.stop()

st.title(t("wallet.title"))
if owner["id"] != viewer["id"]:
    st.caption(md(t("wallet.of", name=owner["display_name"])))
balance_column, held_column = st.columns(2)
balance_column.metric(t("wallet.balance"), money(ledger.wallet_fen(db, owner["id"], viewer)))
held_column.metric(t("wallet.held"), money(ledger.held_fen(db, owner["id"], viewer)), help=t("wallet.held_help"))
st.info(t("wallet.how_to_top_up"), icon="💴")

st.subheader(t("wallet.history"))
if not lines:
    st.caption(t("wallet.empty"))
else:
    rows = [
        {
            t("wallet.when"): when(from_db(line["created_at"])),
            t("wallet.what"): t(f"ledger.kind_{line['kind']}"),
            t("wallet.amount"): money(line["amount_fen"]),
            t("wallet.after"): money(line["running_fen"]),
            t("wallet.note"): line["note"],
        }
        for line in reversed(lines)
    ]
    st.dataframe(rows, hide_index=True, use_container_width=True)  # cells are text, never Markdown
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(reversed(rows))
    private.download(
        t("wallet.csv"),
        out.getvalue().encode("utf-8-sig"),  # with a BOM, so spreadsheet programs read the Chinese
        file_name=f"linbang-wallet-{owner['username']}.csv",
        mime="text/csv",
    )

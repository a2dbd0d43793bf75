"""Money as a person reads it (services.statements): a wallet's line as a card, like a line of a bank
statement (what it was, its job as a link, the amount in or out, the balance after it, when), and a
settled job's receipt on its page. Cards and lines of text, never a wide table: at 390 px nothing
scrolls sideways or is cut off."""

import streamlit as st

from services import statements
from services.clock import from_db
from services.db import Database
from services.rows import Job, Row, User

from .feedback import JOB_PAGE
from .i18n import money, t, when
from .safe import md


def signed(fen: int) -> str:
    """An amount in (+¥12.00) or out (-¥12.00) of a wallet."""
    return ("+" if fen > 0 else "") + money(fen)


def what_text(line: Row) -> str:
    """What a wallet line was, in plain words (services.statements.WHAT)."""
    return t(f"statement.{line['what']}")


def wallet_lines(lines: list[Row]) -> None:
    """Lines of a wallet (services.statements.wallet_lines) as cards, in the order given. A job's title
    wraps in its link: Streamlit cuts a long link label off on one line ("…"), which on a phone hides
    what the job was."""
    with st.container(key="statement_lines"):
        st.markdown(  # constant CSS only
            """<style>
            .st-key-statement_lines [data-testid="stPageLink"] span,
            .st-key-statement_lines [data-testid="stPageLink"] p { white-space: normal; text-overflow: clip; }
            </style>""",
            unsafe_allow_html=True,
        )
        for line in lines:
            wallet_line(line)


def wallet_line(line: Row) -> None:
    """One line of a wallet as a card."""
    with st.container(border=True):
        st.markdown(f"**{signed(line['amount_fen'])}** · {what_text(line)}")
        if line["job_id"]:
            st.page_link(JOB_PAGE, label=md(line["title"]), query_params={"id": str(line["job_id"])}, icon="📄")
        details = [when(from_db(line["created_at"])), t("wallet.line_after", balance=money(line["running_fen"]))]
        if line["commission_fen"]:
            details.append(t("wallet.line_commission", commission=money(line["commission_fen"])))
        if line["material"]:
            details.append(t("wallet.line_material", what=line["material"]))
        st.caption(md(" · ".join(details)))
        if line["note"]:  # what the cashier wrote, on a line of its own
            st.caption(md(line["note"]))


def receipt_section(db: Database, job: Job, user: User) -> None:
    """A settled job's receipt, for those the job's capabilities allow it (see_receipt)."""
    receipt = statements.receipt(db, user, job["id"])
    with st.container(border=True):
        st.markdown(f"**🧾 {t('receipt.title')}**")
        st.caption(t("receipt.help"))
        if not (receipt.held_fen or receipt.tip_fen or receipt.materials):
            st.markdown(t("receipt.nothing"))
            return
        rows = [
            (t("receipt.held"), receipt.held_fen),
            (t("receipt.paid"), receipt.paid_fen),
            (t("receipt.commission"), receipt.commission_fen),
            (t(f"receipt.back_{receipt.back_what}"), receipt.back_fen),
        ]
        if receipt.tip_fen:
            rows.append((t("receipt.tip"), receipt.tip_fen))
        st.markdown("\n".join(f"- {label} **{money(fen)}**" for label, fen in rows))  # the colon is the language's
        if receipt.materials:
            st.markdown(f"**{t('receipt.materials')}**")
            st.markdown(
                "\n".join(
                    "- "
                    + md(
                        t(
                            "receipt.material",
                            what=line["what"],
                            amount=money(line["amount_fen"]),
                            status=t(f"materials.{line['status']}"),
                        )
                    )
                    for line in receipt.materials
                )
            )
        st.markdown(
            t("receipt.poster_paid", amount=money(receipt.poster_paid_fen))
            + "  \n"
            + t("receipt.helper_got", amount=money(receipt.helper_got_fen))
        )

"""The session's own database connection (DESIGN §3: never shared across sessions)."""

import streamlit as st

from services import db as database


def get_db():
    if "_db" not in st.session_state:
        st.session_state["_db"] = database.connect()
    return st.session_state["_db"]

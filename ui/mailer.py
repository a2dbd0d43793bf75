"""The e-mail sender: one background thread per Streamlit process empties the outbox (services.mail).

It runs outside every person's action, after their commits, on its own database connection (a
connection belongs to one thread of work: DESIGN §3), and never stops for an error of one pass.
"""

import logging
import threading
import time

import streamlit as st

from services import db as database
from services import mail
from services.clock import utcnow

PASS_SECONDS = 30  # how often the outbox is looked at: an e-mail leaves within about this long
log = logging.getLogger(__name__)


@st.cache_resource
def start_sender() -> threading.Thread:
    """Start the sender, once per process: st.cache_resource hands every later run and session the
    thread already running. A daemon, so it never holds the server up when it stops."""
    thread = threading.Thread(target=_send_forever, name="linbang-mail", daemon=True)
    thread.start()
    return thread


def _send_forever() -> None:
    db = database.connect()
    while True:
        try:
            mail.send_due(db, utcnow())
        except Exception:  # a fault in one pass (say the disk) must not end e-mail for good: logged, tried next pass
            log.exception("sending the outbox failed")
        time.sleep(PASS_SECONDS)

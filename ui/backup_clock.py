"""The daily backup's clock: one background thread per Streamlit process asks services.backup
whether the day's backup is due and takes it (ui/mailer.py's pattern).

Several processes (or a restart) may serve one board: the day's backup is claimed in the database
first (backup.run_schedule), so it is taken once whoever asks.
"""

import logging
import threading
import time

import streamlit as st

from services import backup
from services import db as database
from services.clock import utcnow

PASS_SECONDS = 60  # how often the clock looks: the day's backup starts within a minute of its hour
log = logging.getLogger(__name__)


@st.cache_resource
def start_clock() -> threading.Thread:
    """Start the clock, once per process (st.cache_resource); a daemon, never holding the server up."""
    thread = threading.Thread(target=_tick_forever, name="linbang-backup", daemon=True)
    thread.start()
    return thread


def _tick_forever() -> None:
    db = database.connect()
    while True:
        try:
            backup.run_schedule(db, utcnow())
        except Exception:  # a fault (a full disk, say) must not end the schedule for good: logged, tried next day
            log.exception("the daily backup failed")
        time.sleep(PASS_SECONDS)

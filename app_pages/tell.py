"""The "tell someone" card's public page (#16 item 3): a helper's family member opens the link and
reads when the helper is out on a job and roughly where. Read-only; a link that is not the board's,
or out of date, shows only that."""

import streamlit as st

from services.errors import InvalidTransition, NotFound
from ui.db import get_db
from ui.i18n import error_text, t
from ui.query import query_text
from ui.safety import card_page

try:
    card_page(get_db(), query_text("t", max_len=200))
except (NotFound, InvalidTransition) as why:
    st.title(f"👪 {t('tell.page_title')}")
    st.info(error_text(why) if isinstance(why, InvalidTransition) else t("tell.unknown"), icon="🔗")

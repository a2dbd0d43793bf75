"""The share card (services.share): a "share / 分享" button that makes the PNG of a QR code, to
download and send to the community's WeChat group."""

from collections.abc import Callable

import streamlit as st

from .feedback import attempt
from .i18n import t


def share_button(name: str, make: Callable[[], bytes], file_name: str) -> None:
    """A "share" button (its widget keys start with `name`): the first tap makes the card (`make`,
    whose error is shown), then shows it with a button that downloads it as `file_name`."""
    shown = f"_share_{name}"
    if not st.session_state.get(shown):
        st.button(
            t("share.button"), key=f"{name}_share", icon="📤", on_click=st.session_state.__setitem__, args=(shown, True)
        )
        return
    card = attempt(make)
    if not card:
        st.session_state[shown] = False
        return
    st.image(card, caption=t("share.help"), width=240)
    st.download_button(
        t("share.download"), card, file_name=file_name, mime="image/png", key=f"{name}_share_download", icon="⬇️"
    )

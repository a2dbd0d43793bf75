"""Private pictures and files (ID photos, receipts, a wallet's CSV) go to the one session allowed to
see them, inside the message sent to that session, and nowhere else.

st.image(bytes) and st.download_button(data) hand the bytes to Streamlit's media file manager, which
serves them at /media/<hash> to anyone holding the URL, with no sign-in, for minutes after the page
has moved on (issue #11). Instead:
- a picture goes as a data: URI, which Streamlit's image_to_url passes to the browser unchanged;
- a download is a link whose bytes travel base64-encoded in the page and become a file in the
  browser (a Blob). Streamlit's HTML sanitizer (DOMPurify) drops data: links, so a few lines of our
  own script build the Blob; the bytes are base64 (letters, digits, + / =), so nothing in them can
  become markup or script, whatever the user text inside the file says.
Public portfolio photos may keep using st.image(bytes): they are meant to be seen.
"""

import base64
import html

import streamlit as st

_DOWNLOAD_STYLE = """<style>
.linbang-download { display: flex; align-items: center; justify-content: center; box-sizing: border-box;
  width: 100%; min-height: 44px; padding: 0.25rem 0.75rem; border: 1px solid rgba(49, 51, 63, 0.2);
  border-radius: 0.5rem; color: inherit; text-decoration: none; }
.linbang-download:hover, .linbang-download:focus-visible { border-color: currentColor; }
</style>"""
# Runs once each time the link is drawn: turns the link's payload into a file the browser keeps.
_DOWNLOAD_SCRIPT = """<script>
(() => {
  const link = document.currentScript.previousElementSibling;
  const bytes = Uint8Array.from(atob(link.dataset.payload), (c) => c.charCodeAt(0));
  link.href = URL.createObjectURL(new Blob([bytes], { type: link.dataset.mime }));
})();
</script>"""


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def picture(jpeg: bytes, *, alt: str, width: int | str = "stretch") -> None:
    """Show a stored upload (always a JPEG we encoded, services.uploads) without a URL on the server."""
    st.image(f"data:image/jpeg;base64,{_base64(jpeg)}", alt=alt, width=width)


def download(label: str, data: bytes, *, file_name: str, mime: str) -> None:
    """A link that saves `data` as `file_name`, built in the browser: no URL on the server serves it."""
    link = (
        f'<a class="linbang-download" download="{html.escape(file_name)}" data-mime="{html.escape(mime)}"'
        f' data-payload="{_base64(data)}">{html.escape(label)}</a>'
    )
    st.html(_DOWNLOAD_STYLE + link + _DOWNLOAD_SCRIPT, unsafe_allow_javascript=True)

"""Private pictures and files (ID photos, receipts, a wallet's CSV) go to the one session allowed to
see them, inside the message sent to that session, and nowhere else.

st.image(bytes) and st.download_button(data) hand the bytes to Streamlit's media file manager, which
serves them at /media/<hash> to anyone holding the URL, with no sign-in, for minutes after the page
has moved on (issue #11). Instead:
- a picture goes as a data: URI, which Streamlit's image_to_url passes to the browser unchanged;
- a download is a link whose bytes travel base64-encoded in the page and become a file in the
  browser (a Blob). Streamlit's HTML sanitizer (DOMPurify) drops data: links from st.html, so a
  small component of our own builds the Blob.
Public portfolio photos may keep using st.image(bytes): they are meant to be seen.
"""

import base64
from typing import Literal

import streamlit as st

# A download link as a component of constant markup and code (st.components.v2: not iframed, its
# script loaded from a Blob in the browser); the data arrives as JSON and is set as text and
# properties, never as markup.
_DOWNLOAD_CSS = """
a { display: flex; align-items: center; justify-content: center; box-sizing: border-box; width: 100%;
    min-height: 44px; padding: 0.25rem 0.75rem; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
    color: inherit; font-family: inherit; font-size: inherit; text-decoration: none; }
a:hover, a:focus-visible { border-color: currentColor; }
"""
_DOWNLOAD_JS = """
export default function ({ data, parentElement }) {
  const link = parentElement.querySelector("a");
  const bytes = Uint8Array.from(atob(data.payload), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: data.mime }));
  link.textContent = data.label;
  link.download = data.file_name;
  link.href = url;
  return () => URL.revokeObjectURL(url);
}
"""
_download_link = st.components.v2.component(
    "linbang_private_download", html="<a></a>", css=_DOWNLOAD_CSS, js=_DOWNLOAD_JS
)


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def picture(jpeg: bytes, *, alt: str, width: int | Literal["stretch", "content"] = "stretch") -> None:
    """Show a stored upload (always a JPEG we encoded, services.uploads) without a URL on the server."""
    st.image(f"data:image/jpeg;base64,{_base64(jpeg)}", alt=alt, width=width)


def download(label: str, data: bytes, *, file_name: str, mime: str) -> None:
    """A link that saves `data` as `file_name`, built in the browser: no URL on the server serves it."""
    _download_link(data={"label": label, "file_name": file_name, "mime": mime, "payload": _base64(data)})

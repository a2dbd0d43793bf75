"""The one place user text is made safe for Streamlit's markdown.

Streamlit renders st.markdown / st.subheader / widget labels as Markdown (with LaTeX between `$`).
Escaping every Markdown control character makes a title like `<img src=x onerror=...>` or
`${alert(2)}` show literally. Maps take user text as JSON data and set it with textContent
(ui/maps.py); no user text is ever passed with unsafe_allow_html.
"""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md(text) -> str:
    """User text -> Markdown that renders exactly as the text, nothing more."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else "")).replace("\n", "  \n")

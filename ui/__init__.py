"""Streamlit glue shared by pages: DB handle, auth, i18n, maps, safe text, formatting."""

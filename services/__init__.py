"""Linbang's domain: plain Python over SQLite. Never imports Streamlit, folium or the authenticator."""

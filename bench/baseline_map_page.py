"""Baseline for bench/browse_map.py: the open jobs drawn "the usual way" with folium.

One folium.CircleMarker with its own folium.Popup per job, all inside one folium.plugins.MarkerCluster,
shown through st_folium. Same database (LINBANG_DB), same query and the same map frame as Linbang's
browse page (centre, zoom, height, tile layer, returned_objects), so the only difference that matters
is how the jobs reach the map. Every folium element points at the vendor files the app serves itself
(/app/static/vendor/..., see ui/maps.py), so the map draws offline.

Static files are served from the `static/` folder next to the *main script*; browse_map.py therefore
runs this page through a symlink in a temporary folder that also holds a `static` symlink to the repo's
static/ (nothing is written into the repository). Run by hand from the repo root the same way, e.g.
    d=$(mktemp -d); ln -s $PWD/bench/baseline_map_page.py $PWD/static $d/
    LINBANG_DB=/path/to/bench.db .venv/bin/streamlit run $d/baseline_map_page.py
With ?limit=N in the URL it draws only the N nearest jobs (the bench's floor: a map page's fixed cost).
"""

import html
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # resolve(): through the symlink

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from folium.plugins import MarkerCluster  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from services import categories, community, jobs  # noqa: E402
from services import db as database  # noqa: E402
from ui import maps  # noqa: E402

st.set_page_config(page_title="Baseline map", layout="wide")
maps.install_vendor_assets()

if "_db" not in st.session_state:
    st.session_state["_db"] = database.connect()
db = st.session_state["_db"]
place = community.get(db)
kinds = categories.by_slug(db)
centre = (place["lat"], place["lon"])
found = jobs.list_open(db, near=centre, max_km=20.0, sort="nearest")  # the browse page's defaults
if "limit" in st.query_params:  # ?limit=10: the same page with a handful of jobs, browse_map.py's floor
    found = found[: int(st.query_params["limit"])]

st.title("Baseline: one CircleMarker + Popup per job")
m = folium.Map(location=centre, zoom_start=14, tiles=None, control_scale=True)
m.default_js = [
    ("leaflet", maps.vendor_url("leaflet/leaflet.js")),
    ("jquery", maps.vendor_url("jquery/jquery.min.js")),  # folium.Popup's code uses $
]
m.default_css = [("leaflet_css", maps.vendor_url("leaflet/leaflet.css"))]
m.options["max_zoom"] = maps.MAX_ZOOM
folium.TileLayer(maps.TILE_URL, attr=maps.TILE_ATTRIBUTION, max_zoom=maps.MAX_ZOOM).add_to(m)

cluster = MarkerCluster(name="jobs", max_cluster_radius=50)
cluster.default_js = [("markerclusterjs", maps.vendor_url("markercluster/leaflet.markercluster.js"))]
cluster.default_css = [
    ("markerclustercss", maps.vendor_url("markercluster/MarkerCluster.css")),
    ("markerclusterdefaultcss", maps.vendor_url("markercluster/MarkerCluster.Default.css")),
]
cluster.add_to(m)
for job in found:
    kind = kinds[job["category"]]
    text = (
        f"<b>{html.escape(job['title'])}</b><br>{html.escape(kind['name_en'])} · ¥{job['total_fen'] / 100:.2f}"
        f"<br>Open #{job['id']}"
    )
    folium.CircleMarker(
        (job["public_lat"], job["public_lon"]),
        radius=8,
        color=maps.JOB_COLOUR,
        fill=True,
        fill_opacity=0.25,
        popup=folium.Popup(text, max_width=260),
    ).add_to(cluster)

st_folium(m, key="baseline_map", height=460, use_container_width=True, returned_objects=["last_clicked"])
st.caption(f"{len(found)} jobs")

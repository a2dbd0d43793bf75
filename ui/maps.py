"""Maps: vendor assets served by the app itself, and the three maps the pages draw.

folium would load Leaflet and friends from CDNs; offline every one fails and the map throws
`L is not defined` (DESIGN §3). So the files come from PyPI's xstatic packages, are copied to
static/vendor/ at start-up and every folium element we use points there.
User text reaches the map only as JSON data, and the browser puts it in the page with textContent.
"""

import json
import math
import os
import pathlib
import re
import shutil
from typing import cast

import folium
import streamlit as st
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template
from streamlit_folium import st_folium

from services.geo import PUBLIC_CIRCLE_M
from services.rows import Community

from .i18n import t

STATIC_VENDOR = pathlib.Path(__file__).resolve().parent.parent / "static" / "vendor"
VENDOR_FILES = {  # served name -> (package dir, file)
    "leaflet/leaflet.js": (xstatic.pkg.leaflet.BASE_DIR, "leaflet.js"),
    "leaflet/leaflet.css": (xstatic.pkg.leaflet.BASE_DIR, "leaflet.css"),
    "leaflet/images": (xstatic.pkg.leaflet.BASE_DIR, "images"),
    "markercluster/leaflet.markercluster.js": (xstatic.pkg.leaflet_markercluster.BASE_DIR, "leaflet.markercluster.js"),
    "markercluster/MarkerCluster.css": (xstatic.pkg.leaflet_markercluster.BASE_DIR, "MarkerCluster.css"),
    "markercluster/MarkerCluster.Default.css": (
        xstatic.pkg.leaflet_markercluster.BASE_DIR,
        "MarkerCluster.Default.css",
    ),
    "jquery/jquery.min.js": (xstatic.pkg.jquery.BASE_DIR, "jquery.min.js"),
}
TILE_URL = os.environ.get("LINBANG_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = os.environ.get("LINBANG_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
MAX_ZOOM = 19
# Maps of approximate places (a few hundred metres off) stop here: closer only magnifies the blur, and
# every zoom level is one more pass of the clustering over every place (about half its time in the
# browser with 5,000 jobs).
APPROXIMATE_MAX_ZOOM = 16
JOB_COLOUR = "#d9480f"
Area = tuple[float, float, float]  # a centre's latitude and longitude, and a radius in km


@st.cache_resource
def install_vendor_assets() -> None:
    """Copy the map's JS/CSS from the installed PyPI packages into static/vendor/ (once per process)."""
    for served, (package_dir, name) in VENDOR_FILES.items():
        source, target = pathlib.Path(package_dir) / name, STATIC_VENDOR / served
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True, copy_function=_replace_with_copy)
        else:
            _replace_with_copy(source, target)


def _replace_with_copy(source, target) -> None:
    """Write a copy beside `target`, then rename it over: another process serving static/ (a second
    server, a test running beside this one) reads the old file or the new one, never half of one."""
    partial = pathlib.Path(f"{target}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def vendor_url(path: str) -> str:
    """The URL of a file in static/vendor/, under the board's path when it is served under one
    (`--server.baseUrlPath`, e.g. /linbang/ behind a proxy); otherwise every map stays blank."""
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"{'/' + base if base else ''}/app/static/vendor/{path}"


def base_map(center: tuple[float, float], zoom: int = 14, max_zoom: int = MAX_ZOOM) -> folium.Map:
    m = folium.Map(location=center, zoom_start=zoom, tiles=None)
    MetricScale().add_to(m)
    # No jQuery: only folium.Popup and keep_in_front use it, and Linbang's maps use neither (one script
    # load fewer before the map draws). It stays in VENDOR_FILES for bench/baseline_map_page.py.
    m.default_js = [("leaflet", vendor_url("leaflet/leaflet.js"))]
    m.default_css = [("leaflet_css", vendor_url("leaflet/leaflet.css"))]
    m.options["max_zoom"] = max_zoom  # MarkerCluster needs it on the map itself
    folium.TileLayer(TILE_URL, attr=TILE_ATTRIBUTION, max_zoom=max_zoom).add_to(m)
    return m


class MetricScale(MacroElement):
    """The map's scale in metres and kilometres only (folium's control_scale adds feet and miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


def community_circle(m: folium.Map, community: Community) -> None:
    community_ring(m, (community["lat"], community["lon"], community["radius_km"]))


def community_ring(m: folium.Map, area: Area) -> None:
    lat, lon, radius_km = area
    folium.Circle(
        (lat, lon),
        radius=radius_km * 1000,
        color="#1c7ed6",
        weight=2,
        fill=False,
        dash_array="6 6",
        interactive=False,
    ).add_to(m)


def _js(value) -> str:
    """Lists, strings and numbers (no dicts) as a JS literal whose strings hold no ASCII punctuation
    but the backslash of their escapes: JSON's (non-ASCII as \\uXXXX, \\" and \\\\), and every other
    punctuation character as \\u00XX.

    The map's script is rewritten as a whole on its way to the page, data included: folium compiles
    each element's script as a Jinja template (a title "{{ oops" would break the map), and
    streamlit-folium 0.27.4's _get_map_string deletes "alert(coords);", renames
    "drawnItems_draw_control_div_<n>" and folium's "<name>_<hex>" variables. Every one of those needs
    punctuation (a brace, a parenthesis, an underscore), as does closing the <script> element, so none
    can match inside a string and popups and tooltips get the text byte for byte."""
    return _JSON_STRING.sub(
        lambda string: string[0].translate(_PUNCTUATION_ESCAPES), json.dumps(value, separators=(",", ":"))
    )


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_PUNCTUATION_ESCAPES = {ord(char): f"\\u{ord(char):04x}" for char in "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"}


PLACE_NUMBER = re.compile(r"#(\d+)\s*$")


class PlacesLayer(MarkerCluster):
    """Places (jobs, helpers' areas) as one data layer: a JSON array drawn by a function in the
    browser, clustered. Like folium's FastMarkerCluster, but the array is serialised once, compactly
    and escaped (_js), instead of through Jinja's tojson after a per-row location check."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var look = {{ this.look }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                cluster.addLayers({{ this.places }}.map(look.circle));
                cluster.bindPopup(look.popup).bindTooltip(look.tooltip);
                cluster.addTo({{ this._parent.get_name() }});
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(self, places: str, look: str, **options):
        super().__init__(name="places", **options)
        self.places, self.look = places, look
        self.default_js = [("markerclusterjs", vendor_url("markercluster/leaflet.markercluster.js"))]
        self.default_css = [
            ("markerclustercss", vendor_url("markercluster/MarkerCluster.css")),
            ("markerclusterdefaultcss", vendor_url("markercluster/MarkerCluster.Default.css")),
        ]

    def render(self, **kwargs):
        """As folium's, but the rendered script goes into the page as text. folium hands it to the
        figure as Element(script), which compiles it as a Jinja template: with thousands of places
        that was a quarter of the browse page's script time, and the data must never be a template."""
        figure = cast(Figure, self.get_root())  # a map renders inside its Figure
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        figure.script.add_child(_Text(self._template.module.script(self, kwargs)), name=self.get_name())


class _Text(Element):
    """Text put into the page as it is (branca's Element(text) would compile it as a template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self.text = text


def _place_look(open_label: str, details: list[list[str]], radius_m: int, colour: str) -> str:
    """Leaflet code run in the browser: {circle(row), popup(circle), tooltip(circle)} for rows
    [lat, lon, id, title, detail indexes...].

    Details (a category, a price) repeat across thousands of places, so each column's texts are sent
    once in `details` and rows carry indexes. Popups and tooltips are bound once, on the cluster, and
    made for a circle only when shown: made up front for every circle they were a third of the map's
    work in the browser. Text is set with textContent, never parsed as HTML.
    The popup's last line ends in "#<id>": streamlit-folium hands the clicked popup's text back to
    Python (for a group's popup it calls the function with the clicked circle), which opens that job's
    (or person's) page (a link could not: component frames are sandboxed without top navigation).
    """
    return f"""(function () {{
        var details = {_js(details)};
        function line(tag, text) {{
            var el = document.createElement(tag); el.textContent = text; return el;
        }}
        return {{
            circle: function (row) {{
                var circle = L.circle(L.latLng(row[0], row[1]), {{
                    radius: {radius_m}, color: "{colour}", weight: 2, fillOpacity: 0.25,
                    className: "linbang-place", bubblingMouseEvents: false}});
                circle.row = row;
                return circle;
            }},
            popup: function (circle) {{
                var row = circle.row, box = document.createElement("div");
                var texts = details.map(function (column, i) {{ return column[row[4 + i]]; }});
                box.appendChild(line("b", row[3]));
                box.appendChild(line("div", texts.join(" · ")));
                box.appendChild(line("div", {_js(open_label)} + " #" + row[2]));
                return box;
            }},
            tooltip: function (circle) {{ return line("span", circle.row[3]); }}
        }};
    }})()"""


def places_layer(
    places: list[tuple], open_label: str, *, radius_m: int = PUBLIC_CIRCLE_M, colour: str = JOB_COLOUR
) -> PlacesLayer:
    """Approximate places (jobs, helpers' areas) as one data layer. `places` are
    (lat, lon, id, title, *details); each is drawn as a circle of `radius_m` metres with the title as
    its tooltip and a popup: the title, the details joined by " · ", and "<open_label> #<id>".
    """
    columns = [list(dict.fromkeys(column)) for column in zip(*(place[4:] for place in places), strict=True)]
    index = [{text: i for i, text in enumerate(texts)} for texts in columns]
    rows = [
        [round(lat, 5), round(lon, 5), place_id, title, *(index[i][text] for i, text in enumerate(details))]
        for lat, lon, place_id, title, *details in places
    ]
    return PlacesLayer(_js(rows), _place_look(open_label, columns, radius_m, colour), max_cluster_radius=50)


def show(m: folium.Map, key: str, *, height: int = 420, returns=(), marker=None) -> dict:
    """Render a map and return what the person did on it, limited to `returns` (streamlit-folium's
    returned_objects): only those rerun the page, so panning and zooming never do.

    `marker` (lat, lon) is drawn in a feature group passed separately, so moving it does not
    rebuild the map and lose the person's zoom.
    """
    group = folium.FeatureGroup(name="picked")
    if marker:
        folium.CircleMarker(marker, radius=9, color="#c92a2a", fill=True, fill_opacity=0.9).add_to(group)
    state = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=list(returns),
        feature_group_to_add=group,
        render=False,  # st_folium renders the map itself anyway; the default renders it twice
    )
    return state or {}


def clicked_point(state: dict) -> tuple[float, float] | None:
    clicked = state.get("last_clicked")
    return (clicked["lat"], clicked["lng"]) if clicked else None


def new_click(state: dict, key: str) -> tuple[float, float] | None:
    """The point just clicked on a map, once per click: the map reports its last click on every
    run, so the click last acted on (kept in session state `{key}_last_click`) reads as none."""
    clicked = clicked_point(state)
    if not clicked or clicked == st.session_state.get(f"{key}_last_click"):
        return None
    st.session_state[f"{key}_last_click"] = clicked
    return clicked


def follow_clicks(state: dict, key: str, page: str) -> None:
    """On a map of places (places_layer) shown as `{key}_map`: a click on a place opens `page` for
    it; a click anywhere else moves the point the list is measured from (session state `{key}_point`)."""
    opened = clicked_place(state, f"{key}_map")
    if opened:
        st.switch_page(page, query_params={"id": str(opened)})
    clicked = new_click(state, key)
    if clicked:
        st.session_state[f"{key}_point"] = clicked
        st.rerun()


# Not last_object_clicked_count: it starts at 0 against a default of None, so asking for it makes
# every map rerun the page as soon as it has drawn.
PLACE_CLICK_RETURNS = ("last_clicked", "last_object_clicked_popup")


def clicked_place(state: dict, key: str) -> int | None:
    """The id of a place (places_layer) whose circle was just clicked, once per click.

    The map keeps reporting the last clicked popup until it is drawn afresh (its state is dropped
    while another page shows, and opening a place shows another page), so the popup last acted on is
    forgotten whenever none is reported.
    """
    seen_key = f"{key}_opened_popup"
    popup = state.get("last_object_clicked_popup")
    match = PLACE_NUMBER.search(popup or "")
    if not match:
        st.session_state.pop(seen_key, None)
        return None
    if st.session_state.get(seen_key) == popup:
        return None
    st.session_state[seen_key] = popup
    return int(match[1])


def exact_pin(m: folium.Map, lat: float, lon: float) -> None:
    folium.CircleMarker((lat, lon), radius=9, color="#c92a2a", fill=True, fill_opacity=0.9).add_to(m)


def approximate_circle(m: folium.Map, lat: float, lon: float) -> None:
    folium.Circle((lat, lon), radius=PUBLIC_CIRCLE_M, color=JOB_COLOUR, weight=2, fill_opacity=0.25).add_to(m)


SAVED_COLOUR = "#2b8a3e"
KM_PER_DEGREE_OF_LATITUDE = 111.2


def landmark(m: folium.Map, point: tuple[float, ...], label: str, colour: str) -> None:
    """A dot with its name written beside it: something to find one's way by on a map with no tiles
        (on a machine offline, or before they load, the map is a grey square). `side`: where the name goes,
    "right" or "left" (two landmarks close together name themselves on either side)."""
    folium.CircleMarker(
        point,
        radius=5,
        color=colour,
        fill=True,
        fill_opacity=1,
        interactive=False,
        tooltip=folium.Tooltip(label, sticky=False, permanent=True, direction="right", class_name="linbang-landmark"),
    ).add_to(m)


def whole_circle_zoom(area: Area, width_px: int = 340) -> int:
    """The closest zoom that shows the whole circle of `area` across `width_px` (a phone's map): with no
    tiles, the circle is what there is to find one's way by. Web Mercator: 156,543 m a pixel at zoom 0
    on the equator, halved with each zoom level, times cos(latitude)."""
    metres_per_px_at_0 = 156_543 * math.cos(math.radians(area[0]))
    return int(math.log2(metres_per_px_at_0 * width_px / (2 * area[2] * 1000)))


def pick_map(
    center: tuple[float, float], zoom: int, *, community: Area | None = None, saved: Area | None = None
) -> folium.Map:
    """The map of point_picker: the community's circle and its centre (named), and what is `saved` now
    (a helper's area) as a circle and a named dot."""
    m = base_map(center, zoom)
    if community:
        community_ring(m, community)
        landmark(m, community[:2], t("map.centre"), "#1c7ed6")
    if saved:
        folium.Circle(
            saved[:2], radius=saved[2] * 1000, color=SAVED_COLOUR, weight=2, fill_opacity=0.1, interactive=False
        ).add_to(m)
        # named at the top of its circle: a helper's area is often a few hundred metres from the centre,
        # and two names side by side would cover each other (inside the map's frame Leaflet places a
        # permanent tooltip before it knows its width, so "left" would not keep them apart)
        landmark(m, (saved[0] + saved[2] / KM_PER_DEGREE_OF_LATITUDE, saved[1]), t("map.saved"), SAVED_COLOUR)
    return m


def point_picker(
    key: str,
    center: tuple[float, float],
    *,
    community: Community | None = None,
    saved: Area | None = None,
    new_community_km: float | None = None,
    zoom: int = 14,
) -> tuple[float, float] | None:
    """A map to click a point on, showing the community (pick_map; at setup, a community of
    `new_community_km` around the picked point) and `saved`, plus latitude/longitude inputs that follow
    the click (and can be typed, for people who cannot use the map). Returns the chosen (lat, lon) or None."""
    lat_key, lon_key = f"{key}_lat", f"{key}_lon"
    stored = (st.session_state.get(lat_key), st.session_state.get(lon_key))
    # A point only when both inputs hold one: either can be emptied alone, and folium refuses half a point.
    picked = (stored[0], stored[1]) if stored[0] is not None and stored[1] is not None else None
    area = (
        (community["lat"], community["lon"], community["radius_km"])
        if community
        else (*picked, new_community_km)
        if picked and new_community_km
        else None
    )
    m = pick_map(picked or center, min(zoom, whole_circle_zoom(area)) if area else zoom, community=area, saved=saved)
    clicked = new_click(show(m, f"{key}_map", returns=["last_clicked"], marker=picked), key)
    if clicked:
        st.session_state[lat_key], st.session_state[lon_key] = round(clicked[0], 6), round(clicked[1], 6)
        st.rerun()
    left, right = st.columns(2)
    lat = left.number_input(t("map.lat"), min_value=-90.0, max_value=90.0, value=None, format="%.6f", key=lat_key)
    lon = right.number_input(t("map.lon"), min_value=-180.0, max_value=180.0, value=None, format="%.6f", key=lon_key)
    return (lat, lon) if lat is not None and lon is not None else None


def forget_point(key: str) -> None:
    """Empty point_picker(key) once its point is saved, so the next visit starts from the saved one."""
    for name in ("lat", "lon", "last_click"):
        st.session_state.pop(f"{key}_{name}", None)

"""ui/maps outside Streamlit: what a places layer puts into a map's page."""

import json
import re

from streamlit_folium import _get_map_string

from tests.support import AS_TYPED, HOSTILE
from ui import maps
from ui.i18n import DEFAULT_LANGUAGE, catalog


def full_page_with(title: str) -> str:
    m = maps.base_map((31.23, 121.47), 14, maps.APPROXIMATE_MAX_ZOOM)
    maps.places_layer([(31.231, 121.471, 7, title, "Errands", "¥20")], "Open").add_to(m)
    return m.get_root().render()


def test_a_full_render_carries_the_places_with_their_text_as_data_never_as_a_template():
    page = full_page_with(HOSTILE)

    rows = re.search(r"cluster\.addLayers\((\[\[.*?\]\])\.map\(", page)
    assert rows, "the places layer is missing from the page"
    assert json.loads(rows[1]) == [[31.231, 121.471, 7, HOSTILE, 0, 0]]
    assert "<img" not in page and "{{7*7}}" not in page and "{%x%}" not in page
    assert '"maxZoom": 16' in page


def test_the_script_streamlit_folium_sends_carries_every_title_byte_for_byte():
    """st_folium sends _get_map_string's script, which deletes "alert(coords);" and renames drawnItems_…
    and folium's variables across the whole script, data included (streamlit-folium 0.27.4)."""
    m = maps.base_map((31.23, 121.47), 14, maps.APPROXIMATE_MAX_ZOOM)
    maps.places_layer([(31.231, 121.471, 7, AS_TYPED, "Errands (跑腿)", "¥20_00")], "Open #_(").add_to(m)
    script = _get_map_string(m)

    rows = re.search(r"cluster\.addLayers\((\[\[.*?\]\])\.map\(", script)
    assert rows, "the places layer is missing from the map script"
    assert json.loads(rows[1]) == [[31.231, 121.471, 7, AS_TYPED, 0, 0]]
    details = re.search(r"var details = (\[.*?\]);", script)
    assert json.loads(details[1]) == [["Errands (跑腿)"], ["¥20_00"]]
    open_label = re.search(r'line\("div", ("[^"]*") \+ " #"', script)
    assert json.loads(open_label[1]) == "Open #_("


def test_a_pick_map_shows_the_community_circle_and_names_its_centre_so_it_reads_without_tiles():
    page = maps.pick_map((31.2, 121.4), 14, community=(31.23, 121.47, 2.5)).get_root().render()

    assert re.search(r'L\.circle\(\s*\[31\.23, 121\.47\],\s*\{[^}]*"radius": 2500\.0', page)
    assert catalog(DEFAULT_LANGUAGE)["map.centre"] in page and '"permanent": true' in page


def test_a_pick_map_draws_the_saved_area_again():
    page = maps.pick_map((31.2, 121.4), 14, saved=(31.24, 121.48, 3.0)).get_root().render()

    assert re.search(r'L\.circle\(\s*\[31\.24, 121\.48\],\s*\{[^}]*"radius": 3000\.0', page)
    assert catalog(DEFAULT_LANGUAGE)["map.saved"] in page


def test_the_scale_is_in_metres_only():
    page = maps.base_map((31.23, 121.47)).get_root().render()

    assert "L.control.scale({imperial: false})" in page
    assert page.count("L.control.scale") == 1


def test_a_pick_map_zooms_out_until_the_whole_community_fits_a_phone():
    assert maps.whole_circle_zoom((31.23, 121.47, 5.0)) == 12  # ten km across: about 32 m a pixel
    assert maps.whole_circle_zoom((31.23, 121.47, 0.5)) == 15

"""ui/maps outside Streamlit: what a places layer puts into a map's page."""

import json
import re

from tests.support import HOSTILE
from ui import maps


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

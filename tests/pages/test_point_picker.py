"""The point picker's two inputs can be emptied one at a time: half a point is no point (#12 item 6,
found by the type checker: the map was drawn at (lat, None) and folium raised)."""

from tests.pages.conftest import CENTER


def test_post_page_with_only_a_latitude_typed_shows_the_form_without_a_point(open_page, person):
    at = open_page("app_pages/post_job.py", lang="zh_CN", user=person("poster"))
    at.number_input(key="post_job_location_lat").set_value(CENTER[0]).run()

    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="post_job_location_lon").value is None

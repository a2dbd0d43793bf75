"""The browse page's search box and its "post a job" button (#15 items 3 and 4)."""

from services import jobs
from services.clock import utcnow
from tests.pages.conftest import PASSWORD, button, job_fields, text, unescape_markdown

BROWSE, POST, LOGIN = "app_pages/browse.py", "app_pages/post_job.py", "app_pages/login.py"


def listed(at) -> list[str]:
    """The titles of the job cards in the list."""
    return [unescape_markdown(link.label) for link in at.main.get("page_link") if link.proto.icon == "📌"]


def count_line(at, lang: str, count: int) -> bool:
    return f"**{text(lang, 'browse.count', count=count)}**" in [m.value for m in at.markdown]


def post_two(db, person) -> None:
    poster = person("poster")
    jobs.post(db, poster, **job_fields(utcnow(), title="帮忙搬家", description="三楼，没有电梯"))
    jobs.post(
        db, poster, **job_fields(utcnow(), title="Walk the dog", description="A friendly Labrador", category="pets")
    )


def test_typing_a_word_on_browse_narrows_the_list_to_the_jobs_with_it(open_page, person, db):
    post_two(db, person)
    at = open_page(BROWSE, lang="en")
    assert {"帮忙搬家", "Walk the dog"} <= set(listed(at))

    at.text_input(key="browse_search").input("搬家").run()
    assert not at.exception
    assert listed(at) == ["帮忙搬家"]
    assert count_line(at, "en", 1)

    at.text_input(key="browse_search").input("LABRADOR").run()  # in the description, other capitals
    assert listed(at) == ["Walk the dog"]


def test_a_search_that_finds_nothing_says_so_and_offers_to_clear_it(open_page, person, db):
    post_two(db, person)
    at = open_page(BROWSE, lang="zh_CN")
    every = len(jobs.list_open(db))

    at.text_input(key="browse_search").input('钢琴 "*').run()
    assert not at.exception
    assert listed(at) == []
    assert text("zh_CN", "browse.search_none", words='钢琴 "*') in [unescape_markdown(i.value) for i in at.info]

    button(at, text("zh_CN", "browse.search_clear")).click().run()
    assert at.text_input(key="browse_search").value == ""
    assert count_line(at, "zh_CN", every)


def test_the_search_stays_across_reruns_and_a_language_switch(open_page, person, db):
    post_two(db, person)
    at = open_page(BROWSE, lang="zh_CN")
    at.text_input(key="browse_search").input("dog").run()

    at.segmented_control(key="nav_language").set_value("en").run()
    at.run()

    assert at.text_input(key="browse_search").label == text("en", "browse.search")
    assert at.text_input(key="browse_search").value == "dog"
    assert listed(at) == ["Walk the dog"]


def test_post_a_job_on_browse_opens_the_post_page(open_page, person):
    at = open_page(BROWSE, lang="zh_CN", user=person("poster"))

    button(at, text("zh_CN", "nav.post")).click().run()

    assert not at.exception
    assert at.title[0].value == text("zh_CN", "post.title")


def test_post_a_job_asks_a_signed_out_visitor_to_sign_in_then_opens_the_post_page(open_page):
    at = open_page(BROWSE, lang="en")

    button(at, text("en", "nav.post")).click().run()
    assert at.title[0].value == text("en", "login.title")

    at.switch_page(LOGIN)  # where the browser now is (AppTest's next run would go back to its own page)
    at.text_input(key="login_username").input("poster")
    at.text_input(key="login_password").input(PASSWORD)
    button(at, text("en", "login.submit")).click().run()
    assert not at.exception
    assert at.title[0].value == text("zh_CN", "post.title")  # in the poster's own language, set by signing in

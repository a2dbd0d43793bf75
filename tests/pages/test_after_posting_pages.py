"""Jobs after posting (#15 item 16) through the real app (AppTest): the poster changes an open job in
the post form filled in from it, posts a completed job again, and stars a helper as a favourite."""

from services import escrow, favourites, jobs
from tests.pages.conftest import JOB_PAGE, PROFILE_PAGE, button, form_field, on_page, text

LANG = "zh_CN"  # the category picker's labels are read in the default language (see test_pages.py)
HELPERS_PAGE = "app_pages/find_helpers.py"
POST_PAGE = "app_pages/post_job.py"


def test_the_poster_changes_an_open_job_in_the_post_form_filled_in_from_it(open_page, person, db, job_ids):
    job_id = job_ids["open"]  # hourly: ¥45.50 for 1.5 hours, ¥68.25 held
    at = open_page(JOB_PAGE, lang=LANG, user=person("poster"), id=job_id)
    at.button(key=f"job_edit_job_{job_id}").click().run()
    at.switch_page(POST_PAGE).run()  # AppTest runs the page it was told, not the one the script switched to

    form = f"post_job_edit_{job_id}"
    assert at.query_params["edit"] == str(job_id)
    assert at.text_input(key=form_field(at, form, "title")).value == "Fix the washing machine"
    assert at.text_input(key=form_field(at, form, "price")).value == "45.5"
    assert at.selectbox(key="post_job_category").value == "appliance"
    assert at.radio(key="post_job_price_kind").value == "hourly"
    assert at.radio(key="post_job_mode").disabled

    at.text_input(key=form_field(at, form, "title")).input("Fix the washing machine and the dryer")
    at.text_input(key=form_field(at, form, "price")).input("50")
    button(at, text(LANG, "post.edit_submit")).click().run()

    assert not at.exception and not at.error, [e.value for e in at.error]
    job = jobs.get(db, job_id, person("poster"))
    assert (job["title"], job["price_fen"], job["status"]) == ("Fix the washing machine and the dryer", 5000, "open")
    assert escrow.job_held_fen(db, job_id) == 7500
    assert at.query_params["id"] == str(job_id)


def test_someone_else_opening_the_edit_address_is_refused(open_page, person, job_ids):
    at = open_page(POST_PAGE, lang=LANG, user=person("worker"), edit=job_ids["open"])

    assert not at.exception
    assert [e.value for e in at.error] == [text(LANG, "error.not_allowed")]
    assert not on_page(at.button)


def test_a_completed_job_is_posted_again_from_its_page(open_page, person, db, job_ids):
    poster, job_id = person("poster"), job_ids["completed"]
    at = open_page(JOB_PAGE, lang=LANG, user=poster, id=job_id)
    assert f"job_edit_job_{job_id}" not in {b.key for b in at.button}
    at.button(key=f"job_post_again_{job_id}").click().run()
    at.switch_page(POST_PAGE).run()
    assert at.query_params["again"] == str(job_id)

    assert at.text_input(key=form_field(at, "post_job_again", "title")).value == "Assemble a wardrobe"
    assert at.selectbox(key="post_job_category").value == "furniture"
    button(at, text(LANG, "post.submit")).click().run()

    assert not at.exception
    newest = jobs.mine(db, poster)["posted"][0]
    assert (newest["title"], newest["status"], newest["category"]) == ("Assemble a wardrobe", "open", "furniture")
    assert newest["id"] != job_id and at.query_params["id"] == str(newest["id"])


def test_a_star_on_the_profile_keeps_the_helper_and_takes_them_back(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    at = open_page(PROFILE_PAGE, lang="en", user=poster, id=worker["id"])

    button(at, text("en", "favourite.add")).click().run()
    assert favourites.helper_ids(db, poster) == {worker["id"]}
    button(at, text("en", "favourite.remove")).click().run()
    assert favourites.helper_ids(db, poster) == set()


def test_the_directory_shows_only_the_favourites_when_asked(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    at = open_page(HELPERS_PAGE, lang="en", user=poster)
    at.toggle(key="find_helpers_favourites_only").set_value(True).run()
    assert text("en", "helpers.no_favourites") in [i.value for i in at.info]

    at.toggle(key="find_helpers_favourites_only").set_value(False).run()
    at.button(key=f"find_helpers_favourite_{worker['id']}").click().run()
    assert favourites.helper_ids(db, poster) == {worker["id"]}
    at.toggle(key="find_helpers_favourites_only").set_value(True).run()
    assert [b.key for b in at.button if b.key and b.key.startswith("find_helpers_favourite_")] == [
        f"find_helpers_favourite_{worker['id']}"
    ]

"""Worker profiles: saving and validation, the approximate area, what the public sees, portfolio photos,
reliability from the job history, and the directory's Bayesian ranking and filters."""

import re
from datetime import timedelta

import pytest

from demo import samples
from services import geo, jobs, reviews, uploads, users, verification, workers
from services.errors import NotAllowed, NotFound, ValidationError
from tests.services.conftest import CENTER, METRES_PER_DEGREE, NOW, valid_job_fields

SEEN = NOW + timedelta(days=reviews.BLIND_DAYS)  # every rating of these tests shows by then (double-blind)


def north_of_centre(metres: float) -> tuple[float, float]:
    return CENTER[0] + metres / METRES_PER_DEGREE, CENTER[1]


CLICK = north_of_centre(1_000)  # where the worker clicks on the map: inside the 3 km community


def profile_fields(now, **overrides) -> dict:
    """Keyword arguments for workers.save_profile that pass every check; override one to break it."""
    fields = {
        "bio": "Strong back, careful with furniture. Ten years of moving help.",
        "service_radius_km": 2,
        "rate_yuan": "45",
        "area": CLICK,
        "area_label": "Near the east gate",
        "availability": ["weekdays_evening", "weekends_morning"],
        "now": now,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def save(db, now):
    """Save a profile for `who` with profile_fields' values, overriding some."""
    return lambda who, **overrides: workers.save_profile(db, who, **profile_fields(now, **overrides))


# --- saving a profile ------------------------------------------------------------------------------


def test_save_profile_stores_every_field(db, save, verified_worker):
    profile = save(verified_worker, bio="  I fix things.  ", service_radius_km="2.5", rate_yuan="45.5")

    assert (profile["bio"], profile["service_radius_km"], profile["rate_fen"]) == ("I fix things.", 2.5, 4550)
    assert (profile["area_label"], profile["availability"]) == (
        "Near the east gate",
        ["weekdays_evening", "weekends_morning"],
    )
    # the rest of the profile is untouched
    assert (profile["taking_jobs"], profile["verification"], profile["categories"]) == (
        1,
        "verified",
        ["moving", "parcel"],
    )
    assert workers.get_profile(db, verified_worker["id"]) == profile


def test_availability_is_stored_in_table_order_without_repeats(save, verified_worker):
    profile = save(verified_worker, availability=("weekends_evening", "weekdays_morning", "weekdays_morning"))

    assert profile["availability"] == ["weekdays_morning", "weekends_evening"]


@pytest.mark.parametrize("rate", [None, ""])
def test_no_rate_means_quote_per_job(save, verified_worker, rate):
    assert save(verified_worker, rate_yuan=rate)["rate_fen"] is None


@pytest.mark.parametrize("radius", [0.5, 20, "20.0"])
def test_service_radius_on_the_bounds_is_accepted(save, verified_worker, radius):
    assert save(verified_worker, service_radius_km=radius)["service_radius_km"] == float(radius)


def test_stored_area_is_150_to_400_metres_from_the_clicked_point(save, verified_worker):
    for _ in range(30):
        profile = save(verified_worker)
        metres = geo.distance_km(*CLICK, profile["area_lat"], profile["area_lon"]) * 1000
        # 1e-6 absorbs float rounding; the clicked point itself is never kept
        assert geo.FUZZ_MIN_M - 1e-6 <= metres <= geo.FUZZ_MAX_M + 1e-6
        assert (profile["area_lat"], profile["area_lon"]) != CLICK


def test_saving_without_an_area_keeps_the_stored_one(save, verified_worker):
    first = save(verified_worker)

    again = save(verified_worker, area=None, bio="Updated bio, same area.", area_label="East gate")

    assert (again["area_lat"], again["area_lon"]) == (first["area_lat"], first["area_lon"])
    assert (again["bio"], again["area_label"]) == ("Updated bio, same area.", "East gate")


def test_a_resident_who_does_not_take_jobs_may_keep_a_profile(db, save, stranger):
    profile = save(stranger)

    assert (profile["taking_jobs"], profile["verification"]) == (0, "unverified")
    assert not workers.is_verified_worker(db, stranger["id"])


# (field at fault, key) for each bad value; every other field is valid
BAD_PROFILES = {
    "bio-too-short": ({"bio": "Hi!!"}, "bio", "error.too_short"),
    "bio-blank": ({"bio": "     "}, "bio", "error.too_short"),
    "bio-too-long": ({"bio": "x" * 501}, "bio", "error.too_long"),
    "bio-control-char": ({"bio": "Hello\x00world"}, "bio", "error.control_chars"),
    "radius-below": ({"service_radius_km": 0.49}, "service_radius_km", "error.service_radius"),
    "radius-above": ({"service_radius_km": 20.01}, "service_radius_km", "error.service_radius"),
    "radius-zero": ({"service_radius_km": 0}, "service_radius_km", "error.service_radius"),
    "radius-text": ({"service_radius_km": "x"}, "service_radius_km", "error.service_radius"),
    "radius-missing": ({"service_radius_km": None}, "service_radius_km", "error.service_radius"),
    "radius-nan": ({"service_radius_km": "nan"}, "service_radius_km", "error.service_radius"),
    "rate-text": ({"rate_yuan": "abc"}, "rate", "error.price_number"),
    "rate-zero": ({"rate_yuan": "0"}, "rate", "error.rate_zero"),
    "rate-zero-point-zero": ({"rate_yuan": "0.00"}, "rate", "error.rate_zero"),
    "rate-negative": ({"rate_yuan": "-5"}, "rate", "error.price_number"),
    "rate-fraction-of-a-fen": ({"rate_yuan": "1.234"}, "rate", "error.price_cents"),
    "area-outside-community": ({"area": north_of_centre(3_200)}, "area", "error.outside_radius"),
    "area-not-a-point": ({"area": ("north", "gate")}, "area", "error.location_missing"),
    "area-off-the-globe": ({"area": (91, 121)}, "area", "error.location_missing"),
    "area-label-empty": ({"area_label": ""}, "area_label", "error.too_short"),
    "area-label-one-char": ({"area_label": "东"}, "area_label", "error.too_short"),
    "area-label-too-long": ({"area_label": "x" * 41}, "area_label", "error.too_long"),
    "availability-unknown-slot": ({"availability": ["weekdays_morning", "midnight"]}, "availability", "error.invalid"),
    "availability-not-a-list": ({"availability": "weekdays_morning"}, "availability", "error.invalid"),
    "availability-missing": ({"availability": None}, "availability", "error.invalid"),
}


@pytest.mark.parametrize("overrides, field, key", BAD_PROFILES.values(), ids=BAD_PROFILES.keys())
def test_bad_profile_is_refused_and_changes_nothing(db, save, verified_worker, overrides, field, key):
    save(verified_worker)
    before = workers.get_profile(db, verified_worker["id"])

    with pytest.raises(ValidationError) as refused:
        save(verified_worker, **overrides)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert workers.get_profile(db, verified_worker["id"]) == before


def test_outside_radius_error_says_the_community_radius(save, verified_worker):
    with pytest.raises(ValidationError) as refused:
        save(verified_worker, area=north_of_centre(3_200))

    assert refused.value.params == {"km": 3.0}


@pytest.mark.parametrize("who", ["verified_worker", "stranger"], ids=["profile-without-area", "no-profile"])
def test_first_save_needs_an_area(db, people, save, who):
    before = workers.get_profile(db, people[who]["id"])

    with pytest.raises(ValidationError) as refused:
        save(people[who], area=None)

    assert (refused.value.field, refused.value.key) == ("area", "error.area_missing")
    assert workers.get_profile(db, people[who]["id"]) == before


def test_blocked_user_cannot_save_a_profile(db, save, organizer, verified_worker, now):
    users.set_blocked(db, organizer, verified_worker["id"], True, now)
    before = workers.get_profile(db, verified_worker["id"])

    with pytest.raises(NotAllowed):
        save(verified_worker)

    assert workers.get_profile(db, verified_worker["id"]) == before


# --- what the public sees --------------------------------------------------------------------------

PUBLIC_KEYS = {
    "user_id",
    "display_name",
    "taking_jobs",
    "categories",
    "bio",
    "service_radius_km",
    "rate_fen",
    "area_lat",
    "area_lon",
    "area_label",
    "availability",
    "verified",
    "rating_count",
    "rating_average",
    "rating_total",
    "completed",
    "score",
    "photos",
    "reliability",
}


def test_public_profile_holds_no_contact_id_or_exact_position(db, save, organizer, verified_worker, now):
    save(verified_worker)
    workers.add_photo(db, verified_worker, samples.picture("Shelf"), "A shelf I put up", now)
    account = db["users"].get(verified_worker["id"])
    check = verification.latest(db, verified_worker["id"], organizer)
    id_hash = db["id_checks"].get(check["id"])["id_hash"]

    profile = workers.public_profile(db, verified_worker["id"], now=SEEN)

    assert set(profile) == PUBLIC_KEYS
    assert (profile["display_name"], profile["verified"], profile["area_label"]) == (
        "Verified Worker",
        True,
        "Near the east gate",
    )
    shown = repr(profile)
    private = [
        account["phone"],
        account["email"],
        account["password_hash"],
        account["username"],
        check["real_name"],
        check["id_last4"],
        id_hash,
        repr(CLICK[0]),
        repr(CLICK[1]),
    ]
    assert account["phone"] == "+86 138 0000 0000" and check["real_name"] == "Verified Worker (real)"
    # Whole values only: a random photo name may hold "0033" and a fuzzed longitude starts "121.4737…"
    # (both random by design), which is not the ID number's last digits or the exact place.
    whole = [rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])" for value in private]
    assert [value for value, pattern in zip(private, whole, strict=True) if re.search(pattern, shown)] == []


@pytest.mark.parametrize("who", ["stranger", "poster"])
def test_public_profile_of_someone_without_a_worker_profile_is_not_found(db, people, who):
    with pytest.raises(NotFound):
        workers.public_profile(db, people[who]["id"], now=SEEN)


def test_public_profile_of_a_blocked_worker_is_not_found(db, organizer, verified_worker, now):
    users.set_blocked(db, organizer, verified_worker["id"], True, now)

    with pytest.raises(NotFound):
        workers.public_profile(db, verified_worker["id"], now=SEEN)


def test_public_profile_of_a_missing_user_is_not_found(db):
    with pytest.raises(NotFound):
        workers.public_profile(db, 999_999, now=SEEN)


# --- portfolio photos ------------------------------------------------------------------------------


def stored_files(db) -> list[str]:
    return sorted(path.name for path in uploads.folder(db, "public").iterdir())


def test_worker_adds_up_to_six_photos_with_captions(db, verified_worker, now):
    ids = [
        workers.add_photo(db, verified_worker, samples.picture(f"Job {i}", samples.COLOURS[i]), f"Job {i}", now)
        for i in range(workers.MAX_PHOTOS)
    ]

    photos = workers.photos(db, verified_worker["id"])
    assert [(p["id"], p["caption"]) for p in photos] == [(i, f"Job {n}") for n, i in enumerate(ids)]
    assert stored_files(db) == sorted(p["file"] for p in photos)
    assert workers.photo_bytes(db, photos[0]).startswith(b"\xff\xd8")  # stored as a JPEG
    assert [p["id"] for p in workers.public_profile(db, verified_worker["id"], now=SEEN)["photos"]] == ids


def test_the_same_filling_in_of_the_photo_form_adds_one_photo_and_one_file(db, verified_worker, now):
    picture = samples.picture("shelf")
    first = workers.add_photo(db, verified_worker, picture, "Shelf", now, key="filling-1")
    again = workers.add_photo(db, verified_worker, picture, "Shelf", now, key="filling-1")  # a double click
    other = workers.add_photo(db, verified_worker, picture, "Shelf", now, key="filling-2")  # the next one

    assert first == again != other
    assert len(workers.photos(db, verified_worker["id"])) == 2
    assert len(list(uploads.folder(db, "public").iterdir())) == 2  # the repeat left no file behind


def test_seventh_photo_is_refused_and_leaves_no_file(db, verified_worker, now):
    for i in range(workers.MAX_PHOTOS):
        workers.add_photo(db, verified_worker, samples.picture(f"Job {i}"), "", now)
    files = stored_files(db)

    with pytest.raises(ValidationError) as refused:
        workers.add_photo(db, verified_worker, samples.picture("One too many"), "Seventh", now)

    assert (refused.value.field, refused.value.key, refused.value.params) == (
        "photo",
        "error.too_many_photos",
        {"max": 6},
    )
    assert len(workers.photos(db, verified_worker["id"])) == workers.MAX_PHOTOS
    assert stored_files(db) == files


def test_each_worker_has_their_own_six_photos(db, verified_worker, second_worker, now):
    for i in range(workers.MAX_PHOTOS):
        workers.add_photo(db, verified_worker, samples.picture(f"Job {i}"), "", now)

    assert workers.add_photo(db, second_worker, samples.picture("Mine"), "", now)


@pytest.mark.parametrize(
    "data, caption, field, key",
    [
        (b"not a picture", "", "photo", "error.upload_not_image"),
        (None, "x" * 81, "caption", "error.too_long"),
    ],
    ids=["not-a-picture", "caption-too-long"],
)
def test_bad_photo_is_refused_and_stores_nothing(db, verified_worker, now, data, caption, field, key):
    with pytest.raises(ValidationError) as refused:
        workers.add_photo(db, verified_worker, data or samples.picture("Fine"), caption, now)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert workers.photos(db, verified_worker["id"]) == []
    assert stored_files(db) == []


def test_owner_removes_a_photo_and_its_file(db, verified_worker, now):
    keep = workers.add_photo(db, verified_worker, samples.picture("Keep"), "Keep", now)
    gone = workers.add_photo(db, verified_worker, samples.picture("Gone"), "Gone", now)
    gone_file = db["worker_photos"].get(gone)["file"]

    workers.remove_photo(db, verified_worker, gone)

    assert [p["id"] for p in workers.photos(db, verified_worker["id"])] == [keep]
    assert not (uploads.folder(db, "public") / gone_file).exists()
    assert stored_files(db) == [db["worker_photos"].get(keep)["file"]]


@pytest.mark.parametrize("who", ["second_worker", "poster", "organizer"])
def test_nobody_else_removes_a_workers_photo(db, people, now, who):
    photo = workers.add_photo(db, people["verified_worker"], samples.picture("Mine"), "Mine", now)
    files = stored_files(db)

    with pytest.raises(NotAllowed):
        workers.remove_photo(db, people[who], photo)

    assert [p["id"] for p in workers.photos(db, people["verified_worker"]["id"])] == [photo]
    assert stored_files(db) == files


def test_removing_a_missing_photo_raises_not_found(db, verified_worker):
    with pytest.raises(NotFound):
        workers.remove_photo(db, verified_worker, 999_999)


# --- reliability -------------------------------------------------------------------------------------

# What happens to one grab job the worker takes, as (action, who) steps after it is posted.
STORIES = {
    "completed": (("claim", "worker"), ("start", "worker"), ("finish", "worker"), ("confirm", "poster")),
    "auto_confirmed": (("claim", "worker"), ("start", "worker"), ("finish", "worker"), ("auto_confirm", "clock")),
    "released": (("claim", "worker"), ("release", "worker")),
    "cancelled_by_poster": (("claim", "worker"), ("cancel", "poster")),
    "under_way": (("claim", "worker"), ("start", "worker")),
    "done": (("claim", "worker"), ("start", "worker"), ("finish", "worker")),
    "released_then_completed": (
        ("claim", "worker"),
        ("release", "worker"),
        ("claim", "worker"),
        ("start", "worker"),
        ("finish", "worker"),
        ("confirm", "poster"),
    ),
}


def live(db, people, worker, stories, now):
    """Post one job per story and drive it through the story's steps with `worker` as the worker."""
    actors = {"worker": worker, "poster": people["poster"], "clock": jobs.CLOCK}
    for story in stories:
        job_id = jobs.post(db, people["poster"], **valid_job_fields(now))
        for action, who in STORIES[story]:
            jobs.act(db, job_id, action, actors[who], now=now)


# (the worker's history, (assigned, released, completed, completion_rate, shown))
HISTORIES = {
    "nothing-yet": ([], (0, 0, 0, None, False)),
    "four-completed-not-shown": (["completed"] * 4, (4, 0, 4, 1.0, False)),
    "five-completed-shown": (["completed"] * 5, (5, 0, 5, 1.0, True)),
    "mixed": (["completed"] * 3 + ["released", "cancelled_by_poster"], (5, 1, 3, 0.75, True)),
    "only-releases": (["released"] * 4, (4, 4, 0, 0.0, False)),
    "poster-cancellations-not-counted": (["cancelled_by_poster"] * 2 + ["completed"] * 2, (4, 0, 2, 1.0, False)),
    "only-poster-cancellations": (["cancelled_by_poster"] * 5, (5, 0, 0, None, True)),
    "jobs-under-way-not-counted": (["under_way", "done", "completed"], (3, 0, 1, 1.0, False)),
    "auto-confirmed-counts-as-completed": (["auto_confirmed"], (1, 0, 1, 1.0, False)),
    "same-job-released-then-completed": (["released_then_completed"], (2, 1, 1, 0.5, False)),
}


@pytest.mark.parametrize("stories, expected", HISTORIES.values(), ids=HISTORIES.keys())
def test_reliability_from_a_fixed_history(db, people, now, stories, expected):
    live(db, people, people["verified_worker"], stories, now)

    standing = workers.reliability(db, people["verified_worker"]["id"])

    keys = ("assigned", "released", "completed", "completion_rate", "shown")
    assert tuple(standing[key] for key in keys) == expected
    assert workers.public_profile(db, people["verified_worker"]["id"], now=SEEN)["reliability"] == standing


def test_reliability_is_shown_from_the_fifth_assignment(db, people, now):
    worker = people["verified_worker"]
    live(db, people, worker, ["released"] * (workers.RELIABILITY_MIN_ASSIGNED - 1), now)
    assert workers.reliability(db, worker["id"])["shown"] is False

    live(db, people, worker, ["under_way"], now)

    assert workers.reliability(db, worker["id"])["shown"] is True


def test_a_release_counts_against_the_worker_who_released_not_the_one_who_finished(db, people, post_job, now):
    job_id = post_job()
    jobs.act(db, job_id, "claim", people["verified_worker"], now=now)
    jobs.act(db, job_id, "release", people["verified_worker"], now=now)
    for action, who in (("claim", "second_worker"), ("start", "second_worker"), ("finish", "second_worker")):
        jobs.act(db, job_id, action, people[who], now=now)
    jobs.act(db, job_id, "confirm", people["poster"], now=now)

    first = workers.reliability(db, people["verified_worker"]["id"])
    second = workers.reliability(db, people["second_worker"]["id"])

    assert (first["assigned"], first["released"], first["completed"], first["completion_rate"]) == (1, 1, 0, 0.0)
    assert (second["assigned"], second["released"], second["completed"], second["completion_rate"]) == (1, 0, 1, 1.0)


# --- ranking -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stars_total, count, score",
    [
        (0, 0, 4.0),  # nobody rated yet: the prior
        (5, 1, (5 * 4 + 5) / 6),  # one 5-star rating: 4.17
        (40 * 4.8, 40, (20 + 192) / 45),  # forty 4.8s: 4.71
        (1, 1, (20 + 1) / 6),
        (500, 100, (20 + 500) / 105),
    ],
    ids=["no-ratings", "one-five-star", "forty-4.8s", "one-one-star", "hundred-five-stars"],
)
def test_bayesian_score(stars_total, count, score):
    assert (workers.PRIOR_STARS, workers.PRIOR_WEIGHT) == (4.0, 5)
    assert workers.bayesian_score(stars_total, count) == pytest.approx(score)


def test_many_good_ratings_outrank_a_single_perfect_one():
    assert workers.bayesian_score(40 * 4.8, 40) > workers.bayesian_score(5, 1)


def complete_jobs(db, people, who, now, stars=()):
    """`who` completes one grab job per entry of `stars`; the poster rates each (None: no rating)."""
    for rating in stars:
        job_id = jobs.post(db, people["poster"], **valid_job_fields(now))
        for action, actor in (("claim", who), ("start", who), ("finish", who), ("confirm", "poster")):
            jobs.act(db, job_id, action, people[actor], now=now)
        if rating is not None:
            reviews.rate(db, people["poster"], job_id, stars=rating, now=now)


def names(rows) -> list[str]:
    return [row["display_name"] for row in rows]


def test_directory_ranks_many_good_ratings_above_one_perfect_rating(db, people, now):
    complete_jobs(db, people, "verified_worker", now, stars=[5])
    complete_jobs(db, people, "second_worker", now, stars=[5] * 8 + [4] * 2)  # ten ratings averaging 4.8

    rows = workers.directory(db, now=SEEN)

    assert names(rows) == ["Second Worker", "Verified Worker"]
    assert [(r["rating_count"], r["rating_average"], r["completed"]) for r in rows] == [(10, 4.8, 10), (1, 5.0, 1)]
    assert [r["score"] for r in rows] == [pytest.approx((20 + 48) / 15), pytest.approx(25 / 6)]


def test_directory_breaks_a_tie_by_name(db):
    assert names(workers.directory(db, now=SEEN)) == ["Second Worker", "Verified Worker"]


def test_directory_breaks_a_tie_by_completed_jobs_before_name(db, people, now):
    complete_jobs(db, people, "verified_worker", now, stars=[None])

    assert names(workers.directory(db, now=SEEN)) == ["Verified Worker", "Second Worker"]


def test_equal_scores_rank_by_completed_jobs_whatever_the_ratings(db, people, now):
    complete_jobs(db, people, "verified_worker", now, stars=[4])  # (20 + 4) / 6 = 4.0, one job
    complete_jobs(db, people, "second_worker", now, stars=[None, None])  # no ratings: 4.0, two jobs

    rows = workers.directory(db, now=SEEN)

    assert [r["score"] for r in rows] == [4.0, 4.0]
    assert names(rows) == ["Second Worker", "Verified Worker"]


def test_directory_filters_by_category(db, second_worker, now):
    workers.set_taking_jobs(db, second_worker, taking_jobs=True, categories=["pets"], now=now)

    assert names(workers.directory(db, now=SEEN, category="pets")) == ["Second Worker"]
    assert names(workers.directory(db, now=SEEN, category="moving")) == ["Verified Worker"]
    assert names(workers.directory(db, now=SEEN, category="cleaning")) == []


def test_directory_filters_by_availability(db, save, verified_worker, second_worker):
    save(verified_worker, availability=["weekdays_morning", "weekends_morning"])
    save(second_worker, availability=["weekends_evening", "weekends_morning"])

    assert names(workers.directory(db, now=SEEN, slot="weekdays_morning")) == ["Verified Worker"]
    assert names(workers.directory(db, now=SEEN, slot="weekends_evening")) == ["Second Worker"]
    assert names(workers.directory(db, now=SEEN, slot="weekends_morning")) == ["Second Worker", "Verified Worker"]
    assert names(workers.directory(db, now=SEEN, slot="weekdays_afternoon")) == []


def test_directory_near_a_point_lists_workers_whose_radius_reaches_it(db, save, verified_worker, second_worker):
    save(verified_worker, area=CLICK, service_radius_km=1)
    inside = CLICK  # at most 0.4 km from the stored area
    outside = (CLICK[0] - 2_000 / METRES_PER_DEGREE, CLICK[1])  # at least 1.6 km from it

    # second_worker has no area yet: never near anything
    near_inside = workers.directory(db, now=SEEN, near=inside)
    assert names(near_inside) == ["Verified Worker"]
    assert near_inside[0]["distance_km"] <= 0.4 + 1e-9
    assert names(workers.directory(db, now=SEEN, near=outside)) == []

    save(second_worker, area=CENTER, service_radius_km=5)

    assert names(workers.directory(db, now=SEEN, near=outside)) == ["Second Worker"]
    assert names(workers.directory(db, now=SEEN, near=inside)) == ["Second Worker", "Verified Worker"]
    assert [r["distance_km"] for r in workers.directory(db, now=SEEN)] == [None, None]


def test_people_who_are_not_verified_workers_are_never_listed(db, save, unverified_worker, stranger, now):
    save(unverified_worker)
    save(stranger)
    workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=["moving"], now=now)

    assert names(workers.directory(db, now=SEEN)) == ["Second Worker", "Verified Worker"]
    assert names(workers.directory(db, now=SEEN, category="moving", near=CLICK, slot="weekdays_evening")) == []


def stop(db, people, how, now):
    worker = people["verified_worker"]
    if how == "not-taking-jobs":
        workers.set_taking_jobs(db, worker, taking_jobs=False, categories=["moving"], now=now)
    elif how == "blocked":
        users.set_blocked(db, people["organizer"], worker["id"], True, now)
    elif how == "verification-revoked":
        verification.revoke(db, people["organizer"], worker["id"], reason="Not their ID card", now=now)


@pytest.mark.parametrize("how", ["not-taking-jobs", "blocked", "verification-revoked"])
def test_worker_who_stopped_being_available_is_not_listed(db, people, save, now, how):
    save(people["verified_worker"])
    complete_jobs(db, people, "verified_worker", now, stars=[5])

    stop(db, people, how, now + timedelta(minutes=1))

    assert names(workers.directory(db, now=SEEN)) == ["Second Worker"]
    assert names(workers.directory(db, now=SEEN, near=CLICK)) == []

"""What both benchmarks start from: a community with its organizer and one poster, made through the
real services, and a way to register more people."""

from services import community, users

CENTER = (31.2304, 121.4737)
PASSWORD = "bench passphrase"


def person(db, username: str, display_name: str, now) -> dict:
    return users.get(
        db, users.register(db, username=username, display_name=display_name, password=PASSWORD, language="en", now=now)
    )


def community_with_poster(db, *, name: str, radius_km: float, now) -> tuple[dict, dict]:
    """Set up the community at CENTER; returns (organizer, poster)."""
    organizer_id = community.set_up(
        db,
        name=name,
        lat=CENTER[0],
        lon=CENTER[1],
        radius_km=radius_km,
        language="en",
        now=now,
        organizer={"username": "organizer", "display_name": "Organizer", "password": PASSWORD},
    )
    return users.get(db, organizer_id), person(db, "poster", "Poster", now)

"""What both benchmarks start from: a community with its organizer and one poster, made through the
real services, and a way to register more people."""

from services import community, ledger, users
from services.validate import MAX_PRICE_FEN

CENTER = (31.2304, 121.4737)
PASSWORD = "bench passphrase"
MAX_TOP_UP_YUAN = MAX_PRICE_FEN // 100


def person(db, username: str, display_name: str, now) -> dict:
    return users.get(
        db, users.register(db, username=username, display_name=display_name, password=PASSWORD, language="en", now=now)
    )


def community_with_poster(db, *, name: str, radius_km: float, now, credit_yuan: int = 100_000) -> tuple[dict, dict]:
    """Set up the community at CENTER and a poster with `credit_yuan` in their wallet (paid jobs set
    their price aside when posted); returns (organizer, poster)."""
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
    organizer, poster = users.get(db, organizer_id), person(db, "poster", "Poster", now)
    for chunk in range(0, credit_yuan, MAX_TOP_UP_YUAN):  # one top-up is at most MAX_PRICE_FEN
        amount = min(MAX_TOP_UP_YUAN, credit_yuan - chunk)
        ledger.top_up(db, organizer, poster["id"], str(amount), key=f"bench-credit-{chunk}", again=True, now=now)
    return organizer, poster

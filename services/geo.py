"""Distances and the fuzzed public location of a job."""

import math
import random
import secrets

from .errors import ValidationError
from .validate import Typed

EARTH_RADIUS_KM = 6371.0088
FUZZ_MIN_M = 150
FUZZ_MAX_M = 400
# The circle drawn around a public point must contain the true point: fuzz offset + margin.
PUBLIC_CIRCLE_M = FUZZ_MAX_M + 100


def check_lat_lon(lat: Typed, lon: Typed, field: str = "location") -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationError(field, "error.location_missing") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise ValidationError(field, "error.location_missing")
    return lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


_RANDOM = secrets.SystemRandom()


def fuzz(lat: float, lon: float, rng: random.Random = _RANDOM) -> tuple[float, float]:
    """A point 150–400 m from (lat, lon) in a random direction.

    Drawn once when the job is posted and stored, so it is stable per job and cannot be averaged
    away by reloading; a cryptographic RNG so it cannot be predicted from the job id.
    """
    distance_m = rng.uniform(FUZZ_MIN_M, FUZZ_MAX_M)
    bearing = rng.uniform(0, 2 * math.pi)
    metres_per_degree = math.radians(1) * EARTH_RADIUS_KM * 1000  # the sphere distance_km() measures on
    dlat = distance_m * math.cos(bearing) / metres_per_degree
    dlon = distance_m * math.sin(bearing) / (metres_per_degree * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon

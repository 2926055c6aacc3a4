"""UK postcodes to postcode districts (outward codes), district centroids, and distances, all offline.

A district's centroid is the mean latitude and longitude of the directory's own locations in it, read from
data/postcode_districts.csv. That table is generated from the bundled feeds (no coordinates are typed in):

    python -m knowledge_base.directory.postcode_districts            # the bundled feeds
    python -m knowledge_base.directory.postcode_districts FEED ...   # a council's own feeds
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
TABLE = DATA_DIR / "postcode_districts.csv"
# A full postcode ("LS12 3QT", "ls123qt") or a district alone ("LS12", "SW1A"); the API documents this pattern.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s*(?:[0-9][A-Za-z]{2})?\s*$"
POSTCODE = re.compile(r"^\s*(?P<outward>[A-Za-z]{1,2}[0-9][0-9A-Za-z]?)\s*(?P<inward>[0-9][A-Za-z]{2})?\s*$")
# Coordinates outside Great Britain and Northern Ireland are feed mistakes (the official example says
# latitude 100); they must not pull a district's centroid.
UK_LATITUDES, UK_LONGITUDES = (49.0, 61.0), (-8.7, 2.0)
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


@dataclass(frozen=True)
class Centroid:
    latitude: float
    longitude: float
    locations: int  # how many directory locations the mean is taken over


def outward_code(postcode: str) -> str | None:
    """"LS12 3QT" -> "LS12"; a district alone is accepted; None when it is not a UK postcode shape."""
    match = POSTCODE.match(postcode or "")
    return match.group("outward").upper() if match else None


def in_uk(latitude: float | None, longitude: float | None) -> bool:
    return (latitude is not None and longitude is not None and UK_LATITUDES[0] <= latitude <= UK_LATITUDES[1]
            and UK_LONGITUDES[0] <= longitude <= UK_LONGITUDES[1])


def district_centroids(locations: Iterable[tuple[str, float | None, float | None]]) -> dict[str, Centroid]:
    """Mean position per outward code of (postcode, latitude, longitude) rows; each location counted once."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for postcode, latitude, longitude in locations:
        district = outward_code(postcode)
        if district and in_uk(latitude, longitude):
            points[district].append((latitude, longitude))
    return {district: Centroid(round(sum(p[0] for p in rows) / len(rows), 6),
                               round(sum(p[1] for p in rows) / len(rows), 6), len(rows))
            for district, rows in sorted(points.items())}


@cache
def bundled_centroids() -> dict[str, Centroid]:
    with TABLE.open(newline="") as handle:
        return {row["district"]: Centroid(float(row["latitude"]), float(row["longitude"]), int(row["locations"]))
                for row in csv.DictReader(handle)}


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance; well within a metre of the truth at a district's scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def feed_locations(sources: Iterable[str]) -> list[tuple[str, float | None, float | None]]:
    """(postcode, latitude, longitude) of each distinct location in ORUK feeds, parsed as the importer does."""
    from knowledge_base.directory.fetch import load_feed
    from knowledge_base.directory.fields import RecordError
    from knowledge_base.directory.importer import parse_record

    by_id: dict[str, tuple[str, float | None, float | None]] = {}
    for source in sources:
        for raw in load_feed(source):
            try:
                service = parse_record(raw)
            except RecordError:
                continue  # the importer reports these; a bad record has no place to lend
            for loc in service["locations"]:
                by_id[loc["id"]] = (loc["postal_code"], loc["latitude"], loc["longitude"])
    return list(by_id.values())


def bundled_feeds() -> list[str]:
    from core.areas import AREAS
    from knowledge_base.directory.bundled import bundled_feed

    return [str(bundled_feed(area)) for area in AREAS if bundled_feed(area).exists()]


def table_text(centroids: dict[str, Centroid]) -> str:
    lines = ["district,latitude,longitude,locations"]
    lines += [f"{d},{c.latitude:.6f},{c.longitude:.6f},{c.locations}" for d, c in centroids.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    sources = argv or bundled_feeds()
    centroids = district_centroids(feed_locations(sources))
    TABLE.write_text(table_text(centroids))
    print(f"{len(centroids)} postcode districts from {len(sources)} feed(s) written to {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

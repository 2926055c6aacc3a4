"""Towns, districts and postcode districts parents mention, mapped to a pilot area and a rough point."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str
    area: str
    lat: float | None = None  # None: the whole area (e.g. "Leeds"), no nearest-hub ordering
    lng: float | None = None


L, HF, LCR = "leeds", "hammersmith-fulham", "liverpool-city-region"
PLACES: dict[str, tuple[str, float | None, float | None]] = {
    "leeds": (L, None, None), "armley": (L, 53.798, -1.589), "chapeltown": (L, 53.818, -1.530),
    "seacroft": (L, 53.822, -1.460), "beeston": (L, 53.775, -1.558), "harehills": (L, 53.808, -1.512),
    "headingley": (L, 53.819, -1.578), "holbeck": (L, 53.788, -1.560), "bramley": (L, 53.805, -1.634),
    "kirkstall": (L, 53.816, -1.603), "roundhay": (L, 53.835, -1.500), "hunslet": (L, 53.779, -1.532),
    "burmantofts": (L, 53.803, -1.521), "gipton": (L, 53.817, -1.488), "crossgates": (L, 53.806, -1.451),
    "cross gates": (L, 53.806, -1.451), "morley": (L, 53.741, -1.599), "pudsey": (L, 53.796, -1.662),
    "horsforth": (L, 53.840, -1.640), "meanwood": (L, 53.830, -1.570), "middleton": (L, 53.749, -1.548),
    "hammersmith and fulham": (HF, None, None), "hammersmith & fulham": (HF, None, None),
    "fulham": (HF, 51.474, -0.205), "hammersmith": (HF, 51.493, -0.224), "white city": (HF, 51.512, -0.226),
    "shepherd's bush": (HF, 51.504, -0.222), "shepherds bush": (HF, 51.504, -0.222),
    "parsons green": (HF, 51.475, -0.201), "sands end": (HF, 51.475, -0.185), "brook green": (HF, 51.496, -0.214),
    "wormholt": (HF, 51.514, -0.237), "ravenscourt park": (HF, 51.494, -0.236), "west kensington": (HF, 51.490, -0.206),
    "liverpool city region": (LCR, None, None), "merseyside": (LCR, None, None), "liverpool": (LCR, 53.408, -2.979),
    "toxteth": (LCR, 53.391, -2.969), "everton": (LCR, 53.421, -2.968), "anfield": (LCR, 53.431, -2.961),
    "walton": (LCR, 53.446, -2.963), "garston": (LCR, 53.357, -2.901), "speke": (LCR, 53.345, -2.857),
    "bootle": (LCR, 53.446, -2.992), "sefton": (LCR, 53.470, -3.000), "crosby": (LCR, 53.488, -3.030),
    "litherland": (LCR, 53.470, -2.998), "southport": (LCR, 53.645, -3.010), "kirkby": (LCR, 53.483, -2.892),
    "knowsley": (LCR, 53.455, -2.850), "huyton": (LCR, 53.411, -2.840), "prescot": (LCR, 53.429, -2.800),
    "birkenhead": (LCR, 53.393, -3.015), "wirral": (LCR, 53.380, -3.050), "wallasey": (LCR, 53.423, -3.065),
    "bebington": (LCR, 53.350, -3.000), "st helens": (LCR, 53.453, -2.737), "saint helens": (LCR, 53.453, -2.737),
    "widnes": (LCR, 53.361, -2.733), "halton": (LCR, 53.340, -2.710), "runcorn": (LCR, 53.342, -2.730),
}
# Postcode districts with a rough centre; other districts in a pilot area's range map to the area only.
OUTWARD: dict[str, tuple[float, float]] = {
    "LS7": (53.818, -1.530), "LS8": (53.825, -1.505), "LS9": (53.800, -1.510), "LS11": (53.775, -1.558),
    "LS12": (53.795, -1.590), "LS13": (53.805, -1.630), "LS14": (53.822, -1.455), "LS15": (53.805, -1.445),
    "LS6": (53.822, -1.575), "LS10": (53.765, -1.530), "SW6": (51.476, -0.200), "W6": (51.492, -0.226),
    "W12": (51.508, -0.230), "W14": (51.493, -0.210), "L20": (53.450, -2.990), "L32": (53.482, -2.890),
    "L8": (53.390, -2.965), "CH41": (53.392, -3.020), "WA10": (53.453, -2.745), "WA8": (53.365, -2.735),
}
POSTCODE = re.compile(r"\b(LS\d{1,2}|SW6|W6|W12|W14|L\d{1,2}|CH4[1-9]|CH6[0-6]|WA[7-9]|WA1[01]|PR[89])(?:\s*\d[A-Z]{2})?\b", re.I)
NAMES = re.compile(r"\b(" + "|".join(sorted((re.escape(n) for n in PLACES), key=len, reverse=True)) + r")\b", re.I)


def area_of_postcode(outward: str) -> str:
    return L if outward.startswith("LS") else HF if outward[0] in "SW" else LCR


def find_place(text: str) -> Place | None:
    """The most specific place named in the message: a postcode district, else a town or district."""
    code = POSTCODE.search(text)
    if code:
        outward = code.group(1).upper()
        lat, lng = OUTWARD.get(outward, (None, None))
        return Place(outward, area_of_postcode(outward), lat, lng)
    names = [m.group(1).lower() for m in NAMES.finditer(text)]
    # Prefer a place with a point ("Wirral") over a whole area ("Liverpool city region") if both appear.
    names.sort(key=lambda n: PLACES[n][1] is None)
    if not names:
        return None
    area, lat, lng = PLACES[names[0]]
    return Place(names[0].title(), area, lat, lng)


def km_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    dlat, dlng = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlng / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))

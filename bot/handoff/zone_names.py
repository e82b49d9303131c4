"""What a place or zone name means as a time zone: "london", "germany", "est", "eastern".

Data first, from the tz database that zoneinfo itself reads (the `tzdata` package):
- cities are the last part of the IANA names (Europe/London -> "london", America/New_York
  -> "new york"), plus the old names the database keeps as links (Asia/Calcutta, so
  "calcutta" -> Asia/Kolkata; Europe/Kiev -> Europe/Kyiv);
- countries are iso3166.tab's names ("Britain (UK)", "Korea (South)"), their zones
  zone.tab's. A country whose zones all keep the same clock the whole year is one zone
  (Germany: Berlin and Busingen -> Europe/Berlin, listed first); otherwise the name is
  *undecided* and the bot asks which (the US, Canada, Australia, Russia...).
Hand tables only where the database has nothing: the abbreviations people type (EST,
CET, IST), the US regions ("eastern", "pacific time"), everyday country names (UK, USA,
Holland), states and provinces, big cities that are not zone names (San Francisco,
Mumbai, Munich), the country a multi-zone country's people nearly all mean (China ->
Shanghai, Spain -> Madrid), and the database words that are also English words or first
names ("wake", "christmas", "regina"), which are left out. Every zone named here is
checked against the database by the tests.

Ambiguous abbreviations, decided (and said back to the visitor with the other meanings):
IST -> Asia/Kolkata (India's is by far the commonest use; Israel and Ireland offered),
CST -> America/Chicago (China offered), BST -> Europe/London (Bangladesh offered),
AST -> America/Halifax (Arabia offered), MST -> America/Denver (Arizona offered).
GMT and UTC alone mean UTC, what the letters say: a Londoner gets London's summer time by
naming London or the UK.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

Kind = Literal["iana", "city", "country", "region", "abbreviation", "none"]
# When a name counts: "anywhere"; "caps" typed in capitals (EST) or with a cue; "cue" only
# with a cue ("in Jordan", "Berlin time", or the reply is the name alone); "clock" only
# with a clock word after it or alone (ET, PT: "CT" is also Connecticut); "upper" only in
# capitals ("US": "us" is a word).
Needs = Literal["anywhere", "caps", "cue", "clock", "upper"]

MAX_PHRASE = 6  # words in the longest name ("south georgia and the south sandwich islands")
AREAS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Name:
    """What a name means: `zones[0]` if decided (the rest are its other meanings, said
    back to the visitor), else the zones to ask about."""

    zones: tuple[str, ...]
    kind: Kind
    needs: Needs = "cue"
    decided: bool = True


def word_key(word: str) -> str:
    """A word as the tables spell it: no accents, lower case, no apostrophe, "saint" -> "st"."""
    plain = unicodedata.normalize("NFKD", word)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = plain.replace("'", "").replace("’", "")
    return "st" if plain == "saint" else plain


def words(text: str) -> list[re.Match[str]]:
    """The words of `text` (letters, an inner apostrophe): linear, no backtracking."""
    return list(_WORD.finditer(text))


def phrase(text: str) -> tuple[str, ...]:
    return tuple(word_key(m.group()) for m in words(text.replace("_", " ")))


# --- hand tables: only what the tz database does not have ---------------------------------

NY, CHI, DEN, LA = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"

# abbreviation -> zones (first: the meaning taken), needs
ABBREVIATIONS: dict[str, tuple[tuple[str, ...], Needs]] = {
    "utc": (("UTC",), "anywhere"), "gmt": (("UTC",), "anywhere"),
    "est": ((NY,), "caps"), "edt": ((NY,), "anywhere"), "et": ((NY,), "clock"),
    "cst": ((CHI, "Asia/Shanghai"), "caps"), "cdt": ((CHI,), "anywhere"), "ct": ((CHI,), "clock"),
    "mst": ((DEN, "America/Phoenix"), "caps"), "mdt": ((DEN,), "anywhere"),
    "mt": ((DEN,), "clock"), "pst": ((LA,), "anywhere"), "pdt": ((LA,), "anywhere"),
    "pt": ((LA,), "clock"), "akst": (("America/Anchorage",), "anywhere"),
    "akdt": (("America/Anchorage",), "anywhere"), "hst": (("Pacific/Honolulu",), "clock"),
    "ast": (("America/Halifax", "Asia/Riyadh"), "caps"), "adt": (("America/Halifax",), "caps"),
    "nst": (("America/St_Johns",), "caps"), "ndt": (("America/St_Johns",), "caps"),
    "bst": (("Europe/London", "Asia/Dhaka"), "caps"),
    "ist": (("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"), "caps"),
    "wet": (("Europe/Lisbon",), "caps"), "cet": (("Europe/Berlin",), "caps"),
    "cest": (("Europe/Berlin",), "caps"), "eet": (("Europe/Athens",), "caps"),
    "eest": (("Europe/Athens",), "caps"), "msk": (("Europe/Moscow",), "caps"),
    "trt": (("Europe/Istanbul",), "caps"), "gst": (("Asia/Dubai",), "clock"),
    "pkt": (("Asia/Karachi",), "caps"), "npt": (("Asia/Kathmandu",), "caps"),
    "ict": (("Asia/Bangkok",), "clock"), "wib": (("Asia/Jakarta",), "caps"),
    "sgt": (("Asia/Singapore",), "caps"), "hkt": (("Asia/Hong_Kong",), "anywhere"),
    "pht": (("Asia/Manila",), "caps"), "jst": (("Asia/Tokyo",), "anywhere"),
    "kst": (("Asia/Seoul",), "anywhere"),
    "aest": (("Australia/Sydney", "Australia/Brisbane"), "anywhere"),
    "aedt": (("Australia/Sydney",), "anywhere"),
    "acst": (("Australia/Adelaide", "Australia/Darwin"), "anywhere"),
    "acdt": (("Australia/Adelaide",), "anywhere"), "awst": (("Australia/Perth",), "anywhere"),
    "nzst": (("Pacific/Auckland",), "anywhere"), "nzdt": (("Pacific/Auckland",), "anywhere"),
    "sast": (("Africa/Johannesburg",), "anywhere"), "cat": (("Africa/Maputo",), "caps"),
    "eat": (("Africa/Nairobi",), "caps"), "wat": (("Africa/Lagos",), "caps"),
    "brt": (("America/Sao_Paulo",), "anywhere"),
    "art": (("America/Argentina/Buenos_Aires",), "caps"),
    "clt": (("America/Santiago",), "anywhere"), "cot": (("America/Bogota",), "caps"),
    "pet": (("America/Lima",), "caps"),
}  # fmt: skip

# Regions and clock names in words (need a cue: "on eastern", "pacific time", or alone).
REGIONS: dict[str, str] = {
    "eastern": NY, "us eastern": NY, "east coast": NY, "eastern standard time": NY,
    "eastern daylight time": NY, "central": CHI, "us central": CHI,
    "central standard time": CHI, "central daylight time": CHI, "mountain": DEN,
    "us mountain": DEN, "mountain standard time": DEN, "mountain daylight time": DEN,
    "pacific": LA, "us pacific": LA, "west coast": LA, "pacific standard time": LA,
    "pacific daylight time": LA, "atlantic": "America/Halifax", "alaska time": "America/Anchorage",
    "central european": "Europe/Berlin", "central europe": "Europe/Berlin",
    "central european summer time": "Europe/Berlin", "eastern european": "Europe/Athens",
    "eastern europe": "Europe/Athens", "western european": "Europe/Lisbon",
    "british": "Europe/London", "british summer time": "Europe/London", "irish": "Europe/Dublin",
    "indian standard time": "Asia/Kolkata", "indian": "Asia/Kolkata",
    "greenwich mean time": "UTC", "coordinated universal time": "UTC", "universal time": "UTC",
    "zulu": "UTC", "gulf standard time": "Asia/Dubai", "arabia standard time": "Asia/Riyadh",
    "australian eastern": "Australia/Sydney", "australian central": "Australia/Adelaide",
    "australian western": "Australia/Perth", "eastern australia": "Australia/Sydney",
}  # fmt: skip

# Everyday names of countries the ISO list spells otherwise (-> ISO 3166 code).
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u k": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "usa": "US", "u s a": "US",
    "u s": "US", "united states of america": "US", "america": "US", "the states": "US",
    "holland": "NL", "the netherlands": "NL", "uae": "AE", "emirates": "AE", "czechia": "CZ",
    "ivory coast": "CI", "macedonia": "MK", "east timor": "TL", "bosnia": "BA",
    "trinidad": "TT", "turkiye": "TR", "burma": "MM", "swaziland": "SZ",
    "the philippines": "PH", "vatican": "VA", "the bahamas": "BS",
}  # fmt: skip
# "US" in capitals only: "us" is a word.
CAPS_COUNTRIES = {"us": "US"}

# The zone nearly everyone in a country with several clocks means.
MAIN_ZONE: dict[str, str] = {
    "CN": "Asia/Shanghai", "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "UA": "Europe/Kyiv",
    "NZ": "Pacific/Auckland", "CL": "America/Santiago", "EC": "America/Guayaquil",
    "BR": "America/Sao_Paulo",
}  # fmt: skip
# For the big countries with several clocks, the zones to name first when the bot asks.
ASK_FIRST: dict[str, tuple[str, ...]] = {
    "CA": ("America/Toronto", "America/Winnipeg", "America/Edmonton", "America/Vancouver",
           "America/Halifax"),
    "AU": ("Australia/Sydney", "Australia/Brisbane", "Australia/Adelaide", "Australia/Perth"),
    "MX": ("America/Mexico_City", "America/Tijuana", "America/Cancun"),
    "RU": ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok"),
}  # fmt: skip

# States, provinces and big cities that are no zone name (the majority's clock).
PLACES: dict[str, str] = {
    # US states
    "alabama": CHI, "alaska": "America/Anchorage", "arizona": "America/Phoenix",
    "arkansas": CHI, "california": LA, "colorado": DEN, "connecticut": NY, "delaware": NY,
    "florida": NY, "hawaii": "Pacific/Honolulu", "idaho": "America/Boise", "illinois": CHI,
    "indiana": "America/Indiana/Indianapolis", "iowa": CHI, "kansas": CHI, "kentucky": NY,
    "louisiana": CHI, "maine": NY, "maryland": NY, "massachusetts": NY,
    "michigan": "America/Detroit", "minnesota": CHI, "mississippi": CHI, "missouri": CHI,
    "montana": DEN, "nebraska": CHI, "nevada": LA, "new hampshire": NY, "new jersey": NY,
    "new mexico": DEN, "new york state": NY, "north carolina": NY, "north dakota": CHI,
    "ohio": NY, "oklahoma": CHI, "oregon": LA, "pennsylvania": NY, "rhode island": NY,
    "south carolina": NY, "south dakota": CHI, "tennessee": CHI, "texas": CHI, "utah": DEN,
    "vermont": NY, "virginia": NY, "washington state": LA, "west virginia": NY,
    "wisconsin": CHI, "wyoming": DEN, "washington dc": NY, "washington d c": NY,
    # Canadian provinces, Australian states
    "ontario": "America/Toronto", "quebec": "America/Toronto",
    "british columbia": "America/Vancouver", "alberta": "America/Edmonton",
    "manitoba": "America/Winnipeg", "saskatchewan": "America/Regina",
    "nova scotia": "America/Halifax", "new brunswick": "America/Moncton",
    "newfoundland": "America/St_Johns", "prince edward island": "America/Halifax",
    "new south wales": "Australia/Sydney", "south australia": "Australia/Adelaide",
    "western australia": "Australia/Perth", "northern territory": "Australia/Darwin",
    # cities
    "nyc": NY, "san francisco": LA, "bay area": LA, "silicon valley": LA, "seattle": LA,
    "san diego": LA, "las vegas": LA, "boston": NY, "philadelphia": NY, "miami": NY,
    "atlanta": NY, "pittsburgh": NY, "baltimore": NY, "orlando": NY, "charlotte": NY,
    "raleigh": NY, "dallas": CHI, "houston": CHI, "austin": CHI, "san antonio": CHI,
    "minneapolis": CHI, "nashville": CHI, "new orleans": CHI, "salt lake city": DEN,
    "ottawa": "America/Toronto", "calgary": "America/Edmonton",
    "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata", "chennai": "Asia/Kolkata", "pune": "Asia/Kolkata",
    "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "guangzhou": "Asia/Shanghai",
    "osaka": "Asia/Tokyo", "abu dhabi": "Asia/Dubai", "doha": "Asia/Qatar",
    "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin",
    "cologne": "Europe/Berlin", "dusseldorf": "Europe/Berlin", "stuttgart": "Europe/Berlin",
    "barcelona": "Europe/Madrid", "seville": "Europe/Madrid", "milan": "Europe/Rome",
    "turin": "Europe/Rome", "naples": "Europe/Rome", "lyon": "Europe/Paris",
    "marseille": "Europe/Paris", "toulouse": "Europe/Paris", "rotterdam": "Europe/Amsterdam",
    "antwerp": "Europe/Brussels", "porto": "Europe/Lisbon", "geneva": "Europe/Zurich",
    "krakow": "Europe/Warsaw", "gothenburg": "Europe/Stockholm",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "glasgow": "Europe/London",
    "bristol": "Europe/London", "leeds": "Europe/London", "st petersburg": "Europe/Moscow",
    "wellington": "Pacific/Auckland", "cape town": "Africa/Johannesburg",
    "rio de janeiro": "America/Sao_Paulo", "rio": "America/Sao_Paulo", "mountain view": LA,
}  # fmt: skip
# City short forms in capitals (LA: "la" is a word).
CAPS_PLACES: dict[str, str] = {"la": LA, "l a": LA, "sf": LA, "dc": NY, "d c": NY}

# Names that mean places far apart: the bot asks.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "georgia": ("Asia/Tbilisi", NY),
    "washington": (NY, LA),
    "victoria": ("Australia/Melbourne", "America/Vancouver"),
    "portland": (LA, NY),
    "birmingham": ("Europe/London", CHI),
    "san jose": (LA, "America/Costa_Rica"),
    "valencia": ("Europe/Madrid", "America/Caracas"),
    "cordoba": ("America/Argentina/Cordoba", "Europe/Madrid"),
    "samoa": ("Pacific/Apia", "Pacific/Pago_Pago"),
}

# Phrases that hold a zone word but name no clock ("central america", "central park"):
# read as one phrase, they mean nothing.
NOT_ZONES = frozenset(
    {
        "central america", "south america", "north america", "latin america", "central asia",
        "south asia", "east asia", "southeast asia", "south east asia", "middle east",
        "central africa", "central park", "central bank", "pacific ocean", "atlantic ocean",
        "indian ocean", "mountain bike",
    }
)  # fmt: skip

# Database city words that are English words or first names: never read as places.
NOT_PLACES = frozenset(
    {
        "wake", "midway", "easter", "christmas", "reunion", "jersey", "center", "resolute",
        "north", "south", "west", "east", "male", "stanley", "regina", "dawson", "beulah",
        "knox", "virgin", "johnston", "petersburg", "vevay", "marengo", "winamac", "troll",
        "casey", "davis", "palmer", "mawson", "vostok", "universal", "zulu", "navajo",
        "truk", "yap", "creston", "thule", "atka", "shiprock", "ensenada", "eucla",
        "la rioja", "san juan", "san luis", "mendoza", "new salem", "tell city", "nome",
    }
)  # fmt: skip


# --- the tz database ---------------------------------------------------------------------


def _tzdata_text(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo").joinpath(name).read_text("utf-8")


def _rows(name: str) -> Iterable[list[str]]:
    for line in _tzdata_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO 3166 code -> its zones in zone.tab's order (the first is the most populous)."""
    out: dict[str, list[str]] = {}
    for fields in _rows("zone.tab"):
        if fields[2].partition("/")[0] in AREAS:  # not Antarctica's stations
            out.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(zones) for code, zones in out.items()}


@cache
def _links() -> dict[str, str]:
    """Old or alias zone name -> the zone it stands for (tzdata.zi's link lines)."""
    out: dict[str, str] = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            out[alias] = target
    return out


@cache
def _year_samples() -> tuple[datetime, ...]:
    """Noon UTC every week of the current year: enough to tell two clocks apart."""
    start = datetime(datetime.now(timezone.utc).year, 1, 1, 12, tzinfo=timezone.utc)
    return tuple(start + timedelta(weeks=w) for w in range(53))


@cache
def clock(zone: str) -> tuple[timedelta | None, ...]:
    """The zone's UTC offsets over the year: two zones with the same keep the same time."""
    info = ZoneInfo(zone)
    return tuple(s.astimezone(info).utcoffset() for s in _year_samples())


def distinct_clocks(zones: Iterable[str]) -> tuple[str, ...]:
    """The first zone of each different clock, in order."""
    seen: dict[tuple[timedelta | None, ...], str] = {}
    for zone in zones:
        seen.setdefault(clock(zone), zone)
    return tuple(seen.values())


def _country_name(zones: tuple[str, ...], code: str) -> Name:
    if code in MAIN_ZONE:
        return Name((MAIN_ZONE[code],), "country")
    first = ASK_FIRST.get(code, ())
    clocks = distinct_clocks((*first, *(zone for zone in zones if zone not in first)))
    return Name(clocks, "country", decided=len(clocks) == 1)


def _iso_names() -> Iterable[tuple[str, str]]:
    """(code, name) from iso3166.tab; "Korea (South)" also as "south korea"."""
    for code, name, *_ in _rows("iso3166.tab"):
        name = name.replace("&", "and")
        base, _, note = name.partition(" (")
        yield code, base
        if note:
            yield code, f"{note.rstrip(')')} {base}"


def _merge(table: dict[tuple[str, ...], Name], key: tuple[str, ...], name: Name) -> None:
    """A key two entries claim with different clocks becomes a question (Korea: one clock)."""
    old = table.get(key)
    if old is None or old == name:
        table[key] = name
        return
    zones = distinct_clocks((*old.zones, *name.zones))
    table[key] = Name(zones, old.kind, old.needs, decided=old.decided and len(zones) == 1)


@cache
def names() -> Mapping[tuple[str, ...], Name]:
    """Every name the parser knows, by its words (see phrase())."""
    table: dict[tuple[str, ...], Name] = {}
    zones_by_country = country_zones()
    listed = {zone for zones in zones_by_country.values() for zone in zones}
    # cities: zone.tab's zones first, then the old names linked to them
    candidates = [(zone, zone) for zone in sorted(listed)]
    candidates += [(a, t) for a, t in sorted(_links().items()) if a not in listed]
    for name, target in candidates:
        area, _, city = name.partition("/")
        if area not in AREAS or not city or city.isupper() or target not in listed:
            continue
        key = phrase(city.rsplit("/", 1)[-1])
        if " ".join(key) in NOT_PLACES or len(key) > MAX_PHRASE:
            continue
        if "/" in city and area != "America":
            continue
        _merge(table, key, Name((target,), "city"))
    for code, country in _iso_names():
        zones = zones_by_country.get(code)
        if zones:
            _merge(table, phrase(country), _country_name(zones, code))
    for alias, code in COUNTRY_ALIASES.items():
        table[phrase(alias)] = _country_name(zones_by_country[code], code)
    for alias, code in CAPS_COUNTRIES.items():
        table[phrase(alias)] = Name(_country_name(zones_by_country[code], code).zones,
                                    "country", "upper", decided=False)  # fmt: skip
    for place, zone in PLACES.items():
        table[phrase(place)] = Name((zone,), "city")
    for place, zone in CAPS_PLACES.items():
        table[phrase(place)] = Name((zone,), "city", "caps")
    for place, zones in AMBIGUOUS.items():
        table[phrase(place)] = Name(zones, "city", decided=False)
    for region, zone in REGIONS.items():
        table[phrase(region)] = Name((zone,), "region")
    for abbreviation, (zones, needs) in ABBREVIATIONS.items():
        table[(abbreviation,)] = Name(zones, "abbreviation", needs)
    for words_ in NOT_ZONES:
        table[phrase(words_)] = Name((), "none", "anywhere", decided=False)
    return table


@cache
def iana_keys() -> Mapping[str, str]:
    """Lower-case IANA name -> its spelling, for names typed out ("europe/london")."""
    return {key.lower(): key for key in available_timezones()}


def zone_with_offset(offset: timedelta, now: datetime) -> str | None:
    """An IANA zone for a UTC offset: Etc/GMT-N for whole hours (POSIX signs: Etc/GMT-2 is
    UTC+2); for half and quarter hours (+05:30) the first zone.tab zone on that offset all
    year, else one on it at `now`."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        if hours == 0:
            return "UTC"
        return f"Etc/GMT{-hours:+d}" if -12 <= hours <= 14 else None
    zones = [zone for codes in country_zones().values() for zone in codes]
    for zone in zones:
        if set(clock(zone)) == {offset}:
            return zone
    for zone in zones:
        if now.astimezone(ZoneInfo(zone)).utcoffset() == offset:
            return zone
    return None

"""Jurisdictions (state FIPS and tribal codes) and real cities with their ZIP prefixes."""

from __future__ import annotations

import random
from itertools import accumulate

# FIPS code -> (postal abbreviation, population in millions, "City zip3" list).
_STATES: dict[str, tuple[str, float, str]] = {
    "01": ("AL", 5.0, "Birmingham 352,Montgomery 361,Mobile 366,Huntsville 358,Tuscaloosa 354"),
    "02": ("AK", 0.7, "Anchorage 995,Fairbanks 997,Juneau 998,Wasilla 996"),
    "04": ("AZ", 7.2, "Phoenix 850,Tucson 857,Mesa 852,Flagstaff 860,Yuma 853"),
    "05": ("AR", 3.0, "Little Rock 722,Fort Smith 729,Fayetteville 727,Jonesboro 724"),
    "06": (
        "CA",
        39.5,
        "Los Angeles 900,San Diego 921,San Jose 951,Fresno 937,Sacramento 958,"
        "Oakland 946,Bakersfield 933,Riverside 925,Stockton 952",
    ),
    "08": ("CO", 5.8, "Denver 802,Colorado Springs 809,Aurora 800,Fort Collins 805,Pueblo 810"),
    "09": ("CT", 3.6, "Hartford 061,New Haven 065,Bridgeport 066,Stamford 069,Waterbury 067"),
    "10": ("DE", 1.0, "Wilmington 198,Dover 199,Newark 197"),
    "11": ("DC", 0.7, "Washington 200"),
    "12": (
        "FL",
        21.5,
        "Jacksonville 322,Miami 331,Tampa 336,Orlando 328,Tallahassee 323,Fort Lauderdale 333",
    ),
    "13": ("GA", 10.7, "Atlanta 303,Augusta 309,Columbus 319,Savannah 314,Macon 312"),
    "15": ("HI", 1.5, "Honolulu 968,Hilo 967,Kailua 967"),
    "16": ("ID", 1.8, "Boise 837,Idaho Falls 834,Pocatello 832,Nampa 836"),
    "17": ("IL", 12.8, "Chicago 606,Springfield 627,Peoria 616,Rockford 611,Joliet 604"),
    "18": ("IN", 6.8, "Indianapolis 462,Fort Wayne 468,Evansville 477,South Bend 466,Gary 464"),
    "19": ("IA", 3.2, "Des Moines 503,Cedar Rapids 524,Davenport 528,Sioux City 511"),
    "20": ("KS", 2.9, "Wichita 672,Topeka 666,Kansas City 661,Overland Park 662"),
    "21": ("KY", 4.5, "Louisville 402,Lexington 405,Bowling Green 421,Owensboro 423"),
    "22": ("LA", 4.7, "New Orleans 701,Baton Rouge 708,Shreveport 711,Lafayette 705"),
    "23": ("ME", 1.4, "Portland 041,Bangor 044,Lewiston 042,Augusta 043"),
    "24": ("MD", 6.2, "Baltimore 212,Silver Spring 209,Frederick 217,Annapolis 214"),
    "25": ("MA", 7.0, "Boston 021,Worcester 016,Springfield 011,Lowell 018"),
    "26": ("MI", 10.1, "Detroit 482,Grand Rapids 495,Lansing 489,Flint 485,Kalamazoo 490"),
    "27": ("MN", 5.7, "Minneapolis 554,Saint Paul 551,Duluth 558,Rochester 559"),
    "28": ("MS", 3.0, "Jackson 392,Gulfport 395,Hattiesburg 394,Tupelo 388"),
    "29": ("MO", 6.2, "Kansas City 641,Saint Louis 631,Springfield 658,Columbia 652"),
    "30": ("MT", 1.1, "Billings 591,Missoula 598,Great Falls 594,Helena 596"),
    "31": ("NE", 2.0, "Omaha 681,Lincoln 685,Grand Island 688"),
    "32": ("NV", 3.1, "Las Vegas 891,Reno 895,Henderson 890,Carson City 897"),
    "33": ("NH", 1.4, "Manchester 031,Nashua 030,Concord 033"),
    "34": ("NJ", 9.3, "Newark 071,Jersey City 073,Trenton 086,Paterson 075,Camden 081"),
    "35": ("NM", 2.1, "Albuquerque 871,Las Cruces 880,Santa Fe 875,Roswell 882"),
    "36": (
        "NY",
        20.2,
        "New York 100,Brooklyn 112,Bronx 104,Buffalo 142,Rochester 146,Albany 122,Syracuse 132",
    ),
    "37": ("NC", 10.4, "Charlotte 282,Raleigh 276,Greensboro 274,Durham 277,Fayetteville 283"),
    "38": ("ND", 0.8, "Fargo 581,Bismarck 585,Grand Forks 582,Minot 587"),
    "39": (
        "OH",
        11.8,
        "Columbus 432,Cleveland 441,Cincinnati 452,Toledo 436,Akron 443,Dayton 454",
    ),
    "40": ("OK", 4.0, "Oklahoma City 731,Tulsa 741,Norman 730,Lawton 735"),
    "41": ("OR", 4.2, "Portland 972,Salem 973,Eugene 974,Medford 975"),
    "42": (
        "PA",
        13.0,
        "Philadelphia 191,Pittsburgh 152,Allentown 181,Harrisburg 171,Erie 165,Scranton 185",
    ),
    "44": ("RI", 1.1, "Providence 029,Warwick 028,Cranston 029,Pawtucket 028"),
    "45": ("SC", 5.1, "Columbia 292,Charleston 294,Greenville 296,Rock Hill 297"),
    "46": ("SD", 0.9, "Sioux Falls 571,Rapid City 577,Aberdeen 574"),
    "47": ("TN", 6.9, "Nashville 372,Memphis 381,Knoxville 379,Chattanooga 374"),
    "48": (
        "TX",
        29.1,
        "Houston 770,Dallas 752,San Antonio 782,Austin 787,El Paso 799,Fort Worth 761,Lubbock 794",
    ),
    "49": ("UT", 3.3, "Salt Lake City 841,Provo 846,Ogden 844,St George 847"),
    "50": ("VT", 0.6, "Burlington 054,Rutland 057,Montpelier 056"),
    "51": ("VA", 8.6, "Richmond 232,Virginia Beach 234,Norfolk 235,Roanoke 240,Arlington 222"),
    "53": ("WA", 7.7, "Seattle 981,Spokane 992,Tacoma 984,Vancouver 986,Yakima 989"),
    "54": ("WV", 1.8, "Charleston 253,Huntington 257,Morgantown 265,Wheeling 260"),
    "55": ("WI", 5.9, "Milwaukee 532,Madison 537,Green Bay 543,Kenosha 531"),
    "56": ("WY", 0.6, "Cheyenne 820,Casper 826,Laramie 820,Gillette 827"),
    "66": ("GU", 0.2, "Hagatna 969,Dededo 969,Tamuning 969"),
    "72": ("PR", 3.3, "San Juan 009,Bayamon 009,Carolina 009,Ponce 007,Mayaguez 006"),
    "78": ("VI", 0.1, "Charlotte Amalie 008,Christiansted 008,Frederiksted 008"),
}

# Tribal IV-D programs: code -> the state their reservation lies in.
TRIBES: dict[str, str] = {
    "T0001": "AZ",
    "T0002": "NM",
    "T0003": "OK",
    "T0004": "SD",
    "T0005": "MT",
    "T0006": "WA",
    "T0007": "WI",
    "T0008": "MN",
    "T0009": "NC",
    "T0010": "AK",
}

STATE_FIPS: tuple[str, ...] = tuple(_STATES)
TRIBAL_CODES: tuple[str, ...] = tuple(TRIBES)
POSTAL: dict[str, str] = {fips: row[0] for fips, row in _STATES.items()} | TRIBES
_STATE_CUM = tuple(accumulate(row[1] for row in _STATES.values()))
_TRIBAL_SHARE = 0.03


def _parse_cities(spec: str) -> tuple[tuple[str, str], ...]:
    pairs = (entry.rsplit(" ", 1) for entry in spec.split(","))
    return tuple((city, zip3) for city, zip3 in pairs)


CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    row[0]: _parse_cities(row[2]) for row in _STATES.values()
}


def is_tribal(jurisdiction: str) -> bool:
    return jurisdiction.startswith("T")


def state_fips(rng: random.Random) -> str:
    """A state FIPS code, weighted by population."""
    return rng.choices(STATE_FIPS, cum_weights=_STATE_CUM)[0]


def jurisdiction(rng: random.Random) -> str:
    """A case-holding jurisdiction: mostly a state, a few % a tribe."""
    if rng.random() < _TRIBAL_SHARE:
        return rng.choice(TRIBAL_CODES)
    return state_fips(rng)


def distinct_jurisdictions(rng: random.Random, count: int) -> tuple[str, ...]:
    picked: list[str] = []
    while len(picked) < count:
        code = jurisdiction(rng)
        if code not in picked:
            picked.append(code)
    return tuple(picked)


def postal_state(rng: random.Random) -> str:
    """A postal state abbreviation, weighted by population."""
    return POSTAL[state_fips(rng)]


def city_zip(rng: random.Random, postal: str) -> tuple[str, str]:
    city, zip3 = rng.choice(CITIES[postal])
    return city, f"{zip3}{rng.randint(1, 99):02d}"

"""Name pools: people (SSA-weighted lists from Faker's en_US providers), streets, companies."""

from __future__ import annotations

import random
from itertools import accumulate

from faker.providers.person.en_US import Provider as _Person


class _WeightedPool:
    """Names drawn in proportion to their frequency."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.names: tuple[str, ...] = tuple(weights)
        self.cum: tuple[float, ...] = tuple(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]


_FEMALE = _WeightedPool(dict(_Person.first_names_female))
_MALE = _WeightedPool(dict(_Person.first_names_male))
_LAST = _WeightedPool(dict(_Person.last_names))

_STREETS = (
    "Main Oak Maple Cedar Pine Elm Walnut Washington Lincoln Jefferson Madison Park Lake "
    "Hill Church Spring Ridge River Sunset Highland Meadow Forest Willow Chestnut Franklin "
    "Jackson Adams Center Mill School Prospect Pleasant Union Cherry Dogwood Magnolia "
    "Hickory Locust Sycamore Birch Poplar Laurel Valley Grove Orchard Fairview Lakeview "
    "Broad Market Water Front Vine Bridge College Liberty Heritage Kingston Greenwood"
).split() + ["Martin Luther King Jr", "1st", "2nd", "3rd", "4th", "5th", "6th", "8th", "12th"]
_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl", "Ter", "Cir", "Pkwy")
_UNITS = ("Apt", "Apt", "Apt", "Unit", "Lot", "Trlr")

_COMPANY_HEADS = (
    "Harbor Summit Pioneer Cascade Liberty Evergreen Keystone Redwood Granite Prairie "
    "Coastal Heartland Frontier Lakeshore Northstar Sterling Patriot Riverbend Bluewater "
    "Ironwood Silverline Magnolia Crestview Pinnacle Horizon Beacon Meridian Cornerstone "
    "Heritage Sunbelt Tri-County Capitol Bayside Oakridge"
).split() + ["Great Plains", "Mountain View", "Gulf Coast", "Blue Ridge", "Twin Rivers"]
_INDUSTRIES = (
    "Logistics",
    "Health Systems",
    "Foods",
    "Manufacturing",
    "Staffing",
    "Construction",
    "Retail Group",
    "Software",
    "Hospitality",
    "Transport",
    "Dental Partners",
    "Energy",
    "Home Care",
    "Auto Group",
    "Builders",
    "Distribution",
    "Security Services",
    "Plumbing",
    "Electric",
    "Farms",
    "Property Management",
    "Medical Center",
    "Credit Union",
    "Restaurants",
)
_COMPANY_SUFFIXES = ("Inc", "Inc", "LLC", "LLC", "Co", "Corp", "Group", "")
_TITLES = (
    "Payroll Manager",
    "Payroll Specialist",
    "HR Director",
    "Human Resources Generalist",
    "Benefits Administrator",
    "Controller",
    "Office Manager",
    "Garnishment Coordinator",
)


def first_name(rng: random.Random, sex: str) -> str:
    if sex == "UNKNOWN":
        sex = rng.choice(("FEMALE", "MALE"))
    return (_FEMALE if sex == "FEMALE" else _MALE).pick(rng)


def last_name(rng: random.Random) -> str:
    return _LAST.pick(rng)


def street_line(rng: random.Random) -> str:
    number = int(rng.paretovariate(0.9) * 90) % 19_000 + 1
    return f"{number} {rng.choice(_STREETS)} {rng.choice(_SUFFIXES)}"


def unit_line(rng: random.Random) -> str:
    unit = rng.choice(_UNITS)
    if unit == "Apt" and rng.random() < 0.4:
        return f"Apt {rng.randint(1, 12)}{rng.choice('ABCDEF')}"
    return f"{unit} {rng.randint(1, 320)}"


def company_name(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return f"{last_name(rng)} & Sons {rng.choice(_INDUSTRIES)}"
    words = (rng.choice(_COMPANY_HEADS), rng.choice(_INDUSTRIES), rng.choice(_COMPANY_SUFFIXES))
    return " ".join(word for word in words if word)


def contact_title(rng: random.Random) -> str:
    return rng.choice(_TITLES)

"""Families: a noncustodial parent or putative father, their cases, custodial parties, children."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import demo_data.names as names
import demo_data.people as people
from demo_data.dates import TODAY, between, clamp, days_after, years_after
from demo_data.ids import Ids
from demo_data.people import CHILD_BORN, Person
from demo_data.places import distinct_jurisdictions, is_tribal
from demo_data.rows import Row
from demo_data.scenarios import FamilyPlan, Trait

NCP = "NONCUSTODIAL_PARENT"
PUTATIVE_FATHER = "PUTATIVE_FATHER"
_FIRST_OPENED = date(1999, 1, 1)


@dataclass(frozen=True, slots=True)
class CaseDraft:
    id: int
    jurisdiction: str
    custodial: Person
    children: tuple[Person, ...]
    row: Row


@dataclass(frozen=True, slots=True)
class Family:
    plan: FamilyPlan
    parent: Person
    role: str
    cases: tuple[CaseDraft, ...]

    def members(self) -> list[Person]:
        found = [self.parent]
        for case in self.cases:
            found += [case.custodial, *case.children]
        return found

    def state_jurisdictions(self) -> tuple[str, ...]:
        """The distinct state (not tribal) jurisdictions holding this family's cases, in order."""
        codes = (case.jurisdiction for case in self.cases)
        return tuple(dict.fromkeys(code for code in codes if not is_tribal(code)))


def random_plan(rng: random.Random, remaining: int) -> FamilyPlan:
    """A bulk family of at most `remaining` participants, never leaving 1 or 2 over."""
    draw = rng.random()
    count = 1 if draw < 0.9 else 2 if draw < 0.98 else 3
    children = _fit([rng.choice((1, 1, 1, 2, 2, 2, 3, 3)) for _ in range(count)], remaining)
    putative = len(children) == 1 and rng.random() < 0.04
    traits = frozenset({Trait.PUTATIVE}) if putative else frozenset[Trait]()
    return FamilyPlan(distinct_jurisdictions(rng, len(children)), tuple(children), traits)


def _fit(children: list[int], remaining: int) -> list[int]:
    def size() -> int:
        return 1 + sum(1 + count for count in children)

    while size() > remaining and len(children) > 1:
        children.pop()
    if size() > remaining:
        children = [remaining - 2]
    if remaining - size() in (1, 2):
        children[-1] += remaining - size()
    return children


def build_family(rng: random.Random, ids: Ids, plan: FamilyPlan) -> Family:
    putative = Trait.PUTATIVE in plan.traits
    parent = _parent(rng, ids, plan, putative)
    pairs = zip(plan.jurisdictions, plan.children, strict=True)
    cases = tuple(_case(rng, ids, plan, parent, code, count) for code, count in pairs)
    _parent_status(rng, plan, parent, max(child.born for case in cases for child in case.children))
    return Family(plan, parent, PUTATIVE_FATHER if putative else NCP, cases)


def _parent(rng: random.Random, ids: Ids, plan: FamilyPlan, putative: bool) -> Person:
    sex = "MALE" if putative else people.sex(rng, "MALE", 0.88)
    parent = people.new_person(rng, ids, sex, names.last_name(rng), people.adult_birth(rng))
    parent.home_state = people.home_state_of(plan.jurisdictions[0], rng, 0.2)
    return parent


def _parent_status(rng: random.Random, plan: FamilyPlan, parent: Person, youngest: date) -> None:
    if not plan.scripted:
        people.randomize_status(rng, parent, youngest)
        return
    parent.fvi = Trait.FVI in plan.traits
    parent.verification = plan.verification or "VERIFIED"
    if Trait.DECEASED in plan.traits:
        parent.died = people.death_after(rng, youngest)


def _case(
    rng: random.Random, ids: Ids, plan: FamilyPlan, parent: Person, code: str, count: int
) -> CaseDraft:
    custodial_last = names.last_name(rng)
    children = tuple(_child(rng, ids, parent, custodial_last) for _ in range(count))
    if Trait.CHILD_SEX_UNKNOWN in plan.traits:
        children[0].sex = "UNKNOWN"
    custodial = _custodial(rng, ids, code, custodial_last, children)
    case_id = ids.next("cases")
    first_born = min(child.born for child in children)
    row = case_row(rng, case_id, code, Trait.PUTATIVE in plan.traits, first_born)
    return CaseDraft(case_id, code, custodial, children, row)


def _child(rng: random.Random, ids: Ids, parent: Person, custodial_last: str) -> Person:
    last = parent.last_name if rng.random() < 0.55 else custodial_last
    child = people.new_person(
        rng, ids, people.sex(rng, "FEMALE", 0.5), last, _child_birth(rng, parent)
    )
    people.randomize_status(rng, child, None)
    return child


def _child_birth(rng: random.Random, parent: Person) -> date:
    lo = max(CHILD_BORN[0], years_after(parent.born, 17))
    hi = min(CHILD_BORN[1], years_after(parent.born, 50))
    return between(rng, lo, max(hi, min(years_after(lo, 2), CHILD_BORN[1])))


def _custodial(
    rng: random.Random, ids: Ids, code: str, last: str, children: tuple[Person, ...]
) -> Person:
    eldest = min(child.born for child in children)
    born = clamp(years_after(eldest, -rng.uniform(17.0, 42.0)), *people.ADULT_BORN)
    custodial = people.new_person(rng, ids, people.sex(rng, "FEMALE", 0.88), last, born)
    custodial.home_state = people.home_state_of(code, rng, 0.1)
    people.randomize_status(rng, custodial, max(child.born for child in children))
    return custodial


def case_row(rng: random.Random, case_id: int, code: str, putative: bool, first_born: date) -> Row:
    opened = between(rng, first_born, years_after(first_born, 6))
    case_type = "IV_D" if putative or rng.random() < 0.85 else "NON_IV_D"
    return {
        "id": case_id,
        "jurisdiction": code,
        "state_case_id": state_case_id(case_id, code),
        "case_type": case_type,
        "status": "CLOSED" if rng.random() < 0.18 else "OPEN",
        "has_order": case_type == "NON_IV_D" or (not putative and rng.random() < 0.8),
        "opened_on": clamp(opened, _FIRST_OPENED, days_after(TODAY, -1)),
    }


def state_case_id(case_id: int, code: str) -> str:
    """A 15-character case id, unique per case: "CS" + FIPS + 11 digits, or "TC" + tribe + 9."""
    if is_tribal(code):
        return f"TC{code[1:]}{(case_id * 7_919_333 + 104_729) % 10**9:09d}"
    return f"CS{code}{(case_id * 48_271_007 + 1_000_003) % 10**11:011d}"


def role_rows(family: Family) -> list[Row]:
    rows: list[Row] = []
    for case in family.cases:
        rows.append(_role(case.id, family.parent, family.role))
        rows.append(_role(case.id, case.custodial, "CUSTODIAL_PARTY"))
        rows += [_role(case.id, child, "CHILD") for child in case.children]
    return rows


def _role(case_id: int, person: Person, role: str) -> Row:
    return {"case_id": case_id, "participant_id": person.id, "role": role}

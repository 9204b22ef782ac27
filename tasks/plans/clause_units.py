"""Clause-level responsibility: the units a measure's clause gives its duty to.

A measure often names many units in its marker and then gives single clauses to some of them
("…公安、民政等部门至少每半年对乡镇（街道）督导1次。各乡镇（街道）每季度对村（社区）督导1次。").
A clause whose subject names units — a unit, a group such as 各乡镇（街道）, or a sector word such as
公安 that the directory resolves — binds its milestone to those units; a clause without a subject
keeps the measure's units. Nothing here creates departments: a subject that does not resolve
entirely is no subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import KIND_GROUP, Department
from tasks.directory.departments import UnitResolver
from tasks.plans.importers.responsibility import subject_candidates


@dataclass(frozen=True)
class ClauseUnits:
    """The departments a clause's subject names, and the words it named them by."""

    department_ids: list[int]
    names: list[str]


def _sector(word: str, resolver: UnitResolver, measure: list[Department]) -> Department | None:
    """A unit a word names: exactly, as an alias, as ``word部门``, or as the one unit whose name holds it
    (among the measure's units first, then the directory's)."""
    for name in (word, f"{word}部门", f"各{word}"):
        found = resolver.lookup(name)
        if found is not None and not found.provisional:
            return found
    for pool in (measure, [d for d in resolver.names.values() if not d.provisional and d.kind != KIND_GROUP]):
        holding = {d.id: d for d in pool if word in d.name}
        if len(holding) == 1:
            return next(iter(holding.values()))
    return None


def clause_units(sentence: str, resolver: UnitResolver, measure: list[Department]) -> ClauseUnits | None:
    """The units a clause's subject names (None: no subject; the clause keeps the measure's units)."""
    for names in subject_candidates(sentence):
        found = [_sector(name, resolver, measure) for name in names]
        if all(d is not None for d in found):
            ids = list(dict.fromkeys(d.id for d in found if d is not None and d.id is not None))
            return ClauseUnits(ids, names)
    return None

"""Statistical disclosure control for the open figures: small counts are hidden, and so is whatever would let
someone work a hidden count back out.

A published table is a set of cells (counts) tied together by equations: a total equals the sum of its parts
(a row total, a column total, a grand total). Primary suppression hides every count from 1 up to
`smallest_shown - 1` (ONS style: blank with a marker; zeros stay visible). Secondary suppression then hides
further cells until no hidden cell can be derived from the visible ones by any combination of the equations:
a hidden cell is derivable exactly when its unit vector lies in the row space of the equations restricted to
hidden cells. The check is linear algebra,
not a rule of thumb, so differences of totals across rows and columns are covered too.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

Key = TypeVar("Key", bound=Hashable)
Equation = tuple[Key, Sequence[Key]]  # (total, its parts)

_TOLERANCE = 1e-9
_LOOKAHEAD = 4  # candidates weighed at each step: enough for tidy patterns, bounded work


def derivable(hidden: set[Key], equations: Sequence[Equation]) -> set[Key]:
    """Hidden cells whose exact value follows from the visible cells and the equations."""
    order = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(order)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(order))
        for key, sign in ((total, -1.0), *((part, 1.0) for part in parts)):
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    # A hidden cell is pinned exactly when its unit vector lies in the row space of the equations: its squared
    # projection onto an orthonormal basis of that space (the leading right singular vectors) is 1.
    _, singular, vh = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > _TOLERANCE * max(matrix.shape) * (singular[0] if singular.size else 1)).sum())
    projection = (vh[:rank] ** 2).sum(axis=0)
    return {key for key, share in zip(order, projection) if share > 1 - 1e-7}


def _neighbours(key: Key, equations: Sequence[Equation]) -> set[Key]:
    found: set[Key] = set()
    for total, parts in equations:
        members = {total, *parts}
        if key in members:
            found |= members
    return found


def _cover(exposed: set[Key], values: Mapping[Key, int], hidden: set[Key], equations: Sequence[Equation]) -> Key:
    """The visible cell to hide next: among cells sharing an equation with an exposed one, the one that leaves
    the fewest hidden cells derivable; ties go to inner cells before totals, then to the smallest positive
    count (hiding a zero protects little and loses a true zero). This keeps the classic 2 x 2 pattern rather
    than hiding whole rows."""
    totals = {total for total, _ in equations}
    near = set().union(*(_neighbours(key, equations) for key in exposed))
    candidates = [k for k in near if k not in hidden and k in values]
    if not candidates:  # derivable only through a chain of equations: widen to any visible cell
        candidates = [k for k in values if k not in hidden]

    def cost(k: Key) -> tuple:
        return (k in totals, values[k] <= 0, values[k], repr(k))

    shortlist = sorted(candidates, key=cost)[:_LOOKAHEAD]
    return min(shortlist, key=lambda k: (len(derivable(hidden | {k}, equations)), *cost(k)))


def _cheapest_neighbour(key: Key, values: Mapping[Key, int], hidden: set[Key], equations: Sequence[Equation]) -> Key:
    totals = {total for total, _ in equations}
    candidates = [k for k in _neighbours(key, equations) if k not in hidden and k in values]
    candidates = candidates or [k for k in values if k not in hidden]
    return min(candidates, key=lambda k: (k in totals, values[k] <= 0, values[k], repr(k)))


def _close_singletons(values: Mapping[Key, int], hidden: set[Key], equations: Sequence[Equation]) -> None:
    """The cheap, common case first: a total with exactly one hidden member gives that member away, so hide the
    smallest inner cell (else the smallest cell) beside it, until no total has exactly one."""
    totals = {total for total, _ in equations}
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            members = [total, *parts]
            if sum(key in hidden for key in members) != 1:
                continue
            visible = [k for k in members if k not in hidden and k in values]
            if visible:
                hidden.add(min(visible, key=lambda k: (k in totals, values[k] <= 0, values[k], repr(k))))
                changed = True


def suppress(values: Mapping[Key, int], equations: Sequence[Equation], smallest_shown: int) -> frozenset[Key]:
    """The cells to leave blank: every count from 1 to smallest_shown - 1, plus enough others that none of
    them can be derived. Pure: the same input always gives the same answer."""
    hidden = {key for key, value in values.items() if 0 < value < smallest_shown}
    _close_singletons(values, hidden, equations)
    # Then the exact check, for what only a combination of several totals gives away.
    while hidden and len(hidden) < len(values):
        exposed = derivable(hidden, equations)
        if not exposed:
            break
        if len(exposed) <= _LOOKAHEAD:
            hidden.add(_cover(exposed, values, hidden, equations))
        else:  # many at once (a sparse week): one cheap neighbour each, then check again; bounded work
            for key in sorted(exposed, key=repr):
                hidden.add(_cheapest_neighbour(key, values, hidden, equations))
        _close_singletons(values, hidden, equations)
    return frozenset(hidden)

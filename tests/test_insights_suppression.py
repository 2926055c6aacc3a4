"""Suppression of the open figures: no count from 1 to 9 is shown, and no hidden count can be worked out
from the visible ones through any combination of totals (checked with an independent rank test)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from assistant.insights.suppression import suppress

SMALLEST_SHOWN = 10


def grid(values: list[list[int]], row_totals: bool, column_totals: bool) -> tuple[dict, list]:
    """Cells (r, c) plus optional row totals (r, 'T'), column totals ('T', c) and the grand total."""
    rows, cols = len(values), len(values[0])
    cells = {(r, c): values[r][c] for r in range(rows) for c in range(cols)}
    equations = []
    if row_totals:
        for r in range(rows):
            cells[(r, "T")] = sum(values[r])
            equations.append(((r, "T"), [(r, c) for c in range(cols)]))
    if column_totals:
        for c in range(cols):
            cells[("T", c)] = sum(values[r][c] for r in range(rows))
            equations.append((("T", c), [(r, c) for r in range(rows)]))
    if row_totals and column_totals:
        cells[("T", "T")] = sum(map(sum, values))
        equations.append((("T", "T"), [("T", c) for c in range(cols)]))
        equations.append((("T", "T"), [(r, "T") for r in range(rows)]))
    return cells, equations


def exactly_derivable(cells: dict, equations: list, hidden: frozenset) -> set:
    """Independent of the implementation: a hidden cell is pinned when adding its unit row does not raise the
    rank of the equations restricted to hidden cells."""
    order = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(order)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(order))
        for key, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if key in index:
                row[index[key]] += sign
        rows.append(row)
    if not rows or not order:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    pinned = set()
    for key in order:
        unit = np.zeros(len(order))
        unit[index[key]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            pinned.add(key)
    return pinned


counts = st.one_of(st.integers(0, 12), st.integers(0, 200))
tables = st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


@settings(max_examples=300, deadline=None)
@given(tables, st.booleans(), st.booleans())
def test_no_small_count_is_shown_or_derivable(values, row_totals, column_totals):
    cells, equations = grid(values, row_totals, column_totals)
    hidden = suppress(cells, equations, SMALLEST_SHOWN)
    shown = {key: value for key, value in cells.items() if key not in hidden}
    assert not [v for v in shown.values() if 1 <= v < SMALLEST_SHOWN]
    assert not exactly_derivable(cells, equations, hidden)
    # The simplest differencing attack, spelled out: no total with exactly one hidden member.
    for total, parts in equations:
        assert sum(key in hidden for key in [total, *parts]) != 1


def test_primary_suppression_alone_would_leak():
    """The property above fails without secondary suppression: a row total minus the visible cell."""
    cells, equations = grid([[5, 30], [40, 50]], True, True)
    primary = frozenset(k for k, v in cells.items() if 1 <= v < SMALLEST_SHOWN)
    assert exactly_derivable(cells, equations, primary) == {(0, 0)}


def test_a_2x2_pattern_protects_one_small_cell_and_keeps_the_totals():
    cells, equations = grid([[5, 30], [40, 50]], True, True)
    assert suppress(cells, equations, SMALLEST_SHOWN) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_zeros_and_large_counts_stay_visible():
    cells, equations = grid([[0, 30], [40, 0]], True, True)
    assert suppress(cells, equations, SMALLEST_SHOWN) == frozenset()

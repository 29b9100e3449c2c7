"""Small counts in published tables stay hidden, and cannot be worked out from the totals.

The attacker below knows nothing of the module: it writes down every equation a reader of the
table knows (each published total is the sum of its line, the grand total the sum of all) and
solves for the hidden figures with numpy. A hidden figure is recovered when every solution of
the hidden part agrees on it: when the null space of the system is zero at that figure.
"""

import numpy as np

from kopru.reporting.disclosure import TOTAL, protect, suppress_lines


def published(cells, row_totals=True, column_totals=True):
    rows = sorted({r for r, _ in cells}, key=str)
    columns = sorted({c for _, c in cells}, key=str)
    figures = dict(cells)
    if row_totals:
        for r in rows:
            figures[(r, TOTAL)] = sum(n for (r2, _), n in cells.items() if r2 == r)
    if column_totals:
        for c in columns:
            figures[(TOTAL, c)] = sum(n for (_, c2), n in cells.items() if c2 == c)
    figures[(TOTAL, TOTAL)] = sum(cells.values())
    return figures


def recover(cells, hidden, row_totals=True, column_totals=True):
    """What a reader works out exactly: {hidden key: value}."""
    figures = published(cells, row_totals, column_totals)
    keys = list(figures)
    equations = [dict.fromkeys(cells, 1) | {(TOTAL, TOTAL): -1}]
    if row_totals:
        for r in {r for r, _ in cells}:
            equations.append({(r, c): 1 for (r2, c) in cells if r2 == r} | {(r, TOTAL): -1})
    if column_totals:
        for c in {c for _, c in cells}:
            equations.append({(r, c): 1 for (r, c2) in cells if c2 == c} | {(TOTAL, c): -1})
    a = np.array([[eq.get(key, 0) for key in keys] for eq in equations], dtype=float)
    unknown = [i for i, key in enumerate(keys) if key in hidden]
    known = [i for i, key in enumerate(keys) if key not in hidden]
    if not unknown:
        return {}
    x_known = np.array([figures[keys[i]] for i in known], dtype=float)
    a_hidden = a[:, unknown]
    b = -a[:, known] @ x_known
    solution = np.linalg.lstsq(a_hidden, b, rcond=None)[0]
    _, s, vt = np.linalg.svd(a_hidden)
    null = vt[int((s > 1e-9).sum()) :]
    found = {}
    for j, i in enumerate(unknown):
        if not len(null) or np.abs(null[:, j]).max() < 1e-9:
            found[keys[i]] = round(solution[j])
            assert found[keys[i]] == figures[keys[i]]  # the attacker is right when it speaks
    return found


def table(rows):
    """A table from a list of lists: rows "r0", "r1"..., columns "c0", "c1"..."""
    return {(f"r{i}", f"c{j}"): n for i, row in enumerate(rows) for j, n in enumerate(row)}


def test_a_small_cell_is_hidden_with_a_rectangle():
    cells = table([[40, 25, 3, 60], [35, 50, 20, 45], [70, 30, 55, 22]])
    assert recover(cells, {("r0", "c2")}) == {("r0", "c2"): 3}  # hiding it alone is no use

    hidden = protect(cells, 5)

    assert ("r0", "c2") in hidden
    assert len(hidden) >= 4
    assert sum(1 for r, _ in hidden if r == "r0") >= 2
    assert sum(1 for _, c in hidden if c == "c2") >= 2
    assert recover(cells, hidden) == {}
    assert (TOTAL, TOTAL) not in hidden


def test_one_small_line_of_a_list_hides_a_second_one():
    lines = {"Ankara": 120, "Izmir": 3, "Bursa": 45, "Van": 0, "Adana": 80}
    cells = {(k, "n"): n for k, n in lines.items()}
    assert recover(cells, {("Izmir", "n")}, row_totals=False) == {("Izmir", "n"): 3}

    hidden = suppress_lines(lines, 5)

    assert hidden == {"Izmir", "Bursa"}  # the smallest count that can cover it
    keys = {(k, "n") for k in hidden}
    assert recover(cells, keys, row_totals=False) == {}


def test_a_small_total_of_the_list_is_hidden():
    hidden = suppress_lines({"Ankara": 2, "Izmir": 1, "Van": 0}, 5)
    assert hidden == {"Ankara", "Izmir", TOTAL}


def test_a_small_row_total_is_hidden_and_cannot_be_recovered_from_the_grand_total():
    cells = table([[40, 25, 30], [2, 0, 1], [70, 30, 55]])

    hidden = protect(cells, 5)

    assert {("r1", "c0"), ("r1", "c2"), ("r1", TOTAL)} <= hidden
    assert ("r1", "c1") not in hidden  # a zero
    # The grand total minus the other row totals would give it: one of those must go too.
    assert hidden & {("r0", TOTAL), ("r2", TOTAL), (TOTAL, TOTAL)}
    assert recover(cells, hidden) == {}


def test_with_column_totals_only_the_columns_are_tied_by_the_grand_total():
    # Column c1 is 2 in all: its cell and its total are hidden, a pair in that column; but the
    # grand total minus the other column totals gives the column total, then the cell.
    cells = table([[40, 2, 30], [25, 0, 50]])
    assert recover(cells, {("r0", "c1"), (TOTAL, "c1")}, row_totals=False) != {}

    hidden = protect(cells, 5, row_totals=False)

    assert {("r0", "c1"), (TOTAL, "c1")} <= hidden
    assert recover(cells, hidden, row_totals=False) == {}
    assert not any(c == TOTAL for _, c in hidden)  # no row totals are published


def test_zeros_are_never_hidden_and_the_threshold_is_configurable():
    cells = table([[0, 3, 12, 40], [7, 0, 8, 55], [9, 14, 0, 6], [30, 0, 25, 60]])
    zeros = {key for key, n in cells.items() if n == 0}

    assert protect(cells, 1) == set()
    assert protect(cells, 0) == set()
    at_5 = protect(cells, 5)
    at_10 = protect(cells, 10)

    assert not (at_5 | at_10) & zeros
    assert {key for key, n in cells.items() if 0 < n < 10} <= at_10
    assert len(at_10) > len(at_5)
    assert recover(cells, at_5) == {}
    assert recover(cells, at_10) == {}


def test_two_hidden_rectangles_joined_by_one_cell():
    # Small cells: two rectangles, and r1,c2 between them. Every row and column with a small cell
    # has at least two, yet r1,c2 is (rows r0+r1 minus columns c0+c1) and must be covered.
    cells = table(
        [
            [2, 3, 40, 50, 60],
            [4, 2, 1, 45, 70],
            [30, 35, 3, 2, 55],
            [25, 40, 4, 1, 65],
            [50, 60, 70, 80, 90],
        ]
    )
    small = {key for key, n in cells.items() if n < 5}
    assert recover(cells, small) == {("r1", "c2"): 1}

    hidden = protect(cells, 5)

    assert small < hidden
    assert recover(cells, hidden) == {}


def test_the_answer_does_not_depend_on_the_order_of_the_cells():
    cells = table([[40, 25, 3, 60, 8], [35, 4, 20, 45, 9], [70, 30, 55, 2, 10]])
    reversed_cells = dict(reversed(list(cells.items())))
    assert protect(cells, 5) == protect(reversed_cells, 5)


def test_random_tables_leak_nothing():
    rng = np.random.default_rng(20250601)
    for _ in range(50):
        shape = (rng.integers(1, 9), rng.integers(1, 7))
        counts = np.where(
            rng.random(shape) < 0.5, rng.integers(0, 5, shape), rng.integers(5, 60, shape)
        )
        cells = table(counts.tolist())
        if rng.random() < 0.3:  # a structural zero: a cell absent from the table
            cells.pop(("r0", "c0"))
        margins = [(True, True), (True, False), (False, True), (False, False)]
        row_totals, column_totals = margins[rng.integers(4)]
        threshold = int(rng.integers(2, 11))

        hidden = protect(cells, threshold, row_totals=row_totals, column_totals=column_totals)

        figures = published(cells, row_totals, column_totals)
        assert hidden <= set(figures)
        assert {key for key, n in figures.items() if 0 < n < threshold} <= hidden
        assert all(figures[key] != 0 for key in hidden)
        assert recover(cells, hidden, row_totals, column_totals) == {}


def test_a_total_hidden_by_another_table_is_not_given_away_by_this_one():
    # Both tables share the row totals: a total the first hides must stay hidden in the second.
    cells = {("a", "x"): 20, ("a", "y"): 30, ("b", "x"): 40, ("b", "y"): 50}
    hidden = protect(cells, 5, force={("a", TOTAL)})
    assert ("a", TOTAL) in hidden
    assert recover(cells, hidden) == {}

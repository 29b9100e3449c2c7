"""Cell suppression for published count tables: which figures to hide so small counts stay hidden.

Protects against exact recovery from one table: no hidden figure can be worked out from the
figures published beside it and the margins (a row total is the sum of its row, a column total
the sum of its column, the grand total the sum of everything).
Does not protect against
- linking several published tables (the same people counted by province here and by sex there);
- intervals: counts are never negative, so a hidden figure may still be bounded, e.g. a hidden
  pair summing to 4 means each is at most 4. Only exact values are protected.
Columns of unique people are not additive (a person served in two provinces counts once in the
total), but they are treated as if they were: that assumes the attacker knows more equations
than really hold, so it can only hide too much, never too little.

The reasoning: add the margins to the table as one more row and one more column; every published
line (row or column, the total lines included) then says "its cells minus its total is 0". Make
each line a vertex and each figure an edge between its row line and its column line (a line
whose equation is not published becomes the vertex GROUND, which carries no equation). Up to
the sign of each equation, the equations on the hidden figures are then the incidence matrix of
the graph of hidden edges (GROUND's row left out, which changes nothing: a flow kept at every
other vertex is kept at GROUND too), so the unknown part of a solution is a circulation, and a
hidden figure is determined exactly when its edge is on no cycle: when it is a bridge.
"""

import heapq
from collections import defaultdict
from itertools import count

TOTAL = "__total__"  # the key of a margin in a row or column position

_GROUND = ("ground",)  # the end of a figure in a line whose equation is not published
_ALL = ("all",)  # the only equation when no margin but the grand total is published


def protect(
    cells: dict[tuple, int],
    threshold: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    force=frozenset(),
) -> set[tuple]:
    """The keys of the cells and margins to hide.

    cells maps (row, column) to a count; a missing cell is a structural 0. The table is
    published with a total per row (key (row, TOTAL)) if row_totals, per column ((TOTAL,
    column)) if column_totals, and always the grand total ((TOTAL, TOTAL)). A count below the
    threshold (but not 0) is hidden, then the cheapest complements so that none can be
    recovered. Zeros are never hidden. `force` names figures hidden anyway (a total another
    table hides, which this one must not give away).
    """
    values = _published(cells, row_totals, column_totals)
    # Sorted so the answer does not depend on the order of the dict.
    keys = sorted(values, key=lambda k: (str(k), repr(k)))
    value = [values[k] for k in keys]
    ends = _ends(keys, row_totals, column_totals)
    everything = defaultdict(list)  # vertex -> (other end, figure) over every non-zero figure
    for i, (u, v) in enumerate(ends):
        if value[i]:
            everything[u].append((v, i))
            everything[v].append((u, i))

    hidden = {i for i, n in enumerate(value) if 0 < n < threshold or (n and keys[i] in force)}
    # Each round puts one bridge on a cycle and makes no new bridge (the added path is on that
    # cycle too, and adding edges never breaks a cycle): it ends within len(hidden) rounds.
    while determined := _bridges(ends, hidden):
        bridge = min(determined, key=lambda i: (value[i], i))
        hidden |= _complement(ends, value, everything, hidden, bridge)
    return {keys[i] for i in hidden}


def suppress_lines(lines: dict, threshold: int) -> set:
    """The lines of a one-column list published with its total (e.g. people by province) to
    hide; TOTAL among them when the total itself must be hidden."""
    hidden = protect(
        {(k, "n"): n for k, n in lines.items()}, threshold, row_totals=False, column_totals=True
    )
    return {row for row, _ in hidden}


def _published(cells, row_totals, column_totals):
    values = {}
    rows, columns = defaultdict(int), defaultdict(int)
    for (row, column), n in cells.items():
        if TOTAL in (row, column):
            raise ValueError(f"{TOTAL!r} is the key of the margins, not of a cell")
        values[(row, column)] = n
        rows[row] += n
        columns[column] += n
    if row_totals:
        values.update({(row, TOTAL): n for row, n in rows.items()})
    if column_totals:
        values.update({(TOTAL, column): n for column, n in columns.items()})
    values[(TOTAL, TOTAL)] = sum(cells.values())
    return values


def _ends(keys, row_totals, column_totals):
    """Each figure's two lines as vertex numbers (see the module's docstring)."""
    numbers = {}

    def vertex(label):
        return numbers.setdefault(label, len(numbers))

    if not (row_totals or column_totals):
        return [(vertex(_ALL), vertex(_GROUND)) for _ in keys]
    ends = []
    for row, column in keys:
        # The total row holds the column totals, so it is an equation when they are published.
        row_line = column_totals if row == TOTAL else row_totals
        column_line = row_totals if column == TOTAL else column_totals
        ends.append(
            (
                vertex(("row", row) if row_line else _GROUND),
                vertex(("column", column) if column_line else _GROUND),
            )
        )
    return ends


def _bridges(ends, hidden):
    """The hidden figures on no cycle of hidden figures: those the equations determine."""
    adjacency = defaultdict(list)
    for i in sorted(hidden):
        u, v = ends[i]
        adjacency[u].append((v, i))
        adjacency[v].append((u, i))
    # Tarjan's low-link, iteratively; skipping the edge we came by (not the vertex) keeps a pair
    # of parallel edges, which is a cycle, from being taken for a bridge.
    order, low, bridges = {}, {}, set()
    for root in list(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            vertex, via, edges = stack[-1]
            for other, i in edges:
                if i == via:
                    continue
                if other in order:
                    low[vertex] = min(low[vertex], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, i, iter(adjacency[other])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        bridges.add(via)
    return bridges


def _complement(ends, value, everything, hidden, bridge):
    """The published figures of the cheapest path joining the bridge's two lines without it:
    hiding them puts the bridge on a cycle. Hidden figures cost nothing, a published one its
    count (then one per figure, to break ties), and a zero is never used. Such a path always
    exists: the counts themselves satisfy every equation, so the non-zero figures form a
    circulation and none of them is a bridge of the whole table."""
    source, target = ends[bridge]
    best = {source: (0, 0)}
    came_by = {}
    order = count()
    heap = [((0, 0), next(order), source)]
    while heap:
        cost, _, vertex = heapq.heappop(heap)
        if vertex == target:
            break
        if cost > best[vertex]:
            continue
        for other, i in everything[vertex]:
            if i == bridge:
                continue
            step = cost if i in hidden else (cost[0] + value[i], cost[1] + 1)
            if other not in best or step < best[other]:
                best[other] = step
                came_by[other] = i
                heapq.heappush(heap, (step, next(order), other))
    path, vertex = set(), target
    while vertex != source:
        i = came_by[vertex]
        path.add(i)
        u, v = ends[i]
        vertex = u if v == vertex else v
    return path - hidden

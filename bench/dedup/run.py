"""Deduplication benchmark: Kopru against Splink 5 (DuckDB) on the same synthetic file.

    .venv/bin/python bench/dedup/run.py 100000           # generate (seeded), run both, compare
    .venv/bin/python bench/dedup/run.py 1000000 --only kopru

Each engine runs in its own process so that its wall time and peak memory are its own. The
truth column never reaches an engine. Prints `name: figure` lines last.
"""

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
THRESHOLD = 0.8


def metrics(truth, predicted):
    """Pairwise precision, recall, F1 and B-cubed F1 of predicted clusters against the truth."""

    def pairs(sizes):
        return sum(n * (n - 1) // 2 for n in sizes)

    joint = Counter(zip(predicted, truth, strict=True))
    tp = pairs(joint.values())
    pp = pairs(Counter(predicted).values())
    tt = pairs(Counter(truth).values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    p_size, t_size = Counter(predicted), Counter(truth)
    bp = sum(joint[(p, t)] / p_size[p] for p, t in zip(predicted, truth, strict=True))
    br = sum(joint[(p, t)] / t_size[t] for p, t in zip(predicted, truth, strict=True))
    n = len(truth)
    bp, br = bp / n, br / n
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bcubed_f1": 2 * bp * br / (bp + br) if bp + br else 0.0,
    }


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopru.settings")
    os.environ.setdefault("KOPRU_VAR_DIR", tempfile.mkdtemp())
    import django

    django.setup()


def engine_kopru(path):
    _django()
    from kopru.registry.dedup.files import clusters, read_rows, record_of_row

    rows = read_rows(path)
    started = time.perf_counter()
    records = [record_of_row(row, i) for i, row in enumerate(rows)]
    roots, _pairs = clusters(records, THRESHOLD)
    return [r["id"] for r in rows], [rows[root]["id"] for root in roots], started


def engine_splink(path):
    """Splink configured as a careful analyst would: folded names, ISO dates, trained model."""
    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    _django()
    from kopru.core.text import fold
    from kopru.registry.dedup.files import parse_date, phone

    started = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.drop(columns=["truth"])
    for col in ("given_name", "family_name", "father_name", "mother_name"):
        df[col] = df[col].map(lambda s: fold(s) or None)
    df["date_of_birth"] = df["date_of_birth"].map(
        lambda s: d.isoformat() if (d := parse_date(s)[0]) else None
    )
    df["phone"] = df["phone"].map(lambda s: phone(s) or None)
    for col in ("sex", "nationality", "document_number"):
        df[col] = df[col].map(lambda s: s or None)
    df = df.rename(columns={"id": "unique_id"})
    df["full_name"] = (df["given_name"].fillna("") + " " + df["family_name"].fillna("")).str.strip()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison(
                "given_name", "family_name", forename_surname_concat_col_name="full_name"
            ).configure(term_frequency_adjustments=True),
            cl.NameComparison("father_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("document_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("given_name", "date_of_birth"),
            block_on("family_name", "date_of_birth"),
            block_on("phone"),
            block_on("document_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # Two EM sessions, each blocked on what it does not train (Splink's recommended recipe).
    # Blocked on names, EM drives an m probability to underflow on this data; phone and date
    # of birth train every comparison without it. A failed session is reported, not hidden.
    for rule in (block_on("phone"), block_on("date_of_birth")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as exc:  # m probability underflow in one session: keep the other
            print(f"splink EM session {rule} skipped: {exc}", file=sys.stderr)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    ).as_pandas_dataframe()
    cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
    ids = list(df["unique_id"])
    return ids, [cluster_of.get(i, i) for i in ids], started


def child(engine, path):
    ids, cluster_ids, started = {"kopru": engine_kopru, "splink": engine_splink}[engine](path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ids": ids, "clusters": cluster_ids, "seconds": seconds, "peak_mb": peak}))


def run_engine(engine, path):
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(size, only=None, seed=7):
    from bench.dedup.generate import generate, write

    data = Path(tempfile.mkdtemp(prefix="kopru-dedup-")) / f"people-{size}.csv"
    write(generate(size, seed), data)
    with open(data, encoding="utf-8") as f:
        truth_of = {r["id"]: r["truth"] for r in csv.DictReader(f)}
    figures = {}
    for engine in ["kopru", "splink"] if only is None else [only]:
        result = run_engine(engine, data)
        truth = [truth_of[i] for i in result["ids"]]
        m = metrics(truth, result["clusters"])
        for key, value in m.items():
            figures[f"{engine}_{key}"] = f"{value:.4f}"
        figures[f"{engine}_seconds"] = f"{result['seconds']:.1f}"
        figures[f"{engine}_peak_mb"] = f"{result['peak_mb']:.0f}"
    if only is None:
        gap = float(figures["kopru_f1"]) - float(figures["splink_f1"])
        figures["kopru_minus_splink_f1"] = f"{gap:+.4f}"
    true_clusters = defaultdict(int)
    for t in truth_of.values():
        true_clusters[t] += 1
    print(f"records: {size}")
    print(f"people: {len(true_clusters)}")
    print(f"duplicate_share: {1 - len(true_clusters) / size:.3f}")
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1], sys.argv[-1])
    else:
        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, only)

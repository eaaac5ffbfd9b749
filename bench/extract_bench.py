"""Extractor benchmark: precision and recall per field over the labelled fragments.

    .venv/bin/python bench/extract_bench.py [--verbose]

Each file in tests/fixtures/extract/ starts with ``<!-- expect: {...} -->``: the facts a careful
editor would take from that fragment (fees as [amount, period, year]). A found fact is a true
positive when it equals the label (for fees: amount, period and year all equal), a false positive
otherwise (a wrong value, or a fact the fragment does not state); a labelled fact not found, or
found wrong, is a false negative. Targets: precision >= 0.95 for fees and IELTS, recall >= 0.8
over all fields. Files named h*.html were written after the extractor was tuned and never tuned
against; their figures are printed apart as the honest estimate. Pure functions: no database,
no network.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from programmes.sources.extract import FEE_FIELDS, FIELDS, extract  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
_EXPECT = re.compile(r"^<!-- expect: (\{.*\}) -->\n", re.S)
TARGETS = {"fees": 0.95, "ielts_overall": 0.95, "recall": 0.8}


def load_cases() -> list[tuple[str, dict, str]]:
    cases = []
    for path in sorted(FIXTURES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        match = _EXPECT.match(text)
        if not match:
            raise SystemExit(f"{path.name}: no '<!-- expect: {{...}} -->' first line")
        cases.append((path.name, json.loads(match.group(1)), text[match.end() :]))
    return cases


def _found(fact) -> object:
    if fact.field in FEE_FIELDS:
        return [fact.value, fact.period, fact.year]
    return fact.value


def score(cases) -> tuple[dict[str, dict[str, int]], list[str]]:
    counts = {name: {"tp": 0, "fp": 0, "fn": 0} for name in FIELDS}
    mistakes = []
    for name, expected, document in cases:
        found = {fact.field: _found(fact) for fact in extract(document)}
        for field in FIELDS:
            want, got = expected.get(field), found.get(field)
            if got is not None and got == want:
                counts[field]["tp"] += 1
                continue
            if got is not None:
                counts[field]["fp"] += 1
            if want is not None:
                counts[field]["fn"] += 1
            if got is not None or want is not None:
                mistakes.append(f"{name}: {field}: expected {want!r}, found {got!r}")
    return counts, mistakes


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summary(counts) -> dict[str, float | None]:
    fees = {k: sum(counts[f][k] for f in FEE_FIELDS) for k in ("tp", "fp", "fn")}
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {
        "fees_precision": ratio(fees["tp"], fees["tp"] + fees["fp"]),
        "ielts_precision": ratio(
            counts["ielts_overall"]["tp"],
            counts["ielts_overall"]["tp"] + counts["ielts_overall"]["fp"],
        ),
        "overall_precision": ratio(total["tp"], total["tp"] + total["fp"]),
        "overall_recall": ratio(total["tp"], total["tp"] + total["fn"]),
    }


def _fmt(value: float | None) -> str:
    return "  —  " if value is None else f"{value:5.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args()
    cases = load_cases()
    counts, mistakes = score(cases)
    print(f"{len(cases)} labelled fragments in {FIXTURES.relative_to(ROOT)}\n")
    print(f"{'field':28} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}")
    for field, c in counts.items():
        precision = ratio(c["tp"], c["tp"] + c["fp"])
        recall = ratio(c["tp"], c["tp"] + c["fn"])
        print(
            f"{field:28} {c['tp']:4} {c['fp']:4} {c['fn']:4} {_fmt(precision):>10} "
            f"{_fmt(recall):>7}"
        )
    s = summary(counts)
    print()
    print(f"fees precision    {_fmt(s['fees_precision'])}  (target >= {TARGETS['fees']})")
    print(f"IELTS precision   {_fmt(s['ielts_precision'])}  (target >= {TARGETS['ielts_overall']})")
    print(f"overall precision {_fmt(s['overall_precision'])}")
    print(f"overall recall    {_fmt(s['overall_recall'])}  (target >= {TARGETS['recall']})")
    held = [c for c in cases if c[0].startswith("h")]
    if held:
        h = summary(score(held)[0])
        print(
            f"held-out fragments (h*.html, {len(held)}, written after tuning): precision "
            f"{_fmt(h['overall_precision'])}, recall {_fmt(h['overall_recall'])}"
        )
    if args.verbose and mistakes:
        print("\nmistakes:")
        for line in mistakes:
            print("  " + line)
    met = (
        (s["fees_precision"] or 0) >= TARGETS["fees"]
        and (s["ielts_precision"] or 0) >= TARGETS["ielts_overall"]
        and (s["overall_recall"] or 0) >= TARGETS["recall"]
    )
    print("\ntargets met" if met else "\ntargets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

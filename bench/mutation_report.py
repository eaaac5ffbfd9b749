"""The mutation score per module, from the results `mutmut run` left in mutants/.

Score = killed (including timeouts) / mutants checked. "no tests" mutants are in code no fast
test reaches; "not checked" ones were not reached before the time limit.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {"killed", "timeout"}


def main() -> int:
    result = subprocess.run(  # noqa: S603 - our own venv's mutmut, fixed arguments
        [str(ROOT / ".venv" / "bin" / "mutmut"), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    by_module: dict[str, Counter] = defaultdict(Counter)
    for line in result.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if not sep or "__mutmut_" not in name:
            continue
        module = name.split(".x_", 1)[0].split(".xǁ", 1)[0]
        by_module[module][status.strip()] += 1
    if not by_module:
        print("No mutation results: run `make mutation` first.", file=sys.stderr)
        return 1
    header = f"{'module':<24} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} "
    header += f"{'not run':>8} {'score':>6}"
    print(header)
    print("-" * len(header))
    for module, counts in sorted(by_module.items()):
        killed = sum(counts[s] for s in KILLED)
        survived = counts["survived"]
        no_tests = counts["no tests"]
        unchecked = counts["not checked"]
        total = sum(counts.values())
        checked = total - unchecked
        score = f"{100 * killed / checked:5.1f}%" if checked else "  -  "
        print(
            f"{module:<24} {total:>7} {killed:>7} {survived:>8} {no_tests:>8} "
            f"{unchecked:>8} {score:>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

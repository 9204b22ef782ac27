"""Precision and recall of the prose (no-marker) importer against the hand lists (issue 14).

Prints figures, not pass/fail, so that they can be raised: for seed 000 (Chenzhou city plan)
and the invented county notice in tests/data. Run from the repository root:
``PYTHONPATH=$PWD python benchmarks/prose_import.py [--seeds DIR]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tasks.plans.importers.registry import read_document
from tests.prose_lists import DATA, load, missing_targets, score


def main() -> None:
    """Read both documents and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"), help="The seed documents.")
    args = parser.parse_args()
    cases = [(args.seeds / "000_a0ed3535ed6b6998.txt", "prose_expected_000.json"),
             (DATA / "prose_notice.txt", "prose_expected_notice.json"),
             (DATA / "prose_notice_district.txt", "prose_expected_district.json")]
    print(f"{'document':34} {'expected':>8} {'rows':>5} {'right':>5} {'recall':>7} {'precision':>9} "
          f"{'extra':>6} {'timed':>7} {'targets':>8}")
    for path, hand_list in cases:
        if not path.exists():
            print(f"{path.name:34} missing")
            continue
        plan = read_document(path)
        expected = load(hand_list)
        result = score(plan, expected)
        targets = len(expected["targets"])
        found_targets = targets - len(missing_targets(plan, expected))
        print(f"{path.name:34} {result.expected:8} {result.found_rows:5} {result.matched:5} {result.recall:7.2f} "
              f"{result.precision:9.2f} {result.extra_share:6.2f} {result.timed_right:3}/{result.timed_expected:<3} "
              f"{found_targets:3}/{targets:<3}")
        for miss in result.misses:
            print(f"    miss: {miss}")
        for extra in result.extra:
            print(f"    extra: {extra}")
        if plan.draft:
            print(f"    draft: {plan.draft}")


if __name__ == "__main__":
    main()

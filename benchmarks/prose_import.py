"""Precision and recall of the prose (no-marker) importer against the hand lists (issue 14).

Prints figures, not pass/fail, so that they can be raised: for seed 000 (Chenzhou city plan)
and the invented county notice in tests/data. Run from the repository root:
``PYTHONPATH=$PWD python benchmarks/prose_import.py [--seeds DIR]``.

Measured 2026-12-03 (rows: tasks read; right: hand-list obligations found with the right units;
timed: hand-list times found in the schedule cell; targets: stated targets found with value and year):

    document                   expected rows right recall precision extra timed targets
    seed 000 (city plan)          66     66   65→66  0.98→1.00  0.98→1.00  0.00   7/7   7/7
    prose_notice.txt              32     32   32     1.00       1.00       0.00  23/23 11/11
    prose_notice_district.txt     33  33→34   29→33  0.88→1.00  0.88→0.97  0.03  19/21→21/22  4/5→5/5

The district notice was written and hand-listed before the reader was first run on it; "→" is after
the general fixes it led to (a head shared by a list of levels or a level shared by a list of sectors;
a group such as 各街道 takes no 单位 suffix; 会同X stops before a time word; a routine with its
frequency obliges without 要; A达到90%、B达到85% names B alone; after 截至… a sentence is background;
每年12月10日前 is a yearly duty due that day). Still missed: 每学期 (no semester recurrence), and the
sanction sentence 对…的，要严肃追责问责 is taken with the last subject (one extra row).
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

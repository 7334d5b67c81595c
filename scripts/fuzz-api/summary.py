"""Counts from a Schemathesis NDJSON report, for scripts/fuzz-api.sh: operations, test cases and
requests, then passes and failures per check, then each failing case. Exit 1 on any failure.

Usage: summary.py REPORT.ndjson
"""

import json
import sys
from collections import Counter


def main():
    operations, phases = set(), Counter()
    cases = requests = failed_cases = 0
    passed, failed = Counter(), Counter()
    failures = []
    engine_errors = []
    for line in open(sys.argv[1], encoding="utf-8"):
        event = json.loads(line)
        if "NonFatalError" in event or "FatalError" in event:
            # Schemathesis could not test something (a schema it cannot use, a network error).
            err = event.get("NonFatalError") or event.get("FatalError")
            info = err.get("info")
            message = info.get("message", info) if isinstance(info, dict) else info
            engine_errors.append(f"{err.get('label', 'run')}: {message}"[:500])
            continue
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        label = recorder["label"]
        if finished["phase"] != "stateful":
            operations.add(label)
        requests += len(recorder.get("interactions", {}))
        for case_id, checks in recorder.get("checks", {}).items():
            cases += 1
            phases[finished["phase"]] += 1
            bad = False
            for check in checks:
                if check["status"] == "success":
                    passed[check["name"]] += 1
                elif check["status"] == "failure":
                    failed[check["name"]] += 1
                    bad = True
                    case = recorder.get("cases", {}).get(case_id, {}).get("value", {})
                    failures.append(
                        f"{check['name']}: {case.get('method', '')} {case.get('path', label)} (case {case_id})"
                    )
            failed_cases += bad

    print(f"operations tested: {len(operations)}")
    print(f"test cases: {cases} ({', '.join(f'{p} {n}' for p, n in sorted(phases.items()))})")
    print(f"requests sent: {requests}")
    print(f"{'check':<32}{'passed':>8}{'failed':>8}")
    for name in sorted(set(passed) | set(failed)):
        print(f"{name:<32}{passed[name]:>8}{failed[name]:>8}")
    for f in dict.fromkeys(failures):
        print(f"FAILED {f}")
    for e in engine_errors:
        print(f"ERROR {e}")
    print(f"failed test cases: {failed_cases}, errors: {len(engine_errors)}")
    sys.exit(1 if failed_cases or engine_errors or not cases else 0)


if __name__ == "__main__":
    main()

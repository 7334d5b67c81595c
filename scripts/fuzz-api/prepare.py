"""Test data for scripts/fuzz-api.sh, made on the running server through the API itself.

Signs in as the demo admin (admins reach every route: analytics, revocations, embed settings),
gives that account enrolments, a review, a note, open and submitted quiz attempts and mistakes,
then writes the ids that exist as libFuzzer dictionaries into OUT_DIR, where the Schemathesis
config binds them to path and query parameters. Random ids only ever reach the 404 branch.

Usage: prepare.py API_BASE OUT_DIR   (prints the admin's bearer token)
"""

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

# The demo admin made by `serve --demo-accounts` (README: public, demo only).
ADMIN = {"email": "admin@jieti.demo", "password": "jieti-demo-2026"}


def call(api, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(api + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            raw = res.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"prepare: {method} {path}: {e.code} {e.read()[:300]!r}")
    return json.loads(raw) if raw else None


def wrong_answer(question):
    """An answer that is most likely wrong, so the question lands in the mistake book."""
    kind = question["kind"]
    choices = [c["id"] for c in question.get("choices", [])]
    if kind == "multiple":
        return {"choice": choices}
    if kind in ("single", "true_false"):
        return {"choice": choices[-1:]}
    if kind == "numeric":
        return {"number": "-987654.321"}
    if kind == "fill_blank":
        # A typed blank takes any text; a picked one only one of its choices' ids (the last, as
        # a likely wrong pick).
        blanks = [p["blank"] for p in question.get("stem", []) if "blank" in p]
        return {"blanks": {b["id"]: (b["choices"][-1]["id"] if b.get("choices") else "zzz") for b in blanks}}
    if kind == "ordering":
        return {"order": list(reversed(choices))}
    return None


def main():
    api, out = sys.argv[1], Path(sys.argv[2])
    token = call(api, "POST", "/session", body=ADMIN)["token"]

    def api_call(method, path, body=None):
        return call(api, method, path, token, body)

    courses, institutions, lessons, quizzes, certificates = [], set(), [], [], []
    page = 1
    while True:
        found = api_call("GET", f"/courses?per_page=50&page={page}")
        courses += [c["id"] for c in found["items"]]
        institutions |= {c["institution"]["id"] for c in found["items"]}
        if not found["items"] or len(courses) >= found["total"]:
            break
        page += 1
    for course in courses:
        detail = api_call("GET", f"/courses/{course}")
        lessons += [lesson["id"] for ch in detail["chapters"] for lesson in ch["lessons"]]
        quizzes += [q["id"] for q in detail.get("quizzes", [])]
    # Certificates: the demo's simulated learners earned some (crates/server/src/seed/activity.rs).
    for course in courses:
        certificates += [c["code"] for c in api_call("GET", f"/courses/{course}/analytics")["certificates"]]

    # Enrolled (only enrolled learners may review), with a review and a note to edit and delete.
    for course in courses[:3]:
        api_call("PUT", f"/courses/{course}/enrollment")
    api_call("PUT", f"/courses/{courses[0]}/review", {"rating": 4, "body": "fuzz"})
    note = "fuzz-note-0001"
    api_call(
        "PUT",
        f"/notes/{note}",
        {"id": note, "lesson_id": lessons[0], "kind": "note", "position": 1.0, "body": "fuzz", "updated_at_ms": 1},
    )

    # One attempt per quiz. Practice quizzes and exams stay open for saving and checking answers;
    # graded quizzes get one submitted with wrong answers (mistakes to review) and a second one
    # left for the fuzzer to submit.
    open_attempts, practice_attempts, practice_questions, submit_attempts = [], [], [], []
    for quiz in quizzes:
        attempt = api_call("POST", f"/quizzes/{quiz}/attempts")
        if attempt["mode"] != "graded":
            open_attempts.append(attempt["id"])
            # Answers are checked one by one only in practice quizzes (409 in exams).
            if attempt["mode"] == "practice":
                practice_attempts.append(attempt["id"])
                practice_questions += [q["id"] for q in attempt["questions"]]
            continue
        answers = {q["id"]: a for q in attempt["questions"] if (a := wrong_answer(q)) is not None}
        api_call("POST", f"/attempts/{attempt['id']}/submit", {"submission_id": f"prep-{attempt['id']}", "answers": answers})
        submit_attempts.append(api_call("POST", f"/quizzes/{quiz}/attempts")["id"])
    mistakes = [m["question"]["id"] for m in api_call("GET", "/mistakes")["items"]]
    if not mistakes:
        sys.exit("prepare: no mistakes were made; wrong_answer needs a look")

    out.mkdir(parents=True, exist_ok=True)
    dictionaries = {
        "courses": courses,
        "institutions": sorted(institutions),
        "lessons": lessons,
        "quizzes": quizzes,
        "certificates": certificates,
        "attempts": open_attempts + submit_attempts,
        "open_attempts": open_attempts,
        "practice_attempts": practice_attempts,
        "practice_questions": practice_questions,
        "submit_attempts": submit_attempts,
        "mistakes": mistakes,
        "notes": [note],
    }
    for name, values in dictionaries.items():
        if not values:
            sys.exit(f"prepare: found no {name}")
        lines = [json.dumps(v) for v in dict.fromkeys(values)]
        (out / f"{name}.dict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(token)


if __name__ == "__main__":
    main()

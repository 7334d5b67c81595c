//! Quizzes: the scoring rules of every question kind, attempts (start, resume, save, check,
//! submit), exam deadlines kept by the server, review policies, keys never leaking, privacy, the
//! wrong-answer book and sign-in adoption, over a real SQLite file.

mod common;

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{body_text, guest, test_app, TestApp};
use jieti_api::{Answer, Outcome, MAX_ANSWER_CHARS};
use jieti_server::db::quiz::{check_quiz, expire_all, upsert_quiz, GRACE_MS, RELEARN_MS};
use jieti_server::quiz::score::{check, score};
use jieti_server::quiz::{QuestionDef, QuizDef};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Scoring, through the library's public API.
// ---------------------------------------------------------------------------------------------

fn qdef(v: Value) -> QuestionDef {
    let d: QuestionDef = serde_json::from_value(v).expect("question def");
    d.validate().expect("a well-made question");
    d
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn choice(ids: &[&str]) -> Answer {
    Answer::Choice(strs(ids))
}

fn order(ids: &[&str]) -> Answer {
    Answer::Order(strs(ids))
}

fn pairs(p: &[(&str, &str)]) -> Answer {
    Answer::Pairs(
        p.iter()
            .map(|(l, r)| [(*l).to_owned(), (*r).to_owned()])
            .collect(),
    )
}

fn blanks(p: &[(&str, &str)]) -> Answer {
    Answer::Blanks(
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn number(s: &str) -> Answer {
    Answer::Number(s.to_owned())
}

/// Asserts `answer` scores `points` with `outcome`, out of the question's points.
#[track_caller]
fn scores(def: &QuestionDef, answer: Option<Answer>, outcome: Outcome, points: f64) {
    let got = score(def, answer.as_ref());
    assert_eq!(got.outcome, outcome, "{}: {answer:?} → {got:?}", def.id);
    assert!(
        (got.score - points).abs() < 1e-9,
        "{}: {answer:?} → {got:?}, expected {points}",
        def.id
    );
    assert!(
        (got.max - def.points).abs() < 1e-9,
        "{}: {answer:?} → {got:?}",
        def.id
    );
}

fn single() -> QuestionDef {
    qdef(json!({
        "id": "s1", "kind": "single", "prompt": "p", "points": 2,
        "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
        "key": {"choice": {"correct": ["b"]}}
    }))
}

#[test]
fn single_and_true_false_are_all_or_nothing() {
    let d = single();
    scores(&d, Some(choice(&["b"])), Outcome::Correct, 2.0);
    scores(&d, Some(choice(&["a"])), Outcome::Wrong, 0.0);
    // Two picks for a single-choice question: refused, and worth nothing even with the right one.
    assert!(check(&d, &choice(&["a", "b"])).is_err());
    scores(&d, Some(choice(&["a", "b"])), Outcome::Wrong, 0.0);
    assert!(check(&d, &choice(&["zz"])).is_err());
    scores(&d, Some(choice(&["zz"])), Outcome::Wrong, 0.0);
    assert!(check(&d, &Answer::Text("b".into())).is_err());
    scores(&d, Some(Answer::Text("b".into())), Outcome::Wrong, 0.0);
    scores(&d, Some(choice(&[])), Outcome::Unanswered, 0.0);
    scores(&d, None, Outcome::Unanswered, 0.0);

    let tf = qdef(json!({
        "id": "tf1", "kind": "true_false", "prompt": "p",
        "choices": [{"id": "true", "text": "T"}, {"id": "false", "text": "F"}],
        "key": {"choice": {"correct": ["true"]}}
    }));
    assert_eq!(tf.points, 1.0, "points default to 1");
    scores(&tf, Some(choice(&["true"])), Outcome::Correct, 1.0);
    scores(&tf, Some(choice(&["false"])), Outcome::Wrong, 0.0);
    assert!(check(&tf, &choice(&["true", "false"])).is_err());
    assert!(check(&tf, &choice(&["yes"])).is_err());
}

#[test]
fn multiple_gives_per_option_credit_with_a_penalty_floored_at_zero() {
    let d = qdef(json!({
        "id": "m1", "kind": "multiple", "prompt": "p", "points": 3, "max_choices": 4,
        "choices": [{"id": "m1", "text": "1"}, {"id": "m2", "text": "2"}, {"id": "m3", "text": "3"},
                    {"id": "m4", "text": "4"}, {"id": "m5", "text": "5"}],
        "key": {"choice": {"correct": ["m1", "m2", "m3"]}}
    }));
    scores(&d, Some(choice(&["m1", "m2", "m3"])), Outcome::Correct, 3.0);
    scores(&d, Some(choice(&["m3", "m1", "m2"])), Outcome::Correct, 3.0);
    scores(&d, Some(choice(&["m1", "m2"])), Outcome::Partial, 2.0);
    scores(&d, Some(choice(&["m2"])), Outcome::Partial, 1.0);
    // Each wrong pick takes away what a right one gives.
    scores(&d, Some(choice(&["m1", "m2", "m4"])), Outcome::Partial, 1.0);
    scores(
        &d,
        Some(choice(&["m1", "m2", "m3", "m4"])),
        Outcome::Partial,
        2.0,
    );
    scores(&d, Some(choice(&["m1", "m4"])), Outcome::Wrong, 0.0);
    // Never below zero.
    scores(&d, Some(choice(&["m1", "m4", "m5"])), Outcome::Wrong, 0.0);
    scores(&d, Some(choice(&["m4", "m5"])), Outcome::Wrong, 0.0);
    // More picks than max_choices: refused, and worth 0 even though every right one is in it.
    let all = choice(&["m1", "m2", "m3", "m4", "m5"]);
    let e = check(&d, &all).unwrap_err();
    assert!(e.contains('4'), "{e}");
    scores(&d, Some(all.clone()), Outcome::Wrong, 0.0);
    // Repeats are refused (a repeated right pick must not count twice).
    assert!(check(&d, &choice(&["m1", "m1"])).is_err());
    scores(&d, Some(choice(&["m1", "m1", "m1"])), Outcome::Wrong, 0.0);
    scores(&d, Some(choice(&[])), Outcome::Unanswered, 0.0);

    // max_choices 0: any number of the choices.
    let mut any = d.clone();
    any.max_choices = 0;
    assert!(check(&any, &all).is_ok());
    scores(&any, Some(all), Outcome::Partial, 1.0);
}

#[test]
fn fill_blank_normalises_typed_blanks_and_compares_picked_ones_by_id() {
    let d = qdef(json!({
        "id": "f1", "kind": "fill_blank", "prompt": "p", "points": 3,
        "stem": [
            {"text": "Say "}, {"blank": {"id": "b1"}},
            {"text": " in "}, {"blank": {"id": "b2", "choices": [{"id": "c1", "text": "Red"}, {"id": "c2", "text": "Blue"}]}},
            {"text": " at "}, {"blank": {"id": "b3", "expected_len": 2}}
        ],
        "key": {"blanks": {"accepted": {"b1": ["Hello, World."], "b2": ["c2"], "b3": ["北京", "Beijing"]}}}
    }));
    // Full-width letters and punctuation, an ideographic space, upper case: all folded.
    scores(
        &d,
        Some(blanks(&[
            ("b1", "ＨＥＬＬＯ，\u{3000}ＷＯＲＬＤ。"),
            ("b2", "c2"),
            ("b3", "BEIJING"),
        ])),
        Outcome::Correct,
        3.0,
    );
    // Chinese punctuation and runs of spaces.
    scores(
        &d,
        Some(blanks(&[
            ("b1", "  hello、   world。 "),
            ("b2", "c2"),
            ("b3", " 北京 "),
        ])),
        Outcome::Correct,
        3.0,
    );
    // Each blank an equal share.
    scores(
        &d,
        Some(blanks(&[
            ("b1", "hello, world."),
            ("b2", "c1"),
            ("b3", "上海"),
        ])),
        Outcome::Partial,
        1.0,
    );
    scores(
        &d,
        Some(blanks(&[("b1", "hello, world."), ("b2", "c2")])),
        Outcome::Partial,
        2.0,
    );
    // Missing punctuation is a different answer.
    scores(
        &d,
        Some(blanks(&[("b1", "hello world")])),
        Outcome::Wrong,
        0.0,
    );
    // A picked blank is compared by id, not by the text shown; only its choices' ids are taken.
    scores(&d, Some(blanks(&[("b2", "Blue")])), Outcome::Wrong, 0.0);
    assert!(check(&d, &blanks(&[("b2", "Blue")])).is_err());
    assert!(check(&d, &blanks(&[("b2", "<img src=x onerror=alert(1)>")])).is_err());
    assert!(check(&d, &blanks(&[("b2", "c1"), ("b1", "anything typed")])).is_ok());
    assert!(check(&d, &blanks(&[("b2", "")])).is_ok());
    scores(&d, Some(blanks(&[("b2", "c2")])), Outcome::Partial, 1.0);
    // Nothing typed.
    scores(
        &d,
        Some(blanks(&[("b1", "   "), ("b2", ""), ("b3", "\u{3000}")])),
        Outcome::Unanswered,
        0.0,
    );
    scores(&d, Some(blanks(&[])), Outcome::Unanswered, 0.0);
    // A blank the question does not have.
    assert!(check(&d, &blanks(&[("b9", "x")])).is_err());
    scores(&d, Some(blanks(&[("b9", "x")])), Outcome::Wrong, 0.0);
    assert!(check(&d, &Answer::Text("hello".into())).is_err());

    let cs = qdef(json!({
        "id": "f2", "kind": "fill_blank", "prompt": "p",
        "stem": [{"text": "Salt is "}, {"blank": {"id": "x"}}],
        "key": {"blanks": {"accepted": {"x": ["NaCl"]}, "case_sensitive": true}}
    }));
    scores(&cs, Some(blanks(&[("x", "NaCl")])), Outcome::Correct, 1.0);
    scores(
        &cs,
        Some(blanks(&[("x", " ＮａＣｌ ")])),
        Outcome::Correct,
        1.0,
    );
    scores(&cs, Some(blanks(&[("x", "nacl")])), Outcome::Wrong, 0.0);
    scores(&cs, Some(blanks(&[("x", "NACL")])), Outcome::Wrong, 0.0);
    let mut ci = cs.clone();
    ci.key = serde_json::from_value(json!({"blanks": {"accepted": {"x": ["NaCl"]}}})).unwrap();
    scores(&ci, Some(blanks(&[("x", "NACL")])), Outcome::Correct, 1.0);
}

#[test]
fn numeric_reads_numbers_as_typed_within_the_tolerance() {
    let d = qdef(json!({
        "id": "n1", "kind": "numeric", "prompt": "p", "points": 2, "unit": "cm",
        "key": {"numeric": {"value": 3.5, "tolerance": 0.05}}
    }));
    for ok in [
        "3.5",
        "３．５",
        "3,5",
        "３，５",
        " +3.54 ",
        "3.45",
        "35e-1",
        "3.50",
    ] {
        scores(&d, Some(number(ok)), Outcome::Correct, 2.0);
    }
    for bad in [
        "3.56", "3.44", "-3.5", "35", "NaN", "nan", "inf", "-inf", "infinity", "1e999", "-1e999",
        "abc", "0x10", "1.2.3", "3.5cm",
    ] {
        scores(&d, Some(number(bad)), Outcome::Wrong, 0.0);
    }
    scores(&d, Some(number("  ")), Outcome::Unanswered, 0.0);
    assert!(check(&d, &choice(&["3.5"])).is_err());

    let exact = qdef(json!({
        "id": "n2", "kind": "numeric", "prompt": "p",
        "key": {"numeric": {"value": 0.3}}
    }));
    scores(&exact, Some(number("0.3")), Outcome::Correct, 1.0);
    scores(
        &exact,
        Some(number("0.30000000000000004")),
        Outcome::Correct,
        1.0,
    );
    scores(&exact, Some(number("0.31")), Outcome::Wrong, 0.0);
}

fn ordering(rule: &str, points: f64) -> QuestionDef {
    qdef(json!({
        "id": format!("o-{rule}"), "kind": "ordering", "prompt": "p", "points": points,
        "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}, {"id": "d", "text": "D"}],
        "key": {"order": {"correct": ["a", "b", "c", "d"], "rule": rule}}
    }))
}

#[test]
fn ordering_scores_per_position_or_by_longest_run() {
    let d = ordering("per_position", 4.0);
    scores(
        &d,
        Some(order(&["a", "b", "c", "d"])),
        Outcome::Correct,
        4.0,
    );
    // One swap: two of four in place.
    scores(
        &d,
        Some(order(&["b", "a", "c", "d"])),
        Outcome::Partial,
        2.0,
    );
    scores(
        &d,
        Some(order(&["a", "b", "d", "c"])),
        Outcome::Partial,
        2.0,
    );
    scores(&d, Some(order(&["d", "c", "b", "a"])), Outcome::Wrong, 0.0);
    // A rotation leaves nothing in place.
    scores(&d, Some(order(&["b", "c", "d", "a"])), Outcome::Wrong, 0.0);
    scores(&d, Some(order(&[])), Outcome::Unanswered, 0.0);
    for bad in [
        order(&["a", "b", "c"]),
        order(&["a", "a", "b", "c"]),
        order(&["a", "b", "c", "z"]),
        order(&["a", "b", "c", "d", "a"]),
    ] {
        assert!(check(&d, &bad).is_err(), "{bad:?}");
        scores(&d, Some(bad), Outcome::Wrong, 0.0);
    }
    // The serde default is per position.
    let default: QuestionDef = serde_json::from_value(json!({
        "id": "o", "kind": "ordering", "prompt": "p",
        "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}, {"id": "d", "text": "D"}],
        "key": {"order": {"correct": ["a", "b", "c", "d"]}}
    }))
    .unwrap();
    scores(
        &default,
        Some(order(&["b", "c", "d", "a"])),
        Outcome::Wrong,
        0.0,
    );

    let d = ordering("longest_run", 3.0);
    scores(
        &d,
        Some(order(&["a", "b", "c", "d"])),
        Outcome::Correct,
        3.0,
    );
    // (LCS − 1) / (n − 1): one swap keeps a run of 3 → 2/3.
    scores(
        &d,
        Some(order(&["b", "a", "c", "d"])),
        Outcome::Partial,
        2.0,
    );
    scores(
        &d,
        Some(order(&["b", "c", "d", "a"])),
        Outcome::Partial,
        2.0,
    );
    scores(
        &d,
        Some(order(&["c", "d", "a", "b"])),
        Outcome::Partial,
        1.0,
    );
    // Reversed: every run has length 1.
    scores(&d, Some(order(&["d", "c", "b", "a"])), Outcome::Wrong, 0.0);
}

#[test]
fn matching_gives_credit_per_right_pair() {
    let d = qdef(json!({
        "id": "p1", "kind": "matching", "prompt": "p", "points": 3,
        "choices": [{"id": "i1", "text": "Cat"}, {"id": "i2", "text": "Dog"}, {"id": "i3", "text": "Cow"}],
        "targets": [{"id": "t1", "text": "Meow"}, {"id": "t2", "text": "Woof"}, {"id": "t3", "text": "Moo"}, {"id": "t4", "text": "Quack"}],
        "key": {"pairs": {"correct": [["i1", "t1"], ["i2", "t2"], ["i3", "t3"]]}}
    }));
    scores(
        &d,
        Some(pairs(&[("i3", "t3"), ("i1", "t1"), ("i2", "t2")])),
        Outcome::Correct,
        3.0,
    );
    scores(
        &d,
        Some(pairs(&[("i1", "t1"), ("i2", "t2"), ("i3", "t4")])),
        Outcome::Partial,
        2.0,
    );
    scores(&d, Some(pairs(&[("i1", "t1")])), Outcome::Partial, 1.0);
    scores(
        &d,
        Some(pairs(&[("i1", "t2"), ("i2", "t1"), ("i3", "t4")])),
        Outcome::Wrong,
        0.0,
    );
    scores(&d, Some(pairs(&[])), Outcome::Unanswered, 0.0);
    for bad in [
        pairs(&[("i1", "t1"), ("i1", "t2")]),
        pairs(&[("i1", "t1"), ("i1", "t1")]),
        pairs(&[("i1", "t9")]),
        pairs(&[("t1", "i1")]),
    ] {
        assert!(check(&d, &bad).is_err(), "{bad:?}");
        scores(&d, Some(bad), Outcome::Wrong, 0.0);
    }
}

#[test]
fn essays_are_kept_ungraded_and_worth_nothing_until_marked() {
    let d = qdef(json!({
        "id": "e1", "kind": "essay", "prompt": "p", "points": 5, "key": "essay"
    }));
    for (answer, outcome) in [
        (
            Some(Answer::Text("Zebras are striped.".into())),
            Outcome::Ungraded,
        ),
        (Some(Answer::Text(" \n ".into())), Outcome::Unanswered),
        (None, Outcome::Unanswered),
    ] {
        let got = score(&d, answer.as_ref());
        assert_eq!(got.outcome, outcome, "{answer:?}");
        assert_eq!((got.score, got.max), (0.0, 0.0), "{answer:?}");
    }
    assert!(check(&d, &choice(&["a"])).is_err());
    assert_eq!(d.correct_answer(), None);
}

#[test]
fn oversized_text_is_refused_in_every_typed_answer() {
    let fits = "字".repeat(MAX_ANSWER_CHARS);
    let huge = "字".repeat(MAX_ANSWER_CHARS + 1);
    let essay = qdef(json!({"id": "e", "kind": "essay", "prompt": "p", "key": "essay"}));
    assert!(check(&essay, &Answer::Text(fits.clone())).is_ok());
    assert!(check(&essay, &Answer::Text(huge.clone())).is_err());
    let num = qdef(
        json!({"id": "n", "kind": "numeric", "prompt": "p", "key": {"numeric": {"value": 1.0}}}),
    );
    assert!(check(&num, &Answer::Number(huge.clone())).is_err());
    scores(
        &num,
        Some(Answer::Number(huge.clone())),
        Outcome::Wrong,
        0.0,
    );
    let fill = qdef(json!({
        "id": "f", "kind": "fill_blank", "prompt": "p",
        "stem": [{"blank": {"id": "x"}}], "key": {"blanks": {"accepted": {"x": ["a"]}}}
    }));
    assert!(check(&fill, &blanks(&[("x", &fits)])).is_ok());
    assert!(check(&fill, &blanks(&[("x", &huge)])).is_err());
    scores(&fill, Some(blanks(&[("x", &huge)])), Outcome::Wrong, 0.0);
}

#[test]
fn the_public_view_has_no_key_and_never_shows_an_order_as_its_key() {
    // Every key field and explanation stays behind.
    for v in [
        json!({"id": "q1", "kind": "single", "prompt": "p", "explanation": "EXPLAIN-X",
               "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
               "key": {"choice": {"correct": ["b"]}}}),
        json!({"id": "q2", "kind": "fill_blank", "prompt": "p", "explanation": "EXPLAIN-X",
               "stem": [{"blank": {"id": "x"}}], "key": {"blanks": {"accepted": {"x": ["ZEBRA-KEY-7"]}}}}),
        json!({"id": "q3", "kind": "numeric", "prompt": "p", "explanation": "EXPLAIN-X",
               "key": {"numeric": {"value": 271.828, "tolerance": 0.001}}}),
    ] {
        let d = qdef(v);
        let text = serde_json::to_string(&d.public("seed")).unwrap();
        assert_no_leak("public view", &text);
    }

    for n in 3..=5usize {
        let ids: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
        let key = ids.clone();
        // Authored in the key's order, and authored in another order.
        let mut other = ids.clone();
        other.rotate_left(1);
        for authored in [ids.clone(), other] {
            let d = qdef(json!({
                "id": format!("ord{n}"), "kind": "ordering", "prompt": "p",
                "choices": authored.iter().map(|i| json!({"id": i, "text": i})).collect::<Vec<_>>(),
                "key": {"order": {"correct": key}}
            }));
            let mut seen = BTreeSet::new();
            for seed in 0..300 {
                let shown: Vec<String> = d
                    .public(&format!("a_{seed:04}"))
                    .choices
                    .iter()
                    .map(|c| c.id.clone())
                    .collect();
                assert_ne!(shown, key, "seed {seed} shows the key's order");
                let mut sorted = shown.clone();
                sorted.sort();
                assert_eq!(sorted, key, "every item, once");
                seen.insert(shown);
            }
            // Shuffled, not one fixed order (n = 2 has only the one other order).
            let others = (1..=n).product::<usize>() - 1;
            assert!(
                seen.len() >= others.min(3),
                "n = {n}: {} orders",
                seen.len()
            );
        }
    }
}

#[test]
fn check_quiz_refuses_badly_made_quizzes() {
    let good = quiz_json("zt-good", "graded", "after_submit", 0);
    let q: QuizDef = serde_json::from_value(good.clone()).unwrap();
    check_quiz(&q).expect("the test quiz is well made");

    let bad = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        let q: QuizDef = serde_json::from_value(v).unwrap();
        check_quiz(&q)
    };
    assert!(
        bad(&|v| v["mode"] = json!("exam")).is_err(),
        "exam without a time limit"
    );
    assert!(
        bad(&|v| v["time_limit_s"] = json!(60)).is_err(),
        "graded with a time limit"
    );
    assert!(bad(&|v| v["pass_pct"] = json!(101)).is_err());
    assert!(bad(&|v| v["title"] = json!("  ")).is_err());
    assert!(bad(&|v| v["id"] = json!("has space")).is_err());
    assert!(bad(&|v| v["questions"] = json!([])).is_err());
    assert!(bad(&|v| {
        let first = v["questions"][0].clone();
        v["questions"].as_array_mut().unwrap().push(first);
    })
    .is_err());
    assert!(
        bad(&|v| v["questions"][0]["key"] = json!({"choice": {"correct": ["a", "b"]}})).is_err()
    );
    assert!(bad(&|v| v["questions"][0]["key"] = json!({"choice": {"correct": ["zz"]}})).is_err());
    assert!(
        bad(&|v| v["questions"][5]["key"] = json!({"order": {"correct": ["o1", "o2"]}})).is_err()
    );
    assert!(bad(&|v| v["questions"][4]["key"] = json!({"choice": {"correct": ["a"]}})).is_err());
    assert!(
        bad(&|v| v["questions"][3]["key"]["blanks"]["accepted"] = json!({"b1": ["x"]})).is_err()
    );
    assert!(bad(&|v| v["questions"][0]["points"] = json!(-1)).is_err());
}

#[test]
fn check_quiz_refuses_keys_that_no_answer_can_match() {
    // Keys that no answer a client can send could ever fully match are refused at authoring.
    let base = quiz_json("zt-unwinnable", "graded", "after_submit", 0);
    type Edit<'a> = &'a dyn Fn(&mut Value);
    let cases: [(&str, usize, Edit); 5] = [
        ("multiple key longer than max_choices", 1, &|q| {
            q["max_choices"] = json!(2);
            q["key"] = json!({"choice": {"correct": ["m1", "m3", "m4"]}});
        }),
        ("multiple key with a repeated id", 1, &|q| {
            q["key"] = json!({"choice": {"correct": ["m1", "m1"]}});
        }),
        ("picked blank keyed by text, not a choice id", 3, &|q| {
            q["key"] =
                json!({"blanks": {"accepted": {"b1": ["ZEBRA-KEY-7"], "b2": ["black and white"]}}});
        }),
        ("ordering key with a repeated item", 5, &|q| {
            q["key"] = json!({"order": {"correct": ["o1", "o1", "o2", "o3"]}});
        }),
        ("matching key pairing an item twice", 6, &|q| {
            q["key"] = json!({"pairs": {"correct": [["i1", "t1"], ["i1", "t2"]]}});
        }),
    ];
    let mut accepted = Vec::new();
    for (what, index, edit) in cases {
        let mut v = base.clone();
        edit(&mut v["questions"][index]);
        let q: QuizDef = serde_json::from_value(v).unwrap();
        let d = &q.questions[index];
        // What a client can send: the key's own answer, and for a picked blank each choice id.
        let mut tries: Vec<Answer> = d.correct_answer().into_iter().collect();
        if d.kind == jieti_api::QuestionKind::FillBlank {
            tries = ["p1", "p2"]
                .iter()
                .map(|c| blanks(&[("b1", "ZEBRA-KEY-7"), ("b2", c)]))
                .collect();
        }
        for a in tries {
            let best = score(d, Some(&a));
            assert_ne!(best.outcome, Outcome::Correct, "{what}: {a:?} is right");
        }
        if check_quiz(&q).is_ok() {
            accepted.push(what);
        }
    }
    assert!(
        accepted.is_empty(),
        "check_quiz accepts unwinnable keys: {accepted:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// HTTP: a test quiz with every kind, and helpers.
// ---------------------------------------------------------------------------------------------

/// A demo course the test quizzes are added to.
const COURSE: &str = "python-basics";

/// Strings only keys and explanations hold: none may reach a learner before the review allows.
const SECRETS: [&str; 5] = [
    "ZEBRA-KEY-7",
    "QUOKKA-ALT-3",
    "EXPLAIN-",
    "271.828",
    "tolerance",
];

/// Field names that would carry a key.
const KEY_FIELDS: [&str; 6] = [
    "correct",
    "explanation",
    "key",
    "accepted",
    "case_sensitive",
    "tolerance",
];

/// Points of the auto-graded questions of [`quiz_json`] (the essay is worth 0 until marked).
const POINTS: f64 = 14.0;

/// A quiz with one question of each kind; question ids are `{id}-{kind}`.
fn quiz_json(id: &str, mode: &str, review: &str, max_attempts: u32) -> Value {
    let q = |s: &str| format!("{id}-{s}");
    json!({
        "id": id,
        "course_id": COURSE,
        "title": format!("Zoo quiz {id}"),
        "description": "Animals, one question of each kind.",
        "mode": mode,
        "time_limit_s": if mode == "exam" { json!(600) } else { Value::Null },
        "max_attempts": max_attempts,
        "pass_pct": 60,
        "review": review,
        "questions": [
            {"id": q("single"), "kind": "single", "prompt": "Which animal has stripes?", "points": 1,
             "choices": [{"id": "a", "text": "Lion"}, {"id": "b", "text": "Zebra"}, {"id": "c", "text": "Bear"}],
             "explanation": "EXPLAIN-SINGLE stripes", "key": {"choice": {"correct": ["b"]}}},
            {"id": q("multi"), "kind": "multiple", "prompt": "Which are birds?", "points": 2, "max_choices": 3,
             "choices": [{"id": "m1", "text": "Owl"}, {"id": "m2", "text": "Bat"}, {"id": "m3", "text": "Emu"}, {"id": "m4", "text": "Eel"}],
             "explanation": "EXPLAIN-MULTI feathers", "key": {"choice": {"correct": ["m1", "m3"]}}},
            {"id": q("tf"), "kind": "true_false", "prompt": "Bats are birds.", "points": 1, "shuffle": false,
             "choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}],
             "explanation": "EXPLAIN-TF mammals", "key": {"choice": {"correct": ["false"]}}},
            {"id": q("fill"), "kind": "fill_blank", "prompt": "Fill in the blanks.", "points": 2,
             "stem": [{"text": "The code word is "}, {"blank": {"id": "b1", "expected_len": 11}},
                      {"text": " and its colours are "},
                      {"blank": {"id": "b2", "choices": [{"id": "p1", "text": "red"}, {"id": "p2", "text": "black and white"}]}}],
             "explanation": "EXPLAIN-FILL code word",
             "key": {"blanks": {"accepted": {"b1": ["ZEBRA-KEY-7", "QUOKKA-ALT-3"], "b2": ["p2"]}}}},
            {"id": q("num"), "kind": "numeric", "prompt": "How long is the tail?", "points": 1, "unit": "mm",
             "explanation": "EXPLAIN-NUM measured", "key": {"numeric": {"value": 271.828, "tolerance": 0.001}}},
            {"id": q("order"), "kind": "ordering", "prompt": "Order the life stages.", "points": 4,
             "choices": [{"id": "o1", "text": "Egg"}, {"id": "o2", "text": "Larva"}, {"id": "o3", "text": "Pupa"}, {"id": "o4", "text": "Adult"}],
             "explanation": "EXPLAIN-ORDER metamorphosis", "key": {"order": {"correct": ["o1", "o2", "o3", "o4"]}}},
            {"id": q("match"), "kind": "matching", "prompt": "Who says what?", "points": 3,
             "choices": [{"id": "i1", "text": "Cat"}, {"id": "i2", "text": "Dog"}, {"id": "i3", "text": "Cow"}],
             "targets": [{"id": "t1", "text": "Meow"}, {"id": "t2", "text": "Woof"}, {"id": "t3", "text": "Moo"}],
             "explanation": "EXPLAIN-MATCH sounds", "key": {"pairs": {"correct": [["i1", "t1"], ["i2", "t2"], ["i3", "t3"]]}}},
            {"id": q("essay"), "kind": "essay", "prompt": "Describe a zebra.", "points": 5,
             "explanation": "EXPLAIN-ESSAY rubric", "key": "essay"}
        ]
    })
}

/// Answers keyed `{quiz}-{kind}`.
fn ans(quiz: &str, items: &[(&str, Value)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(k, v)| (format!("{quiz}-{k}"), v.clone()))
            .collect(),
    )
}

fn all_right(quiz: &str) -> Value {
    ans(
        quiz,
        &[
            ("single", json!({"choice": ["b"]})),
            ("multi", json!({"choice": ["m3", "m1"]})),
            ("tf", json!({"choice": ["false"]})),
            (
                "fill",
                json!({"blanks": {"b1": "ｚｅｂｒａ－ｋｅｙ－７", "b2": "p2"}}),
            ),
            ("num", json!({"number": "271.828"})),
            ("order", json!({"order": ["o1", "o2", "o3", "o4"]})),
            (
                "match",
                json!({"pairs": [["i1", "t1"], ["i2", "t2"], ["i3", "t3"]]}),
            ),
            ("essay", json!({"text": "Striped horse."})),
        ],
    )
}

/// Wrong answers to the seven auto-graded questions (and an essay), none naming a secret.
fn all_wrong(quiz: &str) -> Value {
    ans(
        quiz,
        &[
            ("single", json!({"choice": ["a"]})),
            ("multi", json!({"choice": ["m2"]})),
            ("tf", json!({"choice": ["true"]})),
            ("fill", json!({"blanks": {"b1": "horse", "b2": "p1"}})),
            ("num", json!({"number": "12"})),
            ("order", json!({"order": ["o4", "o3", "o2", "o1"]})),
            (
                "match",
                json!({"pairs": [["i1", "t2"], ["i2", "t3"], ["i3", "t1"]]}),
            ),
            ("essay", json!({"text": "No idea."})),
        ],
    )
}

async fn add_quiz(app: &TestApp, v: Value) -> QuizDef {
    let def: QuizDef = serde_json::from_value(v).expect("quiz def");
    upsert_quiz(&app.db, &def, 0).await.expect("upsert quiz");
    def
}

async fn add(app: &TestApp, id: &str, mode: &str, review: &str, max_attempts: u32) -> QuizDef {
    add_quiz(app, quiz_json(id, mode, review, max_attempts)).await
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

/// Sends a request with a raw body; returns the status and the body text. Never a 500.
async fn send_raw(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: String,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let res = app.send(req.body(Body::from(body)).expect("request")).await;
    let status = res.status();
    let text = body_text(res).await;
    assert_ne!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{method} {uri}: {text}"
    );
    (status, text)
}

/// Sends JSON; returns the status, the parsed body (Null when empty) and its raw text.
async fn api(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let (status, text) = match body {
        Some(b) => {
            send_raw(
                app,
                method,
                uri,
                token,
                Some("application/json"),
                b.to_string(),
            )
            .await
        }
        None => send_raw(app, method, uri, token, None, String::new()).await,
    };
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {uri}: not JSON ({e}): {text}"))
    };
    (status, v, text)
}

/// Expects 200; returns the body and its raw text.
async fn ok(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (Value, String) {
    let (s, v, text) = api(app, method, uri, Some(token), body).await;
    assert_eq!(s, StatusCode::OK, "{method} {uri}: {text}");
    (v, text)
}

/// Expects `status` with the contract's error body of `code`; returns the body.
#[track_caller]
fn is_error(got: (StatusCode, Value, String), status: StatusCode, code: &str) -> Value {
    let (s, v, text) = got;
    assert_eq!(s, status, "{text}");
    assert_eq!(v["error"]["code"], code, "{text}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    v
}

async fn start(app: &TestApp, token: &str, quiz: &str) -> (Value, String) {
    ok(
        app,
        "POST",
        &format!("/api/v1/quizzes/{quiz}/attempts"),
        token,
        None,
    )
    .await
}

async fn save(app: &TestApp, token: &str, attempt: &str, answers: Value) -> (Value, String) {
    ok(
        app,
        "PUT",
        &format!("/api/v1/attempts/{attempt}/answers"),
        token,
        Some(json!({ "answers": answers })),
    )
    .await
}

async fn submit(
    app: &TestApp,
    token: &str,
    attempt: &str,
    submission: &str,
    answers: Value,
) -> (Value, String) {
    ok(
        app,
        "POST",
        &format!("/api/v1/attempts/{attempt}/submit"),
        token,
        Some(json!({ "submission_id": submission, "answers": answers })),
    )
    .await
}

async fn get_attempt(app: &TestApp, token: &str, attempt: &str) -> (Value, String) {
    ok(
        app,
        "GET",
        &format!("/api/v1/attempts/{attempt}"),
        token,
        None,
    )
    .await
}

async fn get_quiz(app: &TestApp, token: &str, quiz: &str) -> (Value, String) {
    ok(app, "GET", &format!("/api/v1/quizzes/{quiz}"), token, None).await
}

async fn mistakes(app: &TestApp, token: &str, due: bool) -> (Value, String) {
    let uri = if due {
        "/api/v1/mistakes?due=true"
    } else {
        "/api/v1/mistakes"
    };
    ok(app, "GET", uri, token, None).await
}

async fn review(app: &TestApp, token: &str, question: &str, answer: Value) -> Value {
    ok(
        app,
        "POST",
        &format!("/api/v1/mistakes/{question}/review"),
        token,
        Some(json!({ "answer": answer })),
    )
    .await
    .0
}

fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

fn collect_fields(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.clone());
                collect_fields(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_fields(x, out)),
        _ => {}
    }
}

/// Asserts `text` (a JSON body) has no secret string and no field a key could travel in.
#[track_caller]
fn assert_no_leak(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaks {s:?}: {text}");
    }
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}: {text}"));
    let mut fields = BTreeSet::new();
    collect_fields(&v, &mut fields);
    for f in KEY_FIELDS {
        assert!(!fields.contains(f), "{what} has a field {f:?}: {text}");
    }
}

/// The review entry for `{quiz}-{kind}`.
fn entry<'a>(attempt: &'a Value, quiz: &str, kind: &str) -> &'a Value {
    let id = format!("{quiz}-{kind}");
    attempt["result"]["review"]
        .as_array()
        .unwrap_or_else(|| panic!("a review: {attempt}"))
        .iter()
        .find(|f| f["question_id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} in the review: {attempt}"))
}

fn question<'a>(attempt: &'a Value, quiz: &str, kind: &str) -> &'a Value {
    let id = format!("{quiz}-{kind}");
    attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} in {attempt}"))
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn db_count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

async fn set_deadline(app: &TestApp, attempt: &str, deadline: i64) {
    let done = sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
        .bind(deadline)
        .bind(attempt)
        .execute(&app.db)
        .await
        .expect("set deadline");
    assert_eq!(done.rows_affected(), 1);
}

async fn me(app: &TestApp, token: &str) -> String {
    let (v, _) = ok(app, "GET", "/api/v1/me", token, None).await;
    str_of(&v, "id").to_owned()
}

/// A new account's token.
async fn account(app: &TestApp, email: &str) -> String {
    let (s, v, text) = api(
        app,
        "POST",
        "/api/v1/account",
        None,
        Some(json!({"email": email, "password": "ladder-2026", "display_name": "Quiz taker"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{text}");
    str_of(&v, "token").to_owned()
}

const KINDS: [&str; 8] = [
    "single",
    "multiple",
    "true_false",
    "fill_blank",
    "numeric",
    "ordering",
    "matching",
    "essay",
];

// ---------------------------------------------------------------------------------------------
// HTTP tests.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn no_key_reaches_a_learner_before_the_review_in_any_mode() {
    let app = test_app().await;
    for mode in ["practice", "graded", "exam"] {
        let id = format!("zt-leak-{mode}");
        add(&app, &id, mode, "after_submit", 0).await;
        let t = guest(&app).await;

        let (quiz, text) = get_quiz(&app, &t, &id).await;
        assert_no_leak("GET quiz", &text);
        assert_eq!(quiz["quiz"]["mode"], mode);
        assert_eq!(quiz["quiz"]["question_count"], 8);
        assert_eq!(quiz["quiz"]["course_id"], COURSE);
        assert_eq!(f64_of(&quiz["points"]), POINTS);
        assert_eq!(quiz["pass_pct"], 60);
        assert_eq!(quiz["review"], "after_submit");
        assert_eq!(quiz["can_start"], true);
        assert_eq!(quiz["attempts"], json!([]));
        assert!(quiz.get("open_attempt").is_none());
        if mode == "exam" {
            assert_eq!(quiz["quiz"]["time_limit_s"], 600);
        } else {
            assert!(quiz["quiz"].get("time_limit_s").is_none());
        }

        let (a, text) = start(&app, &t, &id).await;
        assert_no_leak("POST start", &text);
        assert_eq!(a["status"], "open");
        assert_eq!(a["mode"], mode);
        assert_eq!(a["number"], 1);
        assert_eq!(a["quiz_id"], id.as_str());
        let kinds: BTreeSet<&str> = a["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, KINDS.into_iter().collect::<BTreeSet<_>>());
        if mode == "exam" {
            let started = a["started_at_ms"].as_i64().unwrap();
            assert_eq!(a["deadline_ms"].as_i64(), Some(started + 600_000));
        } else {
            assert!(a.get("deadline_ms").is_none(), "{a}");
        }
        let order = question(&a, &id, "order");
        assert_ne!(ids_of(&order["choices"]), ["o1", "o2", "o3", "o4"]);
        let fill = question(&a, &id, "fill");
        assert_eq!(fill["stem"][1]["blank"]["expected_len"], 11);
        assert_eq!(question(&a, &id, "num")["unit"], "mm");
        assert_eq!(
            question(&a, &id, "match")["targets"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert_eq!(question(&a, &id, "multi")["max_choices"], 3);
        let aid = str_of(&a, "id").to_owned();

        let (receipt, text) = save(&app, &t, &aid, all_wrong(&id)).await;
        assert_no_leak("PUT answers", &text);
        assert_eq!(receipt["saved"], 8);
        assert!(receipt["server_now_ms"].as_i64().unwrap() > 0);
        assert_eq!(receipt.get("deadline_ms"), a.get("deadline_ms"));

        let (got, text) = get_attempt(&app, &t, &aid).await;
        assert_no_leak("GET attempt", &text);
        assert_eq!(got["answers"], all_wrong(&id));
        assert!(got.get("result").is_none());

        let (s, detail, text) = api(
            &app,
            "GET",
            &format!("/api/v1/courses/{COURSE}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{text}");
        assert_no_leak("course detail", &text);
        assert!(
            ids_of(&detail["quizzes"]).contains(&id),
            "{}",
            detail["quizzes"]
        );

        let (_, text) = mistakes(&app, &t, false).await;
        assert_no_leak("GET mistakes", &text);

        // Submitted with review after_submit: now, and only now, the keys show.
        let (done, text) = submit(&app, &t, &aid, "leak-check-0001", json!({})).await;
        assert_eq!(done["status"], "submitted");
        assert_eq!(done["result"]["answers_shown"], true);
        assert_eq!(f64_of(&done["result"]["score"]), 0.0);
        assert_eq!(f64_of(&done["result"]["max"]), POINTS);
        assert!(
            text.contains("ZEBRA-KEY-7") && text.contains("EXPLAIN-FILL"),
            "{text}"
        );
        assert!(
            !text.contains("QUOKKA-ALT-3"),
            "only the first accepted answer is shown"
        );

        // The book lists the seven wrong questions as learners see them: still no keys.
        let (book, text) = mistakes(&app, &t, false).await;
        assert_no_leak("GET mistakes after submitting", &text);
        assert_eq!(book["items"].as_array().unwrap().len(), 7, "{book}");
        assert_eq!(book["summary"]["active"], 7);
        for m in book["items"].as_array().unwrap() {
            if m["question"]["kind"] == "ordering" {
                assert_ne!(ids_of(&m["question"]["choices"]), ["o1", "o2", "o3", "o4"]);
            }
        }
        let (_, text) = get_quiz(&app, &t, &id).await;
        assert_no_leak("GET quiz after submitting", &text);
    }
}

#[tokio::test]
async fn the_review_policy_decides_when_right_answers_show() {
    let app = test_app().await;

    // after_submit: right answers and explanations at once.
    add(&app, "zt-rv-now", "graded", "after_submit", 0).await;
    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-rv-now").await;
    let (done, _) = submit(
        &app,
        &t,
        str_of(&a, "id"),
        "rv-now-00001",
        all_wrong("zt-rv-now"),
    )
    .await;
    let r = &done["result"];
    assert_eq!(r["answers_shown"], true);
    assert_eq!(r["passed"], false);
    assert_eq!(r["auto_submitted"], false);
    assert_eq!(r["review"].as_array().unwrap().len(), 8);
    let fill = entry(&done, "zt-rv-now", "fill");
    assert_eq!(fill["outcome"], "wrong");
    assert_eq!(
        fill["correct"],
        json!({"blanks": {"b1": "ZEBRA-KEY-7", "b2": "p2"}})
    );
    assert_eq!(fill["explanation"], "EXPLAIN-FILL code word");
    assert_eq!(
        fill["answer"],
        json!({"blanks": {"b1": "horse", "b2": "p1"}})
    );
    assert_eq!(
        entry(&done, "zt-rv-now", "num")["correct"],
        json!({"number": "271.828"})
    );
    assert_eq!(
        entry(&done, "zt-rv-now", "order")["correct"],
        json!({"order": ["o1", "o2", "o3", "o4"]})
    );
    assert_eq!(
        entry(&done, "zt-rv-now", "single")["correct"],
        json!({"choice": ["b"]})
    );
    let essay = entry(&done, "zt-rv-now", "essay");
    assert_eq!(essay["outcome"], "ungraded");
    assert_eq!(f64_of(&essay["max"]), 0.0);
    assert!(essay.get("correct").is_none());
    assert_eq!(essay["explanation"], "EXPLAIN-ESSAY rubric");

    // after_last_attempt, two attempts: hidden after a failed first, shown after the last.
    add(&app, "zt-rv-last", "graded", "after_last_attempt", 2).await;
    let (a1, _) = start(&app, &t, "zt-rv-last").await;
    let a1 = str_of(&a1, "id").to_owned();
    let (done, text) = submit(&app, &t, &a1, "rv-last-0001", all_wrong("zt-rv-last")).await;
    assert_eq!(done["result"]["answers_shown"], false);
    assert_eq!(done["result"]["passed"], false);
    assert_no_leak("a hidden review", &text);
    assert_eq!(entry(&done, "zt-rv-last", "single")["outcome"], "wrong");
    assert_no_leak("GET a hidden review", &get_attempt(&app, &t, &a1).await.1);
    let (a2, text) = start(&app, &t, "zt-rv-last").await;
    assert_no_leak("the second attempt", &text);
    assert_eq!(a2["number"], 2);
    let a2 = str_of(&a2, "id").to_owned();
    assert_no_leak(
        "the first review, an attempt open",
        &get_attempt(&app, &t, &a1).await.1,
    );
    let (done, text) = submit(&app, &t, &a2, "rv-last-0002", all_wrong("zt-rv-last")).await;
    assert_eq!(done["result"]["answers_shown"], true, "{text}");
    assert!(text.contains("EXPLAIN-SINGLE"));
    let (first, _) = get_attempt(&app, &t, &a1).await;
    assert_eq!(first["result"]["answers_shown"], true);
    assert_eq!(
        entry(&first, "zt-rv-last", "single")["explanation"],
        "EXPLAIN-SINGLE stripes"
    );
    // Passing shows them too, attempts left or not.
    let t2 = guest(&app).await;
    let (b, _) = start(&app, &t2, "zt-rv-last").await;
    let (done, _) = submit(
        &app,
        &t2,
        str_of(&b, "id"),
        "rv-pass-0001",
        all_right("zt-rv-last"),
    )
    .await;
    assert_eq!(done["result"]["passed"], true);
    assert_eq!(f64_of(&done["result"]["pct"]), 100.0);
    assert_eq!(done["result"]["answers_shown"], true);

    // never: not after the last attempt either.
    add(&app, "zt-rv-never", "graded", "never", 1).await;
    let (n, _) = start(&app, &t, "zt-rv-never").await;
    let n = str_of(&n, "id").to_owned();
    let (done, text) = submit(&app, &t, &n, "rv-never-001", all_wrong("zt-rv-never")).await;
    assert_eq!(done["result"]["answers_shown"], false);
    assert_no_leak("review never", &text);
    let (quiz, _) = get_quiz(&app, &t, "zt-rv-never").await;
    assert_eq!(quiz["can_start"], false, "the only attempt is used");
    assert_no_leak("review never, later", &get_attempt(&app, &t, &n).await.1);
    // Nor by reviewing the question in the book.
    let fb = review(&app, &t, "zt-rv-never-fill", json!({"blanks": {"b1": "x"}})).await;
    assert_no_leak("a mistake's review, policy never", &fb.to_string());

    // never in practice: checking says right or wrong, not what is right.
    add(&app, "zt-rv-never-p", "practice", "never", 0).await;
    let (p, _) = start(&app, &t, "zt-rv-never-p").await;
    let p = str_of(&p, "id").to_owned();
    let (s, fb, text) = api(
        &app,
        "POST",
        &format!("/api/v1/attempts/{p}/check"),
        Some(&t),
        Some(json!({"question_id": "zt-rv-never-p-fill", "answer": {"blanks": {"b1": "horse"}}})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{text}");
    assert_eq!(fb["outcome"], "wrong", "{fb}");
    assert_no_leak("practice check, policy never", &text);
    assert_no_leak(
        "practice attempt, policy never",
        &get_attempt(&app, &t, &p).await.1,
    );
}

#[tokio::test]
async fn attempts_resume_are_limited_and_submit_once() {
    let app = test_app().await;
    add(&app, "zt-att", "graded", "after_submit", 2).await;
    let t = guest(&app).await;

    let (a, _) = start(&app, &t, "zt-att").await;
    let aid = str_of(&a, "id").to_owned();
    let (again, _) = start(&app, &t, "zt-att").await;
    assert_eq!(again["id"], aid.as_str(), "a second start resumes");
    assert_eq!(again["number"], 1);
    assert_eq!(
        ids_of(&again["questions"]),
        ids_of(&a["questions"]),
        "same order"
    );
    let (quiz, _) = get_quiz(&app, &t, "zt-att").await;
    assert_eq!(quiz["open_attempt"], aid.as_str());
    assert_eq!(quiz["can_start"], true);
    assert_eq!(quiz["attempts"][0]["status"], "open");

    save(
        &app,
        &t,
        &aid,
        ans("zt-att", &[("single", json!({"choice": ["b"]}))]),
    )
    .await;
    // Submitted answers merge over the saved ones: single 1 + multi half of 2.
    let (first, _) = submit(
        &app,
        &t,
        &aid,
        "submit-once-01",
        ans("zt-att", &[("multi", json!({"choice": ["m1"]}))]),
    )
    .await;
    let r = first["result"].clone();
    assert_eq!(first["status"], "submitted");
    assert_eq!(f64_of(&r["score"]), 2.0);
    assert_eq!(f64_of(&r["max"]), POINTS);
    assert_eq!(f64_of(&r["pct"]), 14.29);
    assert_eq!(r["passed"], false);
    assert_eq!(entry(&first, "zt-att", "multi")["outcome"], "partial");
    assert_eq!(entry(&first, "zt-att", "tf")["outcome"], "unanswered");

    // Resent (same id), or sent again from another device (another id, other answers): the same.
    let (same, _) = submit(
        &app,
        &t,
        &aid,
        "submit-once-01",
        ans("zt-att", &[("multi", json!({"choice": ["m1"]}))]),
    )
    .await;
    assert_eq!(same["result"], r);
    let (other, _) = submit(&app, &t, &aid, "another-device-2", all_right("zt-att")).await;
    assert_eq!(other["result"], r);
    assert_eq!(other["answers"], first["answers"]);
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = $1",
            &aid
        )
        .await,
        8
    );
    let sub: Option<String> =
        sqlx::query_scalar("SELECT submission_id FROM attempts WHERE id = $1")
            .bind(&aid)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(sub.as_deref(), Some("submit-once-01"));
    // The partly right answer went in the book once.
    assert_eq!(
        db_count(
            &app,
            "SELECT wrong_count FROM mistakes WHERE question_id = $1",
            "zt-att-multi"
        )
        .await,
        1
    );

    // Saving or checking a submitted attempt: 409.
    is_error(
        api(
            &app,
            "PUT",
            &format!("/api/v1/attempts/{aid}/answers"),
            Some(&t),
            Some(json!({"answers": ans("zt-att", &[("tf", json!({"choice": ["false"]}))])})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let (after, _) = get_attempt(&app, &t, &aid).await;
    assert_eq!(after["result"], r);

    // The second and last attempt; then no more.
    let (b, _) = start(&app, &t, "zt-att").await;
    assert_eq!(b["number"], 2);
    assert_eq!(b["status"], "open");
    assert_eq!(b["answers"], json!({}));
    let bid = str_of(&b, "id").to_owned();
    assert_ne!(bid, aid);
    submit(&app, &t, &bid, "second-sub-01", all_right("zt-att")).await;
    is_error(
        api(
            &app,
            "POST",
            "/api/v1/quizzes/zt-att/attempts",
            Some(&t),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let (quiz, _) = get_quiz(&app, &t, "zt-att").await;
    assert_eq!(quiz["can_start"], false);
    assert!(quiz.get("open_attempt").is_none());
    let list = quiz["attempts"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], bid.as_str(), "newest first");
    assert_eq!(list[0]["passed"], true);
    assert_eq!(f64_of(&list[0]["pct"]), 100.0);
    assert_eq!(list[1]["id"], aid.as_str());
    assert_eq!(list[1]["passed"], false);
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempts WHERE quiz_id = $1",
            "zt-att"
        )
        .await,
        2
    );

    // Unlimited attempts: a new one after each submission.
    add(&app, "zt-att-free", "graded", "after_submit", 0).await;
    for n in 1..=3 {
        let (x, _) = start(&app, &t, "zt-att-free").await;
        assert_eq!(x["number"], n);
        submit(
            &app,
            &t,
            str_of(&x, "id"),
            &format!("free-sub-{n:04}"),
            json!({}),
        )
        .await;
    }
}

#[tokio::test]
async fn practice_checks_one_answer_and_locks_it() {
    let app = test_app().await;
    add(&app, "zt-prac", "practice", "after_submit", 0).await;
    add(&app, "zt-prac-graded", "graded", "after_submit", 0).await;
    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-prac").await;
    let aid = str_of(&a, "id").to_owned();
    let check_uri = format!("/api/v1/attempts/{aid}/check");

    let (fb, _) = ok(
        &app,
        "POST",
        &check_uri,
        &t,
        Some(json!({"question_id": "zt-prac-single", "answer": {"choice": ["a"]}})),
    )
    .await;
    assert_eq!(fb["question_id"], "zt-prac-single");
    assert_eq!(fb["outcome"], "wrong");
    assert_eq!(f64_of(&fb["score"]), 0.0);
    assert_eq!(f64_of(&fb["max"]), 1.0);
    assert_eq!(fb["correct"], json!({"choice": ["b"]}));
    assert_eq!(fb["explanation"], "EXPLAIN-SINGLE stripes");

    // Checked again with the answer it just showed: the first check stands.
    let (again, _) = ok(
        &app,
        "POST",
        &check_uri,
        &t,
        Some(json!({"question_id": "zt-prac-single", "answer": {"choice": ["b"]}})),
    )
    .await;
    assert_eq!(again, fb);
    // Saving over it changes nothing; other answers save.
    save(
        &app,
        &t,
        &aid,
        ans(
            "zt-prac",
            &[
                ("single", json!({"choice": ["b"]})),
                ("tf", json!({"choice": ["false"]})),
            ],
        ),
    )
    .await;
    let (got, _) = get_attempt(&app, &t, &aid).await;
    assert_eq!(got["answers"]["zt-prac-single"], json!({"choice": ["a"]}));
    assert_eq!(got["answers"]["zt-prac-tf"], json!({"choice": ["false"]}));
    assert_eq!(got["checked"]["zt-prac-single"], fb);
    assert_eq!(got["checked"].as_object().unwrap().len(), 1);

    // A right check.
    let (right, _) = ok(
        &app,
        "POST",
        &check_uri,
        &t,
        Some(json!({"question_id": "zt-prac-num", "answer": {"number": "２７１．８２８"}})),
    )
    .await;
    assert_eq!(right["outcome"], "correct");
    assert_eq!(f64_of(&right["score"]), 1.0);

    // Nor does the submission change it.
    let (done, _) = submit(
        &app,
        &t,
        &aid,
        "practice-sub-1",
        ans(
            "zt-prac",
            &[
                ("single", json!({"choice": ["b"]})),
                ("num", json!({"number": "0"})),
            ],
        ),
    )
    .await;
    let single = entry(&done, "zt-prac", "single");
    assert_eq!(single["outcome"], "wrong");
    assert_eq!(single["answer"], json!({"choice": ["a"]}));
    assert_eq!(entry(&done, "zt-prac", "num")["outcome"], "correct");
    assert_eq!(entry(&done, "zt-prac", "tf")["outcome"], "correct");
    assert_eq!(f64_of(&done["result"]["score"]), 2.0);
    // The wrong check went in the book once (not again at submission).
    assert_eq!(
        db_count(
            &app,
            "SELECT wrong_count FROM mistakes WHERE question_id = $1",
            "zt-prac-single"
        )
        .await,
        1
    );

    // No checks once submitted, and none in graded quizzes.
    is_error(
        api(
            &app,
            "POST",
            &check_uri,
            Some(&t),
            Some(json!({"question_id": "zt-prac-multi", "answer": {"choice": ["m1"]}})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let (g, _) = start(&app, &t, "zt-prac-graded").await;
    let gid = str_of(&g, "id").to_owned();
    let (s, v, text) = api(
        &app,
        "POST",
        &format!("/api/v1/attempts/{gid}/check"),
        Some(&t),
        Some(json!({"question_id": "zt-prac-graded-single", "answer": {"choice": ["a"]}})),
    )
    .await;
    is_error((s, v, text.clone()), StatusCode::CONFLICT, "conflict");
    assert_no_leak("a refused check", &text);
    let (g, _) = get_attempt(&app, &t, &gid).await;
    assert_eq!(g["answers"], json!({}), "a refused check saves nothing");
    assert!(g.get("checked").is_none());
}

#[tokio::test]
async fn bad_requests_are_400_with_an_error_body_and_never_500() {
    let app = test_app().await;
    add(&app, "zt-bad", "graded", "after_submit", 0).await;
    add(&app, "zt-bad-p", "practice", "after_submit", 0).await;
    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-bad").await;
    let aid = str_of(&a, "id").to_owned();
    let answers_uri = format!("/api/v1/attempts/{aid}/answers");
    let submit_uri = format!("/api/v1/attempts/{aid}/submit");

    let too_long = "字".repeat(MAX_ANSWER_CHARS + 1);
    for body in [
        json!({"answers": {"zt-nope": {"choice": ["a"]}}}),
        json!({"answers": {"zt-leak-graded-single": {"choice": ["a"]}}}),
        json!({"answers": ans("zt-bad", &[("single", json!({"text": "b"}))])}),
        json!({"answers": ans("zt-bad", &[("single", json!({"choice": ["zz"]}))])}),
        json!({"answers": ans("zt-bad", &[("single", json!({"choice": ["a", "b"]}))])}),
        json!({"answers": ans("zt-bad", &[("multi", json!({"choice": ["m1", "m1"]}))])}),
        json!({"answers": ans("zt-bad", &[("multi", json!({"choice": ["m1", "m2", "m3", "m4"]}))])}),
        json!({"answers": ans("zt-bad", &[("fill", json!({"blanks": {"b7": "x"}}))])}),
        json!({"answers": ans("zt-bad", &[("fill", json!({"blanks": {"b1": too_long}}))])}),
        json!({"answers": ans("zt-bad", &[("num", json!({"number": 3.5}))])}),
        json!({"answers": ans("zt-bad", &[("order", json!({"order": ["o1", "o2"]}))])}),
        json!({"answers": ans("zt-bad", &[("match", json!({"pairs": [["i1", "t1"], ["i1", "t2"]]}))])}),
        json!({"answers": ans("zt-bad", &[("match", json!({"pairs": [["i1", "t1", "t2"]]}))])}),
        json!({"answers": ans("zt-bad", &[("essay", json!({"text": too_long}))])}),
        json!({"answers": ans("zt-bad", &[("essay", json!({"colour": "red"}))])}),
        json!({"answers": ans("zt-bad", &[("essay", json!("text"))])}),
        json!({"answers": []}),
        json!({}),
    ] {
        let got = api(&app, "PUT", &answers_uri, Some(&t), Some(body.clone())).await;
        assert_eq!(got.0, StatusCode::BAD_REQUEST, "{body}: {}", got.2);
        is_error(got, StatusCode::BAD_REQUEST, "bad_request");
    }
    let v = is_error(
        api(
            &app,
            "PUT",
            &answers_uri,
            Some(&t),
            Some(json!({"answers": {"zt-nope": {"choice": ["a"]}}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_eq!(v["error"]["field"], "answers");
    // More answers than any quiz has.
    let many: serde_json::Map<String, Value> = (0..501)
        .map(|i| (format!("q{i}"), json!({"text": "x"})))
        .collect();
    is_error(
        api(
            &app,
            "PUT",
            &answers_uri,
            Some(&t),
            Some(json!({ "answers": many })),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    // Malformed JSON, a missing content type, an empty body.
    for (ct, body) in [
        (Some("application/json"), "{not json"),
        (Some("application/json"), ""),
        (
            Some("application/json"),
            "{\"answers\": {\"zt-bad-single\": {\"choice\": [\"b\"]}}",
        ),
        (None, "{\"answers\": {}}"),
        (Some("text/plain"), "{\"answers\": {}}"),
    ] {
        let (s, text) = send_raw(&app, "PUT", &answers_uri, Some(&t), ct, body.to_owned()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{ct:?} {body}: {text}");
        common::assert_error(&text, "bad_request");
    }
    // Exactly the longest answer fits.
    let fits = "字".repeat(MAX_ANSWER_CHARS);
    let (receipt, _) = save(
        &app,
        &t,
        &aid,
        ans("zt-bad", &[("essay", json!({ "text": fits }))]),
    )
    .await;
    assert_eq!(receipt["saved"], 1);

    // Submission ids: 8–64 letters, digits, '-', '_'.
    for sid in [
        "short",
        "has spaces in it",
        "semi;colon-0001",
        &"x".repeat(65),
        "",
    ] {
        let v = is_error(
            api(
                &app,
                "POST",
                &submit_uri,
                Some(&t),
                Some(json!({"submission_id": sid, "answers": {}})),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        assert_eq!(v["error"]["field"], "submission_id", "{sid:?}");
    }
    is_error(
        api(
            &app,
            "POST",
            &submit_uri,
            Some(&t),
            Some(json!({"answers": {}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    // A submission with a bad answer is refused whole and leaves the attempt open.
    is_error(
        api(
            &app,
            "POST",
            &submit_uri,
            Some(&t),
            Some(json!({"submission_id": "bad-answer-001", "answers": {"zt-nope": {"text": "x"}}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let (got, _) = get_attempt(&app, &t, &aid).await;
    assert_eq!(got["status"], "open");
    assert_eq!(
        got["answers"].as_object().unwrap().len(),
        1,
        "only the essay was saved"
    );

    // Checks: unknown question, wrong shape, malformed.
    let (p, _) = start(&app, &t, "zt-bad-p").await;
    let check_uri = format!("/api/v1/attempts/{}/check", str_of(&p, "id"));
    for body in [
        json!({"question_id": "zt-bad-single", "answer": {"choice": ["a"]}}),
        json!({"question_id": "zt-nope", "answer": {"choice": ["a"]}}),
        json!({"question_id": "zt-bad-p-single", "answer": {"number": "1"}}),
        json!({"question_id": "zt-bad-p-single", "answer": {"choice": ["a", "a"]}}),
        json!({"question_id": "zt-bad-p-single"}),
        json!({"answer": {"choice": ["a"]}}),
    ] {
        let got = api(&app, "POST", &check_uri, Some(&t), Some(body.clone())).await;
        assert_eq!(got.0, StatusCode::BAD_REQUEST, "{body}: {}", got.2);
        is_error(got, StatusCode::BAD_REQUEST, "bad_request");
    }
    let (s, text) = send_raw(
        &app,
        "POST",
        &check_uri,
        Some(&t),
        Some("application/json"),
        "[1, 2".into(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    common::assert_error(&text, "bad_request");
    let (p, _) = get_attempt(&app, &t, str_of(&p, "id")).await;
    assert!(
        p.get("checked").is_none(),
        "no refused check locked anything"
    );

    // Mistakes: a bad `due`; reviews of unknown questions.
    is_error(
        api(&app, "GET", "/api/v1/mistakes?due=maybe", Some(&t), None).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    is_error(
        api(
            &app,
            "POST",
            "/api/v1/mistakes/zt-nope/review",
            Some(&t),
            Some(json!({"answer": {"choice": ["a"]}})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Missing things are 404; no token is 401.
    for (method, uri) in [
        ("GET", "/api/v1/quizzes/zt-nope"),
        ("POST", "/api/v1/quizzes/zt-nope/attempts"),
        ("GET", "/api/v1/attempts/a_0000000000000000"),
    ] {
        is_error(
            api(&app, method, uri, Some(&t), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    is_error(
        api(
            &app,
            "PUT",
            "/api/v1/attempts/a_0000000000000000/answers",
            Some(&t),
            Some(json!({"answers": {}})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    for (method, uri) in [
        ("GET", "/api/v1/quizzes/zt-bad"),
        ("POST", "/api/v1/quizzes/zt-bad/attempts"),
        ("GET", &format!("/api/v1/attempts/{aid}") as &str),
        ("GET", "/api/v1/mistakes"),
        ("GET", "/api/v1/mistakes/summary"),
    ] {
        is_error(
            api(&app, method, uri, None, None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
    }
}

#[tokio::test]
async fn the_exam_clock_is_the_servers() {
    let app = test_app().await;
    add(&app, "zt-exam", "exam", "after_submit", 0).await;

    // Time runs out: saving is refused, the attempt is submitted with what was saved in time.
    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-exam").await;
    let aid = str_of(&a, "id").to_owned();
    let started = a["started_at_ms"].as_i64().unwrap();
    assert_eq!(a["deadline_ms"].as_i64(), Some(started + 600_000));
    let (receipt, _) = save(
        &app,
        &t,
        &aid,
        ans(
            "zt-exam",
            &[
                ("single", json!({"choice": ["b"]})),
                ("num", json!({"number": "271.828"})),
            ],
        ),
    )
    .await;
    assert_eq!(receipt["deadline_ms"].as_i64(), Some(started + 600_000));
    let deadline = now_ms() - 60_000;
    set_deadline(&app, &aid, deadline).await;
    is_error(
        api(
            &app,
            "PUT",
            &format!("/api/v1/attempts/{aid}/answers"),
            Some(&t),
            Some(json!({"answers": ans("zt-exam", &[("tf", json!({"choice": ["false"]}))])})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let (got, _) = get_attempt(&app, &t, &aid).await;
    assert_eq!(got["status"], "submitted");
    let r = &got["result"];
    assert_eq!(r["auto_submitted"], true);
    assert_eq!(
        f64_of(&r["score"]),
        2.0,
        "only the two answers saved in time"
    );
    assert_eq!(f64_of(&r["max"]), POINTS);
    assert_eq!(r["submitted_at_ms"].as_i64(), Some(deadline));
    assert_eq!(entry(&got, "zt-exam", "tf")["outcome"], "unanswered");
    assert_eq!(got["answers"].as_object().unwrap().len(), 2);
    // A late submission returns that result and adds nothing.
    let (late, _) = submit(&app, &t, &aid, "too-late-0001", all_right("zt-exam")).await;
    assert_eq!(late["result"], got["result"]);
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = $1",
            &aid
        )
        .await,
        8
    );

    // A submission past the grace window, the first request after time ran out: only saved answers.
    let t4 = guest(&app).await;
    let (d, _) = start(&app, &t4, "zt-exam").await;
    let did = str_of(&d, "id").to_owned();
    save(
        &app,
        &t4,
        &did,
        ans("zt-exam", &[("single", json!({"choice": ["b"]}))]),
    )
    .await;
    set_deadline(&app, &did, now_ms() - GRACE_MS - 5_000).await;
    let (done, _) = submit(&app, &t4, &did, "late-submit-01", all_right("zt-exam")).await;
    assert_eq!(done["result"]["auto_submitted"], true);
    assert_eq!(f64_of(&done["result"]["score"]), 1.0);

    // Nobody comes back: the sweeper submits it.
    let t2 = guest(&app).await;
    let (b, _) = start(&app, &t2, "zt-exam").await;
    let bid = str_of(&b, "id").to_owned();
    save(
        &app,
        &t2,
        &bid,
        ans(
            "zt-exam",
            &[(
                "match",
                json!({"pairs": [["i1", "t1"], ["i2", "t2"], ["i3", "t3"]]}),
            )],
        ),
    )
    .await;
    // Not yet due: the sweeper leaves it alone.
    assert_eq!(expire_all(&app.db).await.expect("sweep"), 0);
    set_deadline(&app, &bid, now_ms() - 60_000).await;
    assert_eq!(expire_all(&app.db).await.expect("sweep"), 1);
    let (submitted, auto, score): (Option<i64>, i64, Option<f64>) =
        sqlx::query_as("SELECT submitted_at, auto_submitted, score FROM attempts WHERE id = $1")
            .bind(&bid)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(submitted.is_some());
    assert_eq!((auto, score), (1, Some(3.0)));
    assert_eq!(expire_all(&app.db).await.expect("sweep"), 0, "once");
    let (got, _) = get_attempt(&app, &t2, &bid).await;
    assert_eq!(got["result"]["auto_submitted"], true);
    assert_eq!(f64_of(&got["result"]["score"]), 3.0);
    let (quiz, _) = get_quiz(&app, &t2, "zt-exam").await;
    assert_eq!(quiz["attempts"][0]["status"], "submitted");
    assert!(quiz.get("open_attempt").is_none());

    // Within the grace window, answers in flight still count.
    let t3 = guest(&app).await;
    let (c, _) = start(&app, &t3, "zt-exam").await;
    let cid = str_of(&c, "id").to_owned();
    set_deadline(&app, &cid, now_ms() - 5_000).await;
    let (receipt, _) = save(
        &app,
        &t3,
        &cid,
        ans("zt-exam", &[("single", json!({"choice": ["b"]}))]),
    )
    .await;
    assert_eq!(receipt["saved"], 1);
    let (done, _) = submit(
        &app,
        &t3,
        &cid,
        "in-grace-0001",
        ans("zt-exam", &[("tf", json!({"choice": ["false"]}))]),
    )
    .await;
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["result"]["auto_submitted"], false);
    assert_eq!(f64_of(&done["result"]["score"]), 2.0);

    // An expired open attempt does not block a new one.
    let (e, _) = start(&app, &t3, "zt-exam").await;
    let eid = str_of(&e, "id").to_owned();
    set_deadline(&app, &eid, now_ms() - 60_000).await;
    let (next, _) = start(&app, &t3, "zt-exam").await;
    assert_ne!(next["id"], eid.as_str());
    assert_eq!(next["number"], 3);
    assert_eq!(next["status"], "open");
}

#[tokio::test]
async fn attempts_and_mistakes_are_their_learners_own() {
    let app = test_app().await;
    add(&app, "zt-priv", "graded", "after_submit", 0).await;
    add(&app, "zt-priv-p", "practice", "after_submit", 0).await;
    let a = account(&app, "owner@example.com").await;
    let b = guest(&app).await;

    let (x, _) = start(&app, &a, "zt-priv").await;
    let xid = str_of(&x, "id").to_owned();
    save(
        &app,
        &a,
        &xid,
        ans("zt-priv", &[("single", json!({"choice": ["a"]}))]),
    )
    .await;
    let (p, _) = start(&app, &a, "zt-priv-p").await;
    let pid = str_of(&p, "id").to_owned();

    for id in [&xid, &pid] {
        is_error(
            api(
                &app,
                "GET",
                &format!("/api/v1/attempts/{id}"),
                Some(&b),
                None,
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        is_error(
            api(
                &app,
                "PUT",
                &format!("/api/v1/attempts/{id}/answers"),
                Some(&b),
                Some(json!({"answers": {}})),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        is_error(
            api(
                &app,
                "POST",
                &format!("/api/v1/attempts/{id}/submit"),
                Some(&b),
                Some(json!({"submission_id": "not-mine-0001", "answers": {}})),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    for (id, q) in [(&pid, "zt-priv-p-single"), (&xid, "zt-priv-single")] {
        is_error(
            api(
                &app,
                "POST",
                &format!("/api/v1/attempts/{id}/check"),
                Some(&b),
                Some(json!({"question_id": q, "answer": {"choice": ["b"]}})),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    // A's attempts are as A left them.
    let (mine, _) = get_attempt(&app, &a, &xid).await;
    assert_eq!(mine["status"], "open");
    assert_eq!(
        mine["answers"],
        ans("zt-priv", &[("single", json!({"choice": ["a"]}))])
    );
    let (mine, _) = get_attempt(&app, &a, &pid).await;
    assert!(mine.get("checked").is_none());
    assert_eq!(mine["answers"], json!({}));

    // B's own attempt is another one.
    let (quiz, _) = get_quiz(&app, &b, "zt-priv").await;
    assert_eq!(quiz["attempts"], json!([]));
    assert!(quiz.get("open_attempt").is_none());
    let (y, _) = start(&app, &b, "zt-priv").await;
    assert_ne!(y["id"], xid.as_str());
    assert_eq!(y["number"], 1);
    assert_eq!(y["answers"], json!({}));
    // And another guest's is another again.
    let c = guest(&app).await;
    let (z, _) = start(&app, &c, "zt-priv").await;
    assert_ne!(z["id"], xid.as_str());
    assert_ne!(z["id"], y["id"]);

    // A's mistakes are not B's.
    submit(&app, &a, &xid, "owner-sub-001", json!({})).await;
    let (book, _) = mistakes(&app, &a, false).await;
    assert_eq!(book["summary"]["active"], 1);
    assert_eq!(book["items"][0]["question"]["id"], "zt-priv-single");
    let (theirs, _) = mistakes(&app, &b, false).await;
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(theirs["summary"]["active"], 0);
    assert_eq!(theirs["summary"]["due"], 0);
    let (summary, _) = ok(&app, "GET", "/api/v1/mistakes/summary", &b, None).await;
    assert_eq!(summary["due"], 0);
    is_error(
        api(
            &app,
            "POST",
            "/api/v1/mistakes/zt-priv-single/review",
            Some(&b),
            Some(json!({"answer": {"choice": ["b"]}})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // A's attempt, now submitted, is still not found for B.
    is_error(
        api(
            &app,
            "GET",
            &format!("/api/v1/attempts/{xid}"),
            Some(&b),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn wrong_answers_go_in_the_book_and_move_through_leitner_boxes() {
    const DAY: i64 = 24 * 3600 * 1000;
    let app = test_app().await;
    add(&app, "zt-book", "graded", "after_submit", 0).await;
    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-book").await;
    let mut answers = all_right("zt-book");
    answers["zt-book-single"] = json!({"choice": ["a"]});
    answers["zt-book-multi"] = json!({"choice": ["m1"]});
    let before = now_ms();
    submit(&app, &t, str_of(&a, "id"), "book-sub-0001", answers).await;

    let (due, _) = mistakes(&app, &t, true).await;
    let items = due["items"].as_array().unwrap();
    let ids: BTreeSet<&str> = items
        .iter()
        .map(|m| m["question"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from(["zt-book-single", "zt-book-multi"]));
    for m in items {
        assert_eq!(m["box_no"], 1);
        assert_eq!(m["wrong_count"], 1);
        assert_eq!(m["quiz_id"], "zt-book");
        assert_eq!(m["quiz_title"], "Zoo quiz zt-book");
        let at = m["due_at_ms"].as_i64().unwrap();
        assert!(at >= before && at <= now_ms(), "due now: {m}");
    }
    assert_eq!(due["summary"]["due"], 2);
    assert_eq!(due["summary"]["active"], 2);
    assert_eq!(due["summary"]["mastered"], 0);
    let (summary, _) = ok(&app, "GET", "/api/v1/mistakes/summary", &t, None).await;
    assert_eq!(summary, due["summary"]);

    // Right: box 2, due in a day.
    let before = now_ms();
    let out = review(&app, &t, "zt-book-single", json!({"choice": ["b"]})).await;
    let after = now_ms();
    assert_eq!(out["feedback"]["outcome"], "correct");
    assert_eq!(out["box_no"], 2);
    assert_eq!(out["mastered"], false);
    let at = out["due_at_ms"].as_i64().unwrap();
    assert!(at >= before + DAY && at <= after + DAY, "{out}");
    let (summary, _) = ok(&app, "GET", "/api/v1/mistakes/summary", &t, None).await;
    assert_eq!(summary["due"], 1);
    assert_eq!(summary["active"], 2);
    let (due, _) = mistakes(&app, &t, true).await;
    assert_eq!(due["items"].as_array().unwrap().len(), 1);
    assert_eq!(due["items"][0]["question"]["id"], "zt-book-multi");
    let (all, _) = mistakes(&app, &t, false).await;
    let single = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["question"]["id"] == "zt-book-single")
        .expect("still in the book");
    assert_eq!(single["box_no"], 2);
    assert_eq!(single["due_at_ms"].as_i64(), Some(at));

    // Wrong: box 1, back in ten minutes.
    let before = now_ms();
    let out = review(&app, &t, "zt-book-multi", json!({"choice": ["m2"]})).await;
    let after = now_ms();
    assert_eq!(out["feedback"]["outcome"], "wrong");
    assert_eq!(out["feedback"]["correct"], json!({"choice": ["m1", "m3"]}));
    assert_eq!(out["box_no"], 1);
    assert_eq!(out["mastered"], false);
    let multi_due = out["due_at_ms"].as_i64().unwrap();
    assert!(
        multi_due >= before + RELEARN_MS && multi_due <= after + RELEARN_MS,
        "{out}"
    );
    assert_eq!(RELEARN_MS, 600_000);
    let (summary, _) = ok(&app, "GET", "/api/v1/mistakes/summary", &t, None).await;
    assert_eq!(summary["due"], 0);
    assert_eq!(summary["active"], 2);
    assert_eq!(summary["next_due_ms"].as_i64(), Some(multi_due));
    let (all, _) = mistakes(&app, &t, false).await;
    assert_eq!(
        all["items"][0]["question"]["id"], "zt-book-multi",
        "due first"
    );
    assert_eq!(all["items"][0]["wrong_count"], 2);

    // Right four more times: boxes 3, 4, 5 (3, 7, 14 days), then mastered.
    for (next_box, days) in [(3, 3), (4, 7), (5, 14)] {
        let before = now_ms();
        let out = review(&app, &t, "zt-book-single", json!({"choice": ["b"]})).await;
        let after = now_ms();
        assert_eq!(out["box_no"], next_box, "{out}");
        let at = out["due_at_ms"].as_i64().unwrap();
        assert!(
            at >= before + days * DAY && at <= after + days * DAY,
            "{out}"
        );
    }
    let out = review(&app, &t, "zt-book-single", json!({"choice": ["b"]})).await;
    assert_eq!(out["mastered"], true, "{out}");
    let (summary, _) = ok(&app, "GET", "/api/v1/mistakes/summary", &t, None).await;
    assert_eq!(summary["mastered"], 1);
    assert_eq!(summary["active"], 1);
    let (all, _) = mistakes(&app, &t, false).await;
    assert_eq!(
        ids_of(
            &all["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["question"].clone())
                .collect::<Value>()
        ),
        ["zt-book-multi"]
    );

    // Only questions in one's own book.
    for q in ["zt-book-tf", "zt-book-essay", "zt-nope"] {
        is_error(
            api(
                &app,
                "POST",
                &format!("/api/v1/mistakes/{q}/review"),
                Some(&t),
                Some(json!({"answer": {"choice": ["false"]}})),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    // A review answer that does not fit the question.
    is_error(
        api(
            &app,
            "POST",
            "/api/v1/mistakes/zt-book-multi/review",
            Some(&t),
            Some(json!({"answer": {"text": "m1"}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

#[tokio::test]
async fn a_guests_attempts_and_mistakes_move_to_the_account_on_sign_in() {
    let app = test_app().await;
    add(&app, "zt-adopt", "graded", "after_submit", 0).await;
    add(&app, "zt-adopt-open", "graded", "after_submit", 0).await;
    add(&app, "zt-adopt-both", "graded", "after_submit", 0).await;
    let acct = account(&app, "adopter@example.com").await;
    let acct_id = me(&app, &acct).await;
    // The account tried one quiz itself.
    let (own, _) = start(&app, &acct, "zt-adopt-both").await;
    let own_id = str_of(&own, "id").to_owned();
    submit(
        &app,
        &acct,
        &own_id,
        "own-attempt-01",
        all_right("zt-adopt-both"),
    )
    .await;

    let g = guest(&app).await;
    let gid = me(&app, &g).await;
    let (a, _) = start(&app, &g, "zt-adopt").await;
    let aid = str_of(&a, "id").to_owned();
    let (done, _) = submit(
        &app,
        &g,
        &aid,
        "guest-sub-0001",
        ans("zt-adopt", &[("single", json!({"choice": ["c"]}))]),
    )
    .await;
    let (o, _) = start(&app, &g, "zt-adopt-open").await;
    let oid = str_of(&o, "id").to_owned();
    save(
        &app,
        &g,
        &oid,
        ans("zt-adopt-open", &[("tf", json!({"choice": ["false"]}))]),
    )
    .await;
    let (b, _) = start(&app, &g, "zt-adopt-both").await;
    let bid = str_of(&b, "id").to_owned();

    let (s, session, text) = api(
        &app,
        "POST",
        "/api/v1/session",
        Some(&g),
        Some(json!({"email": "adopter@example.com", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{text}");
    let t = str_of(&session, "token").to_owned();
    assert_eq!(me(&app, &t).await, acct_id);

    // The submitted attempt, with its result.
    let (quiz, _) = get_quiz(&app, &t, "zt-adopt").await;
    assert_eq!(ids_of(&quiz["attempts"]), std::slice::from_ref(&aid));
    let (got, _) = get_attempt(&app, &t, &aid).await;
    assert_eq!(got["result"], done["result"]);
    // The open one, resumed where the guest left it.
    let (quiz, _) = get_quiz(&app, &t, "zt-adopt-open").await;
    assert_eq!(quiz["open_attempt"], oid.as_str());
    let (resumed, _) = start(&app, &t, "zt-adopt-open").await;
    assert_eq!(resumed["id"], oid.as_str());
    assert_eq!(
        resumed["answers"],
        ans("zt-adopt-open", &[("tf", json!({"choice": ["false"]}))])
    );
    submit(&app, &t, &oid, "after-sign-in1", json!({})).await;
    // On a quiz the account had tried, the account's own attempts stay as they were.
    let (quiz, _) = get_quiz(&app, &t, "zt-adopt-both").await;
    assert_eq!(ids_of(&quiz["attempts"]), std::slice::from_ref(&own_id));
    is_error(
        api(
            &app,
            "GET",
            &format!("/api/v1/attempts/{bid}"),
            Some(&t),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // The mistakes.
    let (book, _) = mistakes(&app, &t, true).await;
    let ids: BTreeSet<&str> = book["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["question"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains("zt-adopt-single"), "{book}");
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempts WHERE learner_id = $1 AND quiz_id <> 'zt-adopt-both'",
            &gid
        )
        .await,
        0
    );

    // A guest who signs up keeps its attempts and book: the same learner, upgraded in place.
    let g2 = guest(&app).await;
    let (c, _) = start(&app, &g2, "zt-adopt").await;
    let cid = str_of(&c, "id").to_owned();
    submit(&app, &g2, &cid, "signup-sub-001", all_wrong("zt-adopt")).await;
    let (s, session, text) = api(
        &app,
        "POST",
        "/api/v1/account",
        Some(&g2),
        Some(json!({"email": "upgrader@example.com", "password": "ladder-2026", "display_name": "Up"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{text}");
    let t2 = str_of(&session, "token").to_owned();
    let (quiz, _) = get_quiz(&app, &t2, "zt-adopt").await;
    assert_eq!(ids_of(&quiz["attempts"]), [cid]);
    let (book, _) = mistakes(&app, &t2, false).await;
    assert_eq!(book["summary"]["active"], 7);
}

#[tokio::test]
async fn the_demo_bank_is_well_made_and_on_its_courses() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/seed/quizzes.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} does not exist yet: skipped");
        return;
    };
    let quizzes: Vec<QuizDef> = serde_json::from_str(&text).expect("quizzes.json parses");
    assert!(!quizzes.is_empty());
    let mut kinds = BTreeSet::new();
    let mut modes = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for q in &quizzes {
        check_quiz(q).unwrap_or_else(|e| panic!("{}: {e}", q.id));
        assert!(ids.insert(q.id.clone()), "repeated quiz id {}", q.id);
        modes.insert(format!("{:?}", q.mode));
        for d in &q.questions {
            kinds.insert(format!("{:?}", d.kind));
            // Every question's own key earns full marks (essays aside).
            if let Some(right) = d.correct_answer() {
                assert!(check(d, &right).is_ok(), "{}: {right:?}", d.id);
                let s = score(d, Some(&right));
                assert_eq!(s.outcome, Outcome::Correct, "{}: {right:?}", d.id);
            }
        }
    }
    assert_eq!(modes.len(), 3, "{modes:?}");
    assert_eq!(kinds.len(), 8, "{kinds:?}");

    // The seeded demo lists them on their courses, and serves them without their keys.
    let app = test_app().await;
    let t = guest(&app).await;
    for q in &quizzes {
        let detail = app
            .get_json(&format!("/api/v1/courses/{}", q.course_id))
            .await;
        let listed = detail["quizzes"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no quizzes on the course", q.course_id))
            .iter()
            .find(|s| s["id"] == q.id.as_str())
            .unwrap_or_else(|| panic!("{} on {}", q.id, q.course_id));
        assert_eq!(listed["question_count"], q.questions.len());
        assert_eq!(listed["title"], q.title.as_str());
        let (attempt, text) = start(&app, &t, &q.id).await;
        assert_eq!(
            attempt["questions"].as_array().unwrap().len(),
            q.questions.len()
        );
        let mut fields = BTreeSet::new();
        collect_fields(&serde_json::from_str(&text).unwrap(), &mut fields);
        for f in KEY_FIELDS {
            assert!(!fields.contains(f), "{}: field {f}", q.id);
        }
        for d in &q.questions {
            if let Some(e) = d.explanation.as_deref().filter(|e| e.chars().count() >= 8) {
                assert!(!text.contains(e), "{}: explanation leaks", d.id);
            }
        }
        // Submitting the keys scores 100 %.
        let right: serde_json::Map<String, Value> = q
            .questions
            .iter()
            .filter_map(|d| {
                d.correct_answer()
                    .map(|a| (d.id.clone(), serde_json::to_value(a).unwrap()))
            })
            .collect();
        let (done, _) = submit(
            &app,
            &t,
            str_of(&attempt, "id"),
            "demo-keys-0001",
            Value::Object(right),
        )
        .await;
        assert_eq!(f64_of(&done["result"]["pct"]), 100.0, "{}", q.id);
        assert_eq!(done["result"]["passed"], true, "{}", q.id);
    }
}

/// Sends the requests at the same time; returns each one's status and body, in order.
async fn at_once(
    app: &TestApp,
    reqs: Vec<(&'static str, String, String, Option<Value>)>,
) -> Vec<(StatusCode, String)> {
    use tower::ServiceExt;
    let mut set = tokio::task::JoinSet::new();
    for (i, (method, uri, token, body)) in reqs.into_iter().enumerate() {
        let router = app.router.clone();
        set.spawn(async move {
            let req = Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
                .expect("request");
            let res = router.oneshot(req).await.expect("infallible");
            let status = res.status();
            (i, status, body_text(res).await)
        });
    }
    let mut out = vec![(StatusCode::OK, String::new()); set.len()];
    while let Some(done) = set.join_next().await {
        let (i, status, text) = done.expect("task");
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{text}");
        out[i] = (status, text);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_starts_submits_and_checks_stay_consistent() {
    let app = test_app().await;
    add(&app, "zt-race", "graded", "after_submit", 0).await;
    add(&app, "zt-race-p", "practice", "after_submit", 0).await;
    let t = guest(&app).await;

    // Two devices start at once: one attempt.
    let starts = at_once(
        &app,
        (0..6)
            .map(|_| {
                (
                    "POST",
                    "/api/v1/quizzes/zt-race/attempts".to_owned(),
                    t.clone(),
                    None,
                )
            })
            .collect(),
    )
    .await;
    let ids: BTreeSet<String> = starts
        .iter()
        .map(|(s, text)| {
            assert_eq!(*s, StatusCode::OK, "{text}");
            let v: Value = serde_json::from_str(text).unwrap();
            str_of(&v, "id").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let aid = ids.into_iter().next().unwrap();
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempts WHERE quiz_id = $1",
            "zt-race"
        )
        .await,
        1
    );

    // Submitted from several devices at once, with different answers: scored once.
    let subs = at_once(
        &app,
        (0..6)
            .map(|i| {
                let answers = if i % 2 == 0 {
                    all_wrong("zt-race")
                } else {
                    all_right("zt-race")
                };
                (
                    "POST",
                    format!("/api/v1/attempts/{aid}/submit"),
                    t.clone(),
                    Some(json!({"submission_id": format!("race-sub-{i:04}"), "answers": answers})),
                )
            })
            .collect(),
    )
    .await;
    let results: BTreeSet<String> = subs
        .iter()
        .map(|(s, text)| {
            assert_eq!(*s, StatusCode::OK, "{text}");
            let v: Value = serde_json::from_str(text).unwrap();
            v["result"].to_string()
        })
        .collect();
    assert_eq!(results.len(), 1, "every reply has the one result");
    assert_eq!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = $1",
            &aid
        )
        .await,
        8
    );
    let wrong = db_count(
        &app,
        "SELECT COALESCE(MAX(wrong_count), 0) FROM mistakes WHERE learner_id = (SELECT learner_id FROM attempts WHERE id = $1)",
        &aid,
    )
    .await;
    assert!(wrong <= 1, "a mistake counted {wrong} times");

    // Practice: the same question checked at once with different answers: one check stands.
    let (p, _) = start(&app, &t, "zt-race-p").await;
    let pid = str_of(&p, "id").to_owned();
    let checks = at_once(
        &app,
        ["a", "b", "c", "a", "b", "c"]
            .iter()
            .map(|c| {
                (
                    "POST",
                    format!("/api/v1/attempts/{pid}/check"),
                    t.clone(),
                    Some(json!({"question_id": "zt-race-p-single", "answer": {"choice": [c]}})),
                )
            })
            .collect(),
    )
    .await;
    let (got, _) = get_attempt(&app, &t, &pid).await;
    let stored = got["checked"]["zt-race-p-single"].clone();
    assert_eq!(got["answers"]["zt-race-p-single"], stored["answer"]);
    for (s, text) in &checks {
        match *s {
            StatusCode::OK => {
                assert_eq!(serde_json::from_str::<Value>(text).unwrap(), stored)
            }
            StatusCode::CONFLICT => {
                common::assert_error(text, "conflict");
            }
            other => panic!("{other}: {text}"),
        }
    }
    assert!(
        db_count(
            &app,
            "SELECT COUNT(*) FROM mistakes WHERE question_id = $1 AND wrong_count > 1",
            "zt-race-p-single"
        )
        .await
            == 0
    );
}

#[tokio::test]
async fn saves_from_several_devices_at_once_keep_every_answer() {
    let app = test_app().await;
    add(&app, "zt-saves", "graded", "after_submit", 0).await;
    let t = guest(&app).await;
    for round in 0..3 {
        let (a, _) = start(&app, &t, "zt-saves").await;
        let aid = str_of(&a, "id").to_owned();
        // Each device saves a different question at the same moment: no save may undo another.
        let answers = all_right("zt-saves");
        let one_each: Vec<(String, Value)> = answers
            .as_object()
            .expect("answers")
            .iter()
            .map(|(q, v)| (q.clone(), v.clone()))
            .collect();
        let saves = at_once(
            &app,
            one_each
                .iter()
                .map(|(q, v)| {
                    (
                        "PUT",
                        format!("/api/v1/attempts/{aid}/answers"),
                        t.clone(),
                        Some(json!({"answers": {q: v}})),
                    )
                })
                .collect(),
        )
        .await;
        for (s, text) in &saves {
            assert_eq!(*s, StatusCode::OK, "round {round}: {text}");
        }
        let (got, _) = get_attempt(&app, &t, &aid).await;
        for (q, v) in &one_each {
            assert_eq!(
                &got["answers"][q], v,
                "round {round}: the save of {q} was lost"
            );
        }
        // A submission with no answers of its own scores everything saved: all right.
        let (v, _) = submit(&app, &t, &aid, &format!("saves-{round:04}"), json!({})).await;
        assert_eq!(v["result"]["pct"], json!(100.0), "round {round}: {v}");
    }
}

#[tokio::test]
async fn authoring_updates_keep_attempts_and_mistakes_of_kept_questions() {
    let app = test_app().await;
    let mut v = quiz_json("zt-edit", "graded", "after_submit", 0);
    let def: QuizDef = serde_json::from_value(v.clone()).unwrap();
    // Unknown course, a question id of another quiz: refused.
    let mut elsewhere = def.clone();
    elsewhere.course_id = "no-such-course".into();
    assert!(upsert_quiz(&app.db, &elsewhere, 0).await.is_err());
    upsert_quiz(&app.db, &def, 0).await.expect("upsert");
    let mut thief = def.clone();
    thief.id = "zt-thief".into();
    let e = upsert_quiz(&app.db, &thief, 0).await.unwrap_err();
    assert!(e.contains("zt-edit"), "{e}");

    let t = guest(&app).await;
    let (a, _) = start(&app, &t, "zt-edit").await;
    submit(
        &app,
        &t,
        str_of(&a, "id"),
        "edit-sub-0001",
        all_wrong("zt-edit"),
    )
    .await;
    let (book, _) = mistakes(&app, &t, false).await;
    assert_eq!(book["summary"]["active"], 7);

    // The author drops the numeric question and renames the quiz.
    v["title"] = json!("Zoo quiz, second edition");
    v["questions"].as_array_mut().unwrap().remove(4);
    upsert_quiz(&app.db, &serde_json::from_value(v).unwrap(), 0)
        .await
        .expect("re-upsert");
    let (quiz, _) = get_quiz(&app, &t, "zt-edit").await;
    assert_eq!(quiz["quiz"]["question_count"], 7);
    assert_eq!(quiz["quiz"]["title"], "Zoo quiz, second edition");
    assert_eq!(quiz["attempts"].as_array().unwrap().len(), 1);
    let (book, _) = mistakes(&app, &t, false).await;
    assert_eq!(book["summary"]["active"], 6, "{book}");
    assert_eq!(book["items"][0]["quiz_title"], "Zoo quiz, second edition");
    let (old, _) = get_attempt(&app, &t, str_of(&a, "id")).await;
    assert_eq!(old["questions"].as_array().unwrap().len(), 7);
    let (b, _) = start(&app, &t, "zt-edit").await;
    assert_eq!(b["questions"].as_array().unwrap().len(), 7);
    is_error(
        api(
            &app,
            "PUT",
            &format!("/api/v1/attempts/{}/answers", str_of(&b, "id")),
            Some(&t),
            Some(json!({"answers": ans("zt-edit", &[("num", json!({"number": "1"}))])})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

//! QTI import and scoring, on items written from the QTI 2.1, 2.2 and 3.0 specifications
//! (fixtures in `tests/qti/`).

use jieti_api::{Answer, Blank, Choice, Outcome, QuestionKind, StemPart};
use jieti_server::quiz::score::{score, Scored};
use jieti_server::quiz::{qti, Key, QuestionDef};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/qti/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import(name: &str) -> (String, QuestionDef) {
    let xml = fixture(name);
    let def = qti::import_item(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    (xml, def)
}

/// SCORE for a QTI-style response, as the CLI computes it.
fn qti_score(xml: &str, response: Value) -> f64 {
    let out = qti::score_response(xml, &response).unwrap_or_else(|e| panic!("{response}: {e}"));
    out["SCORE"].as_f64().unwrap()
}

fn choice(ids: &[&str]) -> Answer {
    Answer::Choice(ids.iter().map(|s| s.to_string()).collect())
}

fn blanks(pairs: &[(&str, &str)]) -> Answer {
    Answer::Blanks(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn pairs(ps: &[(&str, &str)]) -> Answer {
    Answer::Pairs(
        ps.iter()
            .map(|(l, r)| [l.to_string(), r.to_string()])
            .collect(),
    )
}

fn c(id: &str, text: &str) -> Choice {
    Choice {
        id: id.into(),
        text: text.into(),
    }
}

fn text(s: &str) -> StemPart {
    StemPart::Text(s.into())
}

#[track_caller]
fn scored(def: &QuestionDef, answer: Option<&Answer>, want: f64, outcome: Outcome) {
    let s: Scored = score(def, answer);
    assert!(
        (s.score - want).abs() < 1e-9,
        "{answer:?}: score {} not {want}",
        s.score
    );
    assert_eq!(s.outcome, outcome, "{answer:?}");
    assert_eq!(
        s.max,
        if def.kind == QuestionKind::Essay {
            0.0
        } else {
            def.points
        }
    );
}

/// The learner's view of the item, as sent to clients.
fn public_json(def: &QuestionDef) -> String {
    serde_json::to_string(&def.public("attempt-1")).unwrap()
}

#[track_caller]
fn refuses(xml: &str, reason: &str) {
    match qti::import_item(xml) {
        Ok(def) => panic!("imported as {:?}, expected {reason:?}", def.kind),
        Err(e) => assert!(e.contains(reason), "{e:?} does not say {reason:?}"),
    }
}

// --- choice ----------------------------------------------------------------------------------

#[test]
fn single_choice_21_imports_plain_text_and_scores_by_match_correct() {
    let (xml, def) = import("choice_single_21.xml");
    assert_eq!(def.id, "capital-choice");
    assert_eq!(def.kind, QuestionKind::Single);
    assert_eq!(
        def.prompt,
        "Look at the map of China. Which city is the capital?"
    );
    assert_eq!(
        def.choices,
        vec![
            c("A", "Shanghai"),
            c("B", "Beijing"),
            c("C", "Guangzhou"),
            c("D", "Shenzhen")
        ]
    );
    assert!(def.shuffle);
    assert_eq!(def.points, 1.0);
    assert_eq!(
        def.explanation.as_deref(),
        Some("Beijing has been the capital since 1949.")
    );
    assert_eq!(def.key, Key::Qti { xml: xml.clone() });
    def.validate().unwrap();

    scored(&def, Some(&choice(&["B"])), 1.0, Outcome::Correct);
    scored(&def, Some(&choice(&["A"])), 0.0, Outcome::Wrong);
    scored(&def, Some(&choice(&[])), 0.0, Outcome::Unanswered);
    scored(&def, None, 0.0, Outcome::Unanswered);
    // Ids the question does not have, or two picks for one: refused, not scored.
    scored(&def, Some(&choice(&["Z"])), 0.0, Outcome::Wrong);
    scored(&def, Some(&choice(&["A", "B"])), 0.0, Outcome::Wrong);
    scored(&def, Some(&Answer::Text("B".into())), 0.0, Outcome::Wrong);
    assert_eq!(def.correct_answer(), Some(choice(&["B"])));

    assert_eq!(qti_score(&xml, json!({ "RESPONSE": "B" })), 1.0);
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": "b" })), 0.0);
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": null })), 0.0);
    assert_eq!(qti_score(&xml, json!({})), 0.0);
    let err = qti::score_response(&xml, &json!({ "NOPE": "B" })).unwrap_err();
    assert!(
        err.contains("unknown response identifier \"NOPE\""),
        "{err}"
    );
    let err = qti::score_response(&xml, &json!({ "RESPONSE": ["B"] })).unwrap_err();
    assert!(err.contains("RESPONSE") && err.contains("single"), "{err}");
    let err = qti::score_response(&xml, &json!({ "RESPONSE": 3 })).unwrap_err();
    assert!(err.contains("identifier"), "{err}");
    assert!(qti::score_response(&xml, &json!(["B"]))
        .unwrap_err()
        .contains("JSON object"));

    // The review text comes from the body only: scorer notes and feedback stay out.
    let public = public_json(&def);
    assert!(
        !public.contains("Only B") && !public.contains("Well done") && !public.contains("1949")
    );
    assert!(!public.contains('<'));
}

#[test]
fn multiple_choice_22_maps_with_bounds_default_and_duplicates_once() {
    let (xml, def) = import("choice_multiple_22.xml");
    assert_eq!(def.kind, QuestionKind::Multiple);
    assert_eq!(def.max_choices, 0);
    assert_eq!(def.prompt, "Pick every prime number.");
    assert_eq!(def.choices.len(), 6);
    // A choice is fixed in place, which a shuffle could not keep.
    assert!(!def.shuffle);
    // 1 + 0.75 + 0.75 clamped by upperBound 2.
    assert_eq!(def.points, 2.0);

    scored(&def, Some(&choice(&["P2"])), 1.0, Outcome::Partial);
    scored(&def, Some(&choice(&["P2", "P3"])), 1.75, Outcome::Partial);
    scored(
        &def,
        Some(&choice(&["P2", "P3", "P5"])),
        2.0,
        Outcome::Correct,
    );
    // Unmapped N9 earns the default −0.5.
    scored(&def, Some(&choice(&["P2", "N9"])), 0.5, Outcome::Partial);
    scored(&def, Some(&choice(&["P2", "N4"])), 0.0, Outcome::Wrong);
    // −1 clamped by lowerBound 0.
    scored(&def, Some(&choice(&["N4"])), 0.0, Outcome::Wrong);
    assert_eq!(def.correct_answer(), Some(choice(&["P2", "P3", "P5"])));

    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["P2", "P2", "P3"] })),
        1.75
    );
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["P2", "P3", "P5", "N9"] })),
        2.0
    );
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["P3", "P5", "N9", "NONE"] })),
        0.5
    );
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": ["N4", "N9"] })), 0.0);
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": [] })), 0.0);
    let err = qti::score_response(&xml, &json!({ "RESPONSE": "P2" })).unwrap_err();
    assert!(err.contains("array"), "{err}");
}

// --- fill in the blank -------------------------------------------------------------------------

#[test]
fn text_entry_30_honours_case_sensitivity_and_maxscore() {
    let (xml, def) = import("text_entry_30.xml");
    assert_eq!(def.kind, QuestionKind::FillBlank);
    assert_eq!(def.prompt, "Capital of France");
    assert_eq!(
        def.stem,
        vec![
            text("France's capital city, on the Seine, is "),
            StemPart::Blank(Blank {
                id: "RESPONSE".into(),
                choices: vec![],
                expected_len: 8
            }),
            text("."),
        ]
    );
    assert_eq!(def.points, 1.0);

    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "Paris")])),
        1.0,
        Outcome::Correct,
    );
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "  Paris ")])),
        1.0,
        Outcome::Correct,
    );
    // case-sensitive="true".
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "paris")])),
        0.0,
        Outcome::Wrong,
    );
    // No case-sensitive attribute: 3.0's default is false.
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "LUTETIA")])),
        0.5,
        Outcome::Partial,
    );
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "")])),
        0.0,
        Outcome::Unanswered,
    );
    scored(
        &def,
        Some(&blanks(&[("OTHER", "Paris")])),
        0.0,
        Outcome::Wrong,
    );
    assert_eq!(def.correct_answer(), Some(blanks(&[("RESPONSE", "Paris")])));

    let out = qti::score_response(&xml, &json!({ "RESPONSE": "Lutetia" })).unwrap();
    assert_eq!(out.keys().collect::<Vec<_>>(), ["MAXSCORE", "SCORE"]);
    assert_eq!(out["SCORE"].as_f64(), Some(0.5));
    assert_eq!(out["MAXSCORE"].as_f64(), Some(1.0));
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": "" })), 0.0);

    let public = public_json(&def).to_lowercase();
    for secret in ["paris", "lutetia"] {
        assert!(!public.contains(secret), "{secret} leaks in {public}");
    }
}

#[test]
fn text_entry_21_without_correct_response_uses_its_mapping() {
    let (xml, def) = import("text_entry_21.xml");
    assert_eq!(def.kind, QuestionKind::FillBlank);
    assert_eq!(def.prompt, "Type the answer in the box.");
    assert_eq!(
        def.stem,
        vec![
            text("The capital of China is "),
            StemPart::Blank(Blank {
                id: "RESPONSE".into(),
                choices: vec![],
                expected_len: 10
            }),
            text(" today."),
        ]
    );
    assert_eq!(def.points, 1.0);
    for typed in ["Beijing", "beijing", "BEIJING"] {
        scored(
            &def,
            Some(&blanks(&[("RESPONSE", typed)])),
            1.0,
            Outcome::Correct,
        );
    }
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "Peking")])),
        0.5,
        Outcome::Partial,
    );
    // No caseSensitive attribute: 2.x's default is true.
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "peking")])),
        0.0,
        Outcome::Wrong,
    );
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "Shanghai")])),
        0.0,
        Outcome::Wrong,
    );
    // No correctResponse: the mapping's best key.
    assert_eq!(
        qti::correct_answer(&xml, &def),
        Some(blanks(&[("RESPONSE", "Beijing")]))
    );
    let public = public_json(&def).to_lowercase();
    assert!(
        !public.contains("beijing") && !public.contains("peking"),
        "{public}"
    );
}

#[test]
fn two_blanks_22_are_scored_by_custom_processing() {
    let (xml, def) = import("two_blanks_22.xml");
    assert_eq!(def.kind, QuestionKind::FillBlank);
    assert_eq!(def.prompt, "Name China's two great rivers.");
    let blank = |id: &str| {
        StemPart::Blank(Blank {
            id: id.into(),
            choices: vec![],
            expected_len: 12,
        })
    };
    assert_eq!(
        def.stem,
        vec![
            text("The longest is the "),
            blank("R1"),
            text(" and the second longest is the "),
            blank("R2"),
            text(" River."),
        ]
    );
    // No MAXSCORE: SCORE for the best responses.
    assert_eq!(def.points, 2.0);

    scored(
        &def,
        Some(&blanks(&[("R1", "yangtze"), ("R2", "HUANG HE")])),
        2.0,
        Outcome::Correct,
    );
    scored(
        &def,
        Some(&blanks(&[("R1", "Chang Jiang"), ("R2", "")])),
        1.0,
        Outcome::Partial,
    );
    scored(
        &def,
        Some(&blanks(&[("R1", "Mekong"), ("R2", "huanghe")])),
        0.5,
        Outcome::Partial,
    );
    scored(
        &def,
        Some(&blanks(&[("R1", "Mekong"), ("R2", "Pearl")])),
        0.0,
        Outcome::Wrong,
    );
    scored(
        &def,
        Some(&blanks(&[("R1", " "), ("R2", "")])),
        0.0,
        Outcome::Unanswered,
    );
    assert_eq!(
        def.correct_answer(),
        Some(blanks(&[("R1", "Yangtze"), ("R2", "Yellow")]))
    );

    let outcomes = |r: Value| qti::score_response(&xml, &r).unwrap();
    let full = outcomes(json!({ "R1": "Yangtze", "R2": "Yellow" }));
    assert_eq!(
        (full["SCORE"].as_f64(), full["FEEDBACK"].as_str()),
        (Some(2.0), Some("FULL"))
    );
    let some = outcomes(json!({ "R2": "Huanghe" }));
    assert_eq!(
        (some["SCORE"].as_f64(), some["FEEDBACK"].as_str()),
        (Some(0.5), Some("SOME"))
    );
    let none = outcomes(json!({ "R1": null, "R2": null }));
    assert_eq!(
        (none["SCORE"].as_f64(), none["FEEDBACK"].as_str()),
        (Some(0.0), Some("NONE"))
    );
    assert!(qti::score_response(&xml, &json!({ "R3": "x" })).is_err());

    let public = public_json(&def).to_lowercase();
    for secret in ["yangtze", "chang jiang", "yellow", "huang he", "huanghe"] {
        assert!(!public.contains(secret), "{secret} leaks in {public}");
    }
}

#[test]
fn numeric_blank_22_reads_typed_numbers_within_tolerance() {
    let (xml, def) = import("numeric_22.xml");
    assert_eq!(def.kind, QuestionKind::FillBlank);
    assert_eq!(def.points, 1.0);
    assert_eq!(def.stem[0], text("π to two decimal places is "));
    for typed in ["3.14", "3,14", "３．１４", "3.144"] {
        scored(
            &def,
            Some(&blanks(&[("RESPONSE", typed)])),
            1.0,
            Outcome::Correct,
        );
    }
    for typed in ["3.2", "pi", "3.146"] {
        scored(
            &def,
            Some(&blanks(&[("RESPONSE", typed)])),
            0.0,
            Outcome::Wrong,
        );
    }
    assert_eq!(def.correct_answer(), Some(blanks(&[("RESPONSE", "3.14")])));
    // Integer SCORE stays an integer; numbers may come as JSON numbers or strings.
    let out = qti::score_response(&xml, &json!({ "RESPONSE": 3.138 })).unwrap();
    assert_eq!(out["SCORE"], json!(1));
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": "3.1" })), 0.0);
    assert!(qti::score_response(&xml, &json!({ "RESPONSE": "three" })).is_err());
    assert!(!public_json(&def).contains("3.14"));
}

#[test]
fn inline_choice_30_becomes_a_picked_blank() {
    let (xml, def) = import("inline_choice_30.xml");
    assert_eq!(def.kind, QuestionKind::FillBlank);
    assert_eq!(
        def.stem,
        vec![
            text("Pick the measure word: 一"),
            StemPart::Blank(Blank {
                id: "RESPONSE".into(),
                choices: vec![c("GE", "个"), c("BEN", "本"), c("ZHANG", "张")],
                expected_len: 0,
            }),
            text("书"),
        ]
    );
    assert!(def.shuffle);
    assert_eq!(def.points, 1.0);
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "BEN")])),
        1.0,
        Outcome::Correct,
    );
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "GE")])),
        0.0,
        Outcome::Wrong,
    );
    scored(
        &def,
        Some(&blanks(&[("RESPONSE", "ben")])),
        0.0,
        Outcome::Wrong,
    );
    assert_eq!(def.correct_answer(), Some(blanks(&[("RESPONSE", "BEN")])));
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": "BEN" })), 1.0);
}

// --- ordering, matching, essay --------------------------------------------------------------------

#[test]
fn order_30_is_all_or_nothing_by_match_correct() {
    let (xml, def) = import("order_30.xml");
    assert_eq!(def.kind, QuestionKind::Ordering);
    assert_eq!(def.prompt, "Put the dynasties in order, earliest first.");
    assert_eq!(
        def.choices,
        vec![
            c("TANG", "Tang"),
            c("QIN", "Qin"),
            c("SONG", "Song"),
            c("HAN", "Han")
        ]
    );
    assert_eq!(def.points, 1.0);
    let order = |ids: &[&str]| Answer::Order(ids.iter().map(|s| s.to_string()).collect());
    scored(
        &def,
        Some(&order(&["QIN", "HAN", "TANG", "SONG"])),
        1.0,
        Outcome::Correct,
    );
    scored(
        &def,
        Some(&order(&["HAN", "QIN", "TANG", "SONG"])),
        0.0,
        Outcome::Wrong,
    );
    scored(&def, Some(&order(&[])), 0.0, Outcome::Unanswered);
    assert_eq!(
        def.correct_answer(),
        Some(order(&["QIN", "HAN", "TANG", "SONG"]))
    );
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["QIN", "HAN", "TANG", "SONG"] })),
        1.0
    );
    // Ordered means the same sequence, not the same set.
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["SONG", "TANG", "HAN", "QIN"] })),
        0.0
    );
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["QIN", "HAN", "TANG"] })),
        0.0
    );
}

#[test]
fn match_21_maps_directed_pairs() {
    let (xml, def) = import("match_21.xml");
    assert_eq!(def.kind, QuestionKind::Matching);
    assert_eq!(def.prompt, "Match each character with its pinyin.");
    assert_eq!(
        def.choices,
        vec![c("C1", "水"), c("C2", "火"), c("C3", "山")]
    );
    assert_eq!(
        def.targets
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
        ["P1", "P2", "P3", "P4"]
    );
    assert_eq!(def.points, 3.0);
    let all = pairs(&[("C1", "P1"), ("C2", "P2"), ("C3", "P3")]);
    scored(&def, Some(&all), 3.0, Outcome::Correct);
    scored(
        &def,
        Some(&pairs(&[("C1", "P1"), ("C2", "P2")])),
        2.0,
        Outcome::Partial,
    );
    scored(
        &def,
        Some(&pairs(&[("C1", "P2"), ("C2", "P2")])),
        0.0,
        Outcome::Wrong,
    );
    scored(&def, Some(&pairs(&[("C1", "P2")])), 0.0, Outcome::Wrong);
    scored(&def, Some(&pairs(&[("C1", "P9")])), 0.0, Outcome::Wrong);
    assert_eq!(def.correct_answer(), Some(all));

    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["C1 P1", "C3 P3"] })),
        2.0
    );
    // Directed: the reverse pair is not mapped (default 0).
    assert_eq!(qti_score(&xml, json!({ "RESPONSE": ["P1 C1"] })), 0.0);
    assert_eq!(
        qti_score(&xml, json!({ "RESPONSE": ["C1 P1", "C1 P1"] })),
        1.0
    );
    let err = qti::score_response(&xml, &json!({ "RESPONSE": ["C1"] })).unwrap_err();
    assert!(err.contains("directedPair"), "{err}");
}

#[test]
fn extended_text_22_is_an_ungraded_essay() {
    let (xml, def) = import("extended_text_22.xml");
    assert_eq!(def.kind, QuestionKind::Essay);
    assert_eq!(
        def.prompt,
        "Describe your home town in about 100 characters."
    );
    assert_eq!(def.points, 5.0);
    scored(
        &def,
        Some(&Answer::Text("A small town by the sea.".into())),
        0.0,
        Outcome::Ungraded,
    );
    scored(
        &def,
        Some(&Answer::Text("  ".into())),
        0.0,
        Outcome::Unanswered,
    );
    scored(&def, None, 0.0, Outcome::Unanswered);
    assert_eq!(qti::correct_answer(&xml, &def), None);
    assert!(qti::score_response(&xml, &json!({}))
        .unwrap_err()
        .contains("no response processing"));
}

// --- scored but not imported, and refused ---------------------------------------------------------

#[test]
fn select_point_21_is_refused_on_import_but_scores_by_area() {
    let xml = fixture("select_point_21.xml");
    refuses(&xml, "unsupported interaction selectPointInteraction");
    let s = |points: Value| qti_score(&xml, json!({ "RESPONSE": points }));
    assert_eq!(s(json!(["100 100"])), 1.0);
    // Each area counts once.
    assert_eq!(s(json!(["100 100", "105 95"])), 1.0);
    assert_eq!(s(json!(["100 100", "210 60"])), 2.0);
    // 2.5, clamped by upperBound.
    assert_eq!(s(json!(["100 100", "210 60", "20 210"])), 2.0);
    assert_eq!(s(json!(["20 210"])), 0.5);
    // Outside every area: the default −0.5, clamped by lowerBound.
    assert_eq!(s(json!(["0 0"])), 0.0);
    assert_eq!(s(json!(["100 100", "0 0"])), 0.5);
    assert_eq!(s(json!(null)), 0.0);
    let err = qti::score_response(&xml, &json!({ "RESPONSE": ["100"] })).unwrap_err();
    assert!(err.contains("point"), "{err}");
}

#[test]
fn unsupported_items_are_refused_with_a_reason() {
    refuses(
        &fixture("hotspot_21.xml"),
        "unsupported interaction hotspotInteraction",
    );
    let err = qti::import_item("<assessmentItem><itemBody></assessmentItem>").unwrap_err();
    assert!(err.starts_with("not well-formed XML"), "{err}");
    refuses("<html/>", "not a QTI item");
    refuses(
        r#"<assessmentItem xmlns="urn:other" identifier="x"/>"#,
        "unsupported namespace",
    );

    // Variations on a small 2.1 item.
    let item = |decl: &str, body: &str, rp: &str| {
        format!(
            r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="x">
            {decl}<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
            <itemBody>{body}</itemBody>{rp}</assessmentItem>"#
        )
    };
    let decl = r#"<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
        <correctResponse><value>A</value></correctResponse></responseDeclaration>"#;
    let body = r#"<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
        <simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice></choiceInteraction>"#;
    let template = |t: &str| format!(r#"<responseProcessing template="{t}"/>"#);
    let ok = template("http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct.xml");
    assert_eq!(
        qti::import_item(&item(decl, body, &ok)).unwrap().kind,
        QuestionKind::Single
    );

    refuses(&item(decl, body, ""), "no response processing");
    refuses(
        &item(decl, body, &template("http://example.com/rp/my_rules")),
        "unknown response processing template",
    );
    refuses(
        &item(decl, body, &template("map_response")),
        "needs a mapping",
    );
    refuses(
        &item(decl, "<p>Nothing to answer.</p>", &ok),
        "no interaction",
    );
    refuses(
        &item(decl, &body.replace("RESPONSE", "OTHER"), &ok),
        "undeclared response OTHER",
    );
    refuses(
        &item(&decl.replace("identifier\">", "string\">"), body, &ok),
        "cannot produce response RESPONSE",
    );
    refuses(
        &item(&decl.replace("single", "record"), body, &ok),
        "record cardinality",
    );
    let blank = r#"<p><textEntryInteraction responseIdentifier="T"/></p>"#;
    let tdecl = r#"<responseDeclaration identifier="T" cardinality="single" baseType="string"/>"#;
    refuses(
        &item(&format!("{decl}{tdecl}"), &format!("{body}{blank}"), &ok),
        "unsupported mix of interactions",
    );
    refuses(
        &item(decl, &format!("{body}{body}"), &ok),
        "bound to two interactions",
    );
    let dup = body.replace(r#"identifier="B""#, r#"identifier="A""#);
    refuses(&item(decl, &dup, &ok), "repeated id");
    let custom = r#"<responseProcessing><setOutcomeValue identifier="SCORE">
        <patternMatch pattern="A+"><variable identifier="RESPONSE"/></patternMatch></setOutcomeValue></responseProcessing>"#;
    refuses(
        &item(decl, body, custom),
        "unsupported expression patternMatch",
    );
    let lookup = r#"<responseProcessing><lookupOutcomeValue identifier="SCORE"><null/></lookupOutcomeValue></responseProcessing>"#;
    refuses(
        &item(decl, body, lookup),
        "unsupported response rule lookupOutcomeValue",
    );
    let template_item = item(
        &format!(
            r#"<templateDeclaration identifier="X" cardinality="single" baseType="integer"/>{decl}"#
        ),
        body,
        &ok,
    );
    refuses(&template_item, "template (cloned) items are not supported");
}

#[test]
fn hostile_input_never_panics() {
    let (xml, def) = import("choice_multiple_22.xml");
    let nasty = [
        String::new(),
        "<".repeat(10_000),
        format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000)),
        xml.replace("</assessmentItem>", ""),
        xml.replace(
            "<mapEntry mapKey=\"P2\" mappedValue=\"1\"/>",
            "<mapEntry mapKey=\"P2\" mappedValue=\"NaN\"/>",
        ),
        "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>".into(),
    ];
    for x in &nasty {
        assert!(qti::import_item(x).is_err());
        assert!(qti::score_response(x, &json!({})).is_err());
        assert_eq!(qti::correct_answer(x, &def), None);
        let s = qti::score_answer(x, &def, Some(&choice(&["P2"])));
        assert_eq!((s.score, s.outcome), (0.0, Outcome::Wrong));
    }
    // Answers of any shape against the real item.
    for a in [
        Answer::Number("1".into()),
        Answer::Order(vec!["P2".into()]),
        blanks(&[("RESPONSE", "P2")]),
        pairs(&[("P2", "P3")]),
    ] {
        let s = qti::score_answer(&xml, &def, Some(&a));
        assert_eq!((s.score, s.outcome), (0.0, Outcome::Wrong), "{a:?}");
    }
    let huge = json!({ "RESPONSE": vec!["P2"; 10_000] });
    assert_eq!(qti_score(&xml, huge), 1.0);
    assert!(qti::score_response(&xml, &json!({ "RESPONSE": [1, 2] })).is_err());
}

//! Search semantics over the demo catalog, checked against brute force over the same data.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{assert_error, test_app, TestApp};
use jieti_api::encode_component;
use serde_json::Value;

/// Every item of a search, across all its pages.
async fn all(app: &TestApp, query: &str) -> (Vec<Value>, Value) {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let v = app
            .get_json(&format!("/api/v1/courses?{query}&per_page=100&page={page}"))
            .await;
        let got = v["items"].as_array().unwrap().clone();
        let total = v["total"].as_u64().unwrap() as usize;
        items.extend(got);
        if items.len() >= total {
            return (items, v);
        }
        page += 1;
    }
}

fn ids(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The demo catalog as written in seed/demo.json, for brute-force expectations.
fn demo() -> Value {
    serde_json::from_str(include_str!("../seed/demo.json")).unwrap()
}

/// Ids of demo courses whose title, subtitle, tags or institution name contain `needle` (case-insensitive).
fn containing(needle: &str, title_only: bool) -> BTreeSet<String> {
    let d = demo();
    let names: BTreeMap<&str, &str> = d["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["name"].as_str().unwrap()))
        .collect();
    let needle = needle.to_lowercase();
    d["courses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let mut text = c["title"].as_str().unwrap().to_lowercase();
            if !title_only {
                text.push(' ');
                text.push_str(&c["subtitle"].as_str().unwrap().to_lowercase());
                for t in c["tags"].as_array().unwrap() {
                    text.push(' ');
                    text.push_str(&t.as_str().unwrap().to_lowercase());
                }
                text.push(' ');
                text.push_str(names[c["institution"].as_str().unwrap()]);
            }
            text.contains(&needle)
        })
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn search_ids(app: &TestApp, q: &str) -> BTreeSet<String> {
    ids(&all(app, &format!("q={}", encode_component(q))).await.0)
}

#[tokio::test]
async fn characters_find_exactly_the_courses_that_contain_them() {
    let app = test_app().await;
    for q in ["电商", "会计", "直播带货", "Excel", "设计", "证"] {
        let expected = containing(q, false);
        assert!(
            !expected.is_empty(),
            "{q}: the demo catalog should have matches"
        );
        assert_eq!(search_ids(&app, q).await, expected, "q={q}");
    }
}

#[tokio::test]
async fn pinyin_and_initials_find_chinese_titles() {
    let app = test_app().await;
    let dianshang = containing("电商", true);
    for q in ["dianshang", "ds", "DianShang", "ｄｓ"] {
        let got = search_ids(&app, q).await;
        assert!(
            dianshang.is_subset(&got),
            "q={q}: missing {:?}",
            dianshang.difference(&got).collect::<Vec<_>>()
        );
    }
    // 会 is a heteronym (hui/kuai); 会计 is read kuaiji.
    let kuaiji = containing("会计", true);
    assert!(!kuaiji.is_empty());
    assert!(kuaiji.is_subset(&search_ids(&app, "kuaiji").await));
    assert!(kuaiji.is_subset(&search_ids(&app, "kj").await));
    // `ps` finds Photoshop courses, whether the title says PS or Photoshop.
    let ps: BTreeSet<String> = containing("photoshop", true)
        .union(&containing("ps", true))
        .cloned()
        .collect();
    assert!(ps.len() >= 2);
    assert!(ps.is_subset(&search_ids(&app, "ps").await));
}

#[tokio::test]
async fn mixed_queries_need_every_part() {
    let app = test_app().await;
    let got = search_ids(&app, "Python 数据").await;
    let expected: BTreeSet<String> = containing("python", false)
        .intersection(&containing("数据", false))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert!(expected.is_subset(&got), "{expected:?} ⊄ {got:?}");
    for id in &got {
        assert!(
            containing("python", false).contains(id),
            "{id} has no python"
        );
    }
}

#[tokio::test]
async fn query_syntax_characters_never_error() {
    let app = test_app().await;
    for q in [
        "\"",
        "电商\"",
        "a OR b",
        "NEAR(a b)",
        "title:x",
        "*",
        "^",
        "(",
        ")",
        "AND",
        "-",
        "'",
        "%",
        "\\",
        "；",
        "　",
        "😀",
    ] {
        let (status, body) = app
            .get(&format!("/api/v1/courses?q={}", encode_component(q)))
            .await;
        assert_eq!(status, 200, "q={q}: {body}");
    }
    // Only punctuation: no search at all, the whole catalog.
    let v = app.get_json("/api/v1/courses?q=%EF%BC%8C%E3%80%82").await;
    assert!(v["total"].as_u64().unwrap() >= 40);
}

#[tokio::test]
async fn matches_are_highlighted_in_titles() {
    let app = test_app().await;
    for q in ["电商", "dianshang", "ds"] {
        let v = app
            .get_json(&format!("/api/v1/courses?q={q}&per_page=100"))
            .await;
        for c in v["items"].as_array().unwrap() {
            let title: Vec<char> = c["title"].as_str().unwrap().chars().collect();
            let marked: Vec<String> = c["highlights"]
                .as_array()
                .map(|hs| {
                    hs.iter()
                        .map(|h| {
                            title[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize]
                                .iter()
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            let has = c["title"].as_str().unwrap().contains("电商");
            assert_eq!(
                has,
                marked.iter().any(|m| m.contains("电商")),
                "q={q} title={:?} marked={marked:?}",
                c["title"]
            );
        }
    }
}

/// The filterable attributes of a listed course.
fn passes(c: &Value, filters: &[(&str, &str)], skip: &str) -> bool {
    filters
        .iter()
        .filter(|(k, _)| *k != skip)
        .all(|(k, v)| match *k {
            "category" => c["category_id"] == *v,
            "level" => c["level"] == *v,
            "certificate" => c["certificate"] == (*v == "true"),
            "lang" => c["lang"] == *v,
            "min_rating" => c["rating"].as_f64().unwrap() >= v.parse::<f64>().unwrap() - 1e-6,
            "price" => {
                let fen = c["price_fen"].as_u64().unwrap();
                match *v {
                    "free" => fen == 0,
                    "paid" => fen > 0,
                    "100-500" => (10_000..=50_000).contains(&fen),
                    _ => unreachable!(),
                }
            }
            "duration" => {
                let m = c["duration_minutes"].as_u64().unwrap();
                match *v {
                    "short" => m < 120,
                    "medium" => (120..=600).contains(&m),
                    "long" => m > 600,
                    _ => unreachable!(),
                }
            }
            _ => unreachable!(),
        })
}

#[tokio::test]
async fn filters_and_facet_counts_agree_with_brute_force() {
    let app = test_app().await;
    let (everything, _) = all(&app, "").await;
    let cases: &[&[(&str, &str)]] = &[
        &[],
        &[("category", "exam")],
        &[("price", "free"), ("level", "beginner")],
        &[("certificate", "true"), ("min_rating", "4.5")],
        &[
            ("category", "ecommerce"),
            ("price", "paid"),
            ("duration", "short"),
        ],
        &[("lang", "en")],
        &[("price", "100-500"), ("category", "it")],
    ];
    for filters in cases {
        let qs: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let qs = qs.join("&");
        let (items, last) = all(&app, &qs).await;
        let expected: BTreeSet<String> = everything
            .iter()
            .filter(|c| passes(c, filters, ""))
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids(&items), expected, "filters {qs}");
        let facets = &last["facets"];
        // Category facet: counts per category with every other filter applied.
        for f in facets["category"].as_array().unwrap() {
            let n = everything
                .iter()
                .filter(|c| passes(c, filters, "category") && c["category_id"] == f["value"])
                .count() as u64;
            assert_eq!(
                f["count"].as_u64().unwrap(),
                n,
                "{qs}: category {}",
                f["value"]
            );
        }
        for f in facets["level"].as_array().unwrap() {
            let n = everything
                .iter()
                .filter(|c| passes(c, filters, "level") && c["level"] == f["value"])
                .count() as u64;
            assert_eq!(
                f["count"].as_u64().unwrap(),
                n,
                "{qs}: level {}",
                f["value"]
            );
        }
        for f in facets["price"].as_array().unwrap() {
            let v = f["value"].as_str().unwrap();
            if !["free", "paid", "100-500"].contains(&v) {
                continue;
            }
            let n = everything
                .iter()
                .filter(|c| passes(c, filters, "price") && passes(c, &[("price", v)], ""))
                .count() as u64;
            assert_eq!(f["count"].as_u64().unwrap(), n, "{qs}: price {v}");
        }
        for f in facets["duration"].as_array().unwrap() {
            let v = f["value"].as_str().unwrap();
            let n = everything
                .iter()
                .filter(|c| passes(c, filters, "duration") && passes(c, &[("duration", v)], ""))
                .count() as u64;
            assert_eq!(f["count"].as_u64().unwrap(), n, "{qs}: duration {v}");
        }
        let cert = &facets["certificate"][0];
        let n = everything
            .iter()
            .filter(|c| passes(c, filters, "certificate") && c["certificate"] == true)
            .count() as u64;
        assert_eq!(cert["count"].as_u64().unwrap(), n, "{qs}: certificate");
        let inst_total: u64 = facets["institution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .sum();
        assert!(
            inst_total <= expected.len() as u64 || filters.iter().any(|(k, _)| *k == "institution")
        );
    }
}

#[tokio::test]
async fn facets_apply_the_search_text_too() {
    let app = test_app().await;
    let (items, last) = all(&app, "q=%E7%94%B5%E5%95%86").await;
    let total: u64 = last["facets"]["category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, items.len() as u64);
}

#[tokio::test]
async fn facets_can_be_skipped_for_plain_listings() {
    let app = test_app().await;
    let with = app.get_json("/api/v1/courses?category=it").await;
    let without = app
        .get_json("/api/v1/courses?category=it&facets=false")
        .await;
    assert_eq!(with["items"], without["items"]);
    assert!(!with["facets"]["level"].as_array().unwrap().is_empty());
    assert!(without["facets"]["level"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn sort_orders() {
    let app = test_app().await;
    let (by_rating, _) = all(&app, "sort=rating").await;
    assert!(by_rating
        .windows(2)
        .all(|w| w[0]["rating"].as_f64() >= w[1]["rating"].as_f64()));
    // Completion rate: completed over learners, highest first (checked against the database).
    let (by_completion, _) = all(&app, "sort=completion").await;
    let rates: Vec<(String, f64)> = sqlx::query_as(
        "SELECT id, CAST(completed_count AS DOUBLE PRECISION) / CASE WHEN learner_count > 1 THEN learner_count ELSE 1 END FROM courses",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let rate = |c: &serde_json::Value| {
        rates
            .iter()
            .find(|(id, _)| id == c["id"].as_str().unwrap())
            .unwrap()
            .1
    };
    assert!(by_completion
        .windows(2)
        .all(|w| rate(&w[0]) + 1e-6 >= rate(&w[1])));
    assert!(rate(&by_completion[0]) > rate(by_completion.last().unwrap()));
    let (newest, _) = all(&app, "sort=newest").await;
    assert!(newest
        .windows(2)
        .all(|w| w[0]["published"].as_str() >= w[1]["published"].as_str()));
    let (popular, _) = all(&app, "sort=popular&category=it").await;
    assert!(popular
        .windows(2)
        .all(|w| w[0]["learner_count"].as_u64() >= w[1]["learner_count"].as_u64()));
    // Relevance: courses with the words in the title come before those matching elsewhere.
    let v = app.get_json("/api/v1/courses?q=%E7%94%B5%E5%95%86").await;
    assert_eq!(v["sort"], "relevance");
    let first = v["items"][0]["title"].as_str().unwrap();
    assert!(first.contains("电商"), "{first}");
    // Relevance without a query falls back to popularity.
    let v = app.get_json("/api/v1/courses?sort=relevance").await;
    assert_eq!(v["sort"], "popular");
}

#[tokio::test]
async fn bad_search_parameters_are_400_naming_the_field() {
    let app = test_app().await;
    let long = "长".repeat(65);
    for (query, field) in [
        (format!("q={}", encode_component(&long)), "q"),
        ("level=expert".into(), "level"),
        ("price=cheap".into(), "price"),
        ("price=500-100".into(), "price"),
        ("price=-5".into(), "price"),
        ("duration=forever".into(), "duration"),
        ("min_rating=6".into(), "min_rating"),
        ("min_rating=abc".into(), "min_rating"),
        ("certificate=maybe".into(), "certificate"),
        ("institution=no-such-school".into(), "institution"),
        ("lang=zh%20Hans%3B".into(), "lang"),
        ("sort=random".into(), "sort"),
        ("page=-3".into(), "page"),
        ("page=99999999999".into(), "page"),
        ("per_page=1000".into(), "per_page"),
        ("facets=no".into(), "facets"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/courses?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(
            assert_error(&body, "bad_request")["error"]["field"],
            field,
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_new_review_moves_the_course_in_rating_filters_at_once() {
    let app = test_app().await;
    let (everything, _) = all(&app, "").await;
    let c = everything
        .iter()
        .min_by_key(|c| c["rating_count"].as_u64().unwrap())
        .unwrap();
    let id = c["id"].as_str().unwrap();
    let old = c["rating"].as_f64().unwrap();
    let n = c["rating_count"].as_f64().unwrap();
    let new = (old * n + 1.0) / (n + 1.0);
    let threshold = format!("{:.3}", (old + new) / 2.0);
    let listed = |items: &[Value]| items.iter().any(|x| x["id"] == id);
    assert!(
        listed(&all(&app, &format!("min_rating={threshold}")).await.0),
        "before the review"
    );

    let token = common::guest(&app).await;
    common::call(
        &app,
        "PUT",
        &format!("/api/v1/courses/{id}/enrollment"),
        Some(&token),
        None,
    )
    .await;
    let (s, _, _) = common::call(
        &app,
        "PUT",
        &format!("/api/v1/courses/{id}/review"),
        Some(&token),
        Some(serde_json::json!({"rating": 1})),
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        !listed(&all(&app, &format!("min_rating={threshold}")).await.0),
        "after a 1-star review"
    );
}

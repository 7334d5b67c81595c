//! WebVTT parser: cases taken from the W3C spec's parsing algorithm (https://www.w3.org/TR/webvtt1/).

use jieti_server::content::vtt::{
    self, Align, Element, LineAlign, Node, PositionAlign, Scroll, Tag, Vertical, Vtt,
};

fn ok(input: &str) -> Vtt {
    vtt::parse(input).unwrap_or_else(|e| panic!("{e}: {input:?}"))
}

fn texts(v: &Vtt) -> Vec<String> {
    v.cues.iter().map(|c| c.plain_text()).collect()
}

fn warning_lines(v: &Vtt) -> Vec<usize> {
    v.warnings.iter().map(|w| w.line).collect()
}

fn element(node: &Node) -> &Element {
    match node {
        Node::Element(e) => e,
        other => panic!("not an element: {other:?}"),
    }
}

fn text(s: &str) -> Node {
    Node::Text { text: s.into() }
}

// --- signature -------------------------------------------------------------------------------

#[test]
fn signature_variants() {
    assert!(ok("WEBVTT").cues.is_empty());
    assert!(ok("WEBVTT\n").cues.is_empty());
    let with_bom = ok("\u{feff}WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n");
    assert_eq!(texts(&with_bom), ["Hi"]);
    assert!(with_bom.warnings.is_empty());
    assert_eq!(ok("WEBVTT foo bar\n").header, "foo bar");
    assert_eq!(ok("WEBVTT\tTabbed\n\nNOTE x\n").header, "Tabbed");

    for bad in [
        "",
        "WEBVT",
        "WEBVTTfoo",
        "WEBVTTX\n",
        "webvtt\n",
        "\u{feff}\u{feff}WEBVTT",
        " WEBVTT",
    ] {
        let err = vtt::parse(bad).expect_err(bad);
        assert_eq!(err.line, 1, "{bad:?}");
        assert!(err.to_string().starts_with("line 1: "), "{err}");
    }
}

#[test]
fn header_lines_until_blank_line() {
    let v = ok("WEBVTT - Lesson 1\nKind: captions\nLanguage: en\n\n00:01.000 --> 00:02.000\nHi\n");
    assert_eq!(v.header, "- Lesson 1");
    assert_eq!(v.header_lines, ["Kind: captions", "Language: en"]);
    assert_eq!(texts(&v), ["Hi"]);
    assert!(v.warnings.is_empty());
}

#[test]
fn header_without_blank_line_still_yields_the_cue() {
    // The header block stops at a line with "-->", which then starts the first block.
    let v = ok("WEBVTT\n00:01.000 --> 00:02.000\nHi\n");
    assert_eq!(texts(&v), ["Hi"]);
    assert_eq!(warning_lines(&v), [2]);
}

// --- timings ---------------------------------------------------------------------------------

#[test]
fn timings_with_and_without_hours() {
    // Hours are optional, may have any number of digits (even one, for the parser), and the
    // spaces around the arrow are optional too.
    let v = ok("WEBVTT\n\n\
        00:01.500 --> 00:02.250\na\n\n\
        00:00:05.000-->00:00:06.000\nb\n\n\
        1:00:00.000 --> 1:00:01.000\nc\n\n\
        01:02:03.004 --> 01:02:04.000\nd\n\n\
        123:00:00.000 \t-->\t 123:00:01.000\ne\n");
    let times: Vec<(f64, f64)> = v.cues.iter().map(|c| (c.start, c.end)).collect();
    assert_eq!(
        times,
        [
            (1.5, 2.25),
            (5.0, 6.0),
            (3600.0, 3601.0),
            (3723.004, 3724.0),
            (442_800.0, 442_801.0),
        ]
    );
    assert_eq!(texts(&v), ["a", "b", "c", "d", "e"]);
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
}

#[test]
fn invalid_timings_skip_the_block_and_report_its_line() {
    let bad = [
        "00:01.00 --> 00:02.000",     // two fraction digits
        "00:01.0000 --> 00:02.000",   // four fraction digits
        "0:01.000 --> 00:02.000",     // one-digit minutes without hours
        "00:60.000 --> 00:61.000",    // seconds >= 60
        "00:00:01 --> 00:00:02",      // no fraction
        "00:01:60.000 --> 00:02.000", // seconds >= 60 with hours
        "00:61:00.000 --> 01:00:00.000",
        "00:01.000 -> 00:02.000",
        "00:01.000 --> ",
        "x00:01.000 --> 00:02.000",
        "00:01,000 --> 00:02,000", // SRT commas
    ];
    for timing in bad {
        let input =
            format!("WEBVTT\n\n{timing}\nskipped text\nmore\n\n00:03.000 --> 00:04.000\nkept\n");
        let v = ok(&input);
        assert_eq!(texts(&v), ["kept"], "{timing}");
        assert_eq!(warning_lines(&v), [3], "{timing}: {:?}", v.warnings);
        assert!(
            v.warnings[0].message.contains("timings"),
            "{:?}",
            v.warnings
        );
    }
}

#[test]
fn end_not_after_start_is_kept_with_a_warning() {
    // The parsing algorithm has no such check (only the syntax requires end > start), so the cue
    // stays, as in browsers; the import check still reports it.
    let v = ok("WEBVTT\n\n00:05.000 --> 00:04.000\nbackwards\n\n00:06.000 --> 00:06.000\nempty\n");
    assert_eq!(texts(&v), ["backwards", "empty"]);
    assert_eq!(warning_lines(&v), [3, 6]);
    assert!(v.warnings[0].message.contains("greater than"));
}

#[test]
fn out_of_order_and_duplicate_ids_are_warned() {
    let v = ok("WEBVTT\n\na\n00:05.000 --> 00:06.000\nx\n\na\n00:01.000 --> 00:02.000\ny\n");
    assert_eq!(v.cues.len(), 2);
    assert_eq!(warning_lines(&v), [8, 8]);
}

// --- settings --------------------------------------------------------------------------------

#[test]
fn valid_settings() {
    let v = ok("WEBVTT\n\n\
        00:01.000 --> 00:02.000 vertical:rl line:-2,end position:10.5%,line-right size:50% align:left\na\n\n\
        00:01.000 --> 00:02.000 line:25%,center position:0%,center align:end vertical:lr\nb\n\n\
        00:01.000 --> 00:02.000\nc\n");
    let s = &v.cues[0].settings;
    assert_eq!(s.vertical, Some(Vertical::Rl));
    assert_eq!(s.line, Some(-2.0));
    assert!(s.snap_to_lines);
    assert_eq!(s.line_align, LineAlign::End);
    assert_eq!(s.position, Some(10.5));
    assert_eq!(s.position_align, PositionAlign::LineRight);
    assert_eq!(s.size, 50.0);
    assert_eq!(s.align, Align::Left);

    let s = &v.cues[1].settings;
    assert_eq!(s.line, Some(25.0));
    assert!(!s.snap_to_lines);
    assert_eq!(s.line_align, LineAlign::Center);
    assert_eq!(s.position, Some(0.0));
    assert_eq!(s.position_align, PositionAlign::Center);
    assert_eq!(s.align, Align::End);
    assert_eq!(s.vertical, Some(Vertical::Lr));

    // Defaults from the spec's "cue creation" step.
    let s = &v.cues[2].settings;
    assert_eq!(
        (
            s.line,
            s.snap_to_lines,
            s.line_align,
            s.position,
            s.position_align,
            s.size,
            s.align
        ),
        (
            None,
            true,
            LineAlign::Start,
            None,
            PositionAlign::Auto,
            100.0,
            Align::Center
        )
    );
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
}

#[test]
fn invalid_settings_are_ignored_one_by_one() {
    let v = ok(
        "WEBVTT\n\n00:01.000 --> 00:02.000 vertical:up line:5x line:1.  line:-.5 \
        line:3,bottom position:101% position:50%,left size:abc align:middle bogus:1 :x y: novalue \
        align:start\ntext\n",
    );
    let cue = &v.cues[0];
    assert_eq!(cue.plain_text(), "text");
    let s = &cue.settings;
    assert_eq!(s.vertical, None);
    assert_eq!(s.line, None);
    assert_eq!(s.position, None);
    assert_eq!(s.size, 100.0);
    assert_eq!(
        s.align,
        Align::Start,
        "the valid setting after the bad ones applies"
    );
    assert_eq!(v.warnings.len(), 13, "{:#?}", v.warnings);
    assert!(v.warnings.iter().all(|w| w.line == 3));
}

// --- blocks ----------------------------------------------------------------------------------

#[test]
fn note_style_and_region_blocks() {
    let v = ok("WEBVTT\n\n\
        NOTE a comment\nacross lines\n\n\
        STYLE\n::cue { color: yellow }\n::cue(b) { color: red }\n\n\
        REGION\nid:fred width:40% lines:3\nregionanchor:0%,100% viewportanchor:10%,90% scroll:up\n\n\
        NOTE\n\n\
        00:01.000 --> 00:02.000 region:fred\nin region\n\n\
        NOTE comments are fine between cues\n\n\
        00:02.000 --> 00:03.000 region:fred line:1\nleft the region\n");
    assert_eq!(
        v.styles,
        ["::cue { color: yellow }\n::cue(b) { color: red }"]
    );
    assert_eq!(v.regions.len(), 1);
    let r = &v.regions[0];
    assert_eq!(r.id, "fred");
    assert_eq!(r.width, 40.0);
    assert_eq!(r.lines, 3);
    assert_eq!(r.region_anchor, [0.0, 100.0]);
    assert_eq!(r.viewport_anchor, [10.0, 90.0]);
    assert_eq!(r.scroll, Scroll::Up);
    assert_eq!(texts(&v), ["in region", "left the region"]);
    assert_eq!(v.cues[0].settings.region.as_deref(), Some("fred"));
    assert_eq!(
        v.cues[1].settings.region, None,
        "a line setting takes the cue out of its region"
    );
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
}

#[test]
fn region_defaults_and_bad_region_settings() {
    let v = ok("WEBVTT\n\nREGION\nid:r width:200% lines:x scroll:down\n\n00:01.000 --> 00:02.000 region:nope\na\n");
    let r = &v.regions[0];
    assert_eq!((r.width, r.lines, r.scroll), (100.0, 3, Scroll::None));
    assert_eq!(v.cues[0].settings.region, None);
    assert_eq!(warning_lines(&v), [3, 3, 3, 6]);
}

#[test]
fn style_and_region_after_a_cue_are_not_blocks_of_their_kind() {
    let v = ok("WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:late\n\n00:03.000 --> 00:04.000\nb\n");
    assert!(v.styles.is_empty());
    assert!(v.regions.is_empty());
    assert_eq!(texts(&v), ["a", "b"]);
    assert_eq!(warning_lines(&v), [6, 9]);
}

#[test]
fn cue_ids() {
    let v = ok("WEBVTT\n\nintro\n00:01.000 --> 00:02.000\na\n\n2 - the sequel\n00:02.000 --> 00:03.000\nb\n\n00:03.000 --> 00:04.000\nc\n");
    let ids: Vec<&str> = v.cues.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["intro", "2 - the sequel", ""]);
}

#[test]
fn arrow_in_an_id_line_makes_it_a_timing_line() {
    // "a-->b" is read as (bad) timings; the real timing line then starts a new block.
    let v = ok("WEBVTT\n\na-->b\n00:01.000 --> 00:02.000\ntext\n");
    assert_eq!(texts(&v), ["text"]);
    assert_eq!(v.cues[0].id, "");
    assert_eq!(warning_lines(&v), [3]);
}

#[test]
fn block_without_timings_is_skipped_with_a_warning() {
    let v = ok("WEBVTT\n\njust an id\nno timings\n\n00:01.000 --> 00:02.000\nok\n");
    assert_eq!(texts(&v), ["ok"]);
    assert_eq!(warning_lines(&v), [3]);
}

#[test]
fn multi_line_cue_text_ends_at_a_blank_line() {
    let v = ok("WEBVTT\n\n00:01.000 --> 00:02.000\nline one\nline two\n\n\n\nafter blank\n00:03.000 --> 00:04.000\nnext\n");
    assert_eq!(v.cues[0].payload, "line one\nline two");
    assert_eq!(texts(&v), ["line one\nline two", "next"]);
    assert_eq!(v.cues[1].id, "after blank");
}

#[test]
fn arrow_in_cue_text_ends_the_cue() {
    let v = ok("WEBVTT\n\n00:01.000 --> 00:02.000\nfirst\n00:03.000 --> 00:04.000\nsecond\nbad --> line\nrest\n");
    assert_eq!(texts(&v), ["first", "second"]);
    // Line 5 and line 7 end the cue above; line 7 then fails as timings, skipping "rest".
    assert_eq!(warning_lines(&v), [5, 7, 7]);
    // Checks of a cue come in line order even when its block was ended by a later line.
    let v = ok("WEBVTT\n\n00:02.000 --> 00:01.000\ntext\nx --> y\n");
    assert_eq!(warning_lines(&v), [3, 5, 5]);
}

// --- cue text --------------------------------------------------------------------------------

#[test]
fn tags_classes_and_voices() {
    let v = ok("WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud.  Esme   Weatherwax>Hello <b>bold <i>both</i></b> \
        <u>u</u> <c.yellow.bg_blue>c</c> <ruby>漢<rt>kan</rt></ruby> <lang zh-Hans>中文</lang></v> <x>unknown</x>\n");
    let cue = &v.cues[0];
    assert_eq!(cue.plain_text(), "Hello bold both u c 漢kan 中文 unknown");
    let voice = element(&cue.nodes[0]);
    assert_eq!(voice.tag, Tag::V);
    assert_eq!(voice.classes, ["loud"]);
    assert_eq!(voice.annotation.as_deref(), Some("Esme Weatherwax"));
    let bold = element(&voice.children[1]);
    assert_eq!(bold.tag, Tag::B);
    assert_eq!(bold.children[0], text("bold "));
    assert_eq!(element(&bold.children[1]).tag, Tag::I);
    let class = element(&voice.children[5]);
    assert_eq!(
        (class.tag, class.classes.clone()),
        (Tag::C, vec!["yellow".to_string(), "bg_blue".to_string()])
    );
    let ruby = element(&voice.children[7]);
    assert_eq!(ruby.tag, Tag::Ruby);
    assert_eq!(element(&ruby.children[1]).tag, Tag::Rt);
    let lang = element(&voice.children[9]);
    assert_eq!(lang.tag, Tag::Lang);
    assert_eq!(lang.annotation.as_deref(), Some("zh-Hans"));
    assert_eq!(lang.lang.as_deref(), Some("zh-Hans"));
    // Unknown tags are dropped, their text kept.
    assert_eq!(cue.nodes[1..], [text(" "), text("unknown")]);
}

#[test]
fn tree_recovery_follows_the_spec() {
    let nodes =
        vtt::parse_cue_text("<b>a</i>b<rt>c</rt></b><ruby>x<rt>y</ruby>z<v>unclosed <i>too");
    assert_eq!(vtt::plain_text(&nodes), "abcxyzunclosed too");
    let b = element(&nodes[0]);
    // A mismatched end tag is ignored; <rt> outside <ruby> is ignored.
    assert_eq!(b.children, [text("a"), text("b"), text("c")]);
    // </ruby> inside <rt> closes both.
    let ruby = element(&nodes[1]);
    assert_eq!(ruby.children.len(), 2);
    assert_eq!(nodes[2], text("z"));
    let v = element(&nodes[3]);
    assert_eq!(v.annotation.as_deref(), Some(""));
    assert_eq!(element(&v.children[1]).tag, Tag::I);
    // Nested lang spans: the innermost applies, and the outer one again after it closes.
    let nodes = vtt::parse_cue_text("<lang en>a<lang fr><i>b</i></lang><i>c</i></lang><i>d</i>");
    let en = element(&nodes[0]);
    let fr = element(&en.children[1]);
    assert_eq!(element(&fr.children[0]).lang.as_deref(), Some("fr"));
    assert_eq!(element(&en.children[2]).lang.as_deref(), Some("en"));
    assert_eq!(element(&nodes[1]).lang, None);
}

#[test]
fn character_references() {
    let nodes = vtt::parse_cue_text(
        "&amp; &lt;b&gt; &lrm;&rlm;&nbsp;x &#20320;&#x597D;&#X41; &#128; &#0; &#xD800; &unknown; \
         & &ampx &#; &#xzz; &amp",
    );
    assert_eq!(
        vtt::plain_text(&nodes),
        "& <b> \u{200e}\u{200f}\u{a0}x 你好A \u{20ac} \u{fffd} \u{fffd} &unknown; & &x &#; &#xzz; &"
    );
    // Decoded "<b>" is text, not a tag.
    assert_eq!(nodes.len(), 1);
    // Annotations decode references too.
    let nodes = vtt::parse_cue_text("<v Tom &amp; Jerry>hi</v>");
    assert_eq!(
        element(&nodes[0]).annotation.as_deref(),
        Some("Tom & Jerry")
    );
}

#[test]
fn timestamp_tags() {
    let nodes = vtt::parse_cue_text(
        "Never <00:01.500>drink <01:00:02.000>liquid <00:03.5>nitrogen <00:04.000x>.",
    );
    assert_eq!(
        nodes,
        [
            text("Never "),
            Node::Timestamp { seconds: 1.5 },
            text("drink "),
            Node::Timestamp { seconds: 3602.0 },
            text("liquid "),
            text("nitrogen "),
            text("."),
        ]
    );
    assert_eq!(vtt::plain_text(&nodes), "Never drink liquid nitrogen .");
}

// --- input encoding --------------------------------------------------------------------------

#[test]
fn crlf_cr_and_nul() {
    for eol in ["\r\n", "\r", "\n"] {
        let input = [
            "WEBVTT",
            "",
            "1",
            "00:01.000 --> 00:02.000",
            "a\0b",
            "two",
            "",
            "00:x",
            "",
            "",
        ]
        .join(eol);
        let v = ok(&input);
        assert_eq!(texts(&v), ["a\u{fffd}b\ntwo"], "{eol:?}");
        assert_eq!(v.cues[0].id, "1");
        // The bad block is on line 8 whatever the line ending.
        assert_eq!(warning_lines(&v), [8], "{eol:?}");
    }
    assert!(ok("WEBVTT\r\n").cues.is_empty());
}

#[test]
fn invalid_utf8_is_replaced_and_warned() {
    let v =
        vtt::parse_bytes(b"WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nbad \xff byte\r\n").unwrap();
    assert_eq!(texts(&v), ["bad \u{fffd} byte"]);
    assert_eq!(warning_lines(&v), [4]);
    assert!(vtt::parse_bytes(b"\xef\xbb\xbfWEBVTT\n").is_ok());
    assert!(vtt::parse_bytes(b"\xffWEBVTT\n").is_err());
}

// --- JSON and CLI ----------------------------------------------------------------------------

#[test]
fn json_shape() {
    let v = ok("WEBVTT\n\nid1\n00:01.000 --> 00:02.500 align:start\n<v Ann>Hi &amp; bye</v>\n");
    let json = serde_json::to_value(&v).unwrap();
    let cue = &json["cues"][0];
    assert_eq!(cue["id"], "id1");
    assert_eq!(cue["start"], 1.0);
    assert_eq!(cue["end"], 2.5);
    assert_eq!(cue["text"], "Hi & bye");
    assert_eq!(cue["payload"], "<v Ann>Hi &amp; bye</v>");
    assert_eq!(cue["settings"]["align"], "start");
    assert_eq!(cue["settings"]["position_align"], "auto");
    assert_eq!(cue["settings"]["line"], serde_json::Value::Null);
    assert_eq!(cue["nodes"][0]["type"], "element");
    assert_eq!(cue["nodes"][0]["tag"], "v");
    assert_eq!(cue["nodes"][0]["annotation"], "Ann");
    assert_eq!(cue["nodes"][0]["children"][0]["type"], "text");
    assert_eq!(cue["nodes"][0]["children"][0]["text"], "Hi & bye");
    assert!(json["warnings"].as_array().unwrap().is_empty());
    assert!(json["regions"].as_array().unwrap().is_empty());
    assert!(json["styles"].as_array().unwrap().is_empty());
}

#[test]
fn cli_check_vtt() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_jieti-server");
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        Command::new(bin)
            .args(["content", "check-vtt"])
            .arg(&path)
            .output()
            .unwrap()
    };

    let out = run(
        "good.vtt",
        b"WEBVTT\n\n00:01.000 --> 00:02.000\nHello <b>world</b>\n\n00:0x --> 1\nbad\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["cues"][0]["text"], "Hello world");
    assert_eq!(json["cues"].as_array().unwrap().len(), 1);
    assert_eq!(json["warnings"][0]["line"], 6);
    assert!(json["warnings"][0]["message"].is_string());
    assert!(json["regions"].is_array() && json["styles"].is_array());

    let out = run("bad.vtt", b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: line 1: "), "{stderr}");

    let out = Command::new(bin)
        .args(["content", "check-vtt"])
        .arg(dir.path().join("missing.vtt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
}

// --- the app's generated captions ------------------------------------------------------------

#[test]
fn generated_lesson_captions_parse_cleanly() {
    // media/ is made by scripts/gen-media.sh (run by setup.sh); a bare `cargo test` may lack it.
    let videos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../media/videos");
    let Ok(entries) = std::fs::read_dir(&videos) else {
        eprintln!("skipped: {} does not exist", videos.display());
        return;
    };
    let mut checked = 0;
    for entry in entries {
        let dir = entry.unwrap().path();
        let mut parsed = Vec::new();
        for lang in ["zh-Hans", "en"] {
            let path = dir.join(format!("{lang}.vtt"));
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let v = vtt::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                v.warnings.is_empty(),
                "{}: {:?}",
                path.display(),
                v.warnings
            );
            assert!(!v.cues.is_empty(), "{}", path.display());
            for cue in &v.cues {
                let text = cue.plain_text();
                assert!(
                    !text.trim().is_empty() && !text.contains("&amp;"),
                    "{}: {text:?}",
                    path.display()
                );
                assert!(cue.end > cue.start);
            }
            parsed.push(v);
            checked += 1;
        }
        // Both languages share the timings.
        if let [zh, en] = parsed.as_slice() {
            let times = |v: &Vtt| v.cues.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>();
            assert_eq!(times(zh), times(en), "{}", dir.display());
        }
    }
    eprintln!("checked {checked} caption files");
}

//! Crash safety (issue #9): SIGKILL the real server while batches of progress events and quiz
//! submissions are being written, restart it on the same SQLite file, and check that every
//! request answered 2xx is in the database, that nothing is half-written, and that the client's
//! resend of everything it ever sent makes each event and submission arrive exactly once.
//!
//! It runs the `jieti-server` binary, not the router in-process, because only a process can be
//! killed mid-write; it speaks plain HTTP/1.1 over a socket so that no HTTP client crate is needed.
//! A request that got no complete answer is "unknown": the resend must settle it either way, so
//! no assumption about timing can make the test flaky.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use jieti_api::ProgressAction;
use serde_json::{json, Value};
use sqlx::{Connection, Row};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ROUNDS: usize = 3;
const COURSE: &str = "python-basics";
/// Practice: unlimited attempts, so every flow may start a new one.
const QUIZ: &str = "python-basics-practice";
/// Learners whose outbox sends progress batches; each has two devices sending at once.
const EVENT_LEARNERS: usize = 3;
const DEVICES: usize = 2;
/// Learners who start, save and submit quiz attempts one after another.
const QUIZ_LEARNERS: usize = 2;
/// Acknowledged batches a round waits for before the kill can come (so each round writes).
const MIN_ACKED_BATCHES: usize = 8;

// ---------------------------------------------------------------------------------------------
// The server process.

/// A running `jieti-server serve`; SIGKILLed on drop.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(dir: &Path, database_url: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jieti-server"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .arg("--database-url")
            .arg(database_url)
            .arg("--media")
            .arg(dir.join("media"))
            // Missing on purpose: the API alone is served.
            .arg("--dist")
            .arg(dir.join("no-dist"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start jieti-server");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        // Both pipes are drained for the server's whole life: a full pipe would block its logging.
        let stdout = child.stdout.take().expect("stdout");
        let out_log = log.clone();
        let out = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((_, rest)) = line.split_once("running at http://") {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
                let mut log = out_log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut stderr = child.stderr.take().expect("stderr");
        let err_log = log.clone();
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            err_log.lock().unwrap().push_str(&text);
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not start:\n{}", log.lock().unwrap());
            }
        };
        Server {
            child,
            addr,
            log,
            readers: vec![out, err],
        }
    }

    /// SIGKILL (`Child::kill` on unix): no shutdown, no flush, no last transaction finished.
    /// Returns once the process is gone and its log read to the end.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }

    /// Requests answered 500 because SQLite said "database is locked".
    fn locked(&self) -> usize {
        self.log().matches("database is locked").count()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 over a socket, one connection per request.

/// Sends one request; `None` when no complete answer came back (refused, reset, cut short).
async fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str("\r\n");
        req.push_str(&body);
        stream.write_all(req.as_bytes()).await.ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.ok()?;
        parse_response(&raw)
    };
    tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .ok()
        .flatten()
}

/// Status and JSON body of a whole response; `None` when it is incomplete.
fn parse_response(raw: &[u8]) -> Option<(u16, Value)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut rest = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = Some(value.trim().parse::<usize>().ok()?),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let body = if chunked {
        let mut body = Vec::new();
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n")?;
            let size = std::str::from_utf8(&rest[..eol]).ok()?;
            let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
            rest = &rest[eol + 2..];
            if size == 0 {
                break body;
            }
            body.extend_from_slice(rest.get(..size)?);
            rest = rest.get(size + 2..)?;
        }
    } else if let Some(n) = length {
        rest.get(..n)?.to_vec()
    } else {
        rest.to_vec()
    };
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).ok()?
    };
    Some((status, json))
}

/// Requests sent and how they were answered.
#[derive(Default)]
struct Counts {
    sent: AtomicUsize,
    ok: AtomicUsize,
    /// Answered 5xx (SQLite busy under concurrent writers, say) and sent again.
    retried: AtomicUsize,
    unanswered: AtomicUsize,
    in_flight: AtomicUsize,
}

impl Counts {
    fn get(c: &AtomicUsize) -> usize {
        c.load(Ordering::SeqCst)
    }
}

/// Sends until answered with anything but a 5xx, as the app's outbox does: `None` when a try got
/// no answer (the server is gone; what became of the request is unknown).
async fn settle(
    counts: &Counts,
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    for _ in 0..200 {
        counts.sent.fetch_add(1, Ordering::SeqCst);
        counts.in_flight.fetch_add(1, Ordering::SeqCst);
        let answer = http(addr, method, path, Some(token), body).await;
        counts.in_flight.fetch_sub(1, Ordering::SeqCst);
        match answer {
            None => {
                counts.unanswered.fetch_add(1, Ordering::SeqCst);
                return None;
            }
            Some((status, _)) if status >= 500 => {
                counts.retried.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Some(answer) => {
                if (200..300).contains(&answer.0) {
                    counts.ok.fetch_add(1, Ordering::SeqCst);
                }
                return Some(answer);
            }
        }
    }
    panic!("{method} {path}: still 5xx after 200 tries");
}

/// Like [`settle`] for a server known to be up: no answer is retried too.
async fn settle_up(
    counts: &Counts,
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    for _ in 0..5 {
        if let Some(answer) = settle(counts, addr, method, path, token, body).await {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{method} {path}: no answer from a running server");
}

// ---------------------------------------------------------------------------------------------
// What the clients sent.

/// xorshift64*: enough randomness for batch sizes and kill delays, no dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

struct Learner {
    id: String,
    token: String,
}

struct Lesson {
    id: String,
    /// Video length in seconds; `None` for articles (and videos without media).
    video_s: Option<f64>,
    article: bool,
}

/// One progress batch as the outbox holds it.
struct Batch {
    learner: usize,
    ids: Vec<String>,
    body: Value,
    /// Answered 2xx during the workload.
    acked: bool,
    /// A try got no answer: the batch may or may not be stored.
    unknown: bool,
}

/// One quiz attempt as a learner makes it: start, save one answer, submit another.
struct Flow {
    learner: usize,
    submission_id: String,
    save: Value,
    submit: Value,
    /// Points these answers earn (one each when right).
    expected: f64,
    attempt: Option<String>,
    /// Score and time of the submission, once answered 2xx.
    submitted: Option<(f64, i64)>,
    /// The submission was answered 2xx during the workload (not only after the resend).
    acked: bool,
}

#[derive(Default)]
struct Outbox {
    batches: Vec<Batch>,
    flows: Vec<Flow>,
}

struct Shared {
    learners: Vec<Learner>,
    lessons: Vec<Lesson>,
    outbox: Mutex<Outbox>,
    /// Client clock of events: unique and increasing, so the newest position is well defined.
    clock: AtomicI64,
}

fn event(sh: &Shared, rng: &mut Rng, id: String) -> Value {
    let lesson = &sh.lessons[rng.below(sh.lessons.len() as u64) as usize];
    let at_ms = sh.clock.fetch_add(1, Ordering::SeqCst);
    let action = if lesson.article {
        // Reading time adds up per event: applying an event twice would show in the seconds.
        json!({"read": {"open_s": 1 + rng.below(20), "reached_end": false, "block": rng.below(8)}})
    } else if rng.below(10) < 7 {
        // Five-second stretches on a grid: the distinct seconds played are easy to recount.
        let len = lesson.video_s.unwrap_or(60.0);
        let k = rng.below((len / 5.0).floor().max(1.0) as u64) as f64;
        json!({"watched": {"from_s": k * 5.0, "to_s": k * 5.0 + 5.0, "rate": 1.0}})
    } else {
        json!({"position": {"position_s": rng.below(40)}})
    };
    json!({"id": id, "lesson_id": lesson.id, "at_ms": at_ms, "action": action})
}

/// One device of an event learner: sends batches until the server dies under it.
async fn device(
    sh: Arc<Shared>,
    counts: Arc<Counts>,
    addr: String,
    learner: usize,
    tag: String,
    seed: u64,
) {
    let mut rng = Rng(seed);
    for seq in 0.. {
        let n = 5 + rng.below(36) as usize;
        let events: Vec<Value> = (0..n)
            .map(|i| event(&sh, &mut rng, format!("{tag}-{seq:05}-{i:02}")))
            .collect();
        let ids = events
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        let body = json!({ "events": events });
        // Into the outbox before it is sent: a kill mid-request leaves it there, unknown.
        let at = {
            let mut o = sh.outbox.lock().unwrap();
            o.batches.push(Batch {
                learner,
                ids,
                body: body.clone(),
                acked: false,
                unknown: false,
            });
            o.batches.len() - 1
        };
        let token = &sh.learners[learner].token;
        let answer = settle(
            &counts,
            &addr,
            "POST",
            "/api/v1/progress/events",
            token,
            Some(&body),
        )
        .await;
        let mut o = sh.outbox.lock().unwrap();
        let Some((status, receipt)) = answer else {
            o.batches[at].unknown = true;
            return;
        };
        assert_eq!(status, 200, "progress batch: {receipt}");
        assert_eq!(
            receipt,
            json!({"accepted": n, "duplicates": 0}),
            "a new batch"
        );
        o.batches[at].acked = true;
    }
}

/// A quiz learner: attempt after attempt until the server dies under one.
async fn quiz_taker(
    sh: Arc<Shared>,
    counts: Arc<Counts>,
    addr: String,
    learner: usize,
    tag: String,
) {
    let token = sh.learners[learner].token.clone();
    for seq in 0u64.. {
        // Right or wrong answers to two questions, so scores differ between attempts.
        let (p1, p3) = (
            ["b", "a"][(seq % 2) as usize],
            ["false", "true"][(seq / 2 % 2) as usize],
        );
        let at = {
            let mut o = sh.outbox.lock().unwrap();
            o.flows.push(Flow {
                learner,
                submission_id: format!("{tag}-sub-{seq:04}"),
                save: json!({"answers": {"py-p1": {"choice": [p1]}}}),
                submit: json!({"answers": {"py-p3": {"choice": [p3]}}}),
                expected: f64::from(u8::from(p1 == "b") + u8::from(p3 == "false")),
                attempt: None,
                submitted: None,
                acked: false,
            });
            o.flows.len() - 1
        };
        let start_path = format!("/api/v1/quizzes/{QUIZ}/attempts");
        let Some((status, a)) = settle(&counts, &addr, "POST", &start_path, &token, None).await
        else {
            return;
        };
        assert_eq!(status, 200, "start: {a}");
        assert_eq!(a["status"], "open", "{a}");
        let attempt = a["id"].as_str().expect("attempt id").to_owned();
        sh.outbox.lock().unwrap().flows[at].attempt = Some(attempt.clone());
        let (save, submit) = {
            let o = sh.outbox.lock().unwrap();
            let f = &o.flows[at];
            (f.save.clone(), submit_body(f))
        };
        let save_path = format!("/api/v1/attempts/{attempt}/answers");
        let Some((status, r)) =
            settle(&counts, &addr, "PUT", &save_path, &token, Some(&save)).await
        else {
            return;
        };
        assert_eq!(status, 200, "save: {r}");
        let submit_path = format!("/api/v1/attempts/{attempt}/submit");
        let Some((status, done)) =
            settle(&counts, &addr, "POST", &submit_path, &token, Some(&submit)).await
        else {
            return;
        };
        assert_eq!(status, 200, "submit: {done}");
        assert_eq!(done["status"], "submitted", "{done}");
        let result = (
            done["result"]["score"].as_f64().expect("score"),
            done["result"]["submitted_at_ms"].as_i64().expect("time"),
        );
        let mut o = sh.outbox.lock().unwrap();
        assert_eq!(result.0, o.flows[at].expected, "score of {done}");
        o.flows[at].submitted = Some(result);
        o.flows[at].acked = true;
    }
}

fn submit_body(f: &Flow) -> Value {
    json!({"submission_id": f.submission_id, "answers": f.submit["answers"]})
}

// ---------------------------------------------------------------------------------------------
// What the database holds, read from the file itself.

struct AttemptRow {
    id: String,
    learner_id: String,
    number: i64,
    submitted_at: Option<i64>,
    submission_id: Option<String>,
    score: Option<f64>,
    answers: String,
    questions: i64,
    answer_rows: i64,
}

struct Snapshot {
    /// (learner, event id) → (lesson, at_ms, action JSON).
    events: HashMap<(String, String), (String, i64, String)>,
    /// (learner, lesson) → (position, seconds, completed).
    progress: HashMap<(String, String), (f64, f64, bool)>,
    attempts: Vec<AttemptRow>,
}

/// Reads the database as found (after a kill: what a restart recovers); a SQLite file read-only,
/// after checking that it is not damaged.
async fn snapshot(database: &common::TestDb, learners: &HashSet<&str>) -> Snapshot {
    sqlx::any::install_default_drivers();
    let url = if database.is_postgres() {
        database.url.clone()
    } else {
        format!("{}?mode=ro", database.url)
    };
    let mut c = sqlx::AnyConnection::connect(&url)
        .await
        .expect("open the database");
    if !database.is_postgres() {
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&mut c)
            .await
            .expect("quick_check");
        assert_eq!(check, "ok", "the database file is damaged");
    }
    let mine = |r: &sqlx::any::AnyRow| learners.contains(r.get::<&str, _>("learner_id"));
    let events =
        sqlx::query("SELECT learner_id, id, lesson_id, at_ms, action FROM progress_events")
            .fetch_all(&mut c)
            .await
            .expect("events")
            .iter()
            .filter(|r| mine(r))
            .map(|r| {
                (
                    (r.get("learner_id"), r.get("id")),
                    (r.get("lesson_id"), r.get("at_ms"), r.get("action")),
                )
            })
            .collect();
    let progress = sqlx::query(
        "SELECT learner_id, lesson_id, position, seconds, completed_at IS NOT NULL AS done
         FROM lesson_progress",
    )
    .fetch_all(&mut c)
    .await
    .expect("lesson progress")
    .iter()
    .filter(|r| mine(r))
    .map(|r| {
        (
            (r.get("learner_id"), r.get("lesson_id")),
            (
                r.get("position"),
                r.get("seconds"),
                r.get::<jieti_server::db::Flag, _>("done").0,
            ),
        )
    })
    .collect();
    let attempts = sqlx::query(
        "SELECT a.id, a.learner_id, a.number, a.submitted_at, a.submission_id, a.score, a.answers,
                a.question_ids,
                (SELECT COUNT(*) FROM attempt_answers x WHERE x.attempt_id = a.id) AS answer_rows
         FROM attempts a ORDER BY a.learner_id, a.number",
    )
    .fetch_all(&mut c)
    .await
    .expect("attempts")
    .iter()
    .filter(|r| mine(r))
    .map(|r| AttemptRow {
        id: r.get("id"),
        learner_id: r.get("learner_id"),
        number: r.get("number"),
        submitted_at: r.get("submitted_at"),
        submission_id: r.get("submission_id"),
        score: r.get("score"),
        answers: r.get("answers"),
        questions: serde_json::from_str::<Vec<String>>(r.get("question_ids"))
            .expect("question ids")
            .len() as i64,
        answer_rows: r.get("answer_rows"),
    })
    .collect();
    c.close().await.expect("close");
    Snapshot {
        events,
        progress,
        attempts,
    }
}

/// What a learner's lesson state must be, recomputed from the stored events by the progress
/// rules (docs in src/progress.rs): newest position wins, distinct seconds of counted stretches,
/// reading time summed once per event.
fn expected_progress(sh: &Shared, snap: &Snapshot) -> HashMap<(String, String), (f64, f64, bool)> {
    let lessons: HashMap<&str, &Lesson> = sh.lessons.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut by_lesson: BTreeMap<(String, String), Vec<(i64, ProgressAction)>> = BTreeMap::new();
    for ((learner, _), (lesson, at_ms, action)) in &snap.events {
        let action: ProgressAction = serde_json::from_str(action).expect("stored action");
        by_lesson
            .entry((learner.clone(), lesson.clone()))
            .or_default()
            .push((*at_ms, action));
    }
    by_lesson
        .into_iter()
        .map(|(key, mut events)| {
            events.sort_by_key(|(at, _)| *at);
            let lesson = lessons[key.1.as_str()];
            let (mut position, mut seconds, mut stretches) = (0.0, 0.0, Vec::new());
            for (_, action) in &events {
                position = match *action {
                    ProgressAction::Position { position_s } => f64::from(position_s),
                    ProgressAction::Watched { from_s, to_s, .. } => {
                        stretches.push((f64::from(from_s), f64::from(to_s)));
                        f64::from(to_s)
                    }
                    ProgressAction::Read { open_s, block, .. } => {
                        seconds += f64::from(open_s);
                        f64::from(block)
                    }
                };
            }
            let mut complete = false;
            if let Some(len) = lesson.video_s {
                stretches.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut merged: Vec<(f64, f64)> = Vec::new();
                for (a, b) in stretches {
                    match merged.last_mut() {
                        Some(last) if a <= last.1 => last.1 = last.1.max(b),
                        _ => merged.push((a, b)),
                    }
                }
                seconds = merged.iter().map(|(a, b)| b - a).sum();
                complete = seconds >= 0.9 * len;
            }
            (key, (position, seconds, complete))
        })
        .collect()
}

/// Lesson state equals what the stored events add up to: no event stored without its effect,
/// and none applied twice.
fn assert_progress_consistent(sh: &Shared, snap: &Snapshot, when: &str) {
    let want = expected_progress(sh, snap);
    let have = &snap.progress;
    assert_eq!(
        want.keys().collect::<HashSet<_>>(),
        have.keys().collect::<HashSet<_>>(),
        "{when}: lessons with progress"
    );
    for (key, w) in &want {
        let h = have[key];
        assert!(
            (h.0 - w.0).abs() < 1e-6 && (h.1 - w.1).abs() < 1e-6 && h.2 == w.2,
            "{when}: {key:?} is (position, seconds, completed) {h:?}, its events add up to {w:?}"
        );
    }
}

/// Every stored submission is whole: scored, with one answer row per question.
fn assert_attempts_whole(snap: &Snapshot, when: &str) {
    for a in snap.attempts.iter().filter(|a| a.submitted_at.is_some()) {
        assert!(
            a.score.is_some() && a.submission_id.is_some(),
            "{when}: attempt {} submitted without its score",
            a.id
        );
        assert_eq!(
            a.answer_rows, a.questions,
            "{when}: attempt {} has {} of its {} answer rows",
            a.id, a.answer_rows, a.questions
        );
    }
}

/// Right after a kill: every acknowledged batch and submission is stored, whole; batches whose
/// answer was lost are stored whole or not at all. Returns the unanswered batches of this round.
fn check_after_kill(sh: &Shared, snap: &Snapshot, round: usize) -> Round {
    let mut figures = Round::default();
    let o = sh.outbox.lock().unwrap();
    for b in &o.batches {
        let learner = &sh.learners[b.learner].id;
        let present = b
            .ids
            .iter()
            .filter(|id| snap.events.contains_key(&(learner.clone(), (*id).clone())))
            .count();
        assert!(
            present == 0 || present == b.ids.len(),
            "round {round}: a batch is half-written: {present} of {} events",
            b.ids.len()
        );
        if b.acked {
            assert_eq!(
                present,
                b.ids.len(),
                "round {round}: an acknowledged batch is lost"
            );
        } else if !b.unknown {
            panic!("round {round}: a batch neither acknowledged nor in flight");
        } else if b.ids[0].starts_with(&format!("r{round}-")) {
            figures.unknown_batches += 1;
            figures.unknown_found_whole += usize::from(present > 0);
        }
    }
    for f in &o.flows {
        let Some(id) = &f.attempt else { continue };
        let a = snap
            .attempts
            .iter()
            .find(|a| &a.id == id)
            .unwrap_or_else(|| panic!("round {round}: acknowledged attempt {id} is lost"));
        if a.submitted_at.is_none() {
            // Its save may be acknowledged or not; nothing else can have changed it.
            assert!(
                a.answers == "{}" || a.answers.contains("py-p1"),
                "{}",
                a.answers
            );
        }
        if let Some((score, at)) = f.submitted {
            assert_eq!(
                (a.submitted_at, a.score, a.submission_id.as_deref()),
                (Some(at), Some(score), Some(f.submission_id.as_str())),
                "round {round}: acknowledged submission of attempt {id}"
            );
        }
    }
    assert_progress_consistent(sh, snap, &format!("after kill {round}"));
    assert_attempts_whole(snap, &format!("after kill {round}"));
    figures
}

/// After the resend: the stored events are exactly those sent, and each attempt made is stored
/// once, submitted once, with the result its learner was given.
fn check_after_resend(sh: &Shared, snap: &Snapshot, round: usize) {
    let o = sh.outbox.lock().unwrap();
    let sent: HashSet<(String, String)> = o
        .batches
        .iter()
        .flat_map(|b| {
            b.ids
                .iter()
                .map(|id| (sh.learners[b.learner].id.clone(), id.clone()))
        })
        .collect();
    let stored: HashSet<(String, String)> = snap.events.keys().cloned().collect();
    assert_eq!(
        sent.len(),
        o.batches.iter().map(|b| b.ids.len()).sum::<usize>()
    );
    assert_eq!(
        stored, sent,
        "round {round}: stored events differ from those sent"
    );
    assert_progress_consistent(sh, snap, &format!("after resend {round}"));
    assert_attempts_whole(snap, &format!("after resend {round}"));
    for (l, learner) in sh.learners.iter().enumerate() {
        let flows: Vec<&Flow> = o.flows.iter().filter(|f| f.learner == l).collect();
        let attempts: Vec<&AttemptRow> = snap
            .attempts
            .iter()
            .filter(|a| a.learner_id == learner.id)
            .collect();
        assert_eq!(
            attempts.len(),
            flows.len(),
            "round {round}: learner {l} made {} attempts, the database has {}",
            flows.len(),
            attempts.len()
        );
        for (i, (f, a)) in flows.iter().zip(&attempts).enumerate() {
            assert_eq!(a.number, i as i64 + 1);
            assert_eq!(
                f.attempt.as_deref(),
                Some(a.id.as_str()),
                "one attempt per flow"
            );
            let (score, at) = f.submitted.expect("settled by the resend");
            assert_eq!(
                (a.submitted_at, a.score, a.submission_id.as_deref()),
                (Some(at), Some(score), Some(f.submission_id.as_str())),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------

async fn get(addr: &str, path: &str, token: &str) -> Value {
    let (status, v) = http(addr, "GET", path, Some(token), None)
        .await
        .unwrap_or_else(|| panic!("GET {path}: no answer"));
    assert_eq!(status, 200, "GET {path}: {v}");
    v
}

/// Guests enrolled in the course, and the course's lessons with their lengths.
async fn setup(addr: &str) -> (Vec<Learner>, Vec<Lesson>) {
    let mut learners = Vec::new();
    for _ in 0..EVENT_LEARNERS + QUIZ_LEARNERS {
        let (status, s) = http(addr, "POST", "/api/v1/session/guest", None, None)
            .await
            .expect("guest session");
        assert_eq!(status, 201, "{s}");
        let learner = Learner {
            id: s["learner"]["id"].as_str().expect("learner id").to_owned(),
            token: s["token"].as_str().expect("token").to_owned(),
        };
        let path = format!("/api/v1/courses/{COURSE}/enrollment");
        let (status, e) = http(addr, "PUT", &path, Some(&learner.token), None)
            .await
            .expect("enrol");
        assert_eq!(status, 200, "{e}");
        learners.push(learner);
    }
    let course = get(
        addr,
        &format!("/api/v1/courses/{COURSE}"),
        &learners[0].token,
    )
    .await;
    let mut lessons = Vec::new();
    let (mut videos, mut articles) = (0, 0);
    for l in course["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .flat_map(|c| c["lessons"].as_array().expect("lessons"))
    {
        let id = l["id"].as_str().expect("lesson id").to_owned();
        let detail = get(addr, &format!("/api/v1/lessons/{id}"), &learners[0].token).await;
        let article = detail["kind"] == "article";
        let video_s = detail["video"]["duration_s"].as_f64();
        if (article && articles < 2) || (video_s.is_some() && videos < 3) {
            articles += usize::from(article);
            videos += usize::from(!article);
            lessons.push(Lesson {
                id,
                video_s,
                article,
            });
        }
    }
    assert!(
        videos > 0 && articles > 0,
        "the course needs video and article lessons"
    );
    (learners, lessons)
}

/// Figures of one kill.
#[derive(Default)]
struct Round {
    in_flight_at_kill: usize,
    unknown_batches: usize,
    unknown_found_whole: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_and_resends_arrive_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let database = common::TestDb::new(dir.path(), "crash").await;
    common::write_media_manifest(&dir.path().join("media"));
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);

    let mut server = Server::start(dir.path(), &database.url);
    let (learners, lessons) = setup(&server.addr).await;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let sh = Arc::new(Shared {
        learners,
        lessons,
        outbox: Mutex::new(Outbox::default()),
        // An hour ago: never "from the future", which the server would clamp.
        clock: AtomicI64::new(now_ms - 3_600_000),
    });
    let ids: HashSet<&str> = sh.learners.iter().map(|l| l.id.as_str()).collect();
    let work = Arc::new(Counts::default());
    let resend = Arc::new(Counts::default());
    let mut rounds = Vec::new();
    let (mut resend_accepted, mut resend_duplicates, mut resend_save_conflicts) = (0, 0, 0);
    let mut locked = 0;

    for round in 1..=ROUNDS {
        // --- Write from every client at once, and kill the server in the middle of it.
        let acked_before = {
            let o = sh.outbox.lock().unwrap();
            (
                o.batches.iter().filter(|b| b.acked).count(),
                o.flows.iter().filter(|f| f.acked).count(),
            )
        };
        let mut tasks = Vec::new();
        for l in 0..EVENT_LEARNERS {
            for d in 0..DEVICES {
                tasks.push(tokio::spawn(device(
                    sh.clone(),
                    work.clone(),
                    server.addr.clone(),
                    l,
                    format!("r{round}-l{l}-d{d}"),
                    rng.below(u64::MAX) | 1,
                )));
            }
        }
        for q in 0..QUIZ_LEARNERS {
            tasks.push(tokio::spawn(quiz_taker(
                sh.clone(),
                work.clone(),
                server.addr.clone(),
                EVENT_LEARNERS + q,
                format!("r{round}-q{q}"),
            )));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (batches, submits) = {
                let o = sh.outbox.lock().unwrap();
                (
                    o.batches.iter().filter(|b| b.acked).count() - acked_before.0,
                    o.flows.iter().filter(|f| f.acked).count() - acked_before.1,
                )
            };
            // Some of everything acknowledged before the kill, however slow the machine.
            if batches >= MIN_ACKED_BATCHES && submits >= 1 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: too few writes acknowledged in 30 s:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(500))).await;
        let in_flight_at_kill = Counts::get(&work.in_flight);
        server.kill();
        locked += server.locked();
        for t in tasks {
            tokio::time::timeout(Duration::from_secs(60), t)
                .await
                .expect("a client hangs after the kill")
                .expect("client task");
        }

        // --- What the file holds right after the kill.
        let snap = snapshot(&database, &ids).await;
        rounds.push(Round {
            in_flight_at_kill,
            ..check_after_kill(&sh, &snap, round)
        });

        // --- Restart on the same file; the client resends everything it ever sent.
        server = Server::start(dir.path(), &database.url);
        let mut per_learner = Vec::new();
        for l in 0..EVENT_LEARNERS + QUIZ_LEARNERS {
            let (sh, counts, addr) = (sh.clone(), resend.clone(), server.addr.clone());
            let snap_attempts: Vec<(String, bool)> = snap
                .attempts
                .iter()
                .filter(|a| a.learner_id == sh.learners[l].id)
                .map(|a| (a.id.clone(), a.submitted_at.is_some()))
                .collect();
            let present: HashSet<String> = snap
                .events
                .keys()
                .filter(|(learner, _)| *learner == sh.learners[l].id)
                .map(|(_, id)| id.clone())
                .collect();
            per_learner.push(tokio::spawn(async move {
                resend_all(&sh, &counts, &addr, l, &present, &snap_attempts).await
            }));
        }
        for t in per_learner {
            let (accepted, duplicates, conflicts) = t.await.expect("resend");
            resend_accepted += accepted;
            resend_duplicates += duplicates;
            resend_save_conflicts += conflicts;
        }

        // --- Now each event and submission is there exactly once.
        check_after_resend(&sh, &snapshot(&database, &ids).await, round);
    }

    // --- The same through the API: what the learners see.
    let snap = snapshot(&database, &ids).await;
    let want = expected_progress(&sh, &snap);
    for (l, learner) in sh.learners.iter().enumerate() {
        let p = get(
            &server.addr,
            &format!("/api/v1/courses/{COURSE}/progress"),
            &learner.token,
        )
        .await;
        for lp in p["lessons"].as_array().expect("lessons") {
            let key = (
                learner.id.clone(),
                lp["lesson_id"].as_str().unwrap().to_owned(),
            );
            let (position, seconds, done) = want[&key];
            assert!(
                (lp["position"].as_f64().unwrap() - position).abs() < 1e-3
                    && (lp["seconds"].as_f64().unwrap() - seconds).abs() < 1e-3
                    && lp["completed"] == done,
                "{lp} against {:?}",
                want[&key]
            );
        }
        let q = get(
            &server.addr,
            &format!("/api/v1/quizzes/{QUIZ}"),
            &learner.token,
        )
        .await;
        let flows = sh
            .outbox
            .lock()
            .unwrap()
            .flows
            .iter()
            .filter(|f| f.learner == l)
            .count();
        let attempts = q["attempts"].as_array().expect("attempts");
        assert_eq!(attempts.len(), flows, "{q}");
        assert!(attempts.iter().all(|a| a["status"] == "submitted"), "{q}");
        assert!(q.get("open_attempt").is_none(), "{q}");
    }
    server.kill();
    locked += server.locked();

    let o = sh.outbox.lock().unwrap();
    let batches = o.batches.len();
    let acked: Vec<&Batch> = o.batches.iter().filter(|b| b.acked).collect();
    let events: usize = o.batches.iter().map(|b| b.ids.len()).sum();
    let acked_events: usize = acked.iter().map(|b| b.ids.len()).sum();
    let unknown: usize = rounds.iter().map(|r| r.unknown_batches).sum();
    let unknown_whole: usize = rounds.iter().map(|r| r.unknown_found_whole).sum();
    let submissions = o.flows.len();
    let in_flight: Vec<String> = rounds
        .iter()
        .map(|r| r.in_flight_at_kill.to_string())
        .collect();
    let acked_submissions = o.flows.iter().filter(|f| f.acked).count();
    // A half-written batch or a duplicate fails the checks above, so reaching here means 0 of each.
    println!(
        "crash: {ROUNDS} kills; {acked_events} events in {} batches acknowledged, all present; \
         0 half-written batches; 0 duplicates after resend; {acked_submissions} submissions \
         acknowledged, all present",
        acked.len(),
    );
    println!(
        "crash: writing: {} requests sent, {} answered 2xx, {} answered 5xx and retried, {} \
         unanswered; in flight at the kills: {}; {unknown} batches unanswered at a kill: \
         {unknown_whole} found whole after restart, {} absent",
        Counts::get(&work.sent),
        Counts::get(&work.ok),
        Counts::get(&work.retried),
        Counts::get(&work.unanswered),
        in_flight.join("/"),
        unknown - unknown_whole,
    );
    println!(
        "crash: resend of everything: {} requests ({} 5xx retried); {resend_accepted} events \
         accepted, exactly those missing, {resend_duplicates} answered as duplicates; {events} \
         events in {batches} batches stored once each; {submissions} attempts made, \
         {submissions} stored, each submitted once with its acknowledged score; \
         {resend_save_conflicts} resent saves refused 409 (already submitted)",
        Counts::get(&resend.sent),
        Counts::get(&resend.retried),
    );
    println!(
        "crash: {locked} answers were 500 \"database is locked\" (retried); seed {seed:#x}; {:.1} s",
        started.elapsed().as_secs_f64(),
    );
}

/// One learner's outbox, sent again whole after a restart: every batch, and every attempt's
/// start (when its answer was lost), save and submission. Returns events accepted, events
/// recognised as duplicates, and saves refused because the attempt was already submitted.
async fn resend_all(
    sh: &Shared,
    counts: &Counts,
    addr: &str,
    l: usize,
    present: &HashSet<String>,
    stored_attempts: &[(String, bool)],
) -> (usize, usize, usize) {
    let token = sh.learners[l].token.clone();
    let (batches, flows): (Vec<(Vec<String>, Value)>, Vec<usize>) = {
        let o = sh.outbox.lock().unwrap();
        (
            o.batches
                .iter()
                .filter(|b| b.learner == l)
                .map(|b| (b.ids.clone(), b.body.clone()))
                .collect(),
            (0..o.flows.len())
                .filter(|&i| o.flows[i].learner == l)
                .collect(),
        )
    };
    let (mut accepted, mut duplicates, mut conflicts) = (0, 0, 0);
    for (ids, body) in batches {
        let (status, r) = settle_up(
            counts,
            addr,
            "POST",
            "/api/v1/progress/events",
            &token,
            Some(&body),
        )
        .await;
        assert_eq!(status, 200, "resent batch: {r}");
        let stored = ids.iter().filter(|id| present.contains(*id)).count();
        // Stored events come back as duplicates, the rest are accepted: each arrives once.
        assert_eq!(
            r,
            json!({"accepted": ids.len() - stored, "duplicates": stored}),
            "resent batch"
        );
        accepted += ids.len() - stored;
        duplicates += stored;
    }
    for i in flows {
        let (attempt, save, submit, expected, acked) = {
            let o = sh.outbox.lock().unwrap();
            let f = &o.flows[i];
            (
                f.attempt.clone(),
                f.save.clone(),
                submit_body(f),
                f.expected,
                f.submitted,
            )
        };
        let attempt = match attempt {
            Some(id) => id,
            None => {
                // The start's answer was lost: starting again resumes the attempt it made, if any.
                let path = format!("/api/v1/quizzes/{QUIZ}/attempts");
                let (status, a) = settle_up(counts, addr, "POST", &path, &token, None).await;
                assert_eq!(status, 200, "resent start: {a}");
                assert_eq!(a["status"], "open", "{a}");
                let id = a["id"].as_str().expect("attempt id").to_owned();
                if let Some((open, _)) = stored_attempts.iter().find(|(_, submitted)| !submitted) {
                    assert_eq!(
                        &id, open,
                        "the resent start resumes the attempt made before the kill"
                    );
                }
                sh.outbox.lock().unwrap().flows[i].attempt = Some(id.clone());
                id
            }
        };
        let was_submitted = stored_attempts.iter().any(|(id, s)| *id == attempt && *s);
        let path = format!("/api/v1/attempts/{attempt}/answers");
        let (status, r) = settle_up(counts, addr, "PUT", &path, &token, Some(&save)).await;
        if was_submitted {
            // Too late to save into a submitted attempt: the outbox drops it.
            assert_eq!(status, 409, "resent save into a submitted attempt: {r}");
            conflicts += 1;
        } else {
            assert_eq!(status, 200, "resent save: {r}");
        }
        let path = format!("/api/v1/attempts/{attempt}/submit");
        let (status, done) = settle_up(counts, addr, "POST", &path, &token, Some(&submit)).await;
        assert_eq!(status, 200, "resent submission: {done}");
        assert_eq!(done["status"], "submitted", "{done}");
        let result = (
            done["result"]["score"].as_f64().expect("score"),
            done["result"]["submitted_at_ms"].as_i64().expect("time"),
        );
        assert_eq!(result.0, expected, "score after resend: {done}");
        if let Some(first) = acked {
            assert_eq!(
                result, first,
                "a resent submission returns the first result"
            );
        }
        sh.outbox.lock().unwrap().flows[i].submitted = Some(result);
    }
    (accepted, duplicates, conflicts)
}

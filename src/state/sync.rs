//! The outbox: every learning action (progress events, note edits) is written to `localStorage`
//! first and then sent in batches, retried with backoff until the server has it. Events carry
//! client-made ids that the server stores once, so a resend after a lost answer is harmless
//! (ADR 0010).
//!
//! The outbox is kept per bearer token (`jieti.outbox:<hash>`), so actions are only ever sent as
//! the learner who made them; signing up keeps the same learner and moves the outbox along.
//! Actions made before this device has any learner (the guest is made in the background at start,
//! and on a slow link a lesson can play first) wait under the empty token's key and go to the
//! learner the device then gets. When the device leaves an account's token with ops still queued
//! (another account signs in, this one signs out, the token expires), they are set aside under
//! that account and join its queue at its next sign-in on this device.
//! Ops are kept as the JSON the API takes (`{"event": ProgressEvent}`, `{"put_note": Note}`,
//! `{"delete_note": id}`) and handled as JS objects: no serde code for them in the wasm.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use jieti_api::MAX_EVENTS_PER_BATCH;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::storage;
use crate::api::{learn, ApiError};
use crate::prelude::*;

/// Storage key prefix of an outbox.
const PREFIX: &str = "jieti.outbox:";

/// Wait before sending what was just queued, so that events travel in batches.
const GATHER: Duration = Duration::from_secs(4);

/// What a progress event records (the wire's `ProgressAction`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Resume point in a video, seconds.
    Position(f64),
    /// A stretch played: from, to (seconds), rate.
    Watched(f64, f64, f64),
    /// Seconds open, end reached, block at the top.
    Read(f64, bool, u32),
}

/// A field of a JS object (undefined when missing).
pub fn field(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A plain JS object from fields.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// JSON text of a JS value.
pub fn stringify(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// FNV-1a of the token: names its outbox without writing the token into another key.
fn key_for(token: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{PREFIX}{h:016x}")
}

fn read(key: &str) -> Vec<JsValue> {
    storage::get(key)
        .and_then(|s| JSON::parse(&s).ok())
        .map(|v| field(&v, "ops"))
        .filter(Array::is_array)
        .map(|a| Array::from(&a).iter().collect())
        .unwrap_or_default()
}

/// The key of the current learner's outbox (the empty token's while there is no learner yet;
/// an embed's own while it has none, so the app never sends what an embed did, nor the reverse).
fn current_key() -> String {
    let none = if crate::embed::active() { "embed" } else { "" };
    key_for(&crate::state::session::token().unwrap_or_else(|| none.to_owned()))
}

/// The queued ops of the current learner, oldest first.
pub fn queued() -> Vec<JsValue> {
    read(&current_key())
}

/// What identifies an op in the queue (to remove exactly what was sent).
fn op_key(op: &JsValue) -> String {
    let event = field(op, "event");
    if event.is_object() {
        return format!("e{}", field(&event, "id").as_string().unwrap_or_default());
    }
    let note = field(op, "put_note");
    if note.is_object() {
        let at = field(&note, "updated_at_ms").as_f64().unwrap_or(0.0) as u64;
        return format!(
            "n{}{at}",
            field(&note, "id").as_string().unwrap_or_default()
        );
    }
    format!(
        "d{}",
        field(op, "delete_note").as_string().unwrap_or_default()
    )
}

/// Rewrites the queue (read again just before, so other tabs' additions are kept).
fn update(change: impl FnOnce(&mut Vec<JsValue>)) -> usize {
    let key = current_key();
    let mut ops = read(&key);
    change(&mut ops);
    let n = ops.len();
    if n == 0 {
        storage::remove(&key);
    } else {
        let list: Array = ops.into_iter().collect();
        if !storage::set(&key, &stringify(&object(&[("ops", list.into())]))) {
            web_sys::console::warn_1(&"progress outbox: storage is full".into());
        }
    }
    n
}

/// Moves the outbox of `old` to `new` (the same learner with a new token, after signing up; or
/// the first learner of this device, `old` empty), after what `new` already has.
pub fn move_outbox(old: &str, new: &str) {
    move_ops(&key_for(old), &key_for(new));
}

/// Moves the queue stored under `from` to `to`, after what `to` already has.
fn move_ops(from: &str, to: &str) {
    let moving = read(from);
    if moving.is_empty() || from == to {
        return;
    }
    let list: Array = read(to).into_iter().chain(moving).collect();
    if storage::set(to, &stringify(&object(&[("ops", list.into())]))) {
        storage::remove(from);
    }
}

/// Where the queue an account left on this device waits (see [`set_aside`]).
fn left_by(learner: &str) -> String {
    key_for(&["left:", learner].concat())
}

/// Puts the queue of `token` aside as `learner`'s: the device is leaving that token (another
/// account signs in, or this one signs out), and what it holds waits for the learner's next
/// session here ([`adopt`]).
pub fn set_aside(token: &str, learner: &str) {
    move_ops(&key_for(token), &left_by(learner));
}

/// Moves what `learner` left on this device under earlier sessions to `token`'s queue.
pub fn adopt(learner: &str, token: &str) {
    move_ops(&left_by(learner), &key_for(token));
}

/// The sync state the views show. Reference-counted signals: the outbox outlives every page,
/// and an arena signal would be disposed with the page that first used it.
#[derive(Clone)]
pub struct SyncState {
    /// Ops waiting to be sent.
    pub pending: ArcRwSignal<usize>,
    /// Whether the network seems to work (the browser says so and the last request got through).
    pub online: ArcRwSignal<bool>,
}

thread_local! {
    static STATE: RefCell<Option<SyncState>> = const { RefCell::new(None) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    static ATTEMPT: Cell<u32> = const { Cell::new(0) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The sync state, started on first use: listens for the network coming back and the page
/// being hidden or left, and sends whatever was queued before (even from an earlier visit).
pub fn use_sync() -> SyncState {
    if let Some(s) = STATE.with(|s| s.borrow().clone()) {
        return s;
    }
    let state = SyncState {
        pending: ArcRwSignal::new(queued().len()),
        online: ArcRwSignal::new(navigator_online()),
    };
    STATE.with(|s| *s.borrow_mut() = Some(state.clone()));
    if let Some(w) = web_sys::window() {
        let online = state.online.clone();
        let on = Closure::<dyn Fn()>::new(move || {
            online.set(true);
            ATTEMPT.with(|a| a.set(0));
            flush();
        });
        let offline = state.online.clone();
        let off = Closure::<dyn Fn()>::new(move || offline.set(false));
        // Leaving or hiding the page: send now, with keepalive, instead of waiting.
        let leave = Closure::<dyn Fn()>::new(flush);
        let _ = w.add_event_listener_with_callback("online", on.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("offline", off.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("pagehide", leave.as_ref().unchecked_ref());
        if let Some(d) = w.document() {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                leave.as_ref().unchecked_ref(),
            );
        }
        // These live as long as the page: the outbox is app-wide.
        on.forget();
        off.forget();
        leave.forget();
    }
    flush();
    state
}

/// Queues an op and schedules sending.
fn push(op: JsValue) {
    let state = use_sync();
    let n = update(|ops| ops.push(op));
    state.pending.set(n);
    schedule(GATHER);
}

/// A new client-made id: time and randomness in base 36 (≥ 16 characters).
pub fn new_id() -> String {
    fn base36(mut n: u64, out: &mut Vec<u8>) {
        let start = out.len();
        loop {
            let d = (n % 36) as u8;
            out.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
            n /= 36;
            if n == 0 {
                break;
            }
        }
        // Digits came least significant first.
        out[start..].reverse();
    }
    let mut id = Vec::new();
    base36(now_ms() as u64, &mut id);
    id.push(b'-');
    // 2^53 distinct values per millisecond per device: collisions are not a concern.
    base36(
        (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64,
        &mut id,
    );
    String::from_utf8(id).unwrap_or_default()
}

/// Now, Unix milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Queues a progress event for a lesson.
pub fn record(lesson_id: &str, action: Action) {
    let n = |x: f64| JsValue::from_f64(x);
    let (name, body) = match action {
        Action::Position(p) => ("position", object(&[("position_s", n(p))])),
        Action::Watched(from, to, rate) => (
            "watched",
            object(&[("from_s", n(from)), ("to_s", n(to)), ("rate", n(rate))]),
        ),
        Action::Read(open, end, block) => (
            "read",
            object(&[
                ("open_s", n(open)),
                ("reached_end", JsValue::from_bool(end)),
                ("block", n(f64::from(block))),
            ]),
        ),
    };
    crate::embed::emit(
        "record",
        lesson_id,
        &[("action", object(&[(name, body.clone())]))],
    );
    let event = object(&[
        ("id", JsValue::from_str(&new_id())),
        ("lesson_id", JsValue::from_str(lesson_id)),
        ("at_ms", n(now_ms().floor())),
        ("action", object(&[(name, body)])),
    ]);
    push(object(&[("event", event)]));
}

/// The newest resume point still queued for a lesson (seconds, or block for an article).
pub fn queued_position(lesson_id: &str) -> Option<f64> {
    queued().iter().rev().find_map(|op| {
        let e = field(op, "event");
        if field(&e, "lesson_id").as_string().as_deref() != Some(lesson_id) {
            return None;
        }
        let a = field(&e, "action");
        let p = field(&field(&a, "position"), "position_s").as_f64();
        p.or_else(|| field(&field(&a, "watched"), "to_s").as_f64())
            .or_else(|| field(&field(&a, "read"), "block").as_f64())
    })
}

/// Queues creating or editing a note (a JS object shaped like the API's `Note`).
pub fn put_note(note: JsValue) {
    push(object(&[("put_note", note)]));
}

/// Queues deleting a note.
pub fn delete_note(id: &str) {
    push(object(&[("delete_note", JsValue::from_str(id))]));
}

fn schedule(after: Duration) {
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    set_timeout(
        || {
            SCHEDULED.with(|s| s.set(false));
            flush();
        },
        after,
    );
}

/// The one send that runs at a time (a flush, or a sign-out's `send_within`): held while it
/// runs, released when dropped, also when the send is dropped before its end.
struct Sending;

impl Sending {
    /// The turn to send, unless a send runs now.
    fn take() -> Option<Sending> {
        (!BUSY.with(|b| b.replace(true))).then_some(Sending)
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(false));
    }
}

/// Sends everything queued now (one run at a time).
pub fn flush() {
    let Some(sending) = Sending::take() else {
        AGAIN.with(|a| a.set(true));
        return;
    };
    crate::prelude::spawn_local(async move {
        let outcome = send_all().await;
        drop(sending);
        let state = use_sync();
        state.pending.set(queued().len());
        if AGAIN.with(|a| a.replace(false)) && outcome.is_ok() {
            // Ops queued while this run was sending (a pagehide, say): send them too.
            return flush();
        }
        match outcome {
            Ok(()) => {
                ATTEMPT.with(|a| a.set(0));
                crate::embed::synced();
            }
            Err(network) => {
                if network {
                    state.online.set(false);
                }
                // Exponential backoff with jitter, at most a minute apart.
                let n = ATTEMPT.with(|a| {
                    let n = a.get();
                    a.set(n.saturating_add(1));
                    n
                });
                let base = 1000.0 * f64::from(1u32 << n.min(6)).min(60.0);
                let wait = base * (0.5 + js_sys::Math::random());
                schedule(Duration::from_millis(wait as u64));
            }
        }
    });
}

/// Sends what is queued for the current learner now and waits for it, `limit` at most: signing
/// out sends first, so the progress reaches the account at once rather than at its next sign-in
/// on this device, which on a shared phone may never come. What is not sent stays queued.
pub async fn send_within(limit: Duration) {
    if queued().is_empty() || !navigator_online() {
        return;
    }
    let run = async {
        // One send at a time: a flush in flight finishes first.
        let _sending = loop {
            match Sending::take() {
                Some(sending) => break sending,
                None => crate::components::dom::wait_ms(50).await,
            }
        };
        // Dropped at the limit, the send aborts its request (events are stored once by id, so
        // sending it again later is harmless).
        let _ = send_all().await;
    };
    let limit = crate::components::dom::wait_ms(limit.as_millis().try_into().unwrap_or(i32::MAX));
    futures_util::future::select(std::pin::pin!(run), std::pin::pin!(limit)).await;
    use_sync().pending.set(queued().len());
    // A flush asked for meanwhile found a send running: it runs now.
    if AGAIN.with(|a| a.replace(false)) {
        schedule(Duration::ZERO);
    }
}

/// Most bytes of events in one request: browsers refuse `keepalive` bodies over 64 KiB.
const MAX_BATCH_BYTES: usize = 48_000;

/// Sends the queue until it is empty; Err(is_network) when a retry is needed later.
async fn send_all() -> Result<(), bool> {
    // After the server refused a batch, events go one by one, so only the bad one is dropped.
    let mut single = false;
    loop {
        let ops = queued();
        if ops.is_empty() {
            return Ok(());
        }
        if !navigator_online() {
            return Err(true);
        }
        // No learner yet: the ops wait for the session, which sends them when it starts.
        if crate::state::session::token().is_none() {
            return Err(false);
        }
        // Events first, in batches; note edits one by one, in order.
        let mut bytes = 0;
        let events: Vec<JsValue> = ops
            .iter()
            .map(|o| field(o, "event"))
            .filter(JsValue::is_object)
            .take(if single { 1 } else { MAX_EVENTS_PER_BATCH })
            .take_while(|e| {
                bytes += stringify(e).len() + 1;
                bytes <= MAX_BATCH_BYTES
            })
            .collect();
        let batch = events.len();
        let (sent, result): (Vec<String>, Result<(), ApiError>) = if batch > 0 {
            let keys = events
                .iter()
                .map(|e| format!("e{}", field(e, "id").as_string().unwrap_or_default()))
                .collect();
            let list: Array = events.into_iter().collect();
            let body = stringify(&object(&[("events", list.into())]));
            (keys, learn::post_progress_events(body).await)
        } else {
            let op = &ops[0];
            let note = field(op, "put_note");
            let result = if note.is_object() {
                let id = field(&note, "id").as_string().unwrap_or_default();
                learn::put_note(&id, stringify(&note)).await
            } else {
                let id = field(op, "delete_note").as_string().unwrap_or_default();
                learn::delete_note(&id).await
            };
            (vec![op_key(op)], result)
        };
        match result {
            Ok(()) => use_sync().online.set(true),
            // Not signed in any more: keep everything for when this learner is back.
            Err(ApiError::Status { status: 401, .. }) => return Err(false),
            // Refused by the API itself (its error body), for good: a batch is retried one event
            // at a time; a single op is dropped so the rest of the queue is not stuck behind it.
            Err(ApiError::Status {
                status,
                code: Some(_),
                ref message,
                ..
            }) if (400..500).contains(&status) && status != 408 && status != 429 => {
                if batch > 1 {
                    single = true;
                    continue;
                }
                web_sys::console::warn_1(&format!("progress outbox: dropped: {message}").into());
            }
            // Anything else — no network, a server error, or an answer that is not the API's
            // (a captive portal's login page, a proxy's error) — is retried later.
            Err(e) => return Err(matches!(e, ApiError::Network(_))),
        }
        let n = update(|ops| ops.retain(|o| !sent.contains(&op_key(o))));
        use_sync().pending.set(n);
    }
}

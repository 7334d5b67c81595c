//! A video lesson: the rendition ladder for weak networks, speed, captions, the interactive
//! transcript, keyboard shortcuts, fullscreen (or a mimic where the API is missing), and the
//! played stretches and positions that become progress events.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::data::{Lesson, Media, Rung};
use super::offline::Download;
use super::{fill, make, Listener, Player};
use crate::components::dom::{closest_data, el, text, Node};
use crate::i18n::clock;
use crate::prelude::*;
use crate::state::sync::{self, record, Action};
use crate::state::{storage, I18n};

/// Storage key: the persistent data-saver setting.
pub const DATA_SAVER_KEY: &str = "jieti.dataSaver";
/// Storage key: single-key shortcuts turned off ("0"); on by default (WCAG 2.1.4: they can be
/// turned off).
const SHORTCUTS_KEY: &str = "jieti.shortcuts";
/// Storage key: the learner's playback speed.
const SPEED_KEY: &str = "jieti.speed";
/// Speeds offered, in hundredths (integers: no float formatting in the wasm), slowest first.
const SPEEDS: [u32; 7] = [50, 75, 100, 125, 150, 175, 200];
/// A stretch is reported at least this often (seconds of media).
const STRETCH_S: f64 = 10.0;
/// The resume point is saved this often while playing (ms).
const POSITION_EVERY_MS: f64 = 5000.0;
/// Media events the player listens to, all through one listener.
const MEDIA_EVENTS: [&str; 10] = [
    "loadedmetadata",
    "suspend",
    "stalled",
    "timeupdate",
    "pause",
    "seeking",
    "ratechange",
    "ended",
    "waiting",
    "progress",
];

/// A speed's label: `0.75×`, `1×`, `1.5×`.
fn speed_label(hundredths: u32) -> String {
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{whole}×"),
        f if f % 10 == 0 => format!("{whole}.{}×", f / 10),
        f => format!("{whole}.{f:02}×"),
    }
}

/// Whether single-key shortcuts are on (the learner can turn them off).
fn shortcuts_on() -> bool {
    storage::get(SHORTCUTS_KEY).as_deref() != Some("0")
}

/// Whether the learner asked to save data, here or in the browser (`Save-Data`).
pub fn data_saver() -> bool {
    storage::get(DATA_SAVER_KEY).as_deref() == Some("1")
        || connection_field("saveData").and_then(|v| v.as_bool()) == Some(true)
}

/// A field of `navigator.connection` (Network Information API), where the browser has it.
pub fn connection_field(name: &str) -> Option<JsValue> {
    let nav = web_sys::window()?.navigator();
    let conn = js_sys::Reflect::get(&nav, &"connection".into()).ok()?;
    if !conn.is_object() {
        return None;
    }
    js_sys::Reflect::get(&conn, &name.into())
        .ok()
        .filter(|v| !v.is_undefined())
}

/// The rung to start on: the lowest video rung when saving data or on 2G, else the best rung
/// whose bitrate fits in half the estimated downlink, else 240p.
pub fn start_rung(rungs: &[Rung], saver: bool, downlink_kbps: Option<f64>) -> usize {
    let videos: Vec<usize> = (0..rungs.len()).filter(|&i| !rungs[i].audio).collect();
    let Some(&lowest) = videos.first() else {
        return 0;
    };
    if saver {
        return lowest;
    }
    match downlink_kbps {
        Some(kbps) => videos
            .iter()
            .rev()
            .copied()
            .find(|&i| f64::from(rungs[i].kbps) <= kbps * 0.5)
            .unwrap_or(lowest),
        None => videos
            .iter()
            .copied()
            .find(|&i| rungs[i].id == "240p")
            .unwrap_or(lowest),
    }
}

/// Starts playing, handling the promise `play()` returns: a pause or a new source before it
/// settles rejects it, and an unhandled rejection would be reported as a page error.
fn play_quietly(v: &web_sys::HtmlMediaElement) {
    if let Ok(p) = v.play() {
        crate::prelude::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}

/// The browser's downlink estimate in kbit/s; 2G counts as 100.
fn downlink_kbps() -> Option<f64> {
    let slow = connection_field("effectiveType")
        .and_then(|v| v.as_string())
        .is_some_and(|t| t.ends_with("2g"));
    if slow {
        return Some(100.0);
    }
    connection_field("downlink")
        .and_then(|v| v.as_f64())
        .filter(|d| *d > 0.0)
        .map(|mbps| mbps * 1000.0)
}

/// What playback tracking remembers between media events.
#[derive(Default)]
struct Tracker {
    /// The stretch being played: from, last time seen, rate.
    stretch: Option<(f64, f64, f64)>,
    /// Wall clock of the last position saved.
    last_position_ms: f64,
    /// Wall clock of recent stalls.
    stalls: Vec<f64>,
    /// Where to go once a new rung's metadata is in, and whether to play.
    pending_seek: Option<(f64, bool)>,
    /// Wall clock and end of the buffer (seconds) at the last throughput sample.
    sample: Option<(f64, f64)>,
    /// No step up before this wall clock (after a step down).
    calm_until: f64,
}

/// One caption cue for the transcript.
struct Cue {
    start: f64,
    end: f64,
    text: String,
    /// Lower-cased, for the search.
    lower: String,
}

/// The video player of one lesson: its elements, settings and tracking.
pub(crate) struct VideoPlayer {
    player: Weak<Player>,
    i18n: I18n,
    lesson: Rc<Lesson>,
    media: Option<Media>,
    root: web_sys::Element,
    stage: web_sys::Element,
    status: web_sys::Element,
    tools: web_sys::Element,
    transcript: web_sys::Element,
    transcript_head: web_sys::Element,
    cue_list: web_sys::Element,
    download: Rc<Download>,
    video: RefCell<Option<web_sys::HtmlMediaElement>>,
    rung: Cell<usize>,
    manual: Cell<bool>,
    speed: Cell<u32>,
    saver: Cell<bool>,
    captions_on: Cell<bool>,
    caption_track: Cell<usize>,
    cues: RefCell<Vec<Cue>>,
    current_cue: Cell<Option<usize>>,
    query: RefCell<String>,
    mimic: Cell<bool>,
    /// What the mimic layout covers, made inert while it does.
    behind: RefCell<Vec<web_sys::Element>>,
    resumed: Cell<bool>,
    tracker: RefCell<Tracker>,
    on_media: RefCell<Option<Listener<web_sys::Event>>>,
    on_key: RefCell<Option<Listener<web_sys::KeyboardEvent>>>,
    on_hide: RefCell<Option<Listener<web_sys::Event>>>,
    stall_timer: Cell<Option<i32>>,
}

impl VideoPlayer {
    /// Builds the player's elements for a lesson (nothing loads until [`VideoPlayer::start`]).
    pub fn new(player: &Rc<Player>, lesson: Rc<Lesson>) -> Rc<VideoPlayer> {
        let media = lesson.media.clone();
        let saver = data_saver();
        let (rung, manual) = match &media {
            Some(m) => {
                // A downloaded rendition plays from the device: no data spent, online or not.
                let offline = super::offline::downloaded_rendition(&lesson.id)
                    .and_then(|id| m.rungs.iter().position(|r| r.id == id));
                match offline {
                    Some(i) => (i, true),
                    None => (start_rung(&m.rungs, saver, downlink_kbps()), false),
                }
            }
            None => (0, false),
        };
        let locale = player.i18n.locale().as_str();
        let lang = locale.split('-').next().unwrap_or(locale);
        // Captions in the learner's language when there are some (zh-Hant reads zh-Hans ones).
        let preferred = media.as_ref().and_then(|m| {
            m.tracks
                .iter()
                .position(|c| c.lang == locale)
                .or_else(|| m.tracks.iter().position(|c| c.lang.starts_with(lang)))
        });
        let transcript =
            make(el("section", "pl-transcript", vec![]).attr("aria-labelledby", "pl-transcript-h"));
        let transcript_head = make(el("div", "", vec![]));
        let cue_list = make(el("ol", "pl-cues", vec![]));
        let _ = transcript.append_child(&transcript_head);
        let _ = transcript.append_child(&cue_list);
        let root = make(el("div", "", vec![]));
        let stage = make(el("div", "pl-stage", vec![]));
        let status = make(el("p", "pl-note", vec![]).attr("role", "status"));
        let tools = make(el("div", "pl-tools", vec![]));
        let download = Download::new(lesson.clone(), player.i18n);
        if crate::embed::active() {
            // Saving for offline belongs to the app (its service worker plays the files).
            let _ = download.element().set_attribute("hidden", "");
        }
        for e in [&stage, &status, &tools, download.element()] {
            let _ = root.append_child(e);
        }
        Rc::new(VideoPlayer {
            player: Rc::downgrade(player),
            i18n: player.i18n,
            lesson,
            media,
            root,
            stage,
            status,
            tools,
            transcript,
            transcript_head,
            cue_list,
            download,
            video: RefCell::new(None),
            rung: Cell::new(rung),
            manual: Cell::new(manual),
            speed: Cell::new(
                storage::get(SPEED_KEY)
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|s| SPEEDS.contains(s))
                    .unwrap_or(100),
            ),
            saver: Cell::new(saver),
            captions_on: Cell::new(preferred.is_some()),
            caption_track: Cell::new(preferred.unwrap_or(0)),
            cues: RefCell::new(Vec::new()),
            current_cue: Cell::new(None),
            query: RefCell::new(String::new()),
            mimic: Cell::new(false),
            behind: RefCell::new(Vec::new()),
            resumed: Cell::new(false),
            tracker: RefCell::new(Tracker::default()),
            on_media: RefCell::new(None),
            on_key: RefCell::new(None),
            on_hide: RefCell::new(None),
            stall_timer: Cell::new(None),
        })
    }

    /// The stage, tools and download row.
    pub fn element(&self) -> &web_sys::Element {
        &self.root
    }

    /// The transcript section.
    pub fn transcript_element(&self) -> &web_sys::Element {
        &self.transcript
    }

    /// Builds the video element, attaches the listeners and loads the first rung at the
    /// resume point.
    pub fn start(self: &Rc<Self>) {
        self.relabel();
        let Some(media) = &self.media else {
            fill(
                &self.stage,
                vec![el("p", "pl-stage--empty", vec![text(self.t().no_video)])],
            );
            return;
        };
        let node = el(
            "video",
            "pl-video",
            media
                .tracks
                .iter()
                .map(|c| {
                    el("track", "", vec![])
                        .attr("kind", "captions")
                        .attr("src", c.url.clone())
                        .attr("srclang", c.lang.clone())
                        .attr("label", c.label.clone())
                })
                .collect(),
        )
        .attr("controls", "")
        .attr("playsinline", "")
        .attr("preload", "metadata")
        .attr_if("poster", media.poster.clone());
        let Ok(v) = make(node).dyn_into::<web_sys::HtmlMediaElement>() else {
            return;
        };
        let _ = self.stage.prepend_with_node_1(&v);
        let weak = Rc::downgrade(self);
        let on = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Some(p) = weak.upgrade() {
                p.on_media_event(&ev);
            }
        });
        for name in MEDIA_EVENTS {
            let _ = v.add_event_listener_with_callback(name, on.as_ref().unchecked_ref());
        }
        *self.on_media.borrow_mut() = Some(on);
        let weak = Rc::downgrade(self);
        let keys =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
                if let Some(p) = weak.upgrade() {
                    p.on_key(&ev);
                }
            });
        let _ = window().add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        *self.on_key.borrow_mut() = Some(keys);
        // Hidden or left: the stretch and the position are queued (and sent) at once.
        let weak = Rc::downgrade(self);
        let hide = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            if let Some(p) = weak.upgrade() {
                if document().visibility_state() == web_sys::VisibilityState::Hidden {
                    p.stop();
                }
            }
        });
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", hide.as_ref().unchecked_ref());
        let _ =
            window().add_event_listener_with_callback("pagehide", hide.as_ref().unchecked_ref());
        *self.on_hide.borrow_mut() = Some(hide);
        // A stall that lasts: checked once a second.
        let weak = Rc::downgrade(self);
        let tick = Closure::<dyn Fn()>::new(move || {
            if let Some(p) = weak.upgrade() {
                p.check_stall();
            }
        });
        self.stall_timer.set(
            window()
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    1000,
                )
                .ok(),
        );
        // The closure lives as long as the page; the timer is cleared on dispose.
        tick.forget();
        *self.video.borrow_mut() = Some(v);
        let at = self.resume_at();
        self.resumed.set(at > 0.0);
        self.render_status();
        self.load_rung(self.rung.get(), Some(at));
        self.download.start();
    }

    /// Stops tracking and listening (the lesson is left).
    pub fn dispose(&self) {
        if self.mimic.get() {
            // Leaving the lesson (auto-advance, Back) ends the mimic; an embed's host is told.
            self.set_mimic(false);
        }
        self.stop();
        if let Some(v) = self.el() {
            if let Some(on) = self.on_media.borrow_mut().take() {
                for name in MEDIA_EVENTS {
                    let _ =
                        v.remove_event_listener_with_callback(name, on.as_ref().unchecked_ref());
                }
            }
            let _ = v.pause();
            let _ = v.remove_attribute("src");
            v.load();
            // A caption track left showing keeps the whole removed page alive in Chromium (the
            // document's style engine holds it): ~520 nodes per lesson visit (scripts/memory.js).
            if let Some(list) = v.text_tracks() {
                for i in 0..list.length() {
                    if let Some(track) = list.get(i) {
                        track.set_mode(web_sys::TextTrackMode::Disabled);
                    }
                }
            }
        }
        if let Some(hide) = self.on_hide.borrow_mut().take() {
            let _ = document().remove_event_listener_with_callback(
                "visibilitychange",
                hide.as_ref().unchecked_ref(),
            );
            let _ = window()
                .remove_event_listener_with_callback("pagehide", hide.as_ref().unchecked_ref());
        }
        if let Some(keys) = self.on_key.borrow_mut().take() {
            let _ = window()
                .remove_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        }
        if let Some(id) = self.stall_timer.take() {
            window().clear_interval_with_handle(id);
        }
        self.download.dispose();
    }

    fn t(&self) -> &'static super::text::PlayerText {
        super::text::text(self.i18n.locale())
    }

    fn el(&self) -> Option<web_sys::HtmlMediaElement> {
        self.video.borrow().clone()
    }

    fn rungs(&self) -> &[Rung] {
        self.media.as_ref().map_or(&[], |m| m.rungs.as_slice())
    }

    /// The playhead, seconds.
    pub fn current_time(&self) -> f64 {
        self.el().map_or(0.0, |v| v.current_time())
    }

    /// Goes to `at` seconds.
    pub fn seek(&self, at: f64) {
        if let Some(v) = self.el() {
            v.set_current_time(at);
        }
    }

    /// Re-renders every text.
    pub fn relabel(&self) {
        self.render_tools();
        self.render_status();
        let t = self.t();
        fill(
            &self.transcript_head,
            vec![
                el("h2", "", vec![text(t.transcript)]).attr("id", "pl-transcript-h"),
                el("input", "pl-search", vec![])
                    .attr("type", "search")
                    .attr("data-act", "transcript-search")
                    .attr("aria-label", t.search_transcript)
                    .attr("placeholder", t.search_transcript)
                    .attr("value", self.query.borrow().clone()),
            ],
        );
        self.render_cues();
        self.download.render();
    }

    fn render_status(&self) {
        let note = if self.resumed.get() {
            self.t().resume_at
        } else {
            ""
        };
        self.status.set_text_content(Some(note));
        self.stage.set_class_name(&format!(
            "pl-stage{}{}",
            if self.mimic.get() {
                " pl-stage--mimic"
            } else {
                ""
            },
            if self.rungs().get(self.rung.get()).is_some_and(|r| r.audio) {
                " pl-stage--audio"
            } else {
                ""
            }
        ));
        // The way out of the mimic layout (Escape works too).
        let exit = self.stage.query_selector(".pl-exit-mimic").ok().flatten();
        match (self.mimic.get(), exit) {
            (true, None) => {
                let b = make(
                    el(
                        "button",
                        "button pl-exit-mimic",
                        vec![text(self.t().exit_fullscreen)],
                    )
                    .attr("type", "button")
                    .attr("data-act", "exit-mimic"),
                );
                let _ = self.stage.append_child(&b);
            }
            (false, Some(b)) => b.remove(),
            _ => {}
        }
    }

    /// Ends the stretch being played and queues it.
    fn close_stretch(&self) {
        let stretch = self.tracker.borrow_mut().stretch.take();
        if let Some((from, to, rate)) = stretch {
            self.watched(from, to, rate);
        }
    }

    fn watched(&self, from: f64, to: f64, rate: f64) {
        if to - from >= 0.5 {
            record(&self.lesson.id, Action::Watched(from, to, rate));
        }
    }

    fn save_position(&self) {
        if let Some(v) = self.el() {
            let mut tr = self.tracker.borrow_mut();
            tr.last_position_ms = js_sys::Date::now();
            // While a rung loads the element says 0: the position is where it is going.
            let at = tr.pending_seek.map_or_else(|| v.current_time(), |p| p.0);
            drop(tr);
            record(&self.lesson.id, Action::Position(at));
        }
    }

    /// Stops (pause, end, leaving): the stretch ends, the position is saved, and the outbox is
    /// sent now.
    fn stop(&self) {
        self.close_stretch();
        self.save_position();
        sync::flush();
    }

    /// Where to start: the resume point, unless it is (near) the end, which counts as finished.
    fn resume_at(&self) -> f64 {
        let Some(player) = self.player.upgrade() else {
            return 0.0;
        };
        let resume = player.resume_point(&self.lesson.id);
        let duration = self.media.as_ref().map_or(0.0, |m| m.duration_s);
        if resume > 3.0 && resume < duration - 5.0 {
            resume
        } else {
            0.0
        }
    }

    /// Moves to the resume point once the server's progress is in, unless playing began.
    pub fn resume_late(&self) {
        let Some(v) = self.el() else { return };
        if self.resumed.get() || !v.paused() || v.current_time() > 1.0 {
            return;
        }
        let at = self.resume_at();
        if at > 0.0 {
            self.resumed.set(true);
            self.render_status();
            if v.ready_state() >= 1 {
                v.set_current_time(at);
            } else if let Some(p) = self.tracker.borrow_mut().pending_seek.as_mut() {
                p.0 = at;
            }
        }
    }

    /// Loads a rung, keeping the position (or going to `at`), the speed and playing or not.
    fn load_rung(&self, i: usize, at: Option<f64>) {
        let Some(v) = self.el() else { return };
        let Some(url) = self.rungs().get(i).map(|r| (r.url.clone(), r.id.clone())) else {
            return;
        };
        self.close_stretch();
        self.rung.set(i);
        let playing = !v.paused();
        let t = at.unwrap_or_else(|| v.current_time());
        {
            let mut tr = self.tracker.borrow_mut();
            tr.pending_seek = Some((t, playing));
            tr.sample = None;
        }
        let _ = v.set_attribute("data-rung", &url.1);
        v.set_src(&url.0);
        v.load();
        self.render_tools();
        self.render_status();
        self.download.set_rung(self.rungs().get(i).cloned());
    }

    /// The next video rung below (`down`) or above the current one.
    fn neighbour(&self, down: bool) -> Option<usize> {
        let cur = self.rung.get();
        let rungs = self.rungs();
        let video = |i: &usize| !rungs[*i].audio;
        if down {
            (0..cur).rev().find(video)
        } else {
            (cur + 1..rungs.len()).find(video)
        }
    }

    fn step_down(&self) {
        if self.manual.get() {
            return;
        }
        if let Some(i) = self.neighbour(true) {
            self.tracker.borrow_mut().calm_until = js_sys::Date::now() + 60_000.0;
            self.load_rung(i, None);
        }
    }

    fn set_speed(&self, s: u32) {
        self.speed.set(s);
        storage::set(SPEED_KEY, &s.to_string());
        if let Some(v) = self.el() {
            v.set_playback_rate(f64::from(s) / 100.0);
        }
        self.render_tools();
    }

    fn sync_tracks(&self) {
        let Some(v) = self.el() else { return };
        let Some(list) = v.text_tracks() else { return };
        let (on, chosen) = (self.captions_on.get(), self.caption_track.get());
        for i in 0..list.length() {
            if let Some(track) = list.get(i) {
                // The chosen track stays loaded (hidden) for the transcript when captions are off.
                track.set_mode(if i as usize != chosen {
                    web_sys::TextTrackMode::Disabled
                } else if on {
                    web_sys::TextTrackMode::Showing
                } else {
                    web_sys::TextTrackMode::Hidden
                });
            }
        }
    }

    /// While the stage covers the screen, everything else is inert and unpainted: no focus can
    /// land behind it, and assistive technology reads only the video (WCAG 2.4.11).
    fn cover_page(&self, on: bool) {
        for e in self.behind.borrow_mut().drain(..) {
            let _ = e.remove_attribute("inert");
            let _ = e.remove_attribute("data-behind");
        }
        if !on {
            return;
        }
        let mut behind = Vec::new();
        let mut node = Some(self.stage.clone());
        while let Some(e) = node {
            let parent = e.parent_element();
            if let Some(p) = &parent {
                let kids = p.children();
                for i in 0..kids.length() {
                    if let Some(k) = kids.item(i) {
                        if k != e && !k.has_attribute("inert") {
                            let _ = k.set_attribute("inert", "");
                            let _ = k.set_attribute("data-behind", "");
                            behind.push(k);
                        }
                    }
                }
            }
            node = parent;
        }
        *self.behind.borrow_mut() = behind;
    }

    fn set_mimic(&self, on: bool) {
        self.mimic.set(on);
        self.cover_page(on);
        // In an embed the mimic must cover the host's page: its loader enlarges the iframe.
        crate::embed::emit("fullscreen", &self.lesson.id, &[("on", on.into())]);
        self.render_status();
    }

    fn toggle_fullscreen(&self) {
        let doc = document();
        if doc.fullscreen_element().is_some() {
            doc.exit_fullscreen();
            return;
        }
        if self.mimic.get() {
            return self.set_mimic(false);
        }
        // The Fullscreen API where it exists and is allowed; iOS and iframes without
        // allow="fullscreen" get the mimic layout instead.
        let real = doc.fullscreen_enabled() && self.stage.request_fullscreen().is_ok();
        if !real {
            self.set_mimic(true);
        }
    }

    /// Every media event of the video element.
    fn on_media_event(&self, ev: &web_sys::Event) {
        let Some(v) = self.el() else { return };
        match ev.type_().as_str() {
            "loadedmetadata" => {
                v.set_playback_rate(f64::from(self.speed.get()) / 100.0);
                let pending = self.tracker.borrow_mut().pending_seek.take();
                if let Some((t, play)) = pending {
                    if t > 0.0 {
                        v.set_current_time(t);
                    }
                    if play {
                        play_quietly(&v);
                    }
                }
                self.sync_tracks();
            }
            "timeupdate" => self.on_time(&v),
            "pause" => self.stop(),
            "seeking" | "ratechange" => {
                self.close_stretch();
                // A seek starts a new download: the throughput is measured afresh.
                self.tracker.borrow_mut().sample = None;
            }
            // The browser paused downloading (buffer full) or is starved: the next measurement
            // must not span the pause.
            "suspend" | "stalled" => self.tracker.borrow_mut().sample = None,
            "ended" => {
                self.stop();
                if let Some(p) = self.player.upgrade() {
                    p.ended();
                }
            }
            "waiting" => self.on_waiting(&v),
            "progress" => self.on_progress(&v),
            _ => {}
        }
    }

    fn on_time(&self, v: &web_sys::HtmlMediaElement) {
        let t = v.current_time();
        // The transcript's cues arrive once the hidden or showing track has loaded.
        if self.cues.borrow().is_empty() {
            let loaded = read_cues(v, self.caption_track.get());
            if !loaded.is_empty() {
                *self.cues.borrow_mut() = loaded;
                self.render_cues();
            }
        }
        let at = self
            .cues
            .borrow()
            .iter()
            .position(|c| t >= c.start && t < c.end);
        if at != self.current_cue.get() {
            self.highlight(at);
        }
        if v.paused() || v.seeking() {
            return;
        }
        let rate = v.playback_rate();
        let emit = {
            let mut tr = self.tracker.borrow_mut();
            match tr.stretch {
                // A jump the events did not announce: the stretch ends where it was.
                Some((from, last, r))
                    if t < last || t - last > 1.5 * rate.max(1.0) || r != rate =>
                {
                    tr.stretch = Some((t, t, rate));
                    Some((from, last, r))
                }
                Some((from, _, r)) if t - from >= STRETCH_S => {
                    tr.stretch = Some((t, t, rate));
                    Some((from, t, r))
                }
                Some((from, _, r)) => {
                    tr.stretch = Some((from, t, r));
                    None
                }
                None => {
                    tr.stretch = Some((t, t, rate));
                    None
                }
            }
        };
        if let Some((from, to, r)) = emit {
            self.watched(from, to, r);
        }
        if js_sys::Date::now() - self.tracker.borrow().last_position_ms >= POSITION_EVERY_MS {
            self.save_position();
        }
    }

    /// Stalls: two within 30 s step the automatic choice down a rung.
    fn on_waiting(&self, v: &web_sys::HtmlMediaElement) {
        if v.seeking() || v.paused() {
            return;
        }
        let now = js_sys::Date::now();
        let twice = {
            let mut tr = self.tracker.borrow_mut();
            tr.stalls.retain(|t| now - t < 30_000.0);
            tr.stalls.push(now);
            tr.stalls.len() >= 2
        };
        if twice {
            self.tracker.borrow_mut().stalls.clear();
            self.step_down();
        }
    }

    /// One stall lasting 3 s also steps down.
    fn check_stall(&self) {
        let Some(v) = self.el() else { return };
        let last = self.tracker.borrow().stalls.last().copied();
        if let Some(at) = last {
            if js_sys::Date::now() - at >= 3000.0
                && v.ready_state() < 3
                && !v.paused()
                && !v.seeking()
            {
                self.tracker.borrow_mut().stalls.clear();
                self.step_down();
            }
        }
    }

    /// Bandwidth: how fast the buffer grows (media seconds × bitrate per wall second), measured
    /// while the browser is still filling it; steps down when the rung does not fit, up when the
    /// next rung fits 1.6 times over.
    fn on_progress(&self, v: &web_sys::HtmlMediaElement) {
        let ahead = buffered_ahead(v);
        // The end of the buffer moves with the download alone (the playhead does not move it).
        let end = v.current_time() + ahead;
        let now = js_sys::Date::now();
        let Some(kbps_now) = self.rungs().get(self.rung.get()).map(|r| r.kbps) else {
            return;
        };
        let measured = {
            let mut tr = self.tracker.borrow_mut();
            match tr.sample {
                None => {
                    tr.sample = Some((now, end));
                    None
                }
                // A gap means downloading paused in between: start again.
                Some((t0, _)) if now - t0 > 4000.0 => {
                    tr.sample = Some((now, end));
                    None
                }
                Some((t0, e0)) if now - t0 >= 2000.0 && end > e0 => {
                    tr.sample = Some((now, end));
                    Some((
                        (end - e0) * f64::from(kbps_now) / ((now - t0) / 1000.0),
                        tr.calm_until,
                    ))
                }
                _ => None,
            }
        };
        let Some((kbps, calm_until)) = measured else {
            return;
        };
        if self.manual.get() {
            return;
        }
        // The network cannot even carry this rung (measured from the first bytes on): step down
        // before the first stall.
        if kbps < 1.1 * f64::from(kbps_now) && ahead < 10.0 && self.neighbour(true).is_some() {
            self.step_down();
            return;
        }
        if self.saver.get() || now < calm_until {
            return;
        }
        if let Some(i) = self.neighbour(false) {
            if kbps >= 1.6 * f64::from(self.rungs()[i].kbps) && ahead >= 8.0 {
                self.load_rung(i, None);
            }
        }
    }

    /// Keyboard shortcuts, anywhere on the page but in text fields.
    fn on_key(&self, ev: &web_sys::KeyboardEvent) {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || !shortcuts_on() {
            return;
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let typing = target.as_ref().is_some_and(|t| {
            matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || t.closest("[contenteditable]").ok().flatten().is_some()
        });
        if typing {
            return;
        }
        // The native controls handle space and arrows themselves when the video has focus, and
        // a focused button, link or option keeps its own keys.
        let on_video = target.is_some_and(|t| {
            t.tag_name() == "VIDEO"
                || t.closest("button, a, summary, [role=button]")
                    .ok()
                    .flatten()
                    .is_some()
        });
        let Some(v) = self.el() else { return };
        let key = ev.key();
        match key.as_str() {
            " " | "k" if !on_video => {
                if v.paused() {
                    play_quietly(&v);
                } else {
                    let _ = v.pause();
                }
            }
            "ArrowLeft" if !on_video => v.set_current_time((v.current_time() - 5.0).max(0.0)),
            "ArrowRight" if !on_video => v.set_current_time(v.current_time() + 5.0),
            "<" | ">" => {
                let cur = SPEEDS
                    .iter()
                    .position(|s| *s == self.speed.get())
                    .unwrap_or(2);
                let next = if key == "<" {
                    cur.saturating_sub(1)
                } else {
                    (cur + 1).min(SPEEDS.len() - 1)
                };
                self.set_speed(SPEEDS[next]);
            }
            "c" | "C" => {
                self.captions_on.set(!self.captions_on.get());
                self.sync_tracks();
                self.render_tools();
            }
            "f" | "F" => self.toggle_fullscreen(),
            "Escape" if self.mimic.get() => self.set_mimic(false),
            _ => return,
        }
        ev.prevent_default();
    }

    /// A control of the player was used; false when it is not one of ours.
    pub fn on_control(self: &Rc<Self>, ev: &web_sys::Event, act: &str) -> bool {
        let kind = ev.type_();
        match (kind.as_str(), act) {
            ("click", "fullscreen") => self.toggle_fullscreen(),
            ("click", "exit-mimic") => self.set_mimic(false),
            ("click", "cue") => {
                if let Some(ms) = closest_data(ev, "data-at").and_then(|a| a.parse::<u32>().ok()) {
                    self.seek(f64::from(ms) / 1000.0);
                }
            }
            ("click", "download") => self.download.begin(),
            ("click", "remove-download") => self.download.remove(),
            ("input", "transcript-search") => {
                *self.query.borrow_mut() = event_target_value(ev);
                self.render_cues();
            }
            ("change", "pl-speed") => {
                if let Ok(s) = event_target_value(ev).parse::<u32>() {
                    self.set_speed(s);
                }
            }
            ("change", "pl-quality") => {
                let value = event_target_value(ev);
                if value == "auto" {
                    self.manual.set(false);
                    self.render_tools();
                } else if let Some(i) = self.rungs().iter().position(|r| r.id == value) {
                    self.manual.set(true);
                    self.load_rung(i, None);
                }
            }
            ("change", "pl-captions") => {
                match event_target_value(ev).parse::<usize>() {
                    Ok(i) => {
                        self.caption_track.set(i);
                        self.captions_on.set(true);
                        self.cues.borrow_mut().clear();
                        self.render_cues();
                    }
                    Err(_) => self.captions_on.set(false),
                }
                self.sync_tracks();
            }
            ("change", "shortcuts") => {
                let on = event_target_checked(ev);
                storage::set(SHORTCUTS_KEY, if on { "1" } else { "0" });
            }
            ("change", "saver") => {
                let on = event_target_checked(ev);
                storage::set(DATA_SAVER_KEY, if on { "1" } else { "0" });
                self.saver.set(on);
                if on && !self.manual.get() {
                    let low = start_rung(self.rungs(), true, None);
                    if low != self.rung.get() {
                        self.load_rung(low, None);
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// The toolbar, from the current settings.
    fn render_tools(&self) {
        let Some(media) = &self.media else { return };
        let t = self.t();
        let option = |value: String, label: String, selected: bool| {
            el("option", "", vec![text(label)])
                .attr("value", value)
                .attr_if("selected", selected.then_some(""))
        };
        let select = |id: &'static str, label: &'static str, options: Vec<Node>| {
            el(
                "label",
                "",
                vec![
                    el("span", "", vec![text(label)]),
                    el("select", "", options)
                        .attr("id", id)
                        .attr("data-act", id),
                ],
            )
        };
        let cur = self.speed.get();
        let speeds = SPEEDS
            .iter()
            .map(|s| option(s.to_string(), speed_label(*s), *s == cur))
            .collect();
        let manual = self.manual.get();
        let at = self.rung.get();
        let mut qualities = vec![option("auto".into(), t.quality_auto.into(), !manual)];
        qualities.extend(media.rungs.iter().enumerate().map(|(i, r)| {
            let name = if r.audio {
                t.audio_only.to_owned()
            } else {
                r.id.clone()
            };
            option(
                r.id.clone(),
                format!("{name} · {} kbps", r.kbps),
                manual && i == at,
            )
        }));
        let on = self.captions_on.get();
        let track = self.caption_track.get();
        let mut caps = vec![option("off".into(), t.captions_off.into(), !on)];
        caps.extend(
            media
                .tracks
                .iter()
                .enumerate()
                .map(|(i, c)| option(i.to_string(), c.label.clone(), on && i == track)),
        );
        let saver_box = el("input", "", vec![])
            .attr("type", "checkbox")
            .attr("id", "pl-saver")
            .attr("data-act", "saver")
            .attr_if("checked", self.saver.get().then_some(""));
        // Keyboard users keep their place: the control that had focus gets it back by its id.
        let focused = document()
            .active_element()
            .filter(|a| self.tools.contains(Some(a)))
            .map(|a| a.id());
        fill(
            &self.tools,
            vec![
                select("pl-speed", t.speed, speeds),
                select("pl-quality", t.quality, qualities),
                select("pl-captions", t.captions, caps),
                el("label", "pl-check", vec![saver_box, text(t.data_saver)]),
                el(
                    "label",
                    "pl-check",
                    vec![
                        el("input", "", vec![])
                            .attr("type", "checkbox")
                            .attr("id", "pl-shortcuts")
                            .attr("data-act", "shortcuts")
                            .attr_if("checked", shortcuts_on().then_some("")),
                        text(t.shortcuts),
                    ],
                ),
                el("button", "button button--quiet", vec![text(t.fullscreen)])
                    .attr("type", "button")
                    .attr("data-act", "fullscreen"),
            ],
        );
        if let Some(el) = focused
            .filter(|id| !id.is_empty())
            .and_then(|id| document().get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }

    /// The cue list, filtered by the search.
    fn render_cues(&self) {
        // The browser's lower-casing: Rust's carries Unicode tables into the wasm.
        let q = String::from(js_sys::JsString::from(self.query.borrow().trim()).to_lower_case());
        let current = self.current_cue.get();
        let items = self
            .cues
            .borrow()
            .iter()
            .enumerate()
            .filter(|(_, c)| q.is_empty() || c.lower.contains(&q))
            .map(|(i, c)| {
                el(
                    "li",
                    "",
                    vec![el(
                        "button",
                        if Some(i) == current {
                            "pl-cue pl-cue--now"
                        } else {
                            "pl-cue"
                        },
                        vec![
                            el("span", "pl-cue-time", vec![text(clock(c.start as u32))]),
                            text(c.text.clone()),
                        ],
                    )
                    .attr("type", "button")
                    .attr("data-act", "cue")
                    .attr("data-i", i.to_string())
                    // Milliseconds: integers need no float formatting in the wasm.
                    .attr("data-at", ((c.start * 1000.0) as u32).to_string())
                    .attr_if("aria-current", (Some(i) == current).then_some("true"))],
                )
            })
            .collect();
        fill(&self.cue_list, items);
    }

    /// Marks the current cue without rebuilding the list.
    fn highlight(&self, at: Option<usize>) {
        let set = |i: Option<usize>, on: bool| {
            let Some(i) = i else { return };
            let Ok(Some(b)) = self.cue_list.query_selector(&format!("[data-i=\"{i}\"]")) else {
                return;
            };
            b.set_class_name(if on { "pl-cue pl-cue--now" } else { "pl-cue" });
            let _ = if on {
                b.set_attribute("aria-current", "true")
            } else {
                b.remove_attribute("aria-current")
            };
        };
        set(self.current_cue.get(), false);
        set(at, true);
        self.current_cue.set(at);
    }
}

/// Seconds buffered ahead of the playhead.
fn buffered_ahead(v: &web_sys::HtmlMediaElement) -> f64 {
    let t = v.current_time();
    let ranges = v.buffered();
    (0..ranges.length())
        .filter_map(|i| Some((ranges.start(i).ok()?, ranges.end(i).ok()?)))
        .find(|(s, e)| *s <= t + 0.5 && t <= *e)
        .map_or(0.0, |(_, e)| e - t)
}

/// The cues of a loaded track, as the browser parsed them.
fn read_cues(v: &web_sys::HtmlMediaElement, chosen: usize) -> Vec<Cue> {
    let Some(track) = v.text_tracks().and_then(|l| l.get(chosen as u32)) else {
        return Vec::new();
    };
    let Some(list) = track.cues() else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|c| {
            let (start, end) = (c.start_time(), c.end_time());
            let cue: web_sys::VttCue = c.dyn_into().ok()?;
            let text = cue.text();
            let lower = String::from(js_sys::JsString::from(text.as_str()).to_lower_case());
            Some(Cue {
                start,
                end,
                text,
                lower,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn ladder() -> Vec<Rung> {
        let r = |id: &str, audio, kbps| Rung {
            id: id.into(),
            audio,
            kbps,
            bytes: 0,
            url: String::new(),
        };
        vec![
            r("audio", true, 34),
            r("144p", false, 88),
            r("240p", false, 134),
            r("480p", false, 346),
        ]
    }

    #[wasm_bindgen_test]
    fn the_start_rung_follows_data_saver_and_the_downlink() {
        let l = ladder();
        assert_eq!(
            start_rung(&l, true, Some(10_000.0)),
            1,
            "saver: lowest video"
        );
        assert_eq!(start_rung(&l, false, None), 2, "unknown: 240p");
        assert_eq!(start_rung(&l, false, Some(10_000.0)), 3);
        assert_eq!(start_rung(&l, false, Some(300.0)), 2);
        assert_eq!(start_rung(&l, false, Some(100.0)), 1, "2G: lowest video");
    }

    #[wasm_bindgen_test]
    fn speed_labels() {
        assert_eq!(speed_label(50), "0.5×");
        assert_eq!(speed_label(75), "0.75×");
        assert_eq!(speed_label(100), "1×");
        assert_eq!(speed_label(125), "1.25×");
    }
}

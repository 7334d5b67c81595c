/*! Jieti embed loader. Put the player on your page:
 *    <div data-jieti-lesson="LESSON_ID"></div>   (or data-jieti-course="COURSE_ID")
 *    <script async src="https://JIETI_HOST/embed.js"></script>
 *  Options (data attributes on the div): data-jieti-accent="#0a7d5a", data-jieti-radius="8",
 *  data-jieti-font-size="16", data-jieti-lang="zh-Hans|zh-Hant|en", data-jieti-title="…",
 *  data-jieti-learner-token="…" (an HS256 token from your server: your user as one learner),
 *  data-jieti-fullscreen="false" (no real fullscreen: the player covers the page instead),
 *  data-jieti-on-event="functionName" (called with each xAPI statement and the div).
 *  Each statement is also dispatched on the div as a `jieti:event` CustomEvent (detail = the
 *  statement); a refused learner token as `jieti:error`. Or call JietiEmbed.mount(div, options).
 *  Messages are only ever exchanged with the Jieti origin this script came from.
 */
(function () {
  'use strict';
  if (window.JietiEmbed) { window.JietiEmbed.scan(); return; }
  var script = document.currentScript;
  var origin = new URL(script ? script.src : '/embed.js', location.href).origin;
  var frames = [];
  var KINDS = { lesson: 'lesson', course: 'course' };
  var MIN_H = 120;
  var MAX_H = 20000;

  function attr(el, name) {
    var v = el.getAttribute('data-jieti-' + name);
    return v === null || v === '' ? null : v;
  }

  function mount(el, options) {
    if (!el || el.__jieti) return el && el.__jieti;
    options = options || {};
    var kind = null, id = null;
    for (var k in KINDS) {
      var v = options[k] || attr(el, k);
      if (v) { kind = KINDS[k]; id = v; break; }
    }
    if (!kind) return null;
    var params = [];
    [['accent', 'accent'], ['radius', 'radius'], ['fontSize', 'font-size'], ['lang', 'lang']].forEach(function (p) {
      var value = options[p[0]] != null ? String(options[p[0]]) : attr(el, p[1]);
      if (value) params.push(p[1] + '=' + encodeURIComponent(value));
    });
    var fullscreen = (options.fullscreen != null ? String(options.fullscreen) : attr(el, 'fullscreen')) !== 'false';
    var iframe = document.createElement('iframe');
    iframe.src = origin + '/embed/' + kind + '/' + encodeURIComponent(id) + (params.length ? '?' + params.join('&') : '');
    iframe.title = options.title || attr(el, 'title') || (kind === 'course' ? 'Jieti course' : 'Jieti lesson');
    // Real fullscreen inside the frame where the host allows it; otherwise the player asks this
    // script for the mimic (the iframe covers the viewport), as on iPhones.
    iframe.setAttribute('allow', fullscreen ? 'fullscreen; autoplay; picture-in-picture' : 'autoplay; picture-in-picture');
    iframe.setAttribute('loading', 'lazy');
    iframe.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
    iframe.style.cssText = 'display:block;width:100%;max-width:100%;border:0;height:' + Math.round((el.clientWidth || 360) * 9 / 16 + 120) + 'px';
    var frame = {
      id: frames.length + 1,
      el: el,
      iframe: iframe,
      token: options.learnerToken || attr(el, 'learner-token'),
      onEvent: options.onEvent || (attr(el, 'on-event') && window[attr(el, 'on-event')]),
      mimic: null,
    };
    // The token goes to the player in a message to its exact origin, never in a URL.
    iframe.addEventListener('load', function () {
      // A new page in the frame starts outside the mimic, whatever the last one left.
      setMimic(frame, false);
      iframe.contentWindow.postMessage({ type: 'jieti:hello', v: 1, frame: frame.id, token: frame.token || null }, origin);
    });
    el.__jieti = frame;
    frames.push(frame);
    el.appendChild(iframe);
    return frame;
  }

  function setMimic(frame, on) {
    var s = frame.iframe.style;
    if (on && !frame.mimic) {
      frame.mimic = { css: s.cssText, overflow: document.documentElement.style.overflow };
      s.cssText = 'display:block;position:fixed;inset:0;width:100vw;height:100vh;height:100dvh;max-width:none;border:0;margin:0;z-index:2147483647;background:#000';
      document.documentElement.style.overflow = 'hidden';
    } else if (!on && frame.mimic) {
      s.cssText = frame.mimic.css;
      document.documentElement.style.overflow = frame.mimic.overflow;
      frame.mimic = null;
    }
  }

  function emit(frame, name, detail) {
    frame.el.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true }));
    if (name === 'jieti:event' && typeof frame.onEvent === 'function') {
      try { frame.onEvent(detail, frame.el); } catch (e) { setTimeout(function () { throw e; }); }
    }
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== origin) return;
    var m = e.data;
    var frame = null;
    // A message posted while the frame's page unloads (its `terminated` statement) arrives
    // without a source: the frame number it echoes from the hello says which frame it was.
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (e.source ? f.iframe.contentWindow === e.source : m && m.frame === f.id) frame = f;
    }
    if (!frame || !m || typeof m !== 'object' || typeof m.type !== 'string') return;
    if (m.type === 'jieti:resize') {
      var h = Number(m.height);
      if (isFinite(h) && !frame.mimic) frame.iframe.style.height = Math.min(MAX_H, Math.max(MIN_H, Math.ceil(h))) + 'px';
    } else if (m.type === 'jieti:fullscreen') {
      setMimic(frame, m.on === true);
    } else if (m.type === 'jieti:statement') {
      if (m.statement && typeof m.statement === 'object' && m.statement.verb && m.statement.object) emit(frame, 'jieti:event', m.statement);
    } else if (m.type === 'jieti:error') {
      emit(frame, 'jieti:error', { code: String(m.code || 'error'), status: Number(m.status) || 0 });
    } else if (m.type === 'jieti:ready') {
      emit(frame, 'jieti:ready', { kind: String(m.kind || ''), id: String(m.id || '') });
    }
  });

  // Escape leaves the mimic from the host's side too (focus may be outside the iframe).
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    frames.forEach(function (f) {
      if (f.mimic) {
        setMimic(f, false);
        f.iframe.contentWindow.postMessage({ type: 'jieti:fullscreen-exit' }, origin);
      }
    });
  });

  function scan() {
    var list = document.querySelectorAll('[data-jieti-lesson],[data-jieti-course]');
    for (var i = 0; i < list.length; i++) mount(list[i]);
  }

  window.JietiEmbed = { mount: mount, scan: scan, origin: origin };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
})();

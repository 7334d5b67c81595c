// An XSS corpus and the detectors that prove none of it ran (issue #9). Every payload, should it
// ever execute, calls `__xss(id)` or `alert(id)` / `confirm(id)` / `prompt(id)` with a numeric id
// that names the field and the payload (field × 100 + payload): a hit says exactly what ran where.
// Injected markup that did not run (a `javascript:` link nobody clicked, an `onerror` on an image
// that has not failed yet) is found by a scan of the DOM for the ids, event-handler attributes and
// script URLs.

/**
 * The payloads, as functions of the id their hook reports. Well-known families: script tags,
 * handlers on img/svg/body/details/input (autofocus), attribute breakouts, javascript: and data:
 * URLs in href/src/data, iframe srcdoc, mXSS (math/noscript/svg style), element-context breakers
 * (title, textarea, style, script, comments), CSS, encoded and look-alike variants, filter evasions,
 * template injection, and polyglots.
 */
export const PAYLOADS = [
  ['script tag', (i) => `<script>__xss(${i})</script>`],
  ['img onerror', (i) => `<img src=x onerror=__xss(${i})>`],
  ['svg onload', (i) => `<svg onload=alert(${i})>`],
  ['svg onload, unclosed', (i) => `<svg/onload=__xss(${i})//`],
  ['attribute break, script', (i) => `"><script>alert(${i})</script>`],
  ['attribute break, single quote', (i) => `'><img src=x onerror=alert(${i})>`],
  ['attribute injection, autofocus', (i) => `" autofocus onfocus=__xss(${i}) x="`],
  ['attribute injection, single quote', (i) => `' onmouseover='__xss(${i})' x='`],
  ['input autofocus onfocus', (i) => `<input autofocus onfocus=alert(${i})>`],
  ['details ontoggle', (i) => `<details open ontoggle=__xss(${i})>`],
  ['body onload', (i) => `<body onload=alert(${i})>`],
  ['iframe javascript: src', (i) => `<iframe src="javascript:alert(${i})"></iframe>`],
  ['iframe srcdoc', (i) => `<iframe srcdoc="<script>parent.__xss(${i})</script>"></iframe>`],
  ['a javascript: href', (i) => `<a href="javascript:__xss(${i})">点我</a>`],
  ['bare javascript: URL', (i) => `javascript:alert(${i})`],
  ['data: URL', (i) => `data:text/html,<script>alert(${i})</script>`],
  ['object data', (i) => `<object data="javascript:alert(${i})"></object>`],
  ['embed src', (i) => `<embed src="javascript:__xss(${i})">`],
  ['mXSS math/mglyph', (i) => `<math><mtext><table><mglyph><style><img src=x onerror=__xss(${i})>`],
  ['mXSS noscript title', (i) => `<noscript><p title="</noscript><img src=x onerror=alert(${i})>">`],
  ['mXSS svg style', (i) => `<svg><style><img src=x onerror=__xss(${i})></style></svg>`],
  ['declarative shadow root', (i) => `<template shadowrootmode=open><img src=x onerror=__xss(${i})></template>`],
  ['</title> break', (i) => `</title><script>__xss(${i})</script>`],
  ['</textarea> break', (i) => `</textarea><script>alert(${i})</script>`],
  ['</script> break', (i) => `</script><svg onload=__xss(${i})>`],
  ['comment break', (i) => `--><svg onload=__xss(${i})><!--`],
  ['CSS url/expression', (i) => `<p style="x:expression(alert(${i}));background:url('javascript:__xss(${i})')">css</p>`],
  ['meta refresh', (i) => `<meta http-equiv="refresh" content="0;url=javascript:alert(${i})">`],
  ['pre-escaped entities', (i) => `&lt;img src=x onerror=__xss(${i})&gt;`],
  ['JS unicode escapes', (i) => `\\u003cimg src=x onerror=__xss(${i})\\u003e`],
  ['percent-encoded', (i) => `%3Cscript%3E__xss(${i})%3C%2Fscript%3E`],
  ['full-width look-alikes', (i) => `＜script＞alert(${i})＜／script＞`],
  ['nested tag evasion', (i) => `<scr<script>ipt>alert(${i})</scr</script>ipt>`],
  ['mixed-case scheme', (i) => `<IMG SRC=JaVaScRiPt:alert(${i})>`],
  ['entity-split scheme', (i) => `<a href="jav&#x09;ascript:alert(${i})">x</a>`],
  ['entity-encoded handler', (i) => `<img src=x onerror="&#x5f;&#x5f;xss(${i})">`],
  ['svg animate href', (i) => `<svg><a><animate attributeName=href values=javascript:alert(${i}) /><text y=20>x</text></a></svg>`],
  ['template injection', (i) => `{{constructor.constructor('__xss(${i})')()}}\${__xss(${i})}`],
  ['polyglot (0xsobky)', (i) => 'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=alert(' + i + ') )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(' + i + ')//>\\x3e'],
  ['polyglot (mathias)', (i) => `'"--></style></script><svg/onload=__xss(${i})><script>alert(${i})</script>`],
];

/** The corpus for one field: `{ id, name, text }`, the id being `field × 100 + index`. */
export function corpus(field) {
  return PAYLOADS.map(([name, make], k) => ({ id: field * 100 + k, name, text: make(field * 100 + k) }));
}

/** Whitespace collapsed and trimmed: how text compares once laid out. */
export const squash = (s) => s.replace(/\s+/g, ' ').trim();

/**
 * Installs the runtime detectors on a browser context, before its pages navigate: `__xss` in
 * every page and frame (a binding, so hits survive navigations), and every dialog (alert, confirm,
 * prompt, beforeunload) of its pages recorded and dismissed. Returns `{ hits, dialogs, watch(page) }`;
 * call `watch` for each page opened in the context.
 */
export async function installDetectors(context) {
  const hits = [];
  const dialogs = [];
  await context.exposeBinding('__xss', ({ frame }, id) => {
    hits.push({ id: String(id), url: frame?.url() ?? '' });
  });
  const watch = (page) => {
    page.on('dialog', async (d) => {
      dialogs.push({ type: d.type(), message: d.message(), url: page.url() });
      await d.dismiss().catch(() => {});
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return { hits, dialogs, watch };
}

/**
 * Scans a page (its document, open shadow roots and same-origin frames) for markup a payload could
 * have injected: any attribute or script/style text carrying the corpus' hooks, any `on*` handler
 * attribute, any javascript:/vbscript:/data:text/html URL in a URL-bearing attribute, any srcdoc,
 * and any script, iframe, object, embed, frame, base or meta refresh. Returns descriptions; the
 * app's own (a baseline from the same page without payloads) are subtracted by `injected`.
 */
export async function scanDom(page) {
  const found = [];
  for (const frame of page.frames()) {
    let inFrame;
    try {
      inFrame = await frame.evaluate(() => {
        const HOOK = /__xss|alert\(\d|confirm\(\d|prompt\(\d|&#x5f;&#x5f;xss/i;
        const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'values', 'to', 'from'];
        const SCRIPT_URL = /^[\s\u0000-\u001f]*(j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|vbscript|data\s*:\s*text\/html)/i;
        const TEXT_ATTRS = ['value', 'aria-label', 'title', 'alt', 'placeholder', 'content'];
        const RISKY = new Set(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FRAME', 'FRAMESET', 'BASE', 'APPLET']);
        const out = [];
        const describe = (el) => {
          const id = el.id ? `#${el.id}` : '';
          const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          return `${el.tagName.toLowerCase()}${id}${cls}`;
        };
        const visit = (root) => {
          for (const el of root.querySelectorAll('*')) {
            const what = describe(el);
            if (RISKY.has(el.tagName)) {
              const src = el.getAttribute('src') || el.getAttribute('data') || '';
              out.push(`${what} <${el.tagName.toLowerCase()}${src ? ` src=${src.split('?')[0]}` : ''}>`);
            }
            if (el.tagName === 'META' && /refresh/i.test(el.getAttribute('http-equiv') || '')) out.push(`${what} meta refresh`);
            for (const a of el.attributes) {
              const name = a.name.toLowerCase();
              if (name.startsWith('on')) out.push(`${what} [${name}=${a.value.slice(0, 60)}]`);
              else if (name === 'srcdoc') out.push(`${what} [srcdoc]`);
              else if (URL_ATTRS.includes(name) && SCRIPT_URL.test(a.value)) out.push(`${what} [${name}=${a.value.slice(0, 60)}]`);
              else if (HOOK.test(a.value) && !URL_ATTRS.includes(name) && !TEXT_ATTRS.includes(name)) {
                // Text in a form field's value or an accessible name is text, and a URL carries
                // it encoded (search links keep ?q=); anywhere else it is markup.
                out.push(`${what} [${name}=${a.value.slice(0, 60)}] carries a hook`);
              }
            }
            if ((el.tagName === 'SCRIPT' || el.tagName === 'STYLE') && HOOK.test(el.textContent)) out.push(`${what} text carries a hook`);
            if (el.shadowRoot) visit(el.shadowRoot);
          }
        };
        visit(document);
        return out;
      });
    } catch (_) {
      continue; // a cross-origin or detached frame: its own detectors (dialogs, __xss) still apply
    }
    const where = frame === page.mainFrame() ? '' : `frame ${frame.url().slice(0, 60)}: `;
    found.push(...inFrame.map((d) => where + d));
  }
  return found;
}

/** What `scanDom` finds now that the baseline did not (counted, so a second copy shows too). */
export function injected(now, baseline) {
  const left = new Map();
  for (const d of baseline) left.set(d, (left.get(d) ?? 0) + 1);
  const out = [];
  for (const d of now) {
    const n = left.get(d) ?? 0;
    if (n > 0) left.set(d, n - 1);
    else out.push(d);
  }
  return out;
}

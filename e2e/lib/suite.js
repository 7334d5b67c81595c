// What every e2e file sets up: one real server and one Chromium for the file, a fresh page per
// test, and a check after each test that nothing was logged as an error (wasm panics included)
// unless the test expected it and took it out of `env.ctx.problems`.
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.js';
import { launch, openPage } from './browser.js';

/**
 * Registers the file's server and browser; returns the environment the tests use.
 * `options.browser` goes to `launch` (e.g. { partitionedStorage: true } for embeds).
 */
export function useEnv(options = {}) {
  const env = {
    server: undefined,
    browser: undefined,
    /** The current test's { context, page, problems }. */
    ctx: undefined,
    /** A fresh page at a viewport, closed and checked after the test. */
    async open(viewport, options) {
      env.ctx = await openPage(env.browser, viewport, options);
      return env.ctx;
    },
    /** Calls the API; returns [status, JSON body or null], whatever the status. */
    async send(method, path, token, body) {
      const headers = {};
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${env.server.url}/api/v1${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return [res.status, text ? JSON.parse(text) : null];
    },
    /** Calls the API; the answer must be 2xx. Returns the JSON body (or null). */
    async call(method, path, token, body) {
      const [status, json] = await env.send(method, path, token, body);
      assert.ok(status >= 200 && status < 300, `${method} ${path}: ${status} ${JSON.stringify(json)}`);
      return json;
    },
    /** GETs an API path (`/courses?…`) from the server; the status must be 200. */
    async api(path) {
      const res = await fetch(`${env.server.url}/api/v1${path}`);
      assert.equal(res.status, 200, `GET ${path}`);
      return res.json();
    },
  };
  let seen = 0;
  before(async () => {
    env.server = await startServer();
    env.browser = await launch(options.browser);
    seen = env.server.log().length;
  });
  // What the server logged during a test (it runs at RUST_LOG=warn: a 500's cause, say), printed
  // after it: CI keeps only this output.
  afterEach(() => {
    const log = env.server?.log() ?? '';
    const fresh = log.slice(seen).trim();
    seen = log.length;
    if (fresh) console.log(`server log during the test:\n${fresh}`);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** Closes the current page and fails on unexpected console errors it logged. */
export async function closeAndCheckPage(env) {
  const problems = env.ctx?.problems ?? [];
  await env.ctx?.context.close();
  env.ctx = undefined;
  assert.deepEqual(problems, [], 'no console errors and no uncaught errors (wasm panics)');
}

/** Inside a describe: closes each test's page and fails the test on unexpected console errors. */
export function checkPageAfterEach(env) {
  afterEach(() => closeAndCheckPage(env));
}

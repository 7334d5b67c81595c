// Starts the real jieti-server on a fresh SQLite file and a free port, serving the release build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the server; resolves to { url, stop() } once it prints its URL. */
export async function startServer() {
  const bin = process.env.JIETI_SERVER_BIN || join(ROOT, 'target', 'debug', 'jieti-server');
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}: build it with cargo build -p jieti-server`);
  const dir = mkdtempSync(join(tmpdir(), 'jieti-e2e-'));
  const child = spawn(bin, [
    'serve',
    '--addr', '127.0.0.1:0',
    '--database-url', `sqlite://${join(dir, 'e2e.db')}`,
    // JIETI_DIST: a copy of the build, so a test run is not disturbed by a rebuild meanwhile.
    '--dist', process.env.JIETI_DIST || join(ROOT, 'dist'),
    '--media', join(ROOT, 'media'),
    '--demo-accounts',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let log = '';
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const cleanup = () => {
    if (!exited()) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in 60 s:\n${log}`)), 60_000);
    child.on('error', (err) => { clearTimeout(timer); fail(err); });
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/running at (http:\/\/[^\s/]+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { log += c; });
    child.on('exit', (code, signal) => { clearTimeout(timer); fail(new Error(`server exited (${code ?? signal}):\n${log}`)); });
  }).catch((err) => { cleanup(); throw err; });
  return {
    url,
    /** The server's SQLite file (tests read it to check what arrived). */
    dbPath: join(dir, 'e2e.db'),
    log: () => log,
    async stop() {
      if (!exited()) {
        const gone = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        // A server that does not stop in 10 s is killed: a test run never hangs on it.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}

// The phone whose CPU the performance measurements emulate, as a fixed device rather than a fixed
// slowdown. A CPU slowdown is relative to the host (Lighthouse's docs/throttling.md, "Calibrating
// the CPU slowdown"): Lighthouse's default 4× on this machine kind at its usual speed
// (benchmarkIndex ~2,500) emulates a phone of index ~625, but the same 4× on the same machine at a
// busy moment (index 1,400 was seen in a CI run) emulates a phone of ~350, and the verdict then
// follows the host's moment, not the app. So each measurement first benchmarks the host with
// Lighthouse's own benchmark and slows it down by `index / TARGET_INDEX` (ADR 0018).
import { pageFunctions } from 'lighthouse/core/lib/page-functions.js';

/**
 * The emulated phone's Lighthouse benchmarkIndex: Lighthouse's default 4× on this machine kind at
 * its usual speed. Inside Lighthouse's mid-tier-mobile bracket (125–800, docs/throttling.md) and
 * slower than DevTools' mid-tier preset (a Pixel 5, 1,000).
 */
export const TARGET_INDEX = 625;

/** Lighthouse's default CPU slowdown, printed beside the calibrated one. */
export const DEFAULT_SLOWDOWN = 4;

/**
 * The host's benchmarkIndex, measured in `page` (any page; ~1 s per run) with Lighthouse's
 * benchmark: the higher of `runs` runs, so a passing hiccup (another process starting) never makes
 * the emulated phone faster than TARGET_INDEX; a host that is slow throughout measures slow.
 */
export async function hostIndex(page, runs = 2) {
  let best = 0;
  for (let i = 0; i < runs; i++) best = Math.max(best, await page.evaluate(pageFunctions.computeBenchmarkIndex));
  return best;
}

/**
 * The CPU slowdown that makes a host of `index` run like the target phone (never below 1: a host
 * slower than the phone cannot be sped up, and is measured as it is).
 */
export function slowdownFor(index) {
  return Math.max(1, Math.round((index / TARGET_INDEX) * 100) / 100);
}

/**
 * `PERF_CPU_RATE` (a fixed slowdown, e.g. 1 to compare unthrottled or 4 for Lighthouse's default)
 * when set, else the calibrated slowdown for `index`.
 */
export function chosenSlowdown(index) {
  const fixed = Number(process.env.PERF_CPU_RATE);
  return fixed > 0 ? fixed : slowdownFor(index);
}

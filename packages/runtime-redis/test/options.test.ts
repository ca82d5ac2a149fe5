/**
 * The recovery timings' defaults (README "How fast a crash is recovered"): a dead worker's
 * jobs are delivered again within `jobLockMs` + `stalledIntervalMs`, and the lease lapses by
 * then. Resolving options connects to nothing.
 */
import { describe, expect, it } from "vitest";
import { resolveRedisRuntimeOptions } from "@converge/runtime-redis";

describe("recovery timing defaults", () => {
  it("look for stalled jobs every 5 s, with 30 s locks and leases (a lease never outlives a lock)", () => {
    const resolved = resolveRedisRuntimeOptions({ connection: "redis://127.0.0.1:1" });
    expect({ leaseTtlMs: resolved.leaseTtlMs, jobLockMs: resolved.jobLockMs, stalledIntervalMs: resolved.stalledIntervalMs }).toEqual({
      leaseTtlMs: 30_000,
      jobLockMs: 30_000,
      stalledIntervalMs: 5_000,
    });
    expect(resolved.leaseTtlMs).toBeLessThanOrEqual(resolved.jobLockMs);
  });
});

describe("auto-pipelining", () => {
  it("is off unless asked for (a worker's check commands are sequential)", () => {
    expect(resolveRedisRuntimeOptions({ connection: "redis://127.0.0.1:1" }).autoPipelining).toBe(false);
    expect(resolveRedisRuntimeOptions({ connection: "redis://127.0.0.1:1", autoPipelining: true }).autoPipelining).toBe(true);
  });
});

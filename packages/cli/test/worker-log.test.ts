/**
 * The worker's log and retention flags, in-process: `--log-format json` lines (time, level,
 * msg, then the fields; Errors and bigints made JSON; a field named like those three kept
 * under `field.`), the level filter of both formats, and `--keep-failed` parsing.
 */
import { describe, expect, it } from "vitest";
import type { Logger } from "@converge/core";
import { jsonLogLine, workerLog } from "../src/worker-log.js";
import { parseKeepFailed } from "../src/worker-options.js";

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

function capture(): { out: string[]; err: string[]; base: Logger & { lines: string[] } } {
  const lines: string[] = [];
  const base = {
    lines,
    debug: () => undefined,
    info: () => undefined,
    warn: (m: string) => void lines.push(`warning: ${m}`),
    error: (m: string) => void lines.push(`error: ${m}`),
  };
  return { out: [], err: [], base };
}

describe("worker log", () => {
  it("json: one object per line, time/level/msg first, then the fields", () => {
    const line = jsonLogLine(T, "info", "created", { stack: "web", resource: "db", time: "theirs", error: new RangeError("boom"), n: 10n });
    expect(line).toBe(
      '{"time":"2026-01-02T03:04:05.006Z","level":"info","msg":"created","stack":"web","resource":"db","field.time":"theirs","error":{"name":"RangeError","message":"boom"},"n":"10"}',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.parse(jsonLogLine(T, "warn", "odd", { cyclic }))).toEqual({ time: "2026-01-02T03:04:05.006Z", level: "warn", msg: "odd", fields: "(not serializable)" });
  });

  it("json: every level and the status lines on stdout, filtered by the level", () => {
    const c = capture();
    const log = workerLog({ level: "info", format: "json", base: c.base, stdout: (l) => c.out.push(l), stderr: (l) => c.err.push(l), now: () => T });
    log.logger.debug("hidden");
    log.logger.info("shown", { stack: "s" });
    log.logger.warn("careful");
    log.logger.error("bad");
    log.status("worker w ready");
    expect(c.err).toEqual([]);
    expect(c.base.lines).toEqual([]);
    expect(c.out.map((l) => JSON.parse(l) as { level: string; msg: string })).toEqual([
      { time: "2026-01-02T03:04:05.006Z", level: "info", msg: "shown", stack: "s" },
      { time: "2026-01-02T03:04:05.006Z", level: "warn", msg: "careful" },
      { time: "2026-01-02T03:04:05.006Z", level: "error", msg: "bad" },
      { time: "2026-01-02T03:04:05.006Z", level: "info", msg: "worker w ready" },
    ]);
    const quiet = capture();
    const errorsOnly = workerLog({ level: "error", format: "json", base: quiet.base, stdout: (l) => quiet.out.push(l), stderr: () => undefined });
    errorsOnly.status("ready");
    errorsOnly.logger.warn("careful");
    errorsOnly.logger.error("bad");
    expect(quiet.out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["bad"]);
  });

  it("text: status lines on stdout, debug/info on stderr with their fields, warnings through the command's logger", () => {
    const c = capture();
    const log = workerLog({ level: "debug", format: "text", base: c.base, stdout: (l) => c.out.push(l), stderr: (l) => c.err.push(l) });
    log.logger.debug("d", { resource: "db" });
    log.logger.info("i");
    log.logger.warn("w");
    log.status("worker w ready");
    expect(c.err).toEqual(['debug: d {"resource":"db"}', "info: i"]);
    expect(c.base.lines).toEqual(["warning: w"]);
    expect(c.out).toEqual(["worker w ready"]);
  });
});

describe("--keep-failed", () => {
  it("takes AGE[,COUNT] or 0", () => {
    expect(parseKeepFailed("2d,500")).toEqual({ maxAgeMs: 2 * 86_400_000, maxCount: 500 });
    expect(parseKeepFailed("1h")).toEqual({ maxAgeMs: 3_600_000, maxCount: 1000 });
    expect(parseKeepFailed("90")).toEqual({ maxAgeMs: 90_000, maxCount: 1000 });
    expect(parseKeepFailed("0")).toBe(false);
    for (const bad of ["", "1d,2,3", "soon", "1d,-1", "0.5s"]) expect(() => parseKeepFailed(bad)).toThrow(/--keep-failed/);
  });
});

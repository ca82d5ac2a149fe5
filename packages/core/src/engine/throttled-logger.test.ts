import { describe, expect, it } from "vitest";
import { VirtualClock } from "../memory/clock.js";
import type { Logger } from "../plugin/types.js";
import { throttleLogger } from "./throttled-logger.js";

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

describe("throttleLogger", () => {
  it("logs a hot loop of one error once per interval, then the count, on the virtual clock", () => {
    const clock = new VirtualClock(0);
    const { logger, lines } = recorder();
    const log = throttleLogger(logger, { intervalMs: 10_000, now: () => clock.now() });
    for (let i = 0; i < 150_000; i++) log.warn("NOPERM info");
    expect(lines).toEqual(["warn: NOPERM info"]);
    clock.advance(9_999);
    log.warn("NOPERM info");
    expect(lines).toHaveLength(1);
    clock.advance(1);
    log.warn("NOPERM info");
    expect(lines).toEqual(["warn: NOPERM info", "warn: NOPERM info (repeated 150000 more times in the last 10 s)", "warn: NOPERM info"]);
  });

  it("keeps distinct messages and levels apart; debug and info pass through; flush writes pending counts", () => {
    const clock = new VirtualClock(0);
    const { logger, lines } = recorder();
    const log = throttleLogger(logger, { now: () => clock.now() });
    log.warn("a");
    log.error("a");
    log.warn("b");
    log.warn("a");
    log.info("i");
    log.info("i");
    log.debug("d");
    expect(lines).toEqual(["warn: a", "error: a", "warn: b", "info: i", "info: i", "debug: d"]);
    log.flush();
    expect(lines.slice(6)).toEqual(["warn: a (repeated 1 more times in the last 10 s)"]);
    log.warn("a");
    expect(lines.at(-1)).toBe("warn: a");
  });

  it("an error that stops repeating gets its summary with the next line after the interval", () => {
    const clock = new VirtualClock(0);
    const { logger, lines } = recorder();
    const log = throttleLogger(logger, { intervalMs: 1_000, now: () => clock.now() });
    log.error("down");
    log.error("down");
    clock.advance(5_000);
    log.warn("other");
    expect(lines).toEqual(["error: down", "error: down (repeated 1 more times in the last 1 s)", "warn: other"]);
  });
  it("wraps a frozen logger (its methods are read-only) without throwing", () => {
    const { logger, lines } = recorder();
    const throttled = throttleLogger(Object.freeze(logger), { now: () => 0 });
    throttled.warn("w");
    throttled.warn("w");
    throttled.info("i");
    throttled.flush();
    expect(lines).toEqual(["warn: w", "info: i", "warn: w (repeated 1 more times in the last 10 s)"]);
  });
});

/**
 * The abort signals of a slot's deliveries (`SlotSignals`, host-slot.ts): the checks started
 * between two lease lapses share one signal; a lapse aborts it (with the lapse's reason) and
 * later checks get a new one; the hand-back aborts the running checks' signal, leaving a signal a
 * lapse aborted with the lapse's reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { SlotSignals } from "../src/host-slot.js";

describe("SlotSignals", () => {
  it("checks started between two lapses share a signal; a lapse aborts it and the next checks get a fresh one", () => {
    const signals = new SlotSignals();
    const first = signals.current();
    assert.equal(signals.current(), first);
    signals.lapse("lease lapsed");
    assert.equal(first.aborted, true);
    assert.equal(first.reason, "lease lapsed");
    const second = signals.current();
    assert.notEqual(second, first);
    assert.equal(second.aborted, false);
  });

  it("the hand-back aborts the running checks' signal; a signal a lapse aborted keeps the lapse's reason", () => {
    const signals = new SlotSignals();
    const lapsed = signals.current();
    signals.lapse("lease lapsed");
    const running = signals.current();
    signals.handBack();
    assert.equal(running.aborted, true);
    assert.equal(running.reason, "the check was handed back to the queue");
    assert.equal(lapsed.reason, "lease lapsed");
  });

  it("a shared signal takes any number of listeners without a possible-leak warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const signal = new SlotSignals().current();
      for (let i = 0; i < 50; i++) signal.addEventListener("abort", () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.filter((w) => w.name === "MaxListenersExceededWarning"), []);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

import { describe, expect, it } from "vitest";
import { DeliveryLeases } from "./delivery-leases.js";

const alive = { isDead: () => false };

describe("delivery leases", () => {
  it("aborts the signals of the attempts started before a lapse, not of those started after", () => {
    const leases = new DeliveryLeases();
    const before = leases.open("e1", alive);
    const unread = leases.open("e1", alive);
    const other = leases.open("e2", alive);
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    leases.lapse("e1");
    expect(signal.aborted).toBe(true);
    expect(String(signal.reason)).toMatch(/lease of engine e1 lapsed/);
    // Read for the first time after the lapse: aborted at once.
    expect(unread.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
    leases.renew("e1");
    const after = leases.open("e1", alive);
    expect(after.signal.aborted).toBe(false);
    expect(after.leaseValid()).toBe(true);
    // A woken attempt never trusts its lease again.
    expect(before.leaseValid()).toBe(false);
    expect(unread.leaseValid()).toBe(false);
    leases.lapse("e1");
    expect(after.signal.aborted).toBe(true);
  });

  it("shares one signal per engine and epoch, which takes many listeners without a warning", async () => {
    const leases = new DeliveryLeases();
    const attempts = Array.from({ length: 64 }, () => leases.open("e1", alive));
    expect(new Set(attempts.map((a) => a.signal)).size).toBe(1);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    let aborted = 0;
    for (const a of attempts) a.signal.addEventListener("abort", () => (aborted += 1), { once: true });
    leases.lapse("e1");
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(aborted).toBe(64);
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("knows which attempts run", () => {
    const leases = new DeliveryLeases();
    const a = leases.open("e1", alive);
    expect(leases.running("e1", a.attempt)).toBe(true);
    expect(leases.running("e2", a.attempt)).toBe(false);
    a.close();
    expect(leases.running("e1", a.attempt)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { AbortRegistry } from "./abort-registry.js";

describe("AbortRegistry", () => {
  it("aborts the open calls of a traversal, and calls opened for it later", () => {
    const registry = new AbortRegistry();
    const call = registry.open("s", "t1");
    const other = registry.open("s", "t2");
    const signal = call.signal; // a call whose signal was read: its controller is aborted
    registry.abort("s", "t1", "cancelled");
    expect([call.aborted, call.reason, signal.aborted]).toEqual([true, "cancelled", true]);
    expect(other.aborted).toBe(false);
    const later = registry.open("s", "t1");
    expect([later.aborted, later.reason]).toEqual([true, "cancelled"]);
    for (const c of [call, later]) registry.release("s", "t1", c);
    registry.release("s", "t2", other);
  });

  it("checks the stack of a traversal: another stack's abort does nothing, a shared traversal id gets an entry per stack", () => {
    const registry = new AbortRegistry();
    const call = registry.open("s", "t");
    registry.abort("other", "t", "cancelled");
    expect(call.aborted).toBe(false);
    // Another stack with the same traversal id (an export imported twice): its own calls, its own aborts.
    const shared = registry.open("other", "t");
    expect(shared.aborted).toBe(true);
    const second = registry.open("other2", "t");
    expect(second.aborted).toBe(false);
    registry.abort("other2", "t", "stopped");
    expect([second.aborted, second.reason, call.aborted]).toEqual([true, "stopped", false]);
    registry.abort("s", "t", "mine");
    expect([call.aborted, call.reason, shared.reason]).toEqual([true, "mine", "cancelled"]);
    registry.release("other", "t", shared);
    registry.release("other2", "t", second);
    registry.release("s", "t", call);
    // Once its calls are released the traversal's calls are forgotten, its abort is remembered per stack.
    expect(registry.open("s", "t").reason).toBe("mine");
    expect(registry.open("third", "t").aborted).toBe(false);
  });

  it("follows the delivery's signal, lazily", () => {
    const registry = new AbortRegistry();
    const delivery = new AbortController();
    const call = registry.open("s", "t", delivery.signal);
    expect(call.aborted).toBe(false);
    delivery.abort("handed back");
    expect([call.aborted, call.reason]).toEqual([true, "handed back"]);
    expect(call.signal.aborted).toBe(true);
    registry.release("s", "t", call);
  });

  it("forgets a traversal once no call of it is open", () => {
    const registry = new AbortRegistry();
    const a = registry.open("s", "t");
    const b = registry.open("s", "t");
    registry.release("s", "t", a);
    registry.abort("s", "t", "stop");
    expect(b.aborted).toBe(true);
    registry.release("s", "t", b);
    // A later call still starts aborted: the reason is kept for calls opened after the abort.
    expect(registry.open("s", "t").aborted).toBe(true);
  });
});

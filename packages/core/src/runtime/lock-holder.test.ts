import { describe, expect, it } from "vitest";
import { describeLockHolder, formatLockHolder, parseLockHolder } from "./lock-holder.js";

describe("lock holders", () => {
  it("round-trips an engine id and an attempt, the attempt after the last '#'", () => {
    expect(parseLockHolder(formatLockHolder("e1", "a7"))).toEqual({ engineId: "e1", attempt: "a7" });
    expect(parseLockHolder(formatLockHolder("host#2", "5f0c-11"))).toEqual({ engineId: "host#2", attempt: "5f0c-11" });
  });

  it("reads a plain engine id (older data, or no attempt) as an engine-wide lock", () => {
    expect(formatLockHolder("e1", undefined)).toBe("e1");
    expect(parseLockHolder("e1")).toEqual({ engineId: "e1", attempt: null });
    expect(parseLockHolder("#a1")).toEqual({ engineId: "#a1", attempt: null });
    expect(parseLockHolder("e1#not an attempt")).toEqual({ engineId: "e1#not an attempt", attempt: null });
  });

  it("describes a holder for messages", () => {
    expect(describeLockHolder("e1#a7")).toBe("attempt a7 of engine e1");
    expect(describeLockHolder("e1")).toBe("engine e1");
    expect(describeLockHolder(null)).toBe("an unknown engine");
  });
});

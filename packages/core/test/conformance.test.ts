/**
 * The runtime conformance suite on the memory runtime, in manual mode (stepped checks on a
 * virtual clock) and in automatic mode (async tasks on the real clock).
 */
import { describe, it } from "vitest";
import { memoryConformanceTarget, runtimeConformance } from "@converge/core/testing";

for (const mode of ["manual", "auto"] as const) {
  describe(`runtime conformance: memory runtime, ${mode} mode`, () => {
    for (const c of runtimeConformance(memoryConformanceTarget({ mode }))) it(c.name, () => c.run());
  });
}

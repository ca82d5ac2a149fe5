/**
 * The scenario suite's harness on Redis: a manual-mode Redis runtime under a fresh prefix,
 * an engine with the scenario type, and `step()` taking one BullMQ job at a time (FIFO),
 * so every scenario runs against real Redis state and the real queue, deterministically.
 */
import { createEngine } from "@converge/core";
import { createScenarioType, silentLogger } from "@converge/core/testing";
import type { ScenarioHarnessFactory, ScenarioTypeOptions } from "@converge/core/testing";
import type { RedisConnectionInput } from "../connection.js";
import { createRedisRuntime } from "../redis-runtime.js";
import type { RedisRuntime } from "../redis-runtime.js";
import { uniquePrefix } from "./redis-server.js";

/** Options of {@link redisScenarioHarness}. */
export interface RedisScenarioHarnessOptions {
  /** Where Redis is (a URL is simplest). */
  readonly connection: RedisConnectionInput;
  /** After each check, enqueue it once more (every check delivered twice). @default false */
  readonly duplicate?: boolean;
  /** Options of the scenario type. @default the type's defaults */
  readonly type?: ScenarioTypeOptions;
  /** Called with the runtime once made. */
  readonly onRuntime?: (runtime: RedisRuntime) => void;
}

const MAX_STEPS = 100_000;

/** A factory of scenario harnesses over manual-mode Redis runtimes, each under its own prefix. */
export function redisScenarioHarness(options: RedisScenarioHarnessOptions): ScenarioHarnessFactory {
  return async (reality) => {
    const runtime = createRedisRuntime({ connection: options.connection, prefix: uniquePrefix("scenario"), mode: "manual", logger: silentLogger });
    options.onRuntime?.(runtime);
    const engineId = `scenario-${uniquePrefix("engine")}`;
    const engine = createEngine({
      runtime,
      types: [createScenarioType(reality, options.type)],
      engineId,
      logger: silentLogger,
      // Timers run in real time on Redis; a scenario must never see its watchdog fire.
      watchdogIntervalMs: 3_600_000,
    });
    const step = (): Promise<boolean> => runtime.step({ duplicate: options.duplicate === true });
    return {
      engine,
      reality,
      inOrder: true,
      step,
      async runUntilIdle() {
        let steps = 0;
        while (await step()) {
          if (++steps >= MAX_STEPS) throw new Error(`still busy after ${MAX_STEPS} checks: livelock?`);
        }
      },
      async runUntil(pred) {
        for (let steps = 0; steps < MAX_STEPS; steps++) {
          if (await pred()) return true;
          if (!(await step())) return pred();
        }
        return pred();
      },
      async close() {
        await engine.close();
        await runtime.close();
      },
    };
  };
}

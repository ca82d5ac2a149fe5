/**
 * One fuzz run: a seed and a variant (the scenario type's capabilities) determine every
 * choice - template shapes, operations and when they are issued, plugin failures, pick order,
 * duplicate deliveries, calls held in flight, engine deaths, engines paused past their lease
 * and clock moves. After the last operation the run settles (queue dry, watchdog rounds) and the oracle judges the end state;
 * then, with failures off, a final update and a final delete must both converge exactly.
 */
import { StackStateError } from "@converge/core";
import type { StackOperationOptions, StackRecord } from "@converge/core";
import type { ScenarioTypeOptions } from "@converge/core/testing";
import { Tracker, checkConsistent, checkExact } from "./oracle.js";
import type { ApiKind } from "./oracle.js";
import { Rng } from "./rng.js";
import type { Gen, TemplateModel } from "./template-model.js";
import { describeModel, flatModel, mutate, randomTemplate, toTemplate } from "./template-model.js";
import { Trace } from "./trace.js";
import { STACK, World } from "./world.js";
import { errorMessage } from "../../src/error-message.js";

/** Resource-type capabilities a run uses (W-E: how an interrupted create can be resumed). */
export const VARIANTS = {
  /** `read` and a non-idempotent create: resume by looking the resource up. */
  read: { withRead: true, idempotent: false },
  /** No `read`, an idempotent create: resume by retrying with the same key. */
  idempotent: { withRead: false, idempotent: true },
  /** Both. */
  both: { withRead: true, idempotent: true },
  /** Neither: an interrupted create is replaced. */
  neither: { withRead: false, idempotent: false },
} as const satisfies Record<string, ScenarioTypeOptions>;

/** A variant name. */
export type VariantName = keyof typeof VARIANTS;

/** Outcome of a run. */
export interface SeedResult {
  readonly seed: number;
  readonly variant: VariantName;
  /** Invariant violations (empty when the run passed). */
  readonly violations: readonly string[];
  /** The operations issued, as text. */
  readonly trace: string;
  /** Counters. */
  readonly stats: Readonly<Record<string, number>>;
  /** How the operations ended once settled (`UPDATE_COMPLETE`, `ROLLBACK_FAILED`, `gone`...). */
  readonly outcome: string;
}

/** The command that reruns one seed. */
export function reproduction(seed: number, variant: VariantName): string {
  return `${FUSED ? "" : "FUZZ_FUSED=0 "}${PAUSES_HEAVY ? "FUZZ_PAUSES=heavy " : ""}FUZZ_SEED=${seed} FUZZ_VARIANT=${variant} npx vitest run packages/core/test/fuzz`;
}

/**
 * `FUZZ_PAUSES=heavy`: engines paused far more often, and plugin calls that mostly ignore their
 * abort signal - so most calls held at a pause return late (zombie calls; a seed then runs
 * differently from the default knobs: rerun it with the same setting).
 */
const PAUSES_HEAVY = process.env.FUZZ_PAUSES === "heavy";

/** `FUZZ_FUSED=0`: the runtime without its optional fused operations (the protocol composes them). */
const FUSED = process.env.FUZZ_FUSED !== "0";
const WATCHDOG_MS = 10_000;
/** Checks one settle may run before the run is declared a livelock. */
const MAX_STEPS = 20_000;

/** Per-seed intensity of each kind of chaos. */
interface Knobs {
  readonly ops: number;
  readonly stepDuplicate: number;
  readonly crashRate: number;
  readonly failRate: number;
  /** Chance per step that an engine is paused past its lease (see `World.pause`). */
  readonly pauseRate: number;
}

/** Run one seed of one variant. */
export async function runSeed(seed: number, variant: VariantName): Promise<SeedResult> {
  const rng = new Rng(seed * 4 + Object.keys(VARIANTS).indexOf(variant));
  const trace = new Trace();
  const big = rng.chance(0.3);
  const world = new World(
    {
      type: { ...VARIANTS[variant], honourAbort: rng.chance(PAUSES_HEAVY ? 0.1 : 0.7), recordPhysicalIdEarly: rng.chance(0.5) },
      order: rng.chance(0.85) ? "random" : "fifo",
      runtimeSeed: rng.int(1, 1_000_000),
      // Every duplicate of a finished node fires its successors again (at-least-once), so
      // duplicates multiply along chains: keep the rates modest.
      duplicateRate: rng.pick([0, 0, 0.03, 0.1]),
      engines: rng.int(1, 3),
      watchdogIntervalMs: WATCHDOG_MS,
      fusedOperations: FUSED,
    },
    rng.fork(),
    trace,
  );
  world.blockRate = rng.pick([0, 0.05, 0.15, 0.3]);
  world.maxGates = rng.int(1, 3);
  const knobs: Knobs = {
    ops: rng.chance(0.25) ? rng.int(8, 15) : rng.int(1, 7),
    stepDuplicate: rng.pick([0, 0.02, 0.08]),
    crashRate: rng.pick([0, 0.01, 0.04, 0.08]),
    failRate: rng.pick([0, 0.3, 0.6]),
    pauseRate: rng.pick(PAUSES_HEAVY ? [0.05, 0.1, 0.2] : [0, 0.02, 0.05, 0.1]),
  };
  const gen: Gen = { rng: rng.fork(), maxResources: big ? 30 : 8, names: 0 };
  trace.note(`seed ${seed} variant ${variant}: ${JSON.stringify({ ...world.options, blockRate: world.blockRate, maxGates: world.maxGates, ...knobs })}`);
  const tracker = new Tracker(world);
  world.modelOf = (templateId) => {
    const model = tracker.model(templateId);
    return model === undefined ? undefined : flatModel(model);
  };
  const run = new Run(world, tracker, gen, rng, trace, knobs);
  try {
    await world.start();
    await run.main();
  } catch (error) {
    world.violation(`run threw: ${(error as Error).stack ?? String(error)}`);
  }
  return { seed, variant, violations: world.violations, trace: trace.text(), stats: { ...world.stats }, outcome: run.outcome };
}

class Run {
  /** How the operations ended once settled. */
  outcome = "unsettled";
  private model: TemplateModel = { resources: [] };
  private chaos = true;

  constructor(
    private readonly world: World,
    private readonly tracker: Tracker,
    private readonly gen: Gen,
    private readonly rng: Rng,
    private readonly trace: Trace,
    private readonly knobs: Knobs,
  ) {}

  async main(): Promise<void> {
    await this.create(randomTemplate(this.gen), this.options());
    for (let i = 0; i < this.knobs.ops; i++) {
      await this.runSteps();
      this.injectFailures();
      await this.randomOp();
    }
    await this.runSteps(); // the last operation meets the same chaos as the others
    this.chaos = false;
    await this.settle();
    await this.judge();
    this.world.reality.clearFailures();
    this.trace.note("-- failures off: final update");
    const next = this.nextModel();
    const stack = await this.world.stack();
    if (stack === null) await this.create(next, { timeoutMs: null });
    else await this.update(next, { timeoutMs: null });
    // No call is held and no engine dies from here on: nothing should need the watchdog.
    const updated = await this.settle(true);
    if (updated?.status !== "COMPLETE") this.world.violation(`final update ended ${describeStack(updated)}`);
    await checkExact(this.world, next, "after the final update");
    this.trace.note("-- final delete");
    await this.call("delete", (e) => e.deleteStack(STACK));
    this.tracker.started(await this.world.stack(), null, "delete");
    const deleted = await this.settle(true);
    if (deleted !== null) this.world.violation(`final delete ended ${describeStack(deleted)}`);
    await checkExact(this.world, { resources: [] }, "after the final delete");
  }

  private options(): StackOperationOptions {
    return {
      disableRollback: this.rng.chance(0.3),
      timeoutMs: this.rng.chance(0.12) ? this.rng.int(2, 60) * 1000 : null,
    };
  }

  private nextModel(): TemplateModel {
    if (this.model.resources.length === 0) return randomTemplate(this.gen);
    const { model, changes } = mutate(this.gen, this.model);
    this.trace.note(`  edits: ${changes.join("; ")}`);
    return model;
  }

  /** Call the API on a live engine; StackStateError is returned, anything else is a violation. */
  private async call(what: string, fn: (engine: ReturnType<World["api"]>) => Promise<unknown>): Promise<StackStateError | null> {
    let refused: StackStateError | null = null;
    try {
      await fn(this.world.api());
    } catch (error) {
      if (error instanceof StackStateError) refused = error;
      else this.world.violation(`${what} threw ${(error as Error).name}: ${errorMessage(error)}`);
    }
    await this.world.quiesce();
    return refused;
  }

  private async create(model: TemplateModel, options: StackOperationOptions): Promise<void> {
    this.world.generation += 1;
    this.trace.note(`op create ${JSON.stringify(options)}: ${describeModel(model)}`);
    await this.call("createStack", (e) => e.createStack(STACK, toTemplate(model), options));
    this.model = model;
    this.tracker.started(await this.world.stack(), model, "create");
    await this.tracker.observe();
  }

  private async update(model: TemplateModel, options: StackOperationOptions): Promise<void> {
    this.trace.note(`op update ${JSON.stringify(options)}: ${describeModel(model)}`);
    await this.call("updateStack", (e) => e.updateStack(STACK, toTemplate(model), options));
    this.model = model;
    this.tracker.started(await this.world.stack(), model, "update");
    await this.tracker.observe();
  }

  private async randomOp(): Promise<void> {
    if (this.world.held().length > 0) this.world.stats.opsWhileHeld += 1;
    const stack = await this.tracker.observe();
    if (stack === null) return this.create(this.nextModel(), this.options());
    const op = this.rng.weighted([50, 3, 10, 12, 10, 8, 7]);
    let kind: ApiKind = "delete";
    if (op === 0) return this.update(this.nextModel(), this.options());
    if (op === 1) return this.update({ resources: [] }, this.options());
    if (op === 2) {
      this.trace.note("op delete");
      await this.call("deleteStack", (e) => e.deleteStack(STACK));
    } else if (op === 3) {
      const legal = stack.status !== "COMPLETE" && stack.action !== "DELETE";
      kind = "rollback";
      this.trace.note(`op rollback (stack ${describeStack(stack)})`);
      const refused = await this.call("rollbackStack", (e) => e.rollbackStack(STACK));
      if ((refused === null) !== legal) this.world.violation(`rollback of a ${describeStack(stack)} stack was ${legal ? "refused" : "accepted"}`);
      if (refused !== null) return;
    } else if (op === 4 || op === 5) {
      const rollback = op === 4;
      const legal = stack.status === "IN_PROGRESS" && stack.action !== "DELETE";
      kind = "cancel";
      this.trace.note(`op cancel rollback=${rollback} (stack ${describeStack(stack)})`);
      const refused = await this.call("cancelUpdate", (e) => e.cancelUpdate(STACK, { rollback }));
      if ((refused === null) !== legal) this.world.violation(`cancel of a ${describeStack(stack)} stack was ${legal ? "refused" : "accepted"}`);
      if (refused !== null) return;
    } else {
      return;
    }
    this.tracker.started(await this.world.stack(), null, kind);
    await this.tracker.observe();
  }

  private injectFailures(): void {
    const reality = this.world.reality;
    if (this.rng.chance(0.1)) {
      reality.clearFailures();
      this.trace.note("failures cleared");
    }
    if (!this.rng.chance(this.knobs.failRate)) return;
    const names = flatModel(this.model).resources.map((r) => r.name);
    if (names.length === 0) return;
    for (let k = this.rng.int(1, 2); k > 0; k--) {
      const spec = {
        op: this.rng.pick(["create", "update", "delete"] as const),
        name: this.rng.pick(names),
        times: this.rng.pick([1, 1, 2, 3, Number.POSITIVE_INFINITY]),
        retryable: this.rng.chance(0.3),
      };
      reality.fail(spec);
      this.trace.note(`fail ${spec.op} ${spec.name} x${spec.times}${spec.retryable ? " retryable" : ""}`);
    }
  }

  /** Run some checks (or until idle), with chaos between and inside them. */
  private async runSteps(): Promise<void> {
    const { world, rng, trace } = this;
    const count = rng.chance(0.2) ? MAX_STEPS : rng.int(0, 30);
    for (let k = 0; k < count; k++) {
      await this.pauses();
      const held = world.movable();
      if (held.length > 0 && rng.chance(0.08)) {
        const gate = rng.pick(held);
        const how = rng.chance(0.8) ? "release" : "fail";
        trace.note(`  ${how} held ${gate.op} ${gate.name}`);
        await world.unblock(gate, how);
      }
      if (held.length > 0 && rng.chance(0.03)) {
        const gate = rng.pick(world.movable().length > 0 ? world.movable() : held);
        trace.note(`  kill ${gate.engineId} (held in ${gate.op} ${gate.name})`);
        await world.kill(gate.engineId);
      }
      if (this.chaos && rng.chance(0.005)) {
        const idle = rng.pick(world.active());
        trace.note(`  kill ${idle} (between checks)`);
        await world.kill(idle);
      }
      if (rng.chance(0.01)) {
        const ms = rng.int(1, 15) * 1000;
        trace.note(`  clock +${ms} ms`);
        world.runtime.advanceTime(ms);
      }
      if (world.runtime.pending().length === 0) {
        // Nothing else to run: what waits now is parked behind the held calls.
        const still = world.movable();
        if (still.length === 0 && world.paused().length > 0) {
          const sleeper = rng.pick(world.paused());
          trace.note(`  resume ${sleeper} (queue empty)`);
          world.resume(sleeper);
          continue;
        }
        if (still.length === 0) break;
        const gate = rng.pick(still);
        const choice = this.chaos ? rng.weighted([4, 3, 3]) : 0;
        if (choice === 2) break; // the next operation meets the calls in flight
        if (choice === 1) {
          trace.note(`  kill ${gate.engineId} (held in ${gate.op} ${gate.name}, queue empty)`);
          await world.kill(gate.engineId);
        } else {
          trace.note(`  release held ${gate.op} ${gate.name} (queue empty)`);
          await world.unblock(gate, "release");
        }
        continue;
      }
      await this.oneStep();
    }
  }

  /**
   * Pause an engine past its lease now and then - preferably one with a call in flight, which
   * then returns late, as a zombie's - and resume paused ones.
   */
  private async pauses(): Promise<void> {
    const { world, rng, trace } = this;
    if (world.paused().length > 0 && rng.chance(0.1)) {
      const sleeper = rng.pick(world.paused());
      trace.note(`  resume ${sleeper}`);
      world.resume(sleeper);
    }
    if (!this.chaos || !rng.chance(this.knobs.pauseRate)) return;
    const holding = [...new Set(world.movable().map((g) => g.engineId))].filter((id) => world.active().includes(id));
    const candidates = holding.length > 0 ? holding : world.active();
    if (candidates.length === 0) return;
    const sleeper = rng.pick(candidates);
    trace.note(`  pause ${sleeper} past its lease${holding.includes(sleeper) ? " (calls in flight)" : ""}`);
    await world.pause(sleeper);
  }

  private async oneStep(): Promise<boolean> {
    const { world, rng, trace } = this;
    const engineId = rng.pick(world.active());
    const duplicate = this.chaos && rng.chance(this.knobs.stepDuplicate);
    const crash = this.chaos && rng.chance(this.knobs.crashRate) ? rng.int(0, 12) : undefined;
    if (duplicate || crash !== undefined) trace.note(`  step on ${engineId}${duplicate ? " duplicate" : ""}${crash === undefined ? "" : ` crashAfterOps=${crash}`}`);
    else trace.step();
    const ran = await world.step(engineId, { ...(duplicate ? { duplicate } : {}), ...(crash === undefined ? {} : { crashAfterOps: crash }) });
    await this.tracker.observe();
    return ran;
  }

  /**
   * Run to idle and let the watchdog resume anything stalled, until the stack settles.
   * `calm`: the traversal ran with no held call and no death, so needing the watchdog means
   * a check was lost.
   */
  private async settle(calm = false): Promise<StackRecord | null> {
    const { world, trace } = this;
    world.blockRate = 0;
    for (const sleeper of world.paused()) {
      trace.note(`  resume ${sleeper} (settling)`);
      world.resume(sleeper);
    }
    await world.releaseAll();
    for (let round = 0; round < 40; round++) {
      for (let steps = 0; await this.oneStep(); steps++) {
        if (steps > MAX_STEPS) {
          world.violation(`livelock: still busy after ${MAX_STEPS} checks`);
          return null;
        }
      }
      const stack = await this.tracker.observe();
      if (stack === null || stack.status !== "IN_PROGRESS") return stack;
      trace.note(`  idle while ${describeStack(stack)}: clock +${WATCHDOG_MS} ms`);
      if (calm) world.violation(`W-D: ${describeStack(stack)} went idle without a death or a held call`);
      world.runtime.advanceTime(WATCHDOG_MS);
    }
    const stack = await this.tracker.observe();
    world.violation(`stack still ${describeStack(stack)} after 40 watchdog rounds`);
    return stack;
  }

  /** Judge the settled end state of the operations. */
  private async judge(): Promise<void> {
    const stack = await this.tracker.observe();
    this.outcome = stack === null ? "gone" : `${stack.action}_${stack.status}`;
    this.trace.note(`-- settled: ${describeStack(stack)}`);
    if (stack === null) {
      if (this.tracker.lastApiKind !== "delete") this.world.violation("the stack is gone but the last operation was not a delete");
      await checkExact(this.world, { resources: [] }, "deleted stack");
    } else if (stack.status === "COMPLETE") {
      const model = this.tracker.expectedModel(stack);
      if (model !== null) await checkExact(this.world, model, `${stack.action}_COMPLETE`);
    } else {
      await checkConsistent(this.world, `${stack.action}_${stack.status}`);
    }
  }
}

function describeStack(stack: StackRecord | null): string {
  return stack === null ? "gone" : `${stack.action}_${stack.status} (${stack.statusReason})`;
}

/**
 * The fuzz world: one manual-mode memory runtime, several engines over it (killed and
 * replaced as the run goes), the scenario type over a {@link Reality}, wrapped so that
 *
 * - a plugin call may **block** (held at a gate until the fuzzer releases or fails it): other
 *   checks, API operations, crashes and cancels then happen while the call is in flight;
 * - every delete is checked against the ordering invariant **when it happens** (no resource
 *   is deleted while a live resource that requires it exists), and every create against "one
 *   physical resource per logical create";
 * - an engine can be **paused** past its lease (`pause`/`resume`): others take its rows over,
 *   and its calls held at the pause go on late, as a zombie's (their creates are exempt from
 *   "one create per row"; what they make must end deleted or recorded, what they update must
 *   end with its row's properties).
 *
 * Steps run one check each (`runtime.step`); `quiesce` waits until every started step has
 * either finished or is held at a gate, so the run stays deterministic for a seed.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ResourceError, createEngine, createMemoryRuntime, defineResourceType } from "@converge/core";
import type { AnyResourceType, DeleteContext, Engine, MemoryRuntime, ResourceRow, StackRecord } from "@converge/core";
import { Reality, createScenarioType, silentLogger } from "@converge/core/testing";
import type { ScenarioTypeOptions } from "@converge/core/testing";
import type { Rng } from "./rng.js";
import type { Prop, TemplateModel } from "./template-model.js";
import type { Trace } from "./trace.js";

/** The stack every fuzz run converges. */
export const STACK = "fz";

/** How a world is built. */
export interface WorldOptions {
  /** Capabilities of the scenario type (read, idempotent create, abort, early id). */
  readonly type: ScenarioTypeOptions;
  /** Pick order of the runtime. */
  readonly order: "fifo" | "random";
  /** Seed of the runtime's pick order and duplicate injection. */
  readonly runtimeSeed: number;
  /** Runtime duplicate rate (each enqueued check delivered twice with this probability). */
  readonly duplicateRate: number;
  /** Engines at the start. */
  readonly engines: number;
  /** Watchdog interval of the engines, ms. */
  readonly watchdogIntervalMs: number;
  /** The runtime's `fusedOperations` (false: the protocol composes them from basic operations). */
  readonly fusedOperations: boolean;
}

/** A plugin call held in flight. */
interface Gate {
  readonly op: "create" | "update" | "delete";
  readonly name: string;
  /** Engine running the call. */
  readonly engineId: string;
  /** Held when its engine was paused: it goes on as a zombie's call (its result is late). */
  zombie: boolean;
  release(): void;
  fail(message: string): void;
  /** Leave the call in flight forever (its engine is dead; the call never returns). */
  abandon(): void;
}

/** One step: its engine, and what a zombie's calls did in it (see `World.pause`). */
interface StepContext {
  readonly engineId: string;
  /** Resources a late call of a paused engine made in this step. */
  readonly zombieMade: string[];
  /** Resources a late call of a paused engine updated in this step. */
  readonly zombieUpdated: string[];
}

/**
 * Which step is running (so a held call knows whose it is). One instance for the process:
 * every live AsyncLocalStorage costs something on each promise.
 */
const stepEngine = new AsyncLocalStorage<StepContext>();

/** True inside the rest of a call that was held when its engine was paused (a zombie's call). */
const zombieCall = new AsyncLocalStorage<boolean>();

const isActive = (row: ResourceRow): boolean => !(row.action === "DELETE" && row.status === "COMPLETE");

/** See the file comment. */
export class World {
  readonly runtime: MemoryRuntime;
  readonly reality = new Reality();
  /** Invariant violations seen so far (mid-run and final). */
  readonly violations: string[] = [];
  /** Physical ids any row ever recorded (an id never recorded is unknowable to the engine). */
  readonly recorded = new Set<string>();
  /** Creates per `generation:rowId` (the stack may be deleted and created again). */
  readonly creates = new Map<string, number>();
  /** Which row (of which stack incarnation) made each physical resource. */
  readonly createdBy = new Map<string, { readonly generation: number; readonly rowId: string }>();
  /** Incarnation of the stack (bumped by each createStack). */
  generation = 0;
  /** Probability that a plugin call blocks; 0 switches blocking off. */
  blockRate = 0;
  /** Most calls held at once. */
  maxGates = 2;
  /** The template model of a stored template id (set by the driver; undefined when unknown). */
  modelOf: (templateId: string) => TemplateModel | undefined = () => undefined;
  /** Counters for the report. */
  readonly stats = { steps: 0, blocked: 0, crashes: 0, watchdogResumes: 0, opsWhileHeld: 0, lostTraversals: 0, hungForever: 0, pauses: 0, zombieCalls: 0, orphansReported: 0 };
  /**
   * Physical ids the engines reported as orphans (an error log naming one: a create a paused
   * engine could not record, and could not delete). Reported is not silent: the oracle lets them be.
   */
  readonly reportedOrphans = new Set<string>();
  /** Resources made by a late call of a paused engine that then died in the same step (see `afterDeath`). */
  readonly unknowable = new Set<string>();
  /** Resources whose properties a late update set, until an update applies a row's again (see `checkDeleteOrder`). */
  private readonly lateUpdated = new Set<string>();
  /** Every resource a late call of a paused engine made (see `checkDeleteOrder`). */
  private readonly lateMade = new Set<string>();
  /**
   * Resources whose properties a late update of a paused engine changed, the engine dying before
   * its check could apply its row's properties again: until a later update, reality differs
   * from the row and no engine can know (the oracle compares their rows' properties instead).
   */
  readonly diverged = new Set<string>();
  /** Unfinished steps in which a paused engine's late call made something. */
  private readonly zombieSteps = new Set<StepContext>();
  private readonly engines = new Map<string, Engine>();
  private readonly gates = new Set<Gate>();
  private readonly dead = new Set<string>();
  /** Engines paused now: their lease lapsed and they run nothing until resumed. */
  private readonly frozen = new Set<string>();
  private unfinished = 0;
  /** Steps of dead engines whose plugin call never returns (never finished, no longer held). */
  private hung = 0;
  /** Resolves the pending `quiesce` wait. */
  private wake: () => void = () => undefined;
  private engineSeq = 0;
  private readonly type: AnyResourceType;

  constructor(
    readonly options: WorldOptions,
    private readonly rng: Rng,
    private readonly trace: Trace,
  ) {
    this.runtime = createMemoryRuntime({
      mode: "manual",
      order: options.order,
      seed: options.runtimeSeed,
      duplicateRate: options.duplicateRate,
      fusedOperations: options.fusedOperations,
      logger: {
        warn: (m) => this.violation(`runtime: ${m}`),
        error: (m) => this.violation(`runtime: ${m}`),
      },
    });
    this.type = this.instrument(createScenarioType(this.reality, options.type));
    // Every write that can record a physical id: the plain one and the fused ones.
    const store = this.runtime.store;
    const writeRow = store.writeRow.bind(store);
    store.writeRow = async (write) => {
      const result = await writeRow(write);
      if (result.ok && result.row.physicalId !== null) this.recorded.add(result.row.physicalId);
      return result;
    };
    const writeRowWithEvent = store.writeRowWithEvent?.bind(store);
    if (writeRowWithEvent !== undefined) {
      store.writeRowWithEvent = async (write, event) => {
        const result = await writeRowWithEvent(write, event);
        if (result.ok && result.row.physicalId !== null) this.recorded.add(result.row.physicalId);
        return result;
      };
    }
    const reportNode = store.reportNode?.bind(store);
    if (reportNode !== undefined) {
      store.reportNode = async (report) => {
        const result = await reportNode(report);
        const physicalId = report.write?.patch.physicalId;
        if (result.kind !== "refused" && typeof physicalId === "string") this.recorded.add(physicalId);
        return result;
      };
    }
    this.reality.observe((op) => {
      if (process.env.FUZZ_DEBUG === "1") this.trace.note(`  reality ${op.op} ${op.physicalId} (row ${op.rowId ?? "?"}, engine ${stepEngine.getStore()?.engineId ?? "?"})`);
      if (op.op === "update") {
        if (zombieCall.getStore() === true) this.lateEffect("updated", op.physicalId);
        else {
          // An update that applies a row's properties (a late one's effect is undone).
          this.diverged.delete(op.physicalId);
          this.lateUpdated.delete(op.physicalId);
        }
      }
      if (op.op === "create") {
        const key = `${this.generation}:${op.rowId ?? "?"}`;
        this.createdBy.set(op.physicalId, { generation: this.generation, rowId: op.rowId ?? "?" });
        // A paused engine's late create is a second resource of its row by nature (the row was
        // taken over meanwhile): it must be deleted or adopted, which the end state shows.
        if (zombieCall.getStore() === true) return this.lateEffect("made", op.physicalId);
        const n = (this.creates.get(key) ?? 0) + 1;
        this.creates.set(key, n);
        if (n > 1) this.violation(`one create per row: row ${op.rowId ?? "?"} of ${op.name} made physical resource #${n} (${op.physicalId})`);
      }
    });
  }

  /**
   * A late call of a paused engine made or updated `physicalId`. When its engine is already
   * dead (the call was released after the death: it reached the cloud just before), nobody can
   * know of it (see {@link lostByDeath}); else its step's check may still deal with it.
   */
  private lateEffect(effect: "made" | "updated", physicalId: string): void {
    (effect === "made" ? this.lateMade : this.lateUpdated).add(physicalId);
    const step = stepEngine.getStore();
    if (step === undefined || !this.live().includes(step.engineId)) {
      (effect === "made" ? this.unknowable : this.diverged).add(physicalId);
      return;
    }
    (effect === "made" ? step.zombieMade : step.zombieUpdated).push(physicalId);
    this.zombieSteps.add(step);
  }

  /** Make the starting engines. */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.engines; i++) await this.addEngine();
  }

  /** Record a violation (the run fails; the first one is the headline). */
  violation(message: string): void {
    if (this.violations.length < 50) this.violations.push(message);
    this.trace.note(`!! ${message}`);
    if (process.env.FUZZ_DEBUG === "1" && this.violations.length === 1) void this.dump();
  }

  /** FUZZ_DEBUG=1: add the rows and the stack's events to the trace at the first violation. */
  private async dump(): Promise<void> {
    const id = await this.runtime.store.findStackId(STACK);
    const lines: string[] = ["-- rows:"];
    for (const r of await this.rows()) {
      lines.push(`   ${r.id} ${r.name} ${r.action}_${r.status} pid=${r.physicalId ?? "-"} req=[${r.requires.join(",")}] rep=${r.replaces ?? "-"} by=${r.replacedBy ?? "-"} lock=${r.lockHolder ?? "-"} t=${r.createdTraversal.slice(0, 4)} tpl=${r.templateId.slice(0, 4)} "${r.statusReason}"`);
    }
    const pending = this.runtime.pending().map((p) => (p.message.kind === "node" ? `${p.message.direction}:${p.message.rowId}@${p.message.traversalId.slice(0, 4)}` : `${p.message.kind}@${p.message.traversalId.slice(0, 4)}`));
    lines.push(`-- pending (${pending.length}): ${pending.slice(0, 40).join(" ")}; live engines ${this.live().join(",")}`);
    lines.push("-- events:");
    for (const e of id === null ? [] : await this.runtime.store.readEvents(id, null)) {
      lines.push(`   ${e.traversalId.slice(0, 4)} ${e.kind === "stack" ? "STACK" : `${e.resourceName ?? ""}#${e.rowId ?? ""}`} ${e.action}_${e.status} ${e.reason}`);
    }
    this.trace.note(lines.join("\n"));
  }

  /**
   * True for a live resource no engine can ever know about: made by a type with neither
   * `read` nor an idempotent create, whose engine died before any row recorded its id.
   */
  exempt(physicalId: string): boolean {
    const t = this.options.type;
    // Unless a row recorded it after all (the resume of its row adopted it).
    if ((this.reportedOrphans.has(physicalId) || this.unknowable.has(physicalId)) && !this.recorded.has(physicalId)) return true;
    return t.withRead === false && t.idempotent === false && !this.recorded.has(physicalId);
  }

  /** Register a fresh engine; returns its id. */
  async addEngine(): Promise<string> {
    const engineId = `e${++this.engineSeq}`;
    const engine = createEngine({
      runtime: this.runtime,
      types: [this.type],
      engineId,
      logger: { ...silentLogger, warn: (m) => this.engineWarning(m), error: (m) => this.engineError(m) },
      watchdogIntervalMs: this.options.watchdogIntervalMs,
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000 },
    });
    this.engines.set(engineId, engine);
    for (let i = 0; i < 100 && !this.runtime.liveEngines().includes(engineId); i++) await new Promise((r) => setImmediate(r));
    return engineId;
  }

  /** An engine's warning: counted when the watchdog resumed something; traced with FUZZ_DEBUG=1. */
  private engineWarning(message: string): void {
    if (message.startsWith("watchdog")) this.stats.watchdogResumes += 1;
    if (process.env.FUZZ_DEBUG === "1") this.trace.note(`  warning: ${message}`);
  }

  /** An engine's error log line: an orphan it reports is recorded, anything else is ignored (as before). */
  private engineError(message: string): void {
    const orphan = /^orphaned resource (\S+):/.exec(message);
    if (orphan?.[1] === undefined) return;
    this.reportedOrphans.add(orphan[1]);
    this.stats.orphansReported += 1;
    this.trace.note(`  reported: ${message}`);
  }

  /** Ids of the live engines (paused ones included). */
  live(): string[] {
    return this.runtime.liveEngines();
  }

  /** Live engines that are not paused: the ones that run checks and serve the API. */
  active(): string[] {
    return this.live().filter((id) => !this.frozen.has(id));
  }

  /** Live engines paused now. */
  paused(): string[] {
    return this.live().filter((id) => this.frozen.has(id));
  }

  /**
   * Pause `engineId` past its lease (a SIGSTOP, a long GC pause, a frozen VM): its lease
   * lapses - its running checks' signals abort, other engines may take its rows over - and it
   * runs nothing until {@link resume}. Its calls held now go on after that as a zombie's: late
   * results that it can no longer record.
   */
  async pause(engineId: string): Promise<void> {
    if (this.active().length < 2) this.trace.note(`  engine ${await this.addEngine()} registered`);
    this.frozen.add(engineId);
    for (const gate of this.gates) if (gate.engineId === engineId) gate.zombie = true;
    this.runtime.lapseLease(engineId);
    this.stats.pauses += 1;
    await this.quiesce();
  }

  /** A paused engine wakes: its lease is held again (checks it started before stay fenced). */
  resume(engineId: string): void {
    this.frozen.delete(engineId);
    this.runtime.renewLease(engineId);
  }

  /** A live, active engine for an API call (any engine can serve the API; a live one is realistic). */
  api(): Engine {
    return this.engines.get(this.rng.pick(this.active())) as Engine;
  }

  /** Held plugin calls (a paused engine's included). */
  held(): readonly Gate[] {
    return [...this.gates];
  }

  /** Held plugin calls of engines that are not paused (a paused process's calls cannot return). */
  movable(): readonly Gate[] {
    return [...this.gates].filter((g) => !this.frozen.has(g.engineId));
  }

  /**
   * Run one pending check on `engineId`. Resolves when it finished or is held at a gate.
   * False when nothing is pending.
   */
  async step(engineId: string, options: { duplicate?: boolean; crashAfterOps?: number } = {}): Promise<boolean> {
    if (this.runtime.pending().length === 0) return false;
    this.stats.steps += 1;
    this.unfinished += 1;
    const context: StepContext = { engineId, zombieMade: [], zombieUpdated: [] };
    const running = stepEngine
      .run(context, () => this.runtime.step({ engineId, ...options }))
      .catch((error: unknown) => this.violation(`step threw: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        this.zombieSteps.delete(context);
        // Its engine died in this step (an injected crash) before it could record or delete them.
        if (context.zombieMade.length + context.zombieUpdated.length > 0 && !this.live().includes(engineId)) this.lostByDeath(engineId, context);
        this.unfinished -= 1;
        this.wake();
      });
    if (this.blockRate === 0 && this.gates.size === 0) await running;
    await this.quiesce();
    return true;
  }

  /**
   * Wait until every started step has finished or is held at a gate, then deal with the
   * engines that died meanwhile (a crash point may be reached after a held call goes on).
   */
  async quiesce(): Promise<void> {
    for (let spins = 0; this.unfinished !== this.gates.size + this.hung; spins++) {
      if (spins > 10_000) throw new Error("a check neither finished nor blocked in a plugin call");
      // Woken as soon as a step ends or a call is held; a macrotask turn is only the fallback.
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setImmediate(resolve);
      });
    }
    const live = new Set(this.live());
    const died = [...this.engines.keys()].filter((id) => !live.has(id) && !this.dead.has(id));
    for (const id of died) {
      this.dead.add(id);
      await this.afterDeath(id);
    }
  }

  /**
   * Let a held call go on (`release`), fail it with a plugin error (`fail`) or - only for a
   * dead engine's call - leave it in flight forever (`hang`).
   */
  async unblock(gate: Gate, how: "release" | "fail" | "hang"): Promise<void> {
    if (how === "release") gate.release();
    else if (how === "fail") gate.fail("injected failure while in flight");
    else gate.abandon();
    await this.quiesce();
  }

  /**
   * Kill an engine. A crashed process does not go on with its plugin calls later: a held call
   * of the dead engine either reached the cloud just before the death (released now), never
   * did (failed now) - either way its engine's next runtime operation fails - or never returns
   * (hung: only the runtime's hand-back of the dead engine's check lets the traversal go on).
   */
  async kill(engineId: string): Promise<void> {
    await this.runtime.killEngine(engineId);
    await this.quiesce();
  }

  private async afterDeath(engineId: string): Promise<void> {
    this.stats.crashes += 1;
    // A paused engine that woke, made a resource in a late call and died before its check could
    // record or delete it: only it knew of that resource (a double fault nothing survives
    // without a cloud that fences its callers).
    for (const step of [...this.zombieSteps].filter((s) => s.engineId === engineId)) {
      this.zombieSteps.delete(step);
      this.lostByDeath(engineId, step);
    }
    for (let gate = this.heldBy(engineId); gate !== undefined; gate = this.heldBy(engineId)) {
      const how = (["release", "fail", "hang"] as const)[this.rng.weighted([2, 2, 1])] ?? "release";
      this.trace.note(`  held ${gate.op} ${gate.name} of dead ${engineId}: ${how}`);
      await this.unblock(gate, how);
    }
    if (this.active().length < 2) this.trace.note(`  engine ${await this.addEngine()} registered`);
    await this.quiesce();
  }

  /**
   * What a paused engine made or updated late and could not deal with before it died: a
   * resource nobody can know of, or one whose properties nobody can know changed.
   */
  private lostByDeath(engineId: string, step: StepContext): void {
    for (const id of step.zombieMade) this.unknowable.add(id);
    for (const id of step.zombieUpdated) this.diverged.add(id);
    this.trace.note(`  ${engineId} died before it could deal with what it did late, after a pause: made ${step.zombieMade.join(", ") || "-"}, updated ${step.zombieUpdated.join(", ") || "-"}`);
  }

  private heldBy(engineId: string): Gate | undefined {
    return [...this.gates].find((g) => g.engineId === engineId);
  }

  /** Release every held call (settling). */
  async releaseAll(): Promise<void> {
    for (let gate = this.held()[0]; gate !== undefined; gate = this.held()[0]) await this.unblock(gate, "release");
  }

  /** The stored stack record, null when gone. */
  async stack(): Promise<StackRecord | null> {
    const id = await this.runtime.store.findStackId(STACK);
    return id === null ? null : this.runtime.store.loadStack(id);
  }

  /** Every stored row of the stack. */
  async rows(): Promise<ResourceRow[]> {
    const id = await this.runtime.store.findStackId(STACK);
    return id === null ? [] : this.runtime.store.loadRows(id);
  }

  /**
   * A crashed process makes no new plugin call (its engine's code only runs on until its next
   * runtime operation, which fails). Without this, a dead engine's retry loop would call the
   * cloud again long after another engine took its row over: a zombie, not a crash.
   */
  private assertAlive(): void {
    const engineId = stepEngine.getStore()?.engineId;
    if (engineId !== undefined && !this.live().includes(engineId)) throw new Error(`engine ${engineId} is dead`);
  }

  /** Hold a plugin call at a gate, at random; true when it goes on as a zombie's call (see {@link pause}). */
  private async gate(op: Gate["op"], ctx: { resourceName: string; signal: AbortSignal }): Promise<boolean> {
    this.assertAlive();
    if (this.blockRate === 0 || this.gates.size >= this.maxGates || !this.rng.chance(this.blockRate)) return false;
    const engineId = stepEngine.getStore()?.engineId ?? "?";
    this.stats.blocked += 1;
    const honour = this.options.type.honourAbort !== false;
    return new Promise<boolean>((resolve, reject) => {
      const gate: Gate = {
        op,
        name: ctx.resourceName,
        engineId,
        zombie: false,
        release: () => {
          if (!this.gates.delete(gate)) return;
          if (gate.zombie) this.stats.zombieCalls += 1;
          resolve(gate.zombie);
        },
        fail: (message) => {
          if (this.gates.delete(gate)) reject(new ResourceError(message));
        },
        abandon: () => {
          if (!this.gates.delete(gate)) return;
          this.hung += 1;
          this.stats.hungForever += 1;
        },
      };
      this.gates.add(gate);
      this.wake();
      this.trace.note(`  ${op} ${ctx.resourceName} on ${engineId} held in flight`);
      if (honour) {
        if (ctx.signal.aborted) gate.fail("aborted by signal");
        ctx.signal.addEventListener("abort", () => gate.fail("aborted by signal"), { once: true });
      }
    });
  }

  /**
   * The ordering invariant, checked right before a resource is deleted: no live resource may
   * still require it - by its row's `requires`, or by holding its physical id in a property
   * that its template gives as `get_resource` (an id copied through `get_attr` of a third
   * resource is a dependency on that third resource, not on this one).
   */
  private async checkDeleteOrder(ctx: DeleteContext): Promise<void> {
    const id = ctx.physicalId;
    if (id === null || !this.reality.entries.has(id)) return;
    const rows = (await this.rows()).filter(isActive);
    // A second resource of the row that its row never recorded (a paused engine's late create,
    // deleted as it could not be recorded): no dependent row holds it; references are checked below.
    const own = rows.find((r) => r.id === ctx.rowId);
    const duplicate = own !== undefined && own.physicalId !== null && own.physicalId !== id;
    for (const row of rows) {
      if (duplicate || row.id === ctx.rowId || !row.requires.includes(ctx.rowId)) continue;
      if (row.physicalId === null || row.physicalId === id || !this.reality.entries.has(row.physicalId)) continue;
      this.violation(
        `ordering: ${ctx.resourceName} row ${ctx.rowId} (${id}) deleted while row ${row.id} of ${row.name} ` +
          `(${row.physicalId}, ${row.action}_${row.status}) requires it and is live`,
      );
    }
    for (const [liveId, entry] of this.reality.entries) {
      // A paused engine's late resource that no row recorded is not in the dependency graph:
      // until its clean-up delete lands, a dependency of it may go first. Nor is a reference a
      // late update set, until its row's properties are applied again (`late-update.ts`).
      if (liveId === id || this.exempt(liveId) || (this.lateMade.has(liveId) && !this.recorded.has(liveId)) || this.lateUpdated.has(liveId)) continue;
      const props = Object.entries(entry.properties).filter(([, v]) => v === id).map(([p]) => p);
      if (props.length === 0) continue;
      // The row that lists the resource, or - an interrupted create that never recorded its
      // id - the row that made it.
      const creator = this.createdBy.get(liveId);
      const owner =
        rows.find((r) => r.physicalId === liveId) ??
        (creator?.generation === this.generation ? rows.find((r) => r.id === creator.rowId && r.physicalId === null) : undefined);
      const model = owner === undefined ? undefined : this.modelOf(owner.templateId)?.resources.find((r) => r.name === owner.name);
      const direct = props.filter((p) => model === undefined || model.props[p as Prop]?.kind === "ref");
      if (direct.length === 0) continue;
      this.violation(`ordering: ${ctx.resourceName} (${id}) deleted while live ${entry.name} (${liveId}) refers to it in ${direct.join(", ")}`);
    }
  }

  /** The scenario type with gates in front of create/update/delete and the ordering check. */
  private instrument(base: AnyResourceType): AnyResourceType {
    const update = base.update?.bind(base);
    const read = base.read?.bind(base);
    return defineResourceType({
      type: base.type,
      properties: base.properties,
      attributes: base.attributeNames,
      updatable: base.updatable ?? "all",
      idempotentCreate: base.idempotentCreate ?? false,
      create: async (ctx) => ((await this.gate("create", ctx)) ? zombieCall.run(true, () => base.create(ctx)) : base.create(ctx)),
      ...(update === undefined
        ? {}
        : {
            update: async (ctx) => ((await this.gate("update", ctx)) ? zombieCall.run(true, () => update(ctx)) : update(ctx)),
          }),
      delete: async (ctx) => {
        await this.gate("delete", ctx);
        await this.checkDeleteOrder(ctx);
        await base.delete(ctx);
      },
      ...(read === undefined ? {} : { read }),
    });
  }
}

/**
 * A fake cloud for tests: `physicalId -> { name, properties }`, written by the scenario
 * resource type, with an operation log, failure injection and blocking hooks.
 */
import { ResourceError, RetryableError } from "../errors.js";

/** One live resource of the fake cloud. */
export interface RealityEntry {
  /** Logical name of the resource that created it. */
  readonly name: string;
  /** Properties it was created or last updated with. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** One operation performed on the fake cloud. */
export interface RealityOp {
  /** Position in the log. */
  readonly seq: number;
  /** Operation. */
  readonly op: "create" | "update" | "delete";
  /** Logical name. */
  readonly name: string;
  /** Physical id. */
  readonly physicalId: string;
  /** Resource row that performed the operation, when the caller said (the scenario type does). */
  readonly rowId?: string;
}

/**
 * Observer of the fake cloud, called right after each operation was applied (so during a
 * `delete`, `entries` no longer holds the deleted resource). Used by invariant checkers.
 */
export type RealityObserver = (op: RealityOp, reality: Reality) => void;

/** How an injected failure fails. */
export interface FailureSpec {
  /** Which operation. */
  readonly op: "create" | "update" | "delete";
  /** Which resource name. */
  readonly name: string;
  /** How many times it fails (then succeeds). @default Infinity */
  readonly times?: number;
  /** Fail with a retryable error. @default false */
  readonly retryable?: boolean;
  /** Message. @default "injected failure" */
  readonly message?: string;
}

/** A fake cloud. */
export class Reality {
  /** Live resources by physical id. */
  readonly entries = new Map<string, RealityEntry>();
  /** Every operation performed, in order. */
  readonly log: RealityOp[] = [];
  /**
   * Every handler call the scenario type made, in order, including calls that change nothing
   * (a delete of an unknown id) or fail: what "removed without a plugin call" is checked on.
   */
  readonly calls: Array<{ readonly op: "create" | "update" | "delete"; readonly name: string }> = [];
  /** Physical ids created per idempotency key (so a retried create never makes two). */
  readonly byKey = new Map<string, string>();
  private counter = 0;
  private failures: Array<FailureSpec & { left: number }> = [];
  private blocks = new Map<string, { promise: Promise<void>; release: () => void }>();
  private readonly observers = new Set<RealityObserver>();
  /** Physical id by lookup tag (what a non-idempotent create was tagged with, for `read`). */
  private readonly byTag = new Map<string, string>();
  /** Injected `read` failures by resource name. */
  private readonly readFailures = new Map<string, { readonly message: string; left: number }>();

  /** Call `observer` after every create, update and delete; returns an unsubscribe function. */
  observe(observer: RealityObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** The live physical id last created with this tag (see `create`), or undefined. */
  findByTag(tag: string): string | undefined {
    const id = this.byTag.get(tag);
    return id !== undefined && this.entries.has(id) ? id : undefined;
  }

  private record(op: Omit<RealityOp, "seq">): void {
    const entry: RealityOp = { seq: this.log.length, ...op };
    this.log.push(entry);
    for (const observer of this.observers) observer(entry, this);
  }

  /** Make `op` of `name` fail. */
  fail(spec: FailureSpec): void {
    this.failures.push({ ...spec, left: spec.times ?? Number.POSITIVE_INFINITY });
  }

  /** Remove every injected failure. */
  clearFailures(): void {
    this.failures = [];
  }

  /** Make `op` of `name` wait until released (or aborted); returns the release function. */
  block(op: "create" | "update" | "delete", name: string): () => void {
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.blocks.set(`${op}:${name}`, { promise, release });
    return () => {
      this.blocks.delete(`${op}:${name}`);
      release();
    };
  }

  /** Called by the type before an operation: injected failures and blocks. */
  async before(op: "create" | "update" | "delete", name: string, signal: AbortSignal, honourAbort: boolean): Promise<void> {
    this.calls.push({ op, name });
    const block = this.blocks.get(`${op}:${name}`);
    if (block !== undefined) {
      await (honourAbort
        ? Promise.race([
            block.promise,
            new Promise<never>((_, reject) => {
              if (signal.aborted) reject(new ResourceError("aborted by signal"));
              signal.addEventListener("abort", () => reject(new ResourceError("aborted by signal")), { once: true });
            }),
          ])
        : block.promise);
    }
    const failure = this.failures.find((f) => f.op === op && f.name === name && f.left > 0);
    if (failure !== undefined) {
      failure.left -= 1;
      const message = failure.message ?? `injected ${op} failure of ${name}`;
      throw failure.retryable === true ? new RetryableError(message) : new ResourceError(message);
    }
  }

  /**
   * Create an entry (idempotent per key). `meta.rowId` is recorded in the log; `meta.tag`
   * lets `findByTag` find the entry later (a create that is not idempotent but can be read).
   */
  create(
    stackName: string,
    name: string,
    properties: Record<string, unknown>,
    key: string,
    meta?: { readonly rowId?: string; readonly tag?: string },
  ): string {
    const existing = this.byKey.get(key);
    if (existing !== undefined && this.entries.has(existing)) return existing;
    const physicalId = `${stackName}-${name}-${++this.counter}`;
    this.entries.set(physicalId, { name, properties: { ...properties } });
    this.byKey.set(key, physicalId);
    if (meta?.tag !== undefined) this.byTag.set(meta.tag, physicalId);
    this.record({ op: "create", name, physicalId, ...(meta?.rowId === undefined ? {} : { rowId: meta.rowId }) });
    return physicalId;
  }

  /** Rewrite an entry's properties. */
  update(physicalId: string, properties: Record<string, unknown>, rowId?: string): void {
    const entry = this.entries.get(physicalId);
    if (entry === undefined) throw new ResourceError(`resource ${physicalId} does not exist`);
    this.entries.set(physicalId, { name: entry.name, properties: { ...properties } });
    this.record({ op: "update", name: entry.name, physicalId, ...(rowId === undefined ? {} : { rowId }) });
  }

  /** Remove an entry (absent is fine). */
  delete(physicalId: string, rowId?: string): void {
    const entry = this.entries.get(physicalId);
    if (entry === undefined) return;
    this.entries.delete(physicalId);
    this.record({ op: "delete", name: entry.name, physicalId, ...(rowId === undefined ? {} : { rowId }) });
  }

  /**
   * Change an entry's properties behind the engine's back (drift): merged over the current
   * ones, `undefined` removes one. Not logged: no handler did it.
   */
  tamper(physicalId: string, properties: Readonly<Record<string, unknown>>): void {
    const entry = this.entries.get(physicalId);
    if (entry === undefined) throw new ResourceError(`resource ${physicalId} does not exist`);
    const next = Object.fromEntries(Object.entries({ ...entry.properties, ...properties }).filter(([, v]) => v !== undefined));
    this.entries.set(physicalId, { name: entry.name, properties: next });
  }

  /** Remove an entry behind the engine's back (someone deleted it by hand). Not logged. */
  vanish(physicalId: string): void {
    this.entries.delete(physicalId);
  }

  /** Make the scenario type's `read` of resource `name` fail (`times` times, default always). */
  failRead(name: string, message = `injected read failure of ${name}`, times = Number.POSITIVE_INFINITY): void {
    this.readFailures.set(name, { message, left: times });
  }

  /** Called by the scenario type's `read`: throws an injected read failure. */
  beforeRead(name: string): void {
    const failure = this.readFailures.get(name);
    if (failure === undefined || failure.left <= 0) return;
    failure.left -= 1;
    throw new ResourceError(failure.message);
  }

  /** Live entries with this name. */
  live(name: string): Array<{ physicalId: string; entry: RealityEntry }> {
    return [...this.entries].filter(([, e]) => e.name === name).map(([physicalId, entry]) => ({ physicalId, entry }));
  }

  /** Count of live entries per name. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const entry of this.entries.values()) out[entry.name] = (out[entry.name] ?? 0) + 1;
    return out;
  }

  /** Index in the log of the first `op` on `name` (or on `physicalId` when given), -1 if none. */
  indexOf(op: RealityOp["op"], name: string, physicalId?: string): number {
    return this.log.findIndex((o) => o.op === op && o.name === name && (physicalId === undefined || o.physicalId === physicalId));
  }
}

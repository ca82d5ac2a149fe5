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
}

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
  /** Physical ids created per idempotency key (so a retried create never makes two). */
  readonly byKey = new Map<string, string>();
  private counter = 0;
  private failures: Array<FailureSpec & { left: number }> = [];
  private blocks = new Map<string, { promise: Promise<void>; release: () => void }>();

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

  /** Create an entry (idempotent per key). */
  create(stackName: string, name: string, properties: Record<string, unknown>, key: string): string {
    const existing = this.byKey.get(key);
    if (existing !== undefined && this.entries.has(existing)) return existing;
    const physicalId = `${stackName}-${name}-${++this.counter}`;
    this.entries.set(physicalId, { name, properties: { ...properties } });
    this.byKey.set(key, physicalId);
    this.log.push({ seq: this.log.length, op: "create", name, physicalId });
    return physicalId;
  }

  /** Rewrite an entry's properties. */
  update(physicalId: string, properties: Record<string, unknown>): void {
    const entry = this.entries.get(physicalId);
    if (entry === undefined) throw new ResourceError(`resource ${physicalId} does not exist`);
    this.entries.set(physicalId, { name: entry.name, properties: { ...properties } });
    this.log.push({ seq: this.log.length, op: "update", name: entry.name, physicalId });
  }

  /** Remove an entry (absent is fine). */
  delete(physicalId: string): void {
    const entry = this.entries.get(physicalId);
    if (entry === undefined) return;
    this.entries.delete(physicalId);
    this.log.push({ seq: this.log.length, op: "delete", name: entry.name, physicalId });
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

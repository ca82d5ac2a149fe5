/**
 * The ends of check attempts, recorded in each stack's attempts hash (what `attemptRunning`
 * reads for engines of other processes). An ended attempt may be reported running a little
 * longer (the contract allows it; never the other way round), so ends are not written one
 * command each: the next claim call of a job of the same stack removes them in its own script
 * call (`claimCheck-1`; a claim made by BullMQ's fetch, `fetch-claim.ts`, takes none), and
 * whatever no claim took within {@link ATTEMPT_END_DELAY_MS} is removed with one HDEL per
 * stack. A failed removal is retried (a stale entry would park others' checks behind a lock
 * nobody releases). In manual mode every end is written at once, so a stepped test sees the
 * hash as it would after each check.
 */
import type { Logger } from "@converge/core";
import { asError } from "./host-slot.js";
import type { RedisClient } from "./script-loader.js";
import { command } from "./store-context.js";

/** Longest time an ended attempt waits for a claim of its stack to remove it, ms. */
export const ATTEMPT_END_DELAY_MS = 50;

/** Delay before an HDEL that failed is retried, ms. */
const RETRY_MS = 1000;

/** Ended attempts not yet removed from their stacks' attempts hashes. */
export class AttemptEnds {
  /** Attempts hash key -> ended attempts waiting. */
  private readonly pending = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: () => RedisClient,
    private readonly logger: Pick<Logger, "warn">,
    /** Write every end at once (manual mode). */
    private readonly immediate: boolean,
  ) {}

  /** Record that `attempt` (of the stack whose attempts hash is `key`) ended. */
  end(key: string, attempt: string): void {
    this.add(key, [attempt], this.immediate ? 0 : ATTEMPT_END_DELAY_MS);
  }

  /** Take the ended attempts of one stack, for a claim to remove (give them back if it failed). */
  take(key: string): string[] {
    const list = this.pending.get(key) ?? [];
    this.pending.delete(key);
    return list;
  }

  /** Give back ended attempts a claim did not remove (its call failed). */
  restore(key: string, attempts: readonly string[]): void {
    if (attempts.length > 0) this.add(key, attempts, RETRY_MS);
  }

  /** Remove every waiting end now. */
  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(
      batch.map(async ([key, attempts]) => {
        try {
          await command("HDEL attempts", () => this.client().hdel(key, ...attempts));
        } catch (error) {
          this.logger.warn(`cannot record the end of ${attempts.length} check attempt(s), will retry: ${asError(error).message}`);
          this.add(key, attempts, RETRY_MS);
        }
      }),
    );
  }

  private add(key: string, attempts: readonly string[], delayMs: number): void {
    const list = this.pending.get(key);
    if (list === undefined) this.pending.set(key, [...attempts]);
    else list.push(...attempts);
    if (delayMs === 0) {
      void this.flush();
      return;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), delayMs);
      this.timer.unref();
    }
  }
}

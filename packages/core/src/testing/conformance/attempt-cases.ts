/**
 * Conformance cases of check attempts (`Delivery.attempt`, `Runtime.attemptRunning`): every
 * delivery names a fresh attempt, which runs exactly while its handler runs. The protocol
 * steals a live engine's row lock when the attempt that took it is no longer running, so a
 * runtime must never answer false for a running attempt - and must answer false, soon, for
 * one that ended, or a lock it left would park other checks forever.
 */
import assert from "node:assert/strict";
import type { Runtime } from "../../runtime/contract.js";
import { ATTEMPT_PATTERN } from "../../runtime/lock-holder.js";
import { nodeCheck } from "./delivery-cases.js";
import { installStack } from "./fixtures.js";
import type { CaseSpec } from "./target.js";

/** Wait (in real time, polling) until `done()` holds. */
async function eventually(done: () => Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > until) throw new assert.AssertionError({ message: `${what}: did not happen within ${limitMs} ms` });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a handler saw of its own attempt. */
interface SeenAttempt {
  readonly attempt: string | undefined;
  /** attemptRunning(own engine, own attempt) during the handler. */
  readonly running: boolean;
  /** attemptRunning(another engine, own attempt) during the handler. */
  readonly runningElsewhere: boolean;
}

async function seeAttempt(runtime: Runtime, engineId: string, attempt: string | undefined, stackId: string): Promise<SeenAttempt> {
  if (attempt === undefined) return { attempt, running: false, runningElsewhere: false };
  return {
    attempt,
    running: await runtime.attemptRunning(engineId, attempt, stackId),
    runningElsewhere: await runtime.attemptRunning(`${engineId}-other`, attempt, stackId),
  };
}

/** The cases of check attempts. */
export const attemptCases: readonly CaseSpec[] = [
  {
    name: "attemptRunning: each delivery names a fresh attempt, running while its handler runs, not after it returned or threw",
    async body(t) {
      const { runtime } = t;
      const { stack } = await installStack(runtime, 0);
      const seen: SeenAttempt[] = [];
      const reg = await runtime.registerWorker("conf-attempt", async (delivery) => {
        seen.push(await seeAttempt(delivery.runtime, "conf-attempt", delivery.attempt, stack.id));
        if (seen.length === 1) throw new Error("the first delivery fails (delivered again)");
      });
      await runtime.enqueue([nodeCheck(stack, "1")]);
      await t.deliverUntil(() => seen.length >= 2, "the failed check was delivered again");
      await t.settle();
      const attempts = seen.map((s) => s.attempt);
      for (const attempt of attempts) assert.ok(attempt !== undefined && ATTEMPT_PATTERN.test(attempt), `a delivery's attempt ${String(attempt)} does not match ATTEMPT_PATTERN`);
      assert.equal(new Set(attempts).size, attempts.length, "two deliveries share an attempt token");
      for (const s of seen) {
        assert.equal(s.running, true, "attemptRunning is false for the attempt whose handler is running");
        assert.equal(s.runningElsewhere, false, "attemptRunning is true for the attempt under another engine id");
      }
      for (const attempt of attempts) {
        await eventually(async () => !(await runtime.attemptRunning("conf-attempt", attempt as string, stack.id)), `attempt ${String(attempt)} reads as running after its handler ended`);
      }
      assert.equal(await runtime.attemptRunning("conf-attempt", "never-delivered", stack.id), false);
      await reg.close();
    },
  },
];

/** Cases run only when the target offers a peer runtime over the same state. */
export const attemptPeerCases: readonly CaseSpec[] = [
  {
    name: "peer: an attempt running on an engine of one runtime is running as seen from the other, and not after it ended",
    async body(t) {
      const peer = await (t.peer as () => Promise<Runtime>)();
      const { stack } = await installStack(t.runtime, 0);
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let attempt: string | undefined;
      const reg = await peer.registerWorker("conf-peer-attempt", async (delivery) => {
        attempt = delivery.attempt;
        await held;
      });
      await t.runtime.enqueue([nodeCheck(stack, "1")]);
      await eventually(async () => attempt !== undefined, "the peer's worker received the check");
      const running = attempt as string;
      assert.equal(await t.runtime.attemptRunning("conf-peer-attempt", running, stack.id), true, "a running attempt of a peer engine reads as not running");
      release();
      await eventually(async () => !(await t.runtime.attemptRunning("conf-peer-attempt", running, stack.id)), "the peer's attempt reads as running after it ended");
      await reg.close();
    },
  },
];

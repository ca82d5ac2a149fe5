/**
 * A stack whose state vanished (Redis lost its data): one error line per stack, whichever
 * check or BullMQ worker finds it first. BullMQ's "Missing key for job" error (the job vanished
 * while it ran) is such a finding when the job's stack is gone without a tombstone; for a
 * deleted stack it stays quiet.
 */
import { StackStateLostError } from "@converge/core";
import type { RuntimeStore } from "@converge/core";
import type { HostSettings } from "./host-slot.js";

const safeDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** Stacks whose lost state was logged. */
export class LostStacks {
  private readonly lost = new Set<string>();

  constructor(
    private readonly store: RuntimeStore,
    private readonly logger: HostSettings["logger"],
  ) {}

  /** Log a stack's lost state once. */
  report(error: StackStateLostError): void {
    const stackId = error.stackId ?? error.stackName;
    if (this.lost.has(stackId)) return;
    if (this.lost.size > 1000) this.lost.clear();
    this.lost.add(stackId);
    this.logger.error(error.message, { stackId });
  }

  /** An error of a BullMQ worker: a lost stack's finding, else a warning. */
  onWorkerError(engineId: string, error: Error): void {
    const warn = (): void => this.logger.warn(`BullMQ worker of engine ${engineId}: ${error.message}`);
    const jobId = /^Missing key for job (\S+)\. /.exec(error.message)?.[1];
    const stackId = jobId === undefined ? undefined : safeDecode(jobId.split("|")[0] ?? "");
    if (stackId === undefined || stackId === "") return warn();
    if (this.lost.has(stackId)) return;
    void (async () => {
      if ((await this.store.loadStack(stackId)) !== null) return warn();
      if ((await this.store.loadTombstone(stackId)) === null) this.report(new StackStateLostError({ id: stackId }));
    })().catch(() => warn());
  }
}

/**
 * Checks as BullMQ jobs. A job's payload is the check message (ids only: constant size
 * whatever the graph, W-F) and its id is deterministic:
 *
 *   <stackId>|<traversalId>|<check>|<generation>      check = "U:<row>", "C:<row>", "complete", ...
 *
 * (each part URI-encoded). BullMQ ignores an add whose id exists, which absorbs a second
 * enqueue of a check still waiting - harmless, that job has read nothing yet. The generation
 * moves on when a job of the check starts (`claimCheck-1.lua`), so an enqueue after that
 * start (a retrigger, a re-fire, a watchdog resume) makes a new job and is never lost.
 *
 * A job's name says what it does, for people looking at the queue (Bull Board, Taskforce):
 * `<stack>/<resource> update`, `<stack>/<resource> cleanup`, or `<stack> <kind>` (`complete`,
 * `timeout`, `watchdog`, `reconcile`), the names read by the same script that gives the ids.
 */
import type { Job, JobsOptions, Queue } from "bullmq";
import { CorruptMessageError, STACK_NODE, nodeKey, parseCheckMessage } from "@converge/core";
import type { CheckMessage, SyncKey } from "@converge/core";
import { json } from "./codec.js";
import { stackIdProblem, syncTraversal } from "./keys.js";
import { unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";
import { SYNC_READ_PAGE } from "./store-sync.js";
import { setMarker, unmarkedSuccessors } from "./unmarked-successors.js";

/** Checks given their ids by one script call (a long argument list overflows the client's stack). */
const PREPARE_BATCH = 1000;

/**
 * The BullMQ version whose `addStandardJob` the `addJobs-6+` script mirrors, as BullMQ
 * records it in the queue's meta hash (`test/add-jobs.test.ts` checks the installed one).
 */
export const BULLMQ_META_VERSION = "bullmq:6.7.0";

/**
 * Jobs added by one `addJobs-6+` call (or one BullMQ addBulk MULTI): Redis runs either without
 * interruption; 200 jobs take ~1.5 ms of Redis time on a quiet machine (on a loaded one a
 * call is stretched by preemption, so the batch is kept well under SLOWLOG's 50 ms).
 */
export const ENQUEUE_BATCH = 200;

/** Retry policy of jobs whose handler fails with an infrastructure error. */
export interface JobRetry {
  /** Deliveries in total before the job is dropped. */
  readonly attempts: number;
  /** First backoff delay (exponential), ms; 0 = retry at once. */
  readonly delayMs: number;
}

/** The field of a check in its traversal's generations hash. */
export function checkField(message: CheckMessage): string {
  return message.kind === "node" ? nodeKey(message.direction, message.rowId) : message.kind;
}

/** Whether a check counts in `activity` (the watchdog does not, like the memory runtime). */
export function isTracked(message: CheckMessage): boolean {
  return message.kind !== "watchdog";
}

/** The job id of a check without its generation. */
export function jobIdBase(message: CheckMessage): string {
  return [message.stackId, message.traversalId, checkField(message)].map(encodeURIComponent).join("|");
}

/** Longest stack or resource name put in a job name (longer ones are cut, with "…"). */
const MAX_NAME_PART = 120;

/** The last word of a check's job name: `update` / `cleanup` for a node, else the kind. */
export function jobAction(message: CheckMessage): string {
  if (message.kind !== "node") return message.kind;
  return message.direction === "U" ? "update" : "cleanup";
}

const part = (name: string): string => (name.length > MAX_NAME_PART ? `${name.slice(0, MAX_NAME_PART - 1)}…` : name);

/**
 * The readable name of a check's job: `web/db update`, `web/db cleanup`, `web complete`. An
 * unknown stack name (a create's timers are scheduled before its record is written) is the
 * stack id; an unknown row name is `row <id>`.
 */
export function jobName(message: CheckMessage, stackName: string | null, rowName: string | null): string {
  const stack = part(stackName ?? message.stackId);
  if (message.kind !== "node") return `${stack} ${jobAction(message)}`;
  return `${stack}/${part(rowName ?? `row ${message.rowId}`)} ${jobAction(message)}`;
}

/** A JSON string reply of the names script, or null. */
function storedName(reply: unknown): string | null {
  if (typeof reply !== "string") return null;
  try {
    const value: unknown = JSON.parse(reply);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** A validated job: its check message and generation. */
export interface ParsedJob {
  readonly message: CheckMessage;
  readonly generation: number;
  readonly jobId: string;
}

/**
 * Validate a job taken from the queue: payload (zod schema of core), name, ids that fit the
 * key scheme, and id (a job this runtime made for that payload).
 * @throws CorruptMessageError naming the job and what is wrong (the job is failed once, never retried)
 */
export function parseJob(job: Pick<Job, "id" | "name" | "data">): ParsedJob {
  const message = parseCheckMessage(job.data);
  const id = job.id ?? "";
  // `<...> <action>`, or the bare kind of jobs made before jobs had readable names.
  const action = jobAction(message);
  if (job.name !== message.kind && !job.name.endsWith(` ${action}`)) {
    throw new CorruptMessageError(`job ${JSON.stringify(id)}: its name "${job.name}" does not end with its payload's action "${action}"`);
  }
  // Ids that cannot name keys or a job id fail here, once, rather than on every retry.
  const problem = stackIdProblem(message.stackId);
  if (problem !== null) throw new CorruptMessageError(`job ${JSON.stringify(id)}: ${problem}`);
  let base: string;
  try {
    base = jobIdBase(message);
  } catch {
    throw new CorruptMessageError(`job ${JSON.stringify(id)}: its ids cannot be encoded into a job id (a lone UTF-16 surrogate)`);
  }
  const generation = id.startsWith(`${base}|`) ? id.slice(base.length + 1) : "";
  if (!/^\d{1,15}$/.test(generation)) {
    throw new CorruptMessageError(`job ${JSON.stringify(id)}: its id is not the id of its payload (expected ${base}|<generation>); not a job of this runtime`);
  }
  return { message, generation: Number(generation), jobId: id };
}

/** A check whose job id and name were given by a script (`prepareChecks-4`, `reportNode-1`). */
export interface PreparedCheck {
  readonly message: CheckMessage;
  readonly jobId: string;
  readonly name: string;
}

/** What a report script needs to add its ready targets' jobs itself (`reportNode-1.lua`). */
export interface InlineAdd {
  /** The BullMQ queue's key prefix, `<prefix>:<queue>:`. */
  readonly queuePrefix: string;
  /** The BullMQ version the queue's meta must name ({@link BULLMQ_META_VERSION}). */
  readonly version: string;
  /** Whether the jobs get BullMQ's marker (false while a worker of the queue runs here: `UnmarkedSuccessors`). */
  readonly mark: boolean;
  /** A job's stored options after its job id. */
  readonly optionsTail: string;
}

/**
 * How a report's ready targets become jobs: added by the report's own script when it can
 * (`inline`), else by `add` in the next call.
 */
export interface SuccessorAdds {
  /** Add checks whose job ids and names a script gave (`CheckQueue.addPrepared`). */
  add(checks: readonly PreparedCheck[]): Promise<void>;
  /** What a report script needs to add the jobs itself, or null when it cannot (`CheckQueue.inlineAdd`). */
  inline(): Promise<InlineAdd | null>;
  /** A report script added these jobs, with the marker or not (`CheckQueue.addedInline`). */
  added(jobIds: readonly string[], mark: boolean): void;
}

/** The readable job name of a check from the names a script read (JSON text, or null). */
export function preparedName(message: CheckMessage, stackName: unknown, rowName: unknown): string {
  return jobName(message, storedName(stackName), storedName(rowName));
}

/** Enqueues and schedules checks as jobs. */
export class CheckQueue {
  /** Whether jobs are added by `addJobs-6+` (false once the queue turned out to be another BullMQ version's). */
  private ownAdd = true;
  /** The stored options after the job id (the same for every job). */
  private readonly optionsTail: string;

  constructor(
    private readonly ctx: StoreContext,
    /** The BullMQ queue of checks. */
    readonly queue: Queue,
    private readonly retry: JobRetry,
    private readonly now: () => number,
  ) {
    const rest: Partial<JobsOptions> = this.jobOptions("");
    delete rest.jobId;
    this.optionsTail = JSON.stringify(rest).slice(1);
  }

  /**
   * Enqueue checks (leaves at once), in order, in batches of ENQUEUE_BATCH: each batch is one
   * call that Redis runs without interruption, so a batch of 100k jobs would block it
   * for seconds; batch by batch, workers start on the first checks while the rest is added.
   * Returns their job ids.
   */
  async enqueue(messages: readonly CheckMessage[]): Promise<string[]> {
    const ids: string[] = [];
    for (let from = 0; from < messages.length; from += ENQUEUE_BATCH) {
      const batch = messages.slice(from, from + ENQUEUE_BATCH);
      const prepared = await this.prepare(batch, true);
      await this.addJobs(batch.map((message, i) => ({ name: prepared.names[i] as string, data: message, jobId: prepared.ids[i] as string })));
      ids.push(...prepared.ids);
    }
    return ids;
  }

  /**
   * Add checks whose job ids and names a script gave (in batches of ENQUEUE_BATCH): a report's
   * successors, without the marker while a BullMQ worker runs here (`UnmarkedSuccessors`).
   */
  async addPrepared(checks: readonly PreparedCheck[]): Promise<void> {
    for (let from = 0; from < checks.length; from += ENQUEUE_BATCH) {
      await this.addJobs(
        checks.slice(from, from + ENQUEUE_BATCH).map((c) => ({ name: c.name, data: c.message, jobId: c.jobId })),
        unmarkedSuccessors.unmarked(this.queue.keys.marker as string),
      );
    }
  }

  /**
   * What a report script needs to add its ready targets' jobs in its own call, or null when it
   * cannot: on a cluster (the queue's keys are in another slot than the stack's), or when the
   * queue was made by another BullMQ version than the one `addStandardJobs` mirrors.
   */
  private inlineAdd(): InlineAdd | null {
    if (!this.ownAdd || this.ctx.client.isCluster) return null;
    return { queuePrefix: this.queue.toKey(""), version: BULLMQ_META_VERSION, mark: !unmarkedSuccessors.unmarked(this.queue.keys.marker as string), optionsTail: this.optionsTail };
  }

  /** How a report's ready checks become jobs of this queue, each way after `permitted` (the API role's check). */
  successorAdds(permitted: () => Promise<void> | undefined): SuccessorAdds {
    return {
      add: async (checks) => {
        await permitted();
        await this.addPrepared(checks);
      },
      inline: async () => {
        await permitted();
        return this.inlineAdd();
      },
      added: (jobIds, mark) => this.addedInline(jobIds, mark),
    };
  }

  /** A report script added these jobs (with the marker or not): what `addJobs` does after its call. */
  private addedInline(jobIds: readonly string[], mark: boolean): void {
    if (!mark && jobIds.length > 0) unmarkedSuccessors.added(jobIds, () => this.wake());
  }

  /**
   * Add one batch of jobs: one `addJobs-6+` call, which writes what BullMQ's addBulk would
   * (one MULTI of one script call per job, each job's options msgpack-encoded); when the
   * queue was made by another BullMQ version than the one that script mirrors, addBulk.
   */
  private async addJobs(jobs: ReadonlyArray<{ readonly name: string; readonly data: CheckMessage; readonly jobId: string }>, unmarked = false): Promise<void> {
    if (jobs.length === 0) return;
    if (this.ownAdd) {
      const k = this.queue.keys;
      const keys = [k.wait as string, k.meta as string, k.id as string, k.active as string, k.events as string, k.marker as string];
      const args: string[] = [BULLMQ_META_VERSION, String(this.now()), unmarked ? "0" : "1"];
      for (const job of jobs) {
        keys.push(this.queue.toKey(job.jobId));
        args.push(job.jobId, job.name, json(job.data), this.storedOptions(job.jobId));
      }
      const reply = await runScript(this.ctx.client, "addJobs", keys, args);
      if (typeof reply !== "number") throw unexpectedReply("addJobs", reply);
      if (reply >= 0) {
        if (unmarked) unmarkedSuccessors.added(jobs.map((job) => job.jobId), () => this.wake());
        return;
      }
      // Another BullMQ version made the queue: its own addBulk from now on (-2: no version
      // recorded yet, addBulk this once).
      if (reply === -1) this.ownAdd = false;
    }
    await command("BullMQ addBulk", () => this.queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: this.jobOptions(job.jobId) }))));
  }

  /** Set BullMQ's marker of the queue (see {@link setMarker}). */
  private wake(): void {
    setMarker(this.ctx, this.queue.keys.marker as string);
  }

  /** A job's options as BullMQ 6.7 stores them (its `opts` field: the options' JSON, no key BullMQ shortens). */
  private storedOptions(jobId: string): string {
    return `{"jobId":${JSON.stringify(jobId)},${this.optionsTail}`;
  }

  /** Enqueue a check to run at `at` epoch ms (a delayed job). */
  async schedule(message: CheckMessage, at: number): Promise<void> {
    const { ids, names } = await this.prepare([message], false);
    const delay = Math.max(0, Math.ceil(at - this.now()));
    await command("BullMQ add", () => this.queue.add(names[0] as string, message, { ...this.jobOptions(ids[0] as string), delay }));
  }

  private jobOptions(jobId: string): JobsOptions {
    return {
      jobId,
      removeOnComplete: true,
      // No removeOnFail: the worker that fails the job keeps it as its runtime's
      // keepFailedJobs says (BullMQ applies a worker's setting to jobs without their own).
      attempts: this.retry.attempts,
      ...(this.retry.delayMs > 0 ? { backoff: { type: "exponential", delay: this.retry.delayMs } } : {}),
    };
  }

  /**
   * Job ids and names of checks (one script per stack and traversal and up to PREPARE_BATCH
   * checks), recording tracked ones as queued.
   */
  private async prepare(messages: readonly CheckMessage[], track: boolean): Promise<{ ids: string[]; names: string[] }> {
    const groups = new Map<string, number[][]>();
    messages.forEach((m, i) => {
      const group = `${m.stackId}\n${m.traversalId}`;
      const batches = groups.get(group) ?? [];
      const last = batches[batches.length - 1];
      if (last !== undefined && last.length < PREPARE_BATCH) last.push(i);
      else batches.push([i]);
      groups.set(group, batches);
    });
    const ids: string[] = new Array<string>(messages.length);
    const names: string[] = new Array<string>(messages.length);
    const now = this.now();
    await Promise.all(
      [...groups.values()].flat().map(async (indexes) => {
        const first = messages[indexes[0] as number] as CheckMessage;
        const k = this.ctx.keys.stack(first.stackId);
        const args: Array<string | number> = [now];
        const bases: string[] = [];
        for (const i of indexes) {
          const m = messages[i] as CheckMessage;
          const base = jobIdBase(m);
          bases.push(base);
          args.push(checkField(m), base, track && isTracked(m) ? "1" : "0", m.kind === "node" ? m.rowId : "");
        }
        const reply = await runScript(this.ctx.client, "prepareChecks", [k.stack, k.queued, k.gens(first.traversalId), k.rows], args);
        if (!Array.isArray(reply) || reply.length !== 1 + 2 * indexes.length) throw unexpectedReply("prepareChecks", reply);
        const stackName = storedName(reply[0]);
        indexes.forEach((i, n) => {
          const m = messages[i] as CheckMessage;
          ids[i] = `${bases[n] as string}|${Number(reply[1 + 2 * n])}`;
          names[i] = jobName(m, stackName, storedName(reply[2 + 2 * n]));
        });
      }),
    );
    return { ids, names };
  }
}

/**
 * The sync point a check reads first, which its claim reads for it: a node's own (its inputs,
 * or its predecessors' reports), the stack's completion point for `complete`; none otherwise.
 */
export function firstSyncRead(message: CheckMessage): SyncKey | null {
  if (message.kind === "node") return nodeKey(message.direction, message.rowId);
  return message.kind === "complete" ? STACK_NODE : null;
}

/** Keys and arguments of `claimCheck-1` for a job, run as attempt `attempt` of engine `engineId`. */
export function claimArgs(ctx: StoreContext, job: ParsedJob, staleGenerationTtlMs: number, attempt: string, engineId: string): { keys: string[]; args: string[] } {
  const m = job.message;
  const k = ctx.keys.stack(m.stackId);
  const sync = firstSyncRead(m);
  return {
    keys: [k.stack],
    args: [
      job.jobId,
      checkField(m),
      String(job.generation),
      json(m.traversalId),
      String(staleGenerationTtlMs),
      m.kind === "node" ? m.rowId : "",
      sync ?? "",
      m.kind === "node" ? "1" : "0",
      attempt,
      engineId,
      String(SYNC_READ_PAGE),
      syncTraversal(m.traversalId),
    ],
  };
}

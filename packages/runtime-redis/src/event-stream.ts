/**
 * A stack's events in a Redis stream (`XADD ... MAXLEN ~`); a resource event written with its
 * row is stored compact (see `decodeEntry`). The sequence number of an event
 * is its stream id. Each stack event's id is also an entry of the stack-event marks (what
 * `marks`, for `waitForStack`, waits on). Reads that wait for new events use `XREAD BLOCK` on
 * a connection of a small pool of blocking connections (a blocked connection serves nobody
 * else); an abort drops that connection, which ends the wait at once. No polling.
 */
import { RuntimeError } from "@converge/core";
import type { EventMarks, NewStackEvent, StackEvent } from "@converge/core";
import { json, parseStored } from "./codec.js";
import { redisFailure, unexpectedReply } from "./script-codes.js";
import { runScript } from "./script-loader.js";
import { DELETED_EVENTS_KEPT } from "./store-stacks.js";
import type { RedisClient } from "./script-loader.js";
import type { StoreContext } from "./store-context.js";
import { command } from "./store-context.js";

/** Options of a read (the contract's `readEvents` options). */
export interface ReadOptions {
  readonly blockMs?: number;
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

type Entry = [id: string, fields: string[]];

/** Longest page of one read when no limit is given (the memory runtime's default). */
const DEFAULT_LIMIT = 10_000;

/** Event streams of a runtime, with its pool of blocking connections. */
export class EventStreams {
  private readonly idle: RedisClient[] = [];
  private readonly busy = new Set<RedisClient>();
  private closed = false;

  /**
   * @param ctx the store context
   * @param connect makes a new connection for blocking reads
   * @param maxIdle blocking connections kept open between reads. @default 4
   */
  constructor(
    private readonly ctx: StoreContext,
    private readonly connect: () => RedisClient,
    private readonly maxIdle = 4,
  ) {}

  /** Append events to the stack's stream. */
  async append(stackId: string, events: readonly NewStackEvent[]): Promise<void> {
    if (events.length === 0) return;
    const k = this.ctx.keys.stack(stackId);
    const kinds = events.map((event) => (event.kind === "stack" ? "1" : "0")).join("");
    const ids = await runScript(this.ctx.client, "appendEvents", [k.stack, k.events, k.stackMarks], [this.ctx.maxEventsPerStack, DELETED_EVENTS_KEPT, kinds, ...events.map(json)]);
    if (!Array.isArray(ids)) throw unexpectedReply("appendEvents", ids);
  }

  /** Events after `afterSeq` (exclusive); with `blockMs`, wait that long for some when there are none. */
  async read(stackId: string, afterSeq: string | null, options: ReadOptions = {}): Promise<StackEvent[]> {
    const key = this.ctx.keys.stack(stackId).events;
    return (await this.entries(key, afterSeq, options)).map((e) => decodeEntry(key, e));
  }

  /**
   * The stack events after `afterSeq`, as marks: the last one's sequence number and whether
   * any came. Read from the stack-event marks (`lua/appendEvents-3.lua`), so a waiting read
   * wakes for a stack event only - not for each of a traversal's resource events, which it
   * neither reads nor decodes.
   */
  async marks(stackId: string, afterSeq: string | null, options: ReadOptions = {}): Promise<EventMarks> {
    const entries = await this.entries(this.ctx.keys.stack(stackId).stackMarks, afterSeq, options);
    return { last: entries[entries.length - 1]?.[0] ?? null, stackEvent: entries.length > 0 };
  }

  /** The stream entries after `afterSeq`, waiting `options.blockMs` for some when there are none. */
  private async entries(key: string, afterSeq: string | null, options: ReadOptions): Promise<Entry[]> {
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT));
    // A waiting read is one XREAD BLOCK: it answers at once when events are there already
    // (an XRANGE first would cost a second command on every wake-up of a follower).
    if (options.blockMs !== undefined && options.blockMs > 0 && options.signal?.aborted !== true && !this.closed) {
      return this.blockingRead(key, afterSeq ?? "0-0", limit, options.blockMs, options.signal);
    }
    const start = afterSeq === null ? "-" : `(${afterSeq}`;
    return (await command("XRANGE events", () => this.ctx.client.xrange(key, start, "+", "COUNT", limit))) as Entry[];
  }

  /** Close every blocking connection (waiting reads end with no events). */
  async close(): Promise<void> {
    this.closed = true;
    for (const client of [...this.idle, ...this.busy]) client.disconnect();
    this.idle.length = 0;
    this.busy.clear();
  }

  private async blockingRead(key: string, after: string, limit: number, blockMs: number, signal: AbortSignal | undefined): Promise<Entry[]> {
    const client = this.idle.pop() ?? this.connect();
    this.busy.add(client);
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      this.busy.delete(client);
      client.disconnect();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const reply = (await client.xread("COUNT", limit, "BLOCK", Math.max(1, Math.ceil(blockMs)), "STREAMS", key, after)) as Array<[string, Entry[]]> | null;
      return reply?.[0]?.[1] ?? [];
    } catch (error) {
      if (aborted || this.closed) return [];
      throw redisFailure("XREAD events", error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!aborted && this.busy.delete(client)) {
        if (this.closed || this.idle.length >= this.maxIdle) client.disconnect();
        else this.idle.push(client);
      }
    }
  }
}

/**
 * An event from its stream entry: field "e", the event's JSON; or field "r", a resource event
 * written with its row (`lua/includes/conditionalWrite.lua`), compact: the JSON list
 * [resourceName, rowId, physicalId, time, stackName, traversalId, action, status, reason].
 */
function decodeEntry(key: string, entry: Entry): StackEvent {
  const [id, fields] = entry;
  const compact = fields[0] === "r" ? fields[1] : undefined;
  if (compact !== undefined) {
    const list = parseStored(key, id, compact);
    if (!Array.isArray(list) || list.length !== 9) throw new RuntimeError(`corrupt event in Redis at ${key} entry ${id}: expected a list of 9 resource event fields`);
    const [resourceName, rowId, physicalId, time, stackName, traversalId, action, status, reason] = list as unknown[];
    return { time, stackName, traversalId, action, status, reason, kind: "resource", resourceName, rowId, physicalId, seq: id } as StackEvent;
  }
  const at = fields.indexOf("e");
  const text = at >= 0 ? fields[at + 1] : undefined;
  if (text === undefined) throw unexpectedReply(`XRANGE ${key}`, fields);
  return { ...(parseStored(key, id, text) as NewStackEvent), seq: id };
}

/**
 * BullMQ's fetch without its needless wake-up. BullMQ sets its marker (the wake-up of workers
 * blocked in `BZPOPMIN`) every time a worker takes a job from the wait list
 * (`prepareJobForProcessing`, in its `moveToActive` and `moveToFinished` scripts), whether or
 * not a job is left to take. A chain link's successor is taken by the worker that finished
 * the link, in the script that finishes it (`unmarked-successors.ts`), so that marker woke a
 * blocked worker - an idle process when there is one - for nothing: a `BZPOPMIN` and an empty
 * `moveToActive` per link, which made 4 worker processes slower on a chain than 1.
 *
 * `quietFetch` makes a worker connection run BullMQ's own two fetch scripts with that one
 * statement guarded: the marker is set when a job is still waiting (wait list or prioritized
 * set), as BullMQ would for a job added, and not when none is. Nothing else changes: delayed
 * jobs set their own timed marker, a paused or rate-limited queue fetches nothing. The
 * scripts are BullMQ's as the installed version defines them on the connection; when the
 * statement is not found exactly once (another BullMQ version), the script is left as it is.
 */
import { handOverStatementAt } from "./bull-script-patch.js";
import type { RedisClient } from "./script-loader.js";
import { claimingFetchScript, wrapClaimingFetch } from "./fetch-claim.js";
import type { FetchClaimant, FetchedClaims } from "./fetch-claim.js";

/** The statement of BullMQ's `prepareJobForProcessing` that sets the marker after a fetch. */
export const FETCH_MARKER = "  addBaseMarkerIfNeeded(markerKey, false)\n";

/**
 * The same statement, run only while a job is left to fetch. `keyPrefix` is the queue's key
 * prefix (`<prefix>:<queue>:`) that the function builds its job keys from.
 */
const GUARDED_MARKER =
  '  if rcall("LLEN", keyPrefix .. "wait") > 0 or rcall("ZCARD", keyPrefix .. "prioritized") > 0 then\n' +
  "    addBaseMarkerIfNeeded(markerKey, false)\n" +
  "  end\n";

/** The BullMQ commands that fetch a job (their names on a connection end in `:<version>`). */
const FETCH_COMMANDS = /^(moveToActive|moveToFinished):/;

/**
 * BullMQ's script `lua` with its after-fetch marker guarded, or null when it does not hold the
 * statement exactly once in a function `prepareJobForProcessing` (left unchanged then).
 */
export function quietFetchScript(lua: string): string | null {
  const at = handOverStatementAt(lua, FETCH_MARKER);
  if (at < 0) return null;
  return lua.slice(0, at) + GUARDED_MARKER + lua.slice(at + FETCH_MARKER.length);
}

type Definition = Parameters<RedisClient["defineCommand"]>[1];

/** Connections already made quiet. */
const quieted = new WeakSet<RedisClient>();

/**
 * Make `connection` define BullMQ's fetch commands with the guarded marker and, with
 * `claiming`, with the claim appended to their hand-over (`fetch-claim.ts`: the fetch calls
 * are wrapped to pass the claim's arguments and keep its reply). Call it before the connection
 * is given to a BullMQ `Worker`, which defines its commands on it as it starts.
 */
export function quietFetch(connection: RedisClient, claiming?: { claimant: FetchClaimant; claims: FetchedClaims }): void {
  if (quieted.has(connection)) return;
  quieted.add(connection);
  const define = connection.defineCommand.bind(connection);
  connection.defineCommand = (name: string, definition: Definition): void => {
    if (!FETCH_COMMANDS.test(name)) return define(name, definition);
    const quiet = quietFetchScript(definition.lua) ?? definition.lua;
    const claimed = claiming === undefined ? null : claimingFetchScript(quiet);
    define(name, { ...definition, lua: claimed ?? quiet });
    if (claimed !== null && claiming !== undefined) wrapClaimingFetch(connection, name, claiming.claimant, claiming.claims);
  };
}

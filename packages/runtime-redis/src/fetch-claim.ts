/**
 * The claim in BullMQ's fetch (standalone Redis): a worker connection runs BullMQ's own
 * `moveToActive` / `moveToFinished` scripts with `claimCheck` appended to the function that
 * hands the fetched job over (`prepareJobForProcessing`), so the job a worker fetches comes
 * back claimed, with what the claim read, in the same round trip. The claim's inputs come
 * from the job id (`<stackId>|<traversalId>|<check field>|<generation>`, URI-encoded parts)
 * and from four arguments the connection appends after BullMQ's own (a marker, the key
 * prefix, the attempt's token and engine, the stale-generation TTL). Only node and completion
 * checks are claimed this way; any other job, an id that does not parse, or a script without
 * the hand-over statement is fetched as before and claimed by `claimCheck-1`.
 */
import { randomUUID } from "node:crypto";
import { handOverFunctionAt, handOverStatementAt } from "./bull-script-patch.js";
import { stackIdProblem } from "./keys.js";
import { luaScripts } from "./lua/scripts.js";
import type { RedisClient } from "./script-loader.js";
import { SYNC_READ_PAGE } from "./store-sync.js";

/** The statement of BullMQ's `prepareJobForProcessing` that hands the fetched job over. */
const HAND_OVER = '  return {rcall("HGETALL", jobKey), jobId, 0, 0} -- get job data\n';

/** The marker argument before the claim's own four (the last five of a fetch call). */
export const MARK = "converge:claim";

/** The same statement, with the job's claim (or nil) as a fifth element. */
const CLAIMED_HAND_OVER = '  return {rcall("HGETALL", jobKey), jobId, 0, 0, convergeFetchClaim(jobId)}\n';

/**
 * `claimCheck-1` as a function of its KEYS and ARGV, and the function that calls it for a
 * fetched job id with the arguments the connection appended (exported for tests).
 */
export const CLAIM_FUNCTIONS = `local function convergeClaimCheck(KEYS, ARGV)
${luaScripts.claimCheck.lua}
end

local function convergeJsonString(s)
  return '"' .. string.gsub(s, '[%c"\\\\]', function(c)
    if c == '"' then return '\\\\"' end
    if c == "\\\\" then return "\\\\\\\\" end
    if c == "\\n" then return "\\\\n" end
    if c == "\\r" then return "\\\\r" end
    if c == "\\t" then return "\\\\t" end
    if c == "\\b" then return "\\\\b" end
    if c == "\\f" then return "\\\\f" end
    if c == "\\127" then return c end
    return string.format("\\\\u%04x", string.byte(c))
  end) .. '"'
end

local function convergeUriDecode(s)
  return (string.gsub(s, "%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- The claim's KEYS and ARGV for a fetched job (claimArgs of src/check-queue.ts), or nil when
-- the call carries no claim arguments or the job is not a node or completion check of this runtime.
local function convergeFetchClaimArgs(jobId)
  local n = #ARGV
  if n < 5 or ARGV[n - 4] ~= "${MARK}" then return nil end
  local a, b, c, gen = string.match(jobId, "^([^|]+)|([^|]+)|([^|]+)|(%d+)$")
  if not a or #gen > 15 then return nil end
  local stackId, t, field = convergeUriDecode(a), convergeUriDecode(b), convergeUriDecode(c)
  if string.find(stackId, "[{}]") then return nil end
  local rowId, sync, reported = "", "", "0"
  local row = string.match(field, "^[UC]:(.+)$")
  if row then
    rowId, sync, reported = row, field, "1"
  elseif field == "complete" then
    sync = "$stack"
  else
    return nil
  end
  -- The traversal's length in UTF-16 units (syncTraversal of src/keys.ts): a code point of
  -- four UTF-8 bytes is two units, every other one unit.
  local units = 0
  for i = 1, #t do
    local byte = string.byte(t, i)
    if byte < 128 or byte >= 192 then units = units + (byte >= 240 and 2 or 1) end
  end
  return {ARGV[n - 3] .. ":{" .. stackId .. "}:stack"},
    {jobId, field, gen, convergeJsonString(t), ARGV[n], rowId, sync, reported, ARGV[n - 2], ARGV[n - 1],
     "${SYNC_READ_PAGE}", units .. ":" .. t}
end

-- The claim of a fetched job (claimCheck-1's reply), or nil when it is not claimed here.
local function convergeFetchClaim(jobId)
  local keys, args = convergeFetchClaimArgs(jobId)
  if not keys then return nil end
  return convergeClaimCheck(keys, args)
end

`;

/**
 * BullMQ's fetch script `lua` with the claim appended to its hand-over, or null when it does
 * not hold the statement exactly once in a function `prepareJobForProcessing`.
 */
export function claimingFetchScript(lua: string): string | null {
  const at = handOverStatementAt(lua, HAND_OVER);
  if (at < 0) return null;
  const fn = handOverFunctionAt(lua, at);
  return lua.slice(0, fn) + CLAIM_FUNCTIONS + lua.slice(fn, at) + CLAIMED_HAND_OVER + lua.slice(at + HAND_OVER.length);
}

/** The stack id a fetch claimed a job of, from the job's id (null when it names none). */
export function claimedStackId(jobId: string): string | null {
  const first = jobId.split("|")[0] ?? "";
  try {
    const stackId = decodeURIComponent(first);
    return stackIdProblem(stackId) === null ? stackId : null;
  } catch {
    return null;
  }
}

/** A job claimed by the fetch that returned it: the attempt it was claimed as, and the claim's reply. */
export interface FetchedClaim {
  readonly attempt: string;
  readonly reply: unknown;
}

/** Who the fetches of a connection claim for. */
export interface FetchClaimant {
  readonly prefix: string;
  readonly engineId: string;
  readonly staleGenerationTtlMs: number;
}

/**
 * Most claims kept waiting for their deliveries. A worker holds at most its concurrency of
 * fetched jobs; more means claims that no delivery took (the oldest go first, so the map
 * cannot grow without bound; their attempts never held a row). A delivery whose claim went
 * claims its job with a call of its own, as on a cluster.
 */
const MOST_WAITING = 4096;

/** Claims made by a connection's fetches, by job id, until its delivery takes them. */
export class FetchedClaims {
  private readonly byJob = new Map<string, FetchedClaim>();

  /** Record the claim of a fetched job. */
  put(jobId: string, claim: FetchedClaim): void {
    if (this.byJob.size >= MOST_WAITING) this.byJob.delete(this.byJob.keys().next().value as string);
    this.byJob.set(jobId, claim);
  }

  /** The claim the fetch of `jobId` made (removed), or undefined. */
  take(jobId: string): FetchedClaim | undefined {
    const claim = this.byJob.get(jobId);
    if (claim !== undefined) this.byJob.delete(jobId);
    return claim;
  }
}

type Fetch = (args: unknown[]) => Promise<unknown>;

/**
 * Wrap a fetch command defined on `connection` (`name`, already defined with the claiming
 * script): each call appends the claim's arguments, with a fresh attempt token, and records
 * what the claim of the fetched job returned.
 */
export function wrapClaimingFetch(connection: RedisClient, name: string, claimant: FetchClaimant, claims: FetchedClaims): void {
  const target = connection as unknown as Record<string, Fetch>;
  const fetch = target[name];
  if (fetch === undefined) return;
  const call = fetch.bind(connection);
  target[name] = async (args: unknown[]): Promise<unknown> => {
    const attempt = randomUUID();
    const reply = await call([...args, MARK, claimant.prefix, attempt, claimant.engineId, String(claimant.staleGenerationTtlMs)]);
    if (Array.isArray(reply) && reply.length > 4 && typeof reply[1] === "string") claims.put(reply[1], { attempt, reply: reply[4] });
    return reply;
  };
}

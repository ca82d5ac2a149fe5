--[[
  A worker starts a check job: forget it as queued, move its check's generation past this job
  (later enqueues of the check make a new job), and read what the check reads first - the
  stack record, the check's row, the check's sync point and whether the node already
  reported (reportNode's mark) - all in one step, so every state the check reads is at least
  as new as the claim. Nothing is written for a stack that does not exist.

  KEYS[1] stack hash; the stack's other keys are named from it (includes/stackKeys.lua): its
          queued checks (zset), rows hash, running attempts (hash: attempt -> engine id), and
          the job's traversal's check generations, graph, sync-point readiness counts (its
          report marks) and the check's sync point hash (read only when ARGV[7] is not "")
  ARGV[1] job id
  ARGV[2] check field (in the generations)
  ARGV[3] the job's generation
  ARGV[4] traversal id (JSON)
  ARGV[5] how long generations of a traversal that is not current are kept, ms
  ARGV[6] the row id of a node check, or "" (no row to read)
  ARGV[7] the node whose sync point to read, or "" not to (it is not read either when it holds
          more than ARGV[11] entries - a fan-in's or a wide stack's completion point: the check
          then reads it in pages, readSync, so no claim is O(N))
  ARGV[8] "1" to read whether the node ARGV[2] reported, "0" not to
  ARGV[9] the attempt's token
  ARGV[10] the engine id running it
  ARGV[11] the most sync point entries the claim reads (SYNC_READ_PAGE of store-sync.ts)
  ARGV[12] the traversal as "<UTF-16 length>:<id>" (syncTraversal of src/keys.ts)
  ARGV[13..] attempts of this stack that ended (removed from the running attempts first,
             whatever the rest finds: see src/attempt-ends.ts)

  Returns {stack record as a flat list field, JSON value, ... (empty: no such stack),
           the row packed as stored (see includes/rowFields.lua; "" when absent or not read),
           {0} when the sync point was not read (or is too large), {1} when its traversal has
           no graph,
           or {2, sender, payload JSON, ...},
           1 when the node reported, else 0}.
]]
--- @include "stackKeys"

local attemptsKey = STACK_BASE .. "attempts"
if #ARGV > 12 then
  redis.call("HDEL", attemptsKey, unpack(ARGV, 13))
end
-- The stack record is read first: it answers whether the stack exists and its traversal.
local stack = redis.call("HGETALL", KEYS[1])
if #stack == 0 then
  return {{}, "", {0}, 0}
end
local current = false
for i = 1, #stack, 2 do
  if stack[i] == "currentTraversal" then
    current = stack[i + 1]
    break
  end
end
local tk = ARGV[12]
local t = traversalOf(tk)
redis.call("ZREM", STACK_BASE .. "queued", ARGV[1])
redis.call("HSET", attemptsKey, ARGV[9], ARGV[10])
local gensKey = traversalKey("gens", t)
local gen = tonumber(ARGV[3])
if tonumber(redis.call("HGET", gensKey, ARGV[2]) or "0") == gen then
  redis.call("HSET", gensKey, ARGV[2], gen + 1)
  if current ~= ARGV[4] then
    redis.call("PEXPIRE", gensKey, tonumber(ARGV[5]))
  end
end
local row = ""
if ARGV[6] ~= "" then
  row = redis.call("HGET", STACK_BASE .. "rows", ARGV[6]) or ""
end
local sync = {0}
if ARGV[7] ~= "" then
  if redis.call("EXISTS", traversalKey("graph", t)) == 0 then
    sync = {1}
  else
    local syncPoint = syncKey(tk, ARGV[7])
    local entries = redis.call("HLEN", syncPoint)
    if entries == 0 then
      sync = {2}
    elseif entries <= tonumber(ARGV[11]) then
      sync = redis.call("HGETALL", syncPoint)
      table.insert(sync, 1, 2)
    end
  end
end
local reported = 0
if ARGV[8] == "1" then
  reported = redis.call("HEXISTS", traversalKey("counts", t), "reported:" .. ARGV[2])
end
return {stack, row, sync, reported}

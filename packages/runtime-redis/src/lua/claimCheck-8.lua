--[[
  A worker starts a check job: forget it as queued, move its check's generation past this job
  (later enqueues of the check make a new job), and read what the check reads first - the
  stack record, the check's row, the check's sync point and whether the node already
  reported (reportNode's mark) - all in one step, so every state the check reads is at least
  as new as the claim. Nothing is written for a stack that does not exist.

  KEYS[1] stack hash
  KEYS[2] queued checks of the stack (zset)
  KEYS[3] rows hash of the stack
  KEYS[4] check generations of the job's traversal
  KEYS[5] graph of the job's traversal
  KEYS[6] the check's sync point hash (read only when ARGV[7] is "1")
  KEYS[7] sync-point readiness counts of the job's traversal (its report marks)
  KEYS[8] running attempts of the stack (hash: attempt -> engine id)
  ARGV[1] job id
  ARGV[2] check field (in KEYS[4])
  ARGV[3] the job's generation
  ARGV[4] traversal id (JSON)
  ARGV[5] how long generations of a traversal that is not current are kept, ms
  ARGV[6] the row id of a node check, or "" (no row to read)
  ARGV[7] "1" to read the sync point, "0" not to (it is not read either when it holds more than
          ARGV[11] entries - a fan-in's or a wide stack's completion point: the check then reads
          it in pages, readSync, so no claim is O(N))
  ARGV[8] "1" to read whether the node ARGV[2] reported, "0" not to
  ARGV[9] the attempt's token
  ARGV[10] the engine id running it
  ARGV[11] the most sync point entries the claim reads (SYNC_READ_PAGE of store-sync.ts)
  ARGV[12..] attempts of this stack that ended (removed from KEYS[8] first, whatever the rest
             finds: see src/attempt-ends.ts)

  Returns {stack record as a flat list field, JSON value, ... (empty: no such stack),
           the row packed as stored (see includes/rowFields.lua; "" when absent or not read),
           {0} when the sync point was not read (or is too large), {1} when its traversal has
           no graph,
           or {2, sender, payload JSON, ...},
           1 when the node reported, else 0}.
]]
if #ARGV > 11 then
  redis.call("HDEL", KEYS[8], unpack(ARGV, 12))
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
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("HSET", KEYS[8], ARGV[9], ARGV[10])
local gen = tonumber(ARGV[3])
if tonumber(redis.call("HGET", KEYS[4], ARGV[2]) or "0") == gen then
  redis.call("HSET", KEYS[4], ARGV[2], gen + 1)
  if current ~= ARGV[4] then
    redis.call("PEXPIRE", KEYS[4], tonumber(ARGV[5]))
  end
end
local row = ""
if ARGV[6] ~= "" then
  row = redis.call("HGET", KEYS[3], ARGV[6]) or ""
end
local sync = {0}
if ARGV[7] == "1" then
  if redis.call("EXISTS", KEYS[5]) == 0 then
    sync = {1}
  else
    local entries = redis.call("HLEN", KEYS[6])
    if entries == 0 then
      sync = {2}
    elseif entries <= tonumber(ARGV[11]) then
      sync = redis.call("HGETALL", KEYS[6])
      table.insert(sync, 1, 2)
    end
  end
end
local reported = 0
if ARGV[8] == "1" then
  reported = redis.call("HEXISTS", KEYS[7], "reported:" .. ARGV[2])
end
return {stack, row, sync, reported}

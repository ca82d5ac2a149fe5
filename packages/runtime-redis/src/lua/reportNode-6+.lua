--[[
  A node reports its completion (DESIGN.md section 4 step 5), in one step: an optional
  conditional row write (see includes/conditionalWrite.lua) with its resource event; then,
  unless the traversal's graph is gone, `sender` := payload merged and counted into each
  target's sync point exactly as syncMerge does (one field per arrival), and the report
  recorded (field "reported:<sender>" of the readiness counts, read by claimCheck and
  nodeReported).

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] event stream of the stack
  KEYS[4] graph of the traversal (its existence means "the traversal is live")
  KEYS[5] sync-point index of the traversal
  KEYS[6] sync-point readiness counts of the traversal (node -> count; report marks)
  KEYS[7..] the targets' sync point hashes, in report order
  ARGV[1] sender node key
  ARGV[2] row id of the write, or "" for no write
  ARGV[3] write condition: currentTraversal (JSON) or ""
  ARGV[4] write condition: version or ""
  ARGV[5] write condition: lock holder (JSON) or ""
  ARGV[6] new lock holder (JSON) or "" to keep it
  ARGV[7] the write's event (JSON list [time, stackName, traversalId, action, status, reason],
          see appendRowEvent) or ""
  ARGV[8] approximate maximum length of the event stream
  ARGV[9] number n of patch arguments (field, JSON value, ...)
  ARGV[10 .. 9+n] the patch
  then per target, in the order of KEYS[7..]: node key, required count, payload JSON

  Returns {0, code, row fields in ROW_FIELDS order} when the write is refused (-2 SUPERSEDED,
  -4 LOCKED, -3 VERSION; {0, -1} GONE without fields): nothing written or merged;
  {1, -1} (GONE) when the traversal's graph does not exist (the write, if any, was made);
  {1, 1, node, ...} (OK) and the targets that are ready, in order.
]]
--- @include "codes"
--- @include "rowFields"
--- @include "conditionalWrite"

local rowId = ARGV[2]
local patchEnd = 9 + tonumber(ARGV[9])
if rowId ~= "" then
  local code, row = conditionalWrite(KEYS[1], KEYS[2], rowId, ARGV[3], ARGV[4], ARGV[5], ARGV[6], 10, patchEnd)
  if code == GONE then
    return {0, GONE}
  end
  if code ~= OK then
    table.insert(row, 1, code)
    table.insert(row, 1, 0)
    return row
  end
  if ARGV[7] ~= "" then
    appendRowEvent(KEYS[3], ARGV[8], row, ARGV[7])
  end
end
if redis.call("EXISTS", KEYS[4]) == 0 then
  return {1, GONE}
end
local sender = ARGV[1]
local reply = {1, OK}
local arg = patchEnd + 1
for i = 7, #KEYS do
  local node = ARGV[arg]
  local count
  if redis.call("HSET", KEYS[i], sender, ARGV[arg + 2]) == 1 then
    redis.call("SADD", KEYS[5], KEYS[i])
    count = redis.call("HINCRBY", KEYS[6], node, 1)
  else
    count = tonumber(redis.call("HGET", KEYS[6], node) or "0")
  end
  if count >= tonumber(ARGV[arg + 1]) then
    reply[#reply + 1] = node
  end
  arg = arg + 3
end
redis.call("HSET", KEYS[6], "reported:" .. sender, 1)
return reply

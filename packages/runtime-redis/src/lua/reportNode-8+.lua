--[[
  A node reports its completion (DESIGN.md section 4 step 5), in one step: an optional
  conditional row write (see includes/conditionalWrite.lua) with its resource event; then,
  unless the traversal's graph is gone, `sender` := payload merged and counted into each
  target's sync point exactly as syncMerge does (one field per arrival), and the report
  recorded (field "reported:<sender>" of the readiness counts, read by claimCheck and
  nodeReported). When asked (ARGV[10] not ""), the checks of the targets that are ready get
  their job ids as prepareChecks-4 gives them - the generation of each check, the job
  recorded as queued - and the names of their jobs, so they go to BullMQ in the next call.

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] event stream of the stack
  KEYS[4] graph of the traversal (its existence means "the traversal is live")
  KEYS[5] sync-point index of the traversal
  KEYS[6] sync-point readiness counts of the traversal (node -> count; report marks)
  KEYS[7] check generations of the traversal (hash: check field -> generation)
  KEYS[8] queued checks of the stack (zset: job id -> enqueue time)
  KEYS[9..] the targets' sync point hashes, in report order
  ARGV[1] sender node key
  ARGV[2] row id of the write, or "" for no write
  ARGV[3] write condition: currentTraversal (JSON) or ""
  ARGV[4] write condition: version or ""
  ARGV[5] write condition: lock holder (JSON) or ""
  ARGV[6] new lock holder (JSON) or "" to keep it
  ARGV[7] the write's event (JSON list [time, stackName, traversalId, action, status, reason],
          see appendRowEvent) or ""
  ARGV[8] approximate maximum length of the event stream
  ARGV[9] now, epoch ms
  ARGV[10] the job id base of the traversal's checks without the check ("<stack>|<traversal>|",
           URI-encoded parts), or "" not to prepare the ready targets' jobs
  ARGV[11] number n of patch arguments (field's position in ROW_FIELDS, JSON value, ...)
  ARGV[12 .. 11+n] the patch
  then per target, in the order of KEYS[9..]: node key, required count, payload JSON, its
  check's field URI-encoded (the job id part)

  Returns {0, code, the row packed as stored} when the write is refused (-2 SUPERSEDED,
  -4 LOCKED, -3 VERSION; {0, -1} GONE without it): nothing written or merged;
  {1, -1} (GONE) when the traversal's graph does not exist (the write, if any, was made);
  {1, 1, node, ...} (OK) and the targets that are ready, in order - or, when preparing,
  {1, 1, stack name JSON or false, then per ready target: node, generation, row name JSON or
  false}.
]]
--- @include "codes"
--- @include "rowFields"
--- @include "conditionalWrite"

local patchEnd = 11 + tonumber(ARGV[11])
if ARGV[2] ~= "" then
  local code, packed = conditionalWrite(KEYS[1], KEYS[2], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 12, patchEnd, KEYS[3], ARGV[8], ARGV[7])
  if code == GONE then
    return {0, GONE}
  end
  if code ~= OK then
    return {0, code, packed}
  end
end
if redis.call("EXISTS", KEYS[4]) == 0 then
  return {1, GONE}
end
local sender = ARGV[1]
local prepare = ARGV[10] ~= ""
-- The stack's name (for the ready targets' job names) is read once a target is ready.
local reply = {1, OK}
if prepare then
  reply[3] = false
end
local arg = patchEnd + 1
for i = 9, #KEYS do
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
    if prepare then
      if reply[3] == false then
        reply[3] = redis.call("HGET", KEYS[1], "name")
      end
      local field = node
      local name = false
      if node == "$stack" then
        field = "complete"
      else
        name = rowField(KEYS[2], string.sub(node, 3), "name")
      end
      local gen = tonumber(redis.call("HGET", KEYS[7], field) or "0")
      redis.call("ZADD", KEYS[8], tonumber(ARGV[9]), ARGV[10] .. ARGV[arg + 3] .. "|" .. gen)
      reply[#reply + 1] = gen
      reply[#reply + 1] = name
    end
  end
  arg = arg + 4
end
redis.call("HSET", KEYS[6], "reported:" .. sender, 1)
return reply

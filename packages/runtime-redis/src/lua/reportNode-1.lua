--[[
  A node reports its completion (DESIGN.md section 4 step 5), in one step: an optional
  conditional row write (see includes/conditionalWrite.lua) with its resource event; then,
  unless the traversal's graph is gone, `sender` := payload merged and counted into each
  target's sync point exactly as syncMerge does (one field per arrival), and the report
  recorded (field "reported:<sender>" of the readiness counts, read by claimCheck and
  nodeReported). When asked (ARGV[10] not ""), the checks of the targets that are ready get
  their job ids as prepareChecks-4 gives them - the generation of each check, the job
  recorded as queued - and the names of their jobs, so they go to BullMQ in the next call;
  or, when also asked to (ARGV[12] not "": a standalone Redis, whose scripts may touch keys of
  any slot), this script adds them to BullMQ itself (includes/addStandardJobs.lua), in the same
  round trip. It adds them only when each of their names is stored as a JSON string of at most
  120 bytes (so that no name is cut: `jobName` in check-queue.ts) - else the caller adds them.

  KEYS[1] stack hash; the stack's other keys are named from it (includes/stackKeys.lua): its
          rows hash, event stream and queued checks (zset: job id -> enqueue time), and the
          traversal's graph (its existence means "the traversal is live"), sync-point index,
          sync-point readiness counts (node -> count; report marks), check generations (check
          field -> generation) and the targets' sync point hashes
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
  ARGV[11] the traversal as "<UTF-16 length>:<id>" (syncTraversal of src/keys.ts)
  ARGV[12] the BullMQ queue's key prefix ("<prefix>:<queue>:") to add the ready targets' jobs
           here, or ""
  ARGV[13] the BullMQ version the queue's meta must name (addStandardJobs)
  ARGV[14] "1": set BullMQ's marker for the jobs added; "0": leave it (UnmarkedSuccessors)
  ARGV[15] a job's stored options after its job id (`,"removeOnComplete":true,...}`)
  ARGV[16] number n of patch arguments (field's position in ROW_FIELDS, its JSON value packed
           as in a row - "<byte length>:<JSON>" - ...)
  ARGV[17 .. 16+n] the patch
  then per target, in report order: node key, required count, payload JSON, its check's field
  URI-encoded (the job id part), its job's data (the check message's JSON) or ""

  Returns {0, code, the row packed as stored} when the write is refused (-2 SUPERSEDED,
  -4 LOCKED, -3 VERSION; {0, -1} GONE without it): nothing written or merged;
  {1, -1} (GONE) when the traversal's graph does not exist (the write, if any, was made);
  {1, 1, node, ...} (OK) and the targets that are ready, in order - or, when preparing,
  {1, 1, stack name JSON or false, added, then per ready target: node, generation, row name
  JSON or false}, where `added` is false when the jobs were not added here, else what
  addStandardJobs returned (the number added; -1 / -2: refused, nothing added).
]]
--- @include "codes"
--- @include "conditionalWrite"
--- @include "rowText"
--- @include "stackKeys"
--- @include "addStandardJobs"

-- A stored name (JSON text) as a job name part, or nil when it is not a JSON string of at most
-- 120 bytes (a longer one may be cut in UTF-16 units by jobName; the caller adds those jobs).
local function namePart(text)
  if not text then
    return nil
  end
  local ok, value = pcall(cjson.decode, text)
  if not ok or type(value) ~= "string" or #value > 120 then
    return nil
  end
  return value
end

-- Add the ready targets' jobs to the BullMQ queue of key prefix `q` (what the caller's
-- addPrepared would add): false when a name does not fit (nothing added), else addStandardJobs'.
local function addReadyJobs(q, stackName, ready)
  local stack = namePart(stackName)
  if stack == nil then
    return false
  end
  local adds = {}
  for i, job in ipairs(ready) do
    local name
    if job[5] == "$stack" then
      name = stack .. " complete"
    else
      local row = namePart(job[4])
      if row == nil then
        return false
      end
      name = stack .. "/" .. row .. (string.sub(job[5], 1, 1) == "U" and " update" or " cleanup")
    end
    -- URI-encoded parts and digits: no character a JSON string must escape.
    local jobId = ARGV[10] .. job[1] .. "|" .. string.format("%d", job[3])
    adds[i] = { q .. jobId, jobId, name, job[2], '{"jobId":"' .. jobId .. '",' .. ARGV[15] }
  end
  local keys = { q .. "wait", q .. "meta", q .. "id", q .. "active", q .. "events", q .. "marker" }
  return addStandardJobs(keys, ARGV[13], ARGV[9], ARGV[14] == "1", adds)
end

local stackKey = KEYS[1]
local rowsKey = STACK_BASE .. "rows"
local patchEnd = 16 + tonumber(ARGV[16])
if ARGV[2] ~= "" then
  local code, packed = conditionalWrite(stackKey, rowsKey, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 17, patchEnd, STACK_BASE .. "events", ARGV[8], ARGV[7])
  if code == GONE then
    return {0, GONE}
  end
  if code ~= OK then
    return {0, code, packed}
  end
end
local tk = ARGV[11]
local t = traversalOf(tk)
if redis.call("EXISTS", traversalKey("graph", t)) == 0 then
  return {1, GONE}
end
local indexKey = traversalKey("syncs", t)
local countsKey = traversalKey("counts", t)
local sender = ARGV[1]
local prepare = ARGV[10] ~= ""
-- The stack's name (for the ready targets' job names) is read once a target is ready.
local reply = {1, OK}
if prepare then
  reply[3] = false
  reply[4] = false
end
-- The ready targets' jobs, when this script adds them: { field, data, generation, row name JSON }.
local jobs = {}
for arg = patchEnd + 1, #ARGV, 5 do
  local node = ARGV[arg]
  local syncPoint = syncKey(tk, node)
  local count
  if redis.call("HSET", syncPoint, sender, ARGV[arg + 2]) == 1 then
    redis.call("SADD", indexKey, syncPoint)
    count = redis.call("HINCRBY", countsKey, node, 1)
  else
    count = tonumber(redis.call("HGET", countsKey, node) or "0")
  end
  if count >= tonumber(ARGV[arg + 1]) then
    reply[#reply + 1] = node
    if prepare then
      if reply[3] == false then
        reply[3] = redis.call("HGET", stackKey, "name")
      end
      local field = node
      local name = false
      if node == "$stack" then
        field = "complete"
      else
        name = rowText(redis.call("HGET", rowsKey, string.sub(node, 3)) or "", AT_NAME) or false
      end
      local gen = tonumber(redis.call("HGET", traversalKey("gens", t), field) or "0")
      redis.call("ZADD", STACK_BASE .. "queued", tonumber(ARGV[9]), ARGV[10] .. ARGV[arg + 3] .. "|" .. gen)
      reply[#reply + 1] = gen
      reply[#reply + 1] = name
      jobs[#jobs + 1] = { ARGV[arg + 3], ARGV[arg + 4], gen, name, node }
    end
  end
end
redis.call("HSET", countsKey, "reported:" .. sender, 1)
if prepare and ARGV[12] ~= "" and #jobs > 0 then
  reply[4] = addReadyJobs(ARGV[12], reply[3], jobs)
end
return reply

--[[
  A worker starts a check job: move it from queued to running (under the engine's id), move
  its check's generation past this job (later enqueues of the check make a new job), and
  read the stack record - all in one step, so every state the check reads is at least as
  new as the claim. Nothing is written for a stack that does not exist.

  KEYS[1] stack hash
  KEYS[2] queued checks of the stack (zset)
  KEYS[3] running checks of the stack (hash: job id -> engine id)
  KEYS[4] check generations of the job's traversal
  ARGV[1] job id
  ARGV[2] check field (in KEYS[4])
  ARGV[3] the job's generation
  ARGV[4] engine id
  ARGV[5] "1" to track the job as running, "0" not to
  ARGV[6] traversal id (JSON)
  ARGV[7] how long generations of a traversal that is not current are kept, ms

  Returns the stack record as a flat list field, JSON value, ... (empty: no such stack).
]]

if redis.call("EXISTS", KEYS[1]) == 0 then
  return {}
end
redis.call("ZREM", KEYS[2], ARGV[1])
if ARGV[5] == "1" then
  redis.call("HSET", KEYS[3], ARGV[1], ARGV[4])
end
local gen = tonumber(ARGV[3])
if tonumber(redis.call("HGET", KEYS[4], ARGV[2]) or "0") == gen then
  redis.call("HSET", KEYS[4], ARGV[2], gen + 1)
  if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[6] then
    redis.call("PEXPIRE", KEYS[4], tonumber(ARGV[7]))
  end
end
return redis.call("HGETALL", KEYS[1])

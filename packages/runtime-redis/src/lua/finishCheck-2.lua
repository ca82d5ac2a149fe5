--[[
  A worker is done with a check job: forget it as running (only if this engine still holds
  it there), and when the job is handed back to the queue, record it as queued again.

  KEYS[1] running checks of the stack (hash)
  KEYS[2] queued checks of the stack (zset)
  ARGV[1] job id
  ARGV[2] engine id
  ARGV[3] "1" when the job goes back to the queue, else "0"
  ARGV[4] now, epoch ms

  Returns 1 (OK), or -1 (GONE) when another engine holds the job (nothing changed).
]]
--- @include "codes"

if redis.call("HGET", KEYS[1], ARGV[1]) ~= ARGV[2] then
  return GONE
end
redis.call("HDEL", KEYS[1], ARGV[1])
if ARGV[3] == "1" then
  redis.call("ZADD", KEYS[2], tonumber(ARGV[4]), ARGV[1])
end
return OK

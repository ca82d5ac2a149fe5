--[[
  Give checks of one traversal their job ids before they are added to the queue: id =
  "<base>|<generation>", the generation of each check read from the traversal's
  generations (0 when none). A generation moves on when a job of it starts (claimCheck-8),
  so an enqueue after that start gets a new job while an enqueue before it is absorbed by
  the waiting job, which has not read any state yet. Tracked checks are recorded as queued
  for `activity`. The names of the stack and of each check's row come back too, for the
  jobs' readable names (what Bull Board shows); a missing one is nil.

  KEYS[1] stack hash
  KEYS[2] queued checks of the stack (zset: job id -> enqueue time)
  KEYS[3] check generations of the traversal (hash: check field -> generation)
  KEYS[4] rows of the stack (hash: row id -> packed row, see includes/rowFields.lua)
  ARGV[1] now, epoch ms
  ARGV[2..] per check: field, job id base, "1" to track as queued or "0", row id or ""

  Returns { stack name (JSON) or nil, then per check, in order: generation, row name (JSON) or nil }.
]]
--- @include "rowFields"

local exists = redis.call("EXISTS", KEYS[1]) == 1
local out = { redis.call("HGET", KEYS[1], "name") }
for i = 2, #ARGV - 3, 4 do
  local gen = tonumber(redis.call("HGET", KEYS[3], ARGV[i]) or "0")
  out[#out + 1] = gen
  local name = false
  if ARGV[i + 3] ~= "" then name = rowField(KEYS[4], ARGV[i + 3], "name") end
  out[#out + 1] = name
  if exists and ARGV[i + 2] == "1" then
    redis.call("ZADD", KEYS[2], tonumber(ARGV[1]), ARGV[i + 1] .. "|" .. gen)
  end
end
return out

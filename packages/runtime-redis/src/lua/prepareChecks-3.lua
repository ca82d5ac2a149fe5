--[[
  Give checks of one traversal their job ids before they are added to the queue: id =
  "<base>|<generation>", the generation of each check read from the traversal's
  generations (0 when none). A generation moves on when a job of it starts (claimCheck-7),
  so an enqueue after that start gets a new job while an enqueue before it is absorbed by
  the waiting job, which has not read any state yet. Tracked checks are recorded as queued
  for `activity`.

  KEYS[1] stack hash
  KEYS[2] queued checks of the stack (zset: job id -> enqueue time)
  KEYS[3] check generations of the traversal (hash: check field -> generation)
  ARGV[1] now, epoch ms
  ARGV[2..] per check: field, job id base, "1" to track as queued or "0"

  Returns the generation of each check, in order.
]]

local exists = redis.call("EXISTS", KEYS[1]) == 1
local gens = {}
for i = 2, #ARGV - 2, 3 do
  local gen = tonumber(redis.call("HGET", KEYS[3], ARGV[i]) or "0")
  gens[#gens + 1] = gen
  if exists and ARGV[i + 2] == "1" then
    redis.call("ZADD", KEYS[2], tonumber(ARGV[1]), ARGV[i + 1] .. "|" .. gen)
  end
end
return gens

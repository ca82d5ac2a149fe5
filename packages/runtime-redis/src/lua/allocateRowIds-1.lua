--[[
  Reserve row ids of a stack (a counter shared with createReplacement; never reused).

  KEYS[1] stack hash
  ARGV[1] count (> 0)

  Returns the last id reserved (the ids are last-count+1 .. last), or -1 (GONE) when the
  stack does not exist.
]]
--- @include "codes"

if redis.call("EXISTS", KEYS[1]) == 0 then
  return GONE
end
return redis.call("HINCRBY", KEYS[1], "_rowSeq", tonumber(ARGV[1]))

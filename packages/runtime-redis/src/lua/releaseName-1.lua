--[[
  Release a stack name, only if it still belongs to the given stack.

  KEYS[1] name index hash
  ARGV[1] stack name
  ARGV[2] stack id

  Returns 1 (OK) when released, -1 (GONE) when the name belongs to another stack or none.
]]
--- @include "codes"

if redis.call("HGET", KEYS[1], ARGV[1]) ~= ARGV[2] then
  return GONE
end
redis.call("HDEL", KEYS[1], ARGV[1])
return OK

--[[
  Give up a liveness lease, only if this registration still holds it.

  KEYS[1] lease key   <prefix>:lease:<engineId>
  ARGV[1] the registration's token

  Returns 1 (OK) when removed, -1 (GONE) when the lease is absent or held by another token.
]]
--- @include "codes"

if redis.call("GET", KEYS[1]) ~= ARGV[1] then
  return GONE
end
redis.call("DEL", KEYS[1])
return OK

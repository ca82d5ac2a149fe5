--[[
  Insert a new stack record and its first template (the name index is claimed afterwards by
  the caller, in its own slot).

  KEYS[1] stack hash        <prefix>:{<stackId>}:stack
  KEYS[2] templates hash    <prefix>:{<stackId>}:templates
  ARGV[1] template id
  ARGV[2] template JSON
  ARGV[3..] stack record fields: name, JSON value, name, JSON value, ...

  Returns 1 (OK), or -5 (EXISTS) when a stack with this id is already stored.
]]
--- @include "codes"
--- @include "hashPairs"

if redis.call("EXISTS", KEYS[1]) == 1 then
  return EXISTS
end
hsetPairs(KEYS[1], 3)
redis.call("HSET", KEYS[1], "_rowSeq", 0)
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
return OK

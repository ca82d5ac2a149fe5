--[[
  Insert a new stack record (marked with the layout of its rows, see includes/rowLayout.lua)
  and its first template. The caller claims the name afterwards
  (claimName-1, another slot) and removes this record again if the name was taken.

  KEYS[1] stack hash        <prefix>:{<stackId>}:stack
  KEYS[2] templates hash    <prefix>:{<stackId>}:templates
  ARGV[1] template id
  ARGV[2] template JSON
  ARGV[3..] stack record: field, JSON value, field, JSON value, ...

  Returns 1 (OK), or -5 (EXISTS) when a stack with this id is already stored.
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "rowLayout"

if redis.call("EXISTS", KEYS[1]) == 1 then
  return EXISTS
end
hsetPairs(KEYS[1], 3, "")
redis.call("HSET", KEYS[1], "_rowSeq", 0, "_rowLayout", ROW_LAYOUT)
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
return OK

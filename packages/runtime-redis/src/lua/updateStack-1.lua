--[[
  Compare-and-set stack fields: only while the traversal is current (and the status matches,
  when given).

  KEYS[1] stack hash
  ARGV[1] traversal id (JSON)
  ARGV[2] expected status (JSON), or "" for any
  ARGV[3..] field, JSON value, ...

  Returns 1 (OK), or -2 (SUPERSEDED) when the stack is missing, or its traversal or status
  differs.
]]
--- @include "codes"
--- @include "hashPairs"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
if ARGV[2] ~= "" and redis.call("HGET", KEYS[1], "status") ~= ARGV[2] then
  return SUPERSEDED
end
hsetPairs(KEYS[1], 3, "")
return OK

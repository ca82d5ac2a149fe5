--[[
  Compare-and-set the stack to a new traversal. Replaces the stack record, stores the new
  template when given, and drops the superseded traversal's graph, sync points and check
  generations (its sync points a page at a time, the rest through the trash set).

  KEYS[1] stack hash
  KEYS[2] templates hash
  KEYS[3] graph of the expected (superseded) traversal
  KEYS[4] sync-point index of the expected traversal
  KEYS[5] sync-point readiness counts of the expected traversal
  KEYS[6] check generations of the expected traversal
  KEYS[7] sync-point trash set of the stack (what a page leaves, see includes/dropSyncPoints.lua)
  ARGV[1] expected currentTraversal (JSON)
  ARGV[2] template id to store, or "" for none
  ARGV[3] template JSON (ignored when ARGV[2] is "")
  ARGV[4..] the new stack record: field, JSON value, ...

  Returns 1 (OK), or -2 (SUPERSEDED) when the stack is missing or its traversal differs.
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
hsetPairs(KEYS[1], 4, "")
if ARGV[2] ~= "" then
  redis.call("HSET", KEYS[2], ARGV[2], ARGV[3])
end
redis.call("UNLINK", KEYS[3], KEYS[6])
dropSyncPoints(KEYS[4], KEYS[5], KEYS[7])
return OK

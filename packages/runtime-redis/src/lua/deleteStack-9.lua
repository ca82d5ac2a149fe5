--[[
  Remove a stack and everything it owns, only while the traversal is current. The event
  stream is kept for a while (followers read the last events), then expires. The caller
  releases the name afterwards (releaseName-1, another slot).

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] templates hash
  KEYS[4] graph of the traversal
  KEYS[5] sync-point index of the traversal
  KEYS[6] sync-point readiness counts of the traversal
  KEYS[7] check generations of the traversal
  KEYS[8] queued checks (zset)
  KEYS[9] event stream
  ARGV[1] traversal id (JSON)
  ARGV[2] how long the event stream stays readable, ms

  Returns 1 (OK), or -2 (SUPERSEDED) when the stack is missing or its traversal differs.
]]
--- @include "codes"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
dropSyncPoints(KEYS[5], KEYS[6])
redis.call("DEL", KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7], KEYS[8])
redis.call("PEXPIRE", KEYS[9], tonumber(ARGV[2]))
return OK

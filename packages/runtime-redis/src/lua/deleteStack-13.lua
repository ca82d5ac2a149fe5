--[[
  Remove a stack and everything it owns, only while the traversal is current, and leave its
  tombstone in the same step: the proof that the stack was deleted (a stack record missing
  without one was lost, e.g. by a restart without persistence). The tombstone and the last
  ARGV[5] events of the stream (and its stack-event marks) are kept for a while (followers
  read the last events), then expire. Keys go by UNLINK: their memory is freed off the main
  thread, so removing a stack of 100k rows does not block Redis. The caller releases the name afterwards (releaseName-1,
  another slot).

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] templates hash
  KEYS[4] graph of the traversal
  KEYS[5] sync-point index of the traversal
  KEYS[6] sync-point readiness counts of the traversal
  KEYS[7] check generations of the traversal
  KEYS[8] queued checks (zset)
  KEYS[9] event stream
  KEYS[10] tombstone (string)
  KEYS[11] running attempts of the stack (hash)
  KEYS[12] sync-point trash set of the stack (what is left of sync points is drained after,
           see includes/dropSyncPoints.lua)
  KEYS[13] stack-event marks (stream, see appendEvents-3): expires with the event stream
  ARGV[1] traversal id (JSON)
  ARGV[2] how long the event stream stays readable, ms
  ARGV[3] the tombstone (JSON: stackId, name, traversalId, deletedAt)
  ARGV[4] how long the tombstone is kept, ms
  ARGV[5] approximate number of the newest events kept in the stream until it expires (the
          trim has no LIMIT: an approximate trim's default one stops after 10,000 entries and
          left ~90% of a 100k stream; whole stream nodes are freed, ~20 ms for 100k events)

  Returns 1 (OK), or -2 (SUPERSEDED) when the stack is missing or its traversal differs.
]]
--- @include "codes"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
dropSyncPoints(KEYS[5], KEYS[6], KEYS[12])
redis.call("UNLINK", KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7], KEYS[8], KEYS[11])
redis.call("XTRIM", KEYS[9], "MAXLEN", "~", tonumber(ARGV[5]), "LIMIT", 0)
redis.call("PEXPIRE", KEYS[9], tonumber(ARGV[2]))
redis.call("PEXPIRE", KEYS[13], tonumber(ARGV[2]))
redis.call("SET", KEYS[10], ARGV[3], "PX", tonumber(ARGV[4]))
return OK

--[[
  Final purge of a completed traversal, only while it is current: delete the given rows and
  every template not kept, the traversal's graph and sync points, then patch the stack.
  (The traversal's check generations stay until the next traversal starts, so late
  duplicates of its checks still get fresh job ids.)

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] templates hash
  KEYS[4] graph of the traversal
  KEYS[5] sync-point index of the traversal
  KEYS[6] sync-point readiness counts of the traversal
  KEYS[7] sync-point trash set of the stack (see includes/dropSyncPoints.lua)
  ARGV[1] traversal id (JSON)
  ARGV[2] ids of the rows to drop, packed (see unpackList): the last chunk of them, the others
          dropped before by dropRows-2
  ARGV[3] ids of the templates to keep, packed
  ARGV[4..] the stack patch: field, JSON value, ...

  Returns 1 (OK), or -2 (SUPERSEDED) when the traversal is not current (nothing changed).
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "rowFields"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
for _, rowId in ipairs(unpackList(ARGV[2])) do
  dropRow(KEYS[2], rowId)
end
local keep = {}
for _, templateId in ipairs(unpackList(ARGV[3])) do
  keep[templateId] = true
end
for _, templateId in ipairs(redis.call("HKEYS", KEYS[3])) do
  if not keep[templateId] then
    redis.call("HDEL", KEYS[3], templateId)
  end
end
redis.call("UNLINK", KEYS[4])
dropSyncPoints(KEYS[5], KEYS[6], KEYS[7])
hsetPairs(KEYS[1], 4, "")
return OK

--[[
  Insert a traversal's new rows (version 1, unlocked) and store its graph, only while the
  traversal is current. Sync points of the traversal are reset.

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] graph of the traversal
  KEYS[4] sync-point index of the traversal
  KEYS[5] sync-point readiness counts of the traversal
  KEYS[6] sync-point trash set of the stack (see includes/dropSyncPoints.lua)
  ARGV[1] traversal id (JSON)
  ARGV[2] graph JSON
  ARGV[3] the new rows' fields, packed (see unpackList): row id, packed row (see
          includes/rowFields.lua), ...
          (every new row whole: version 1, unlocked); empty when the
          rows were inserted before in chunks (insertRows-2)

  Returns 1 (OK), or -2 (SUPERSEDED) when the traversal is not current (nothing written).
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "unpackList"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
hsetList(KEYS[2], unpackList(ARGV[3]), "")
redis.call("SET", KEYS[3], ARGV[2])
dropSyncPoints(KEYS[4], KEYS[5], KEYS[6])
return OK

--[[
  Insert a traversal's new rows (version 1, unlocked) and store its graph, only while the
  traversal is current. Sync points of the traversal are reset.

  KEYS[1] stack hash
  KEYS[2] rows hash
  KEYS[3] graph of the traversal
  KEYS[4] sync-point index of the traversal
  ARGV[1] traversal id (JSON)
  ARGV[2] graph JSON
  ARGV[3] F = number of row fields per row
  ARGV[4 .. 3+F] the row field names
  then, per row: the raw row id followed by F JSON values

  Returns 1 (OK), or -2 (SUPERSEDED) when the traversal is not current (nothing written).
]]
--- @include "codes"
--- @include "dropSyncPoints"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
local f = tonumber(ARGV[3])
local i = 4 + f
while i <= #ARGV do
  local prefix = ARGV[i] .. ":"
  for j = 1, f do
    redis.call("HSET", KEYS[2], prefix .. ARGV[3 + j], ARGV[i + j])
  end
  redis.call("HSET", KEYS[2], prefix .. "version", 1, prefix .. "lockHolder", "null")
  i = i + f + 1
end
redis.call("SET", KEYS[3], ARGV[2])
dropSyncPoints(KEYS[4])
return OK

--[[
  Drop a chunk of rows of a completed traversal, only while it is current: the rows a
  completion drops go in chunks of bounded size (so no call blocks Redis long), the last chunk
  with completeTraversal-7. Only inactive rows are dropped (deleted, or never created), which
  no traversal reads, so a completion superseded between chunks leaves nothing inconsistent.

  KEYS[1] stack hash
  KEYS[2] rows hash
  ARGV[1] traversal id (JSON)
  ARGV[2] ids of the rows to drop, packed (see unpackList)

  Returns 1 (OK), or -2 (SUPERSEDED) when the traversal is not current (nothing dropped).
]]
--- @include "codes"
--- @include "unpackList"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
local ids = unpackList(ARGV[2])
for i = 1, #ids, 500 do
  redis.call("HDEL", KEYS[2], unpack(ids, i, math.min(i + 499, #ids)))
end
return OK

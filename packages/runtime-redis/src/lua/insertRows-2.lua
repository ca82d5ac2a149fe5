--[[
  Insert a chunk of a traversal's new rows (version 1, unlocked), only while the traversal is
  current. A large traversal's rows go in chunks of bounded size (so no call blocks Redis long),
  then installGraph-6 stores the graph with one small compare-and-set (a streamed traversal's
  leaf rows come after it, see core's protocol/stream-install.ts). A chunk refused because the
  traversal was superseded writes nothing, and every later chunk is refused too: a newer
  traversal, which reads the rows after its own compare-and-set, sees every row written.

  KEYS[1] stack hash
  KEYS[2] rows hash
  ARGV[1] traversal id (JSON)
  ARGV[2] the rows' fields, packed (see unpackList): row id, packed row (see
          includes/rowFields.lua), ...

  Returns 1 (OK), or -2 (SUPERSEDED) when the traversal is not current (nothing written).
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "unpackList"

if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[1] then
  return SUPERSEDED
end
hsetList(KEYS[2], unpackList(ARGV[2]), "")
return OK

--[[
  Delete the sync points of a traversal: the hashes listed in its index set (keys of this
  stack's hash slot, added there by syncMerge from its declared KEYS), the index and the
  hash of readiness counts.
]]
local function dropSyncPoints(indexKey, countsKey)
  local cursor = "0"
  repeat
    local page = redis.call("SSCAN", indexKey, cursor, "COUNT", 500)
    cursor = page[1]
    if #page[2] > 0 then
      redis.call("UNLINK", unpack(page[2]))
    end
  until cursor == "0"
  redis.call("UNLINK", indexKey, countsKey)
end

--[[
  Delete the sync points of a traversal: the hashes listed in its index set (each one a key of
  this stack's hash slot, written there by syncMerge from its declared KEYS), then the index.
]]
local function dropSyncPoints(indexKey)
  local cursor = "0"
  repeat
    local page = redis.call("SSCAN", indexKey, cursor, "COUNT", 500)
    cursor = page[1]
    for _, key in ipairs(page[2]) do
      redis.call("DEL", key)
    end
  until cursor == "0"
  redis.call("DEL", indexKey)
end

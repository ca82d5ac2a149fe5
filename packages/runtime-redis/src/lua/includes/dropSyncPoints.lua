--[[
  Sync points of a traversal that is over (superseded, completed, deleted) go in pages, so no
  script is O(sync points) - a chain of 100k nodes has 100k of them. Their hashes are keys of
  this stack's hash slot listed in the traversal's index set (added there by syncMerge and
  reportNode from their declared KEYS). Once the traversal's graph is gone nothing reads them,
  so what one page leaves can wait for the next.

  dropSyncPage(indexKey) unlinks up to SYNC_PAGE of the index's sync point hashes and removes
  them from it; returns how many are left.
  dropSyncPoints(indexKey, countsKey, trashKey) unlinks the readiness counts and one page; when
  more are left, the index goes into the stack's trash set, drained a page per call by
  drainSyncPoints-1 (the caller runs it until empty). Returns 1 when the trash has work, else 0.
]]
local SYNC_PAGE = 500

local function dropSyncPage(indexKey)
  local picked = {}
  local cursor = "0"
  repeat
    local page = redis.call("SSCAN", indexKey, cursor, "COUNT", SYNC_PAGE)
    cursor = page[1]
    for _, key in ipairs(page[2]) do
      picked[#picked + 1] = key
    end
  until cursor == "0" or #picked >= SYNC_PAGE
  for i = 1, #picked, SYNC_PAGE do
    local last = math.min(i + SYNC_PAGE - 1, #picked)
    redis.call("SREM", indexKey, unpack(picked, i, last))
    redis.call("UNLINK", unpack(picked, i, last))
  end
  return redis.call("SCARD", indexKey)
end

local function dropSyncPoints(indexKey, countsKey, trashKey)
  redis.call("UNLINK", countsKey)
  if dropSyncPage(indexKey) > 0 then
    redis.call("SADD", trashKey, indexKey)
    return 1
  end
  return 0
end

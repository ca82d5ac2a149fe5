--[[
  Drop one page of the sync points left in a stack's trash set (see
  includes/dropSyncPoints.lua): the sync point hashes of traversals that are over, listed in
  their index sets, which the trash set names.

  KEYS[1] the stack's sync-point trash set (index set keys)

  Returns 1 when the trash still has work, 0 when it is empty (and gone).
]]
--- @include "dropSyncPoints"

local index = redis.call("SSCAN", KEYS[1], "0", "COUNT", 10)[2][1]
if index == nil then
  if redis.call("SCARD", KEYS[1]) == 0 then
    return 0
  end
  index = redis.call("SMEMBERS", KEYS[1])[1]
end
if dropSyncPage(index) == 0 then
  redis.call("SREM", KEYS[1], index)
end
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 1
end
return 0

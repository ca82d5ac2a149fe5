--[[
  HSET items source[from], source[from + 1], ... source[to] of a list as (field, value) pairs of
  a hash, the field names prefixed with `fieldPrefix`, in batches (Lua's stack limits
  unpack()). hsetRange takes them from ARGV, hsetPairs from ARGV up to its last argument,
  hsetList from a whole list.
]]
local function hsetItems(key, source, from, to, fieldPrefix)
  local batch = {}
  for i = from, to - 1, 2 do
    batch[#batch + 1] = fieldPrefix .. source[i]
    batch[#batch + 1] = source[i + 1]
    if #batch >= 400 then
      redis.call("HSET", key, unpack(batch))
      batch = {}
    end
  end
  if #batch > 0 then
    redis.call("HSET", key, unpack(batch))
  end
end

local function hsetRange(key, from, to, fieldPrefix)
  hsetItems(key, ARGV, from, to, fieldPrefix)
end

local function hsetList(key, list, fieldPrefix)
  hsetItems(key, list, 1, #list, fieldPrefix)
end

local function hsetPairs(key, from, fieldPrefix)
  hsetRange(key, from, #ARGV, fieldPrefix)
end

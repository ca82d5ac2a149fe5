--[[
  Write ARGV[from], ARGV[from + 1], ... ARGV[to] as (field, value) pairs of a hash, the field
  names prefixed with `fieldPrefix`; hsetPairs runs to the last argument. HSET takes the pairs
  in batches: Lua's stack limits unpack().
]]
local function hsetRange(key, from, to, fieldPrefix)
  local batch = {}
  for i = from, to - 1, 2 do
    batch[#batch + 1] = fieldPrefix .. ARGV[i]
    batch[#batch + 1] = ARGV[i + 1]
    if #batch >= 400 then
      redis.call("HSET", key, unpack(batch))
      batch = {}
    end
  end
  if #batch > 0 then
    redis.call("HSET", key, unpack(batch))
  end
end

local function hsetPairs(key, from, fieldPrefix)
  hsetRange(key, from, #ARGV, fieldPrefix)
end

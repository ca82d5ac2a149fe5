--[[
  Split a packed list "<byte length>:<value><byte length>:<value>..." (made by pack() of
  src/codec.ts). Long lists travel as one argument: a command with tens of thousands of
  arguments overflows the client's call stack and Lua's unpack(). With `limit`, only the
  first `limit` values are split.
]]
local function unpackList(packed, limit)
  local out = {}
  local pos = 1
  local total = #packed
  local most = limit or total
  while pos <= total and #out < most do
    local colon = string.find(packed, ":", pos, true)
    local len = tonumber(string.sub(packed, pos, colon - 1))
    out[#out + 1] = string.sub(packed, colon + 1, colon + len)
    pos = colon + len + 1
  end
  return out
end

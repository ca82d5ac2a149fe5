--[[
  Split a packed list "<byte length>:<value><byte length>:<value>..." (made by pack() of
  src/codec.ts). Long lists travel as one argument: a command with tens of thousands of
  arguments overflows the client's call stack and Lua's unpack(). With `limit`, only the
  first `limit` values are split.
]]
local function unpackList(packed, limit)
  local find, sub = string.find, string.sub
  local out = {}
  local n = 0
  local pos = 1
  local total = #packed
  local most = limit or total
  while pos <= total and n < most do
    local colon = find(packed, ":", pos, true)
    local last = colon + tonumber(sub(packed, pos, colon - 1))
    n = n + 1
    out[n] = sub(packed, colon + 1, last)
    pos = last + 1
  end
  return out
end

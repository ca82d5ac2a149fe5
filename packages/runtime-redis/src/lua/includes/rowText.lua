--[[
  Field i of a packed row (JSON text; nil when it has fewer fields): only the fields before it
  are walked, none split.
]]
local function rowText(packed, i)
  local find, sub = string.find, string.sub
  local pos = 1
  for _ = 2, i do
    local colon = find(packed, ":", pos, true)
    if not colon then
      return nil
    end
    pos = colon + tonumber(sub(packed, pos, colon - 1)) + 1
  end
  local colon = find(packed, ":", pos, true)
  if not colon then
    return nil
  end
  return sub(packed, colon + 1, colon + tonumber(sub(packed, pos, colon - 1)))
end

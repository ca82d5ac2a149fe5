--[[
  The conditional row write shared by writeRow and reportNode, and the resource event a write
  records. Needs the "codes", "rowFields" and "hashPairs" includes.

  conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder,
  patchFrom, patchTo) checks, in this order, that the stack and the row exist (else GONE),
  that the stack's currentTraversal is ifTraversal (JSON; "" = any, else SUPERSEDED), that
  the lock holder is ifHolder (JSON; "" = any, else LOCKED) and that the version is
  ifVersion ("" = any, else VERSION); then writes the patch ARGV[patchFrom..patchTo] (field,
  JSON value, ...), the new holder (JSON; "" = keep) and bumps the version. Returns OK or the
  refusal code; nothing is written when refused.
]]
local function conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder, patchFrom, patchTo)
  if redis.call("EXISTS", stackKey) == 0 or not rowExists(rowsKey, rowId) then
    return GONE
  end
  if ifTraversal ~= "" and redis.call("HGET", stackKey, "currentTraversal") ~= ifTraversal then
    return SUPERSEDED
  end
  if ifHolder ~= "" and rowField(rowsKey, rowId, "lockHolder") ~= ifHolder then
    return LOCKED
  end
  if ifVersion ~= "" and tonumber(rowField(rowsKey, rowId, "version")) ~= tonumber(ifVersion) then
    return VERSION
  end
  hsetRange(rowsKey, patchFrom, patchTo, rowId .. ":")
  if setHolder ~= "" then
    redis.call("HSET", rowsKey, rowId .. ":lockHolder", setHolder)
  end
  redis.call("HINCRBY", rowsKey, rowId .. ":version", 1)
  return OK
end

--[[
  Append the resource event of a written row to the stack's stream (trimmed to about maxLen):
  `rest` is the event's JSON object without kind, resourceName, rowId and physicalId, which
  come from the row as written (its stored JSON text, spliced in as is).
]]
local function appendRowEvent(eventsKey, maxLen, rowsKey, rowId, rest)
  local f = redis.call("HMGET", rowsKey, rowId .. ":name", rowId .. ":id", rowId .. ":physicalId")
  local json = '{"kind":"resource","resourceName":' .. f[1] .. ',"rowId":' .. f[2] .. ',"physicalId":' .. f[3]
  if #rest > 2 then
    json = json .. "," .. string.sub(rest, 2)
  else
    json = json .. "}"
  end
  redis.call("XADD", eventsKey, "MAXLEN", "~", maxLen, "*", "e", json)
end

--[[
  The conditional row write shared by writeRow and reportNode, and the resource event a write
  records. Needs the "codes" and "rowFields" includes.

  conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder,
  patchFrom, patchTo) checks, in this order, that the stack and the row exist (else GONE),
  that the stack's currentTraversal is ifTraversal (JSON; "" = any, else SUPERSEDED), that
  the lock holder is ifHolder (JSON; "" = any, else LOCKED) and that the version is
  ifVersion ("" = any, else VERSION); then writes the patch ARGV[patchFrom..patchTo] (field,
  JSON value, ...), the new holder (JSON; "" = keep) and bumps the version: the row is read
  once and written back once. Returns OK or the refusal code, the row's fields as they are
  after the call (empty when GONE) and its stored (packed) text then (false when GONE) - what
  a reply carries: one string, not a list of fields; nothing is written when refused.
]]
local function conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder, patchFrom, patchTo)
  -- With a traversal condition, its read answers whether the stack exists (one call, not two).
  local current = false
  if ifTraversal ~= "" then
    current = redis.call("HGET", stackKey, "currentTraversal")
  end
  if not current and redis.call("EXISTS", stackKey) == 0 then
    return GONE, {}, false
  end
  local packed = redis.call("HGET", rowsKey, rowId)
  if not packed then
    return GONE, {}, false
  end
  local row = unpackList(packed)
  if ifTraversal ~= "" and current ~= ifTraversal then
    return SUPERSEDED, row, packed
  end
  if ifHolder ~= "" and row[ROW_INDEX.lockHolder] ~= ifHolder then
    return LOCKED, row, packed
  end
  if ifVersion ~= "" and tonumber(row[ROW_INDEX.version]) ~= tonumber(ifVersion) then
    return VERSION, row, packed
  end
  for i = patchFrom, patchTo - 1, 2 do
    local at = ROW_INDEX[ARGV[i]]
    if at ~= nil then
      row[at] = ARGV[i + 1]
    end
  end
  if setHolder ~= "" then
    row[ROW_INDEX.lockHolder] = setHolder
  end
  row[ROW_INDEX.version] = tostring(tonumber(row[ROW_INDEX.version]) + 1)
  return OK, row, writeRowFields(rowsKey, rowId, row)
end

--[[
  Append the resource event of a written row (its fields, as written) to the stack's stream
  (trimmed to about maxLen), compact: field "r", a JSON list [resourceName, rowId, physicalId,
  time, stackName, traversalId, action, status, reason] (decoded by src/event-stream.ts). The
  first three come from the row (its stored JSON text, spliced in as is); `rest` is the JSON
  list of the others.
]]
local function appendRowEvent(eventsKey, maxLen, row, rest)
  local json = "[" .. row[ROW_INDEX.name] .. "," .. row[ROW_INDEX.id] .. "," .. row[ROW_INDEX.physicalId] .. "," .. string.sub(rest, 2)
  redis.call("XADD", eventsKey, "MAXLEN", "~", maxLen, "*", "r", json)
end

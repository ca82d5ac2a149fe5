--[[
  The conditional row write shared by writeRow and reportNode, with the resource event of an
  accepted write. Needs the "codes" include.

  conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder,
  patchFrom, patchTo, eventsKey, maxLen, event) checks, in this order, that the stack and the
  row exist (else GONE), that the stack's currentTraversal is ifTraversal (JSON; "" = any, else
  SUPERSEDED), that the lock holder is ifHolder (JSON; "" = any, else LOCKED) and that the
  version is ifVersion ("" = any, else VERSION); then writes the patch
  ARGV[patchFrom..patchTo] (field's position in ROW_FIELDS, its JSON value packed as a row
  packs it - "<byte length>:<JSON>" - ...) and the new holder (JSON; "" = keep), bumps the
  version and, when `event` is not "", appends the write's resource event (appendRowEvent)
  to eventsKey: the row is read once and written back once.
  Returns OK or the refusal code and the row's stored (packed) text after the call (false when
  GONE) - what a reply carries: one string, not a list of fields; nothing is written when refused.

  The row is not split into its fields: rowSpans finds where each one ends, the conditions
  read the two they test, and spliceRow copies the untouched runs of the stored text as they
  are - the same text packRow makes of the patched fields (a test compares both).
]]
--- @include "rowPositions"

--[[
  Where the fields of a packed row are: cols[i] is the position of the ":" after field i's
  length, ends[i] that of its last byte; n is how many fields there are. A length of one or
  two digits (most fields) is read from its bytes (one call, no string); others as text.
]]
local function rowSpans(packed)
  local find, sub, byte = string.find, string.sub, string.byte
  local cols, ends = {}, {}
  local n, pos, total = 0, 1, #packed
  while pos <= total do
    local a, b, c = byte(packed, pos, pos + 2)
    local colon, last
    if b == 58 and a >= 48 and a <= 57 then
      colon = pos + 1
      last = colon + a - 48
    elseif c == 58 and a >= 49 and a <= 57 and b >= 48 and b <= 57 then
      colon = pos + 2
      last = colon + a * 10 + b - 528
    else
      colon = find(packed, ":", pos, true)
      last = colon + tonumber(sub(packed, pos, colon - 1))
    end
    n = n + 1
    cols[n] = colon
    ends[n] = last
    pos = last + 1
  end
  return cols, ends, n
end

--[[
  packRow of the fields of `packed` (spans from rowSpans) with `patched` set (position -> the
  field packed, "<byte length>:<JSON>"): untouched runs of fields are copied as one substring
  each, patched fields as they are given.
]]
local function spliceRow(packed, ends, n, patched)
  local sub = string.sub
  local parts, k = {}, 0
  local from = false
  for i = 1, ROW_COUNT do
    local value = patched[i]
    if value == nil and i > n then
      value = "4:null"
    end
    if value == nil then
      if not from then
        from = i == 1 and 1 or ends[i - 1] + 1
      end
    else
      if from then
        k = k + 1
        parts[k] = sub(packed, from, ends[i - 1])
        from = false
      end
      k = k + 1
      parts[k] = value
    end
  end
  if from then
    k = k + 1
    parts[k] = sub(packed, from, ends[ROW_COUNT])
  end
  return table.concat(parts)
end

--[[
  Append the resource event of a written row to the stack's stream (trimmed to about maxLen),
  compact: field "r", a JSON list [resourceName, rowId, physicalId, time, stackName,
  traversalId, action, status, reason] (decoded by src/event-stream.ts). The first three are
  the row's, as written (their stored JSON text, spliced in as is); `rest` is the JSON list of
  the others.
]]
local function appendRowEvent(eventsKey, maxLen, name, id, physicalId, rest)
  local json = "[" .. name .. "," .. id .. "," .. physicalId .. "," .. string.sub(rest, 2)
  redis.call("XADD", eventsKey, "MAXLEN", "~", maxLen, "*", "r", json)
end

-- Field i's text from spans of rowSpans (nil when the row has no such field, as a split row).
local function spanText(packed, cols, ends, n, i)
  if i > n then
    return nil
  end
  return string.sub(packed, cols[i] + 1, ends[i])
end

-- Field i of a row as written: its patched text (packed) without its length, else as stored.
local function writtenText(packed, cols, ends, n, patched, i)
  local value = patched[i]
  if value == nil then
    return spanText(packed, cols, ends, n, i)
  end
  return string.sub(value, string.find(value, ":", 1, true) + 1)
end

local function conditionalWrite(stackKey, rowsKey, rowId, ifTraversal, ifVersion, ifHolder, setHolder, patchFrom, patchTo, eventsKey, maxLen, event)
  -- With a traversal condition, its read answers whether the stack exists (one call, not two).
  local current = false
  if ifTraversal ~= "" then
    current = redis.call("HGET", stackKey, "currentTraversal")
  end
  if not current and redis.call("EXISTS", stackKey) == 0 then
    return GONE, false
  end
  local packed = redis.call("HGET", rowsKey, rowId)
  if not packed then
    return GONE, false
  end
  if ifTraversal ~= "" and current ~= ifTraversal then
    return SUPERSEDED, packed
  end
  local cols, ends, n = rowSpans(packed)
  if ifHolder ~= "" and spanText(packed, cols, ends, n, AT_LOCK_HOLDER) ~= ifHolder then
    return LOCKED, packed
  end
  local version = tonumber(spanText(packed, cols, ends, n, AT_VERSION))
  if ifVersion ~= "" and version ~= tonumber(ifVersion) then
    return VERSION, packed
  end
  local patched = {}
  for i = patchFrom, patchTo - 1, 2 do
    patched[ARGV[i] + 0] = ARGV[i + 1]
  end
  if setHolder ~= "" then
    patched[AT_LOCK_HOLDER] = #setHolder .. ":" .. setHolder
  end
  local bumped = tostring(version + 1)
  patched[AT_VERSION] = #bumped .. ":" .. bumped
  local written = spliceRow(packed, ends, n, patched)
  redis.call("HSET", rowsKey, rowId, written)
  if event ~= "" then
    local name = writtenText(packed, cols, ends, n, patched, AT_NAME)
    local id = writtenText(packed, cols, ends, n, patched, AT_ID)
    appendRowEvent(eventsKey, maxLen, name, id, writtenText(packed, cols, ends, n, patched, AT_PHYSICAL_ID), event)
  end
  return OK, written
end

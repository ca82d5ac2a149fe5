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

  The row is not split into its fields: one walk (walkRow) finds where each one ends, reads
  the two the conditions test and copies the untouched runs of the stored text as they are -
  the same text packRow makes of the patched fields (a test compares both).
]]
--- @include "rowPositions"

--[[
  One walk over a packed row's fields, making the text it has once `patched` (position -> the
  field packed, "<byte length>:<JSON>"; false = as stored) is set: runs of untouched fields
  are copied as one substring each, patched ones as given, a field the row lacks (stored
  before it existed) as "4:null"; fields past ROW_COUNT are dropped - what packRow makes of
  the split fields (a test compares both). The version is left to the caller: parts[versionAt]
  is false. Returns parts, how many there are, versionAt, the stored texts of the lock holder
  and the version (nil when absent) and, when `texts` is a table, the stored texts of the id,
  name and physicalId there (by position). Lengths of one or two digits (most fields) are read
  from their bytes (one call, no string), longer ones as text.
]]
local function walkRow(packed, patched, texts)
  local find, sub, byte = string.find, string.sub, string.byte
  -- Presized (as many parts as a row can need): growing a table costs more than the walk.
  local parts = {false, false, false, false, false, false, false, false, false, false, false,
    false, false, false, false, false, false, false, false, false, false}
  local k, versionAt, holder, version = 0, 0, nil, nil
  local pos, total = 1, #packed
  local from = 1
  for i = 1, ROW_COUNT do
    local value = patched[i]
    if i == AT_VERSION then
      value = false
    end
    local colon, last
    if pos <= total then
      local a, b, c = byte(packed, pos, pos + 2)
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
      if i == AT_LOCK_HOLDER then
        holder = sub(packed, colon + 1, last)
      elseif i == AT_VERSION then
        version = sub(packed, colon + 1, last)
      elseif texts and not value and (i == AT_ID or i == AT_NAME or i == AT_PHYSICAL_ID) then
        texts[i] = sub(packed, colon + 1, last)
      end
    elseif not value and i ~= AT_VERSION then
      value = "4:null"
    end
    if value or i == AT_VERSION then
      if from and from < pos then
        k = k + 1
        parts[k] = sub(packed, from, pos - 1)
      end
      from = false
      k = k + 1
      parts[k] = value
      if i == AT_VERSION then
        versionAt = k
      end
    elseif not from then
      from = pos
    end
    if last then
      pos = last + 1
    end
  end
  if from and from < pos then
    k = k + 1
    parts[k] = sub(packed, from, pos - 1)
  end
  return parts, k, versionAt, holder, version
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

-- Field i of a row as written: its patched text (packed) without its length, else as stored.
local function writtenText(patched, texts, i)
  local value = patched[i]
  if not value then
    return texts[i]
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
  -- Presized like the walk's parts, false = as stored.
  local patched = {false, false, false, false, false, false, false, false, false, false, false,
    false, false, false, false, false, false, false, false, false, false}
  for i = patchFrom, patchTo - 1, 2 do
    patched[ARGV[i] + 0] = ARGV[i + 1]
  end
  if setHolder ~= "" then
    patched[AT_LOCK_HOLDER] = #setHolder .. ":" .. setHolder
  end
  local texts = event ~= "" and {} or nil
  local parts, k, versionAt, holder, version = walkRow(packed, patched, texts)
  if ifHolder ~= "" and holder ~= ifHolder then
    return LOCKED, packed
  end
  if ifVersion ~= "" and tonumber(version) ~= tonumber(ifVersion) then
    return VERSION, packed
  end
  local bumped = tostring(tonumber(version) + 1)
  parts[versionAt] = #bumped .. ":" .. bumped
  local written = table.concat(parts, "", 1, k)
  redis.call("HSET", rowsKey, rowId, written)
  if texts then
    local name, id = writtenText(patched, texts, AT_NAME), writtenText(patched, texts, AT_ID)
    appendRowEvent(eventsKey, maxLen, name, id, writtenText(patched, texts, AT_PHYSICAL_ID), event)
  end
  return OK, written
end

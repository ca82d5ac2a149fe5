--[[
  Rows of a stack live in one hash, one field per row: "<rowId>" -> the row packed as one
  string, its properties' JSON texts in ROW_FIELDS order, each "<byte length>:<JSON>" (the
  format of pack() in src/codec.ts). One HGET reads a row whole and one HSET writes it, with
  no per-property field names stored. Scripts compare and copy JSON text and never decode or
  re-encode user data. ROW_FIELDS is the order of every row reply; it mirrors ROW_FIELDS of
  src/codec.ts (a test checks both).
]]
--- @include "unpackList"
--- @include "rowPositions"

local ROW_FIELDS = {"id", "name", "type", "templateId", "physicalId", "properties", "attributes",
  "action", "status", "statusReason", "requires", "replaces", "replacedBy", "createdTraversal",
  "deletionPolicy", "lockHolder", "version", "updatedAt", "checkStatus", "driftedProperties", "checkedAt"}

-- Position of each property in ROW_FIELDS: a literal (a table built by a loop cost every call
-- its rehashes; a test checks it against ROW_FIELDS).
local ROW_INDEX = {id = 1, name = 2, type = 3, templateId = 4, physicalId = 5, properties = 6, attributes = 7,
  action = 8, status = 9, statusReason = 10, requires = 11, replaces = 12, replacedBy = 13, createdTraversal = 14,
  deletionPolicy = 15, lockHolder = 16, version = 17, updatedAt = 18, checkStatus = 19, driftedProperties = 20, checkedAt = 21}

-- The packed text of a row's fields (a list in ROW_FIELDS order).
local function packRow(fields)
  local parts = {}
  for i = 1, ROW_COUNT do
    local value = fields[i] or "null"
    parts[i] = #value .. ":" .. value
  end
  return table.concat(parts)
end

-- Whether the row exists.
local function rowExists(rowsKey, rowId)
  return redis.call("HEXISTS", rowsKey, rowId) == 1
end

-- Every field of a row, in ROW_FIELDS order (JSON texts); an empty list when the row is absent.
local function readRow(rowsKey, rowId)
  local packed = redis.call("HGET", rowsKey, rowId)
  if not packed then
    return {}
  end
  return unpackList(packed)
end

-- One field of a row (JSON text, or false when the row is absent): only the fields up to it are split.
local function rowField(rowsKey, rowId, name)
  local packed = redis.call("HGET", rowsKey, rowId)
  if not packed then
    return false
  end
  local at = ROW_INDEX[name]
  return unpackList(packed, at)[at] or false
end

-- Store a row's fields (a list in ROW_FIELDS order); returns the stored (packed) text.
local function writeRowFields(rowsKey, rowId, fields)
  local packed = packRow(fields)
  redis.call("HSET", rowsKey, rowId, packed)
  return packed
end

-- A reply: the code followed by the row's fields.
local function withRow(code, rowsKey, rowId)
  local reply = readRow(rowsKey, rowId)
  table.insert(reply, 1, code)
  return reply
end

-- Remove a row.
local function dropRow(rowsKey, rowId)
  redis.call("HDEL", rowsKey, rowId)
end

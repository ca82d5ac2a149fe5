--[[
  Rows of a stack live in one hash, field "<rowId>:<name>" -> JSON value, one field per
  ResourceRow property, so scripts compare and copy JSON text and never decode or re-encode
  user data. ROW_FIELDS is the order of every row reply; it mirrors ROW_FIELDS of
  src/codec.ts (a test checks both).
]]
local ROW_FIELDS = {"id", "name", "type", "templateId", "physicalId", "properties", "attributes",
  "action", "status", "statusReason", "requires", "replaces", "replacedBy", "createdTraversal",
  "deletionPolicy", "lockHolder", "version", "updatedAt", "checkStatus", "driftedProperties", "checkedAt"}

-- Whether the row exists ("version" is written with every row and removed with it).
local function rowExists(rowsKey, rowId)
  return redis.call("HEXISTS", rowsKey, rowId .. ":version") == 1
end

-- One field of a row (JSON text, or false when absent).
local function rowField(rowsKey, rowId, name)
  return redis.call("HGET", rowsKey, rowId .. ":" .. name)
end

local function rowFieldNames(rowId)
  local fields = {}
  for i, name in ipairs(ROW_FIELDS) do
    fields[i] = rowId .. ":" .. name
  end
  return fields
end

-- Every field of a row, in ROW_FIELDS order.
local function readRow(rowsKey, rowId)
  return redis.call("HMGET", rowsKey, unpack(rowFieldNames(rowId)))
end

-- A reply: the code followed by the row's fields.
local function withRow(code, rowsKey, rowId)
  local reply = readRow(rowsKey, rowId)
  table.insert(reply, 1, code)
  return reply
end

-- Remove every field of a row.
local function dropRow(rowsKey, rowId)
  redis.call("HDEL", rowsKey, unpack(rowFieldNames(rowId)))
end

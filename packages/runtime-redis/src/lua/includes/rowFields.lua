--[[
  Rows of a stack live in one hash, field "<rowId>:<name>" -> JSON value, one field per
  ResourceRow property (so scripts never decode or re-encode user data). ROW_FIELDS is the
  order of every row reply; it mirrors ROW_FIELDS of src/codec.ts (a test checks both).
]]
local ROW_FIELDS = {"id", "name", "type", "templateId", "physicalId", "properties", "attributes",
  "action", "status", "statusReason", "requires", "replaces", "replacedBy", "createdTraversal",
  "deletionPolicy", "lockHolder", "version", "updatedAt"}

-- Whether the row exists ("version" is written with every row and removed with it).
local function rowExists(rowsKey, rowId)
  return redis.call("HEXISTS", rowsKey, rowId .. ":version") == 1
end

-- One field of a row (JSON text, or false when absent).
local function rowField(rowsKey, rowId, name)
  return redis.call("HGET", rowsKey, rowId .. ":" .. name)
end

-- Every field of a row, in ROW_FIELDS order.
local function readRow(rowsKey, rowId)
  local fields = {}
  for i, name in ipairs(ROW_FIELDS) do
    fields[i] = rowId .. ":" .. name
  end
  return redis.call("HMGET", rowsKey, unpack(fields))
end

-- Remove every field of a row.
local function dropRow(rowsKey, rowId)
  local fields = {}
  for i, name in ipairs(ROW_FIELDS) do
    fields[i] = rowId .. ":" .. name
  end
  redis.call("HDEL", rowsKey, unpack(fields))
end

-- Write ARGV[from], ARGV[from + 1], ... as (field, JSON value) pairs of a row.
local function writeRowPairs(rowsKey, rowId, from)
  for i = from, #ARGV - 1, 2 do
    redis.call("HSET", rowsKey, rowId .. ":" .. ARGV[i], ARGV[i + 1])
  end
end

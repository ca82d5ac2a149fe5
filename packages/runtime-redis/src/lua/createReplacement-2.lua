--[[
  Create the replacement of a row for a traversal, idempotently (W-B): when the old row
  already has a replacement made in this traversal, return it. Otherwise, only while the
  traversal is current and the old row is unlocked at the expected version: insert the new
  row under a fresh id (the stack's row counter), `replaces` = the old row, version 1,
  unlocked; set the old row's `replacedBy` and bump its version.

  KEYS[1] stack hash
  KEYS[2] rows hash
  ARGV[1] old row id
  ARGV[2] old row id (JSON)
  ARGV[3] traversal id (JSON)
  ARGV[4] expected version of the old row
  ARGV[5..] the new row without id, replaces, version and lockHolder: field, JSON value, ...

  Returns {code, row fields in ROW_FIELDS order}:
    1 (OK) and the new row; 2 (EXISTING) and the replacement made earlier in this traversal;
    -2 (SUPERSEDED), -4 (LOCKED) or -3 (VERSION) and the old row as it is;
    {-1} (GONE) when the stack or the old row does not exist.
]]
--- @include "codes"
--- @include "rowFields"

local oldId = ARGV[1]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return {GONE}
end
local old = readRow(KEYS[2], oldId)
if #old == 0 then
  return {GONE}
end
local replacedBy = old[ROW_INDEX.replacedBy]
if replacedBy ~= "null" then
  local existingId = cjson.decode(replacedBy)
  local existing = readRow(KEYS[2], existingId)
  if #existing > 0 and existing[ROW_INDEX.createdTraversal] == ARGV[3] then
    table.insert(existing, 1, EXISTING)
    return existing
  end
end
local refusal = nil
if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[3] then
  refusal = SUPERSEDED
elseif old[ROW_INDEX.lockHolder] ~= "null" then
  refusal = LOCKED
elseif tonumber(old[ROW_INDEX.version]) ~= tonumber(ARGV[4]) then
  refusal = VERSION
end
if refusal ~= nil then
  table.insert(old, 1, refusal)
  return old
end
local id = tostring(redis.call("HINCRBY", KEYS[1], "_rowSeq", 1))
local row = {}
for i = 5, #ARGV - 1, 2 do
  local at = ROW_INDEX[ARGV[i]]
  if at ~= nil then
    row[at] = ARGV[i + 1]
  end
end
row[ROW_INDEX.id] = '"' .. id .. '"'
row[ROW_INDEX.replaces] = ARGV[2]
row[ROW_INDEX.version] = "1"
row[ROW_INDEX.lockHolder] = "null"
writeRowFields(KEYS[2], id, row)
old[ROW_INDEX.replacedBy] = '"' .. id .. '"'
old[ROW_INDEX.version] = tostring(tonumber(old[ROW_INDEX.version]) + 1)
writeRowFields(KEYS[2], oldId, old)
return withRow(OK, KEYS[2], id)

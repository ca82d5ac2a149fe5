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
--- @include "hashPairs"
--- @include "rowFields"

local oldId = ARGV[1]
if redis.call("EXISTS", KEYS[1]) == 0 or not rowExists(KEYS[2], oldId) then
  return {GONE}
end
local replacedBy = rowField(KEYS[2], oldId, "replacedBy")
if replacedBy and replacedBy ~= "null" then
  local existing = cjson.decode(replacedBy)
  if rowExists(KEYS[2], existing) and rowField(KEYS[2], existing, "createdTraversal") == ARGV[3] then
    return withRow(EXISTING, KEYS[2], existing)
  end
end
if redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[3] then
  return withRow(SUPERSEDED, KEYS[2], oldId)
end
if rowField(KEYS[2], oldId, "lockHolder") ~= "null" then
  return withRow(LOCKED, KEYS[2], oldId)
end
if tonumber(rowField(KEYS[2], oldId, "version")) ~= tonumber(ARGV[4]) then
  return withRow(VERSION, KEYS[2], oldId)
end
local id = tostring(redis.call("HINCRBY", KEYS[1], "_rowSeq", 1))
local prefix = id .. ":"
hsetPairs(KEYS[2], 5, prefix)
redis.call("HSET", KEYS[2], prefix .. "id", '"' .. id .. '"', prefix .. "replaces", ARGV[2],
  prefix .. "version", 1, prefix .. "lockHolder", "null")
redis.call("HSET", KEYS[2], oldId .. ":replacedBy", '"' .. id .. '"')
redis.call("HINCRBY", KEYS[2], oldId .. ":version", 1)
return withRow(OK, KEYS[2], id)

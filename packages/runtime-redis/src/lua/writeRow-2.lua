--[[
  Conditional write of a resource row: lock acquire, steal and release, writes under a lock,
  compare-and-set writes. Every accepted write bumps the row's version.

  KEYS[1] stack hash
  KEYS[2] rows hash
  ARGV[1] row id
  ARGV[2] required currentTraversal of the stack (JSON), or "" for no condition
  ARGV[3] required version (integer), or "" for no condition
  ARGV[4] required lock holder (JSON: a string or null), or "" for no condition
  ARGV[5] new lock holder (JSON), or "" to keep it
  ARGV[6..] patch: field, JSON value, ...

  Returns {code, row fields in ROW_FIELDS order}:
    1 (OK) and the row after the write;
    -2 (SUPERSEDED), -4 (LOCKED) or -3 (VERSION) and the row as it is, checked in that order;
    {-1} (GONE) when the stack or the row does not exist.
]]
--- @include "codes"
--- @include "hashPairs"
--- @include "rowFields"

local rowId = ARGV[1]
if redis.call("EXISTS", KEYS[1]) == 0 or not rowExists(KEYS[2], rowId) then
  return {GONE}
end
if ARGV[2] ~= "" and redis.call("HGET", KEYS[1], "currentTraversal") ~= ARGV[2] then
  return withRow(SUPERSEDED, KEYS[2], rowId)
end
if ARGV[4] ~= "" and rowField(KEYS[2], rowId, "lockHolder") ~= ARGV[4] then
  return withRow(LOCKED, KEYS[2], rowId)
end
if ARGV[3] ~= "" and tonumber(rowField(KEYS[2], rowId, "version")) ~= tonumber(ARGV[3]) then
  return withRow(VERSION, KEYS[2], rowId)
end
hsetPairs(KEYS[2], 6, rowId .. ":")
if ARGV[5] ~= "" then
  redis.call("HSET", KEYS[2], rowId .. ":lockHolder", ARGV[5])
end
redis.call("HINCRBY", KEYS[2], rowId .. ":version", 1)
return withRow(OK, KEYS[2], rowId)

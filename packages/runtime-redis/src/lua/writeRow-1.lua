--[[
  Conditional write of a resource row: lock acquire, steal and release, writes under a lock,
  compare-and-set writes. Every accepted write bumps the row's version, and appends the
  write's resource event when one is given (atomically: the event exists if and only if the
  write was accepted).

  KEYS[1] stack hash; the stack's rows hash and event stream are named from it
          (includes/stackKeys.lua)
  ARGV[1] row id
  ARGV[2] required currentTraversal of the stack (JSON), or "" for no condition
  ARGV[3] required version (integer), or "" for no condition
  ARGV[4] required lock holder (JSON: a string or null), or "" for no condition
  ARGV[5] new lock holder (JSON), or "" to keep it
  ARGV[6] the event's JSON list [time, stackName, traversalId, action, status, reason] (the
          row gives the rest, see appendRowEvent), or "" for no event
  ARGV[7] approximate maximum length of the event stream
  ARGV[8..] patch: field (its position in ROW_FIELDS), its JSON value packed
           ("<byte length>:<JSON>", as in a row), ...

  Returns {code, the row packed as stored (see includes/rowFields.lua)}:
    1 (OK) and the row after the write;
    -2 (SUPERSEDED), -4 (LOCKED) or -3 (VERSION) and the row as it is, checked in that order;
    {-1} (GONE) when the stack or the row does not exist.
]]
--- @include "codes"
--- @include "conditionalWrite"
--- @include "stackKeys"

local code, packed = conditionalWrite(KEYS[1], STACK_BASE .. "rows", ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], 8, #ARGV, STACK_BASE .. "events", ARGV[7], ARGV[6])
if code == GONE then
  return {GONE}
end
return {code, packed}

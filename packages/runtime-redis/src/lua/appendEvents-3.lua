--[[
  Append events to a stack's stream, trimmed to about a maximum length. Events of a stack
  that no longer exists are kept only while its stream does (a deleted stack's stream
  expires; a late event must not bring it back forever), and that stream stays trimmed to
  what a deleted stack keeps.

  Each stack event also gets an entry of the same id in the stack's marks stream: what a
  waiter for the stack's state (`waitForStack`, `readEventMarks`) blocks on, so it wakes for
  stack events only, not for each resource event. Marks are kept only while their stream
  exists for a stack that no longer does, as events are; a mark whose id would not be the
  stream's newest (a clock that went back after the streams were remade) is left out - the
  waiter then sees the change at its next quiet-time re-read.

  KEYS[1] stack hash
  KEYS[2] event stream
  KEYS[3] stack-event marks (stream: entries of the stack events' ids)
  ARGV[1] approximate maximum length of the stream
  ARGV[2] approximate maximum length of a deleted stack's stream
  ARGV[3] one character per event, in order: "1" a stack event (marked), "0" another
  ARGV[4..] event JSON, one per event

  Returns the stream ids assigned, in order (empty when the events were dropped).
]]

local MARKS_KEPT = 100
local maxLen = ARGV[1]
local marks = true
if redis.call("EXISTS", KEYS[1]) == 0 then
  if redis.call("EXISTS", KEYS[2]) == 0 then
    return {}
  end
  maxLen = ARGV[2]
  marks = redis.call("EXISTS", KEYS[3]) == 1
end
local ids = {}
for i = 4, #ARGV do
  local id = redis.call("XADD", KEYS[2], "MAXLEN", "~", maxLen, "*", "e", ARGV[i])
  ids[#ids + 1] = id
  if marks and string.sub(ARGV[3], i - 3, i - 3) == "1" then
    redis.pcall("XADD", KEYS[3], "MAXLEN", "~", MARKS_KEPT, id, "s", "1")
  end
end
return ids

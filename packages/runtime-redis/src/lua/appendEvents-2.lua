--[[
  Append events to a stack's stream, trimmed to about a maximum length. Events of a stack
  that no longer exists are kept only while its stream does (a deleted stack's stream
  expires; a late event must not bring it back forever), and that stream stays trimmed to
  what a deleted stack keeps.

  KEYS[1] stack hash
  KEYS[2] event stream
  ARGV[1] approximate maximum length of the stream
  ARGV[2] approximate maximum length of a deleted stack's stream
  ARGV[3..] event JSON, one per event

  Returns the stream ids assigned, in order (empty when the events were dropped).
]]

local maxLen = ARGV[1]
if redis.call("EXISTS", KEYS[1]) == 0 then
  if redis.call("EXISTS", KEYS[2]) == 0 then
    return {}
  end
  maxLen = ARGV[2]
end
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = redis.call("XADD", KEYS[2], "MAXLEN", "~", maxLen, "*", "e", ARGV[i])
end
return ids

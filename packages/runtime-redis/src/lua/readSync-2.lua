--[[
  Read a sync point's entries, only while the traversal is live.

  KEYS[1] graph of the traversal
  KEYS[2] the node's sync point hash
  ARGV[1] the most entries read here; a larger sync point is read by the caller in HSCAN pages

  Returns the flat list sender, payload JSON, ... (empty when nothing reported yet), nil when
  the traversal's graph does not exist, or 0 when the sync point holds more than ARGV[1]
  entries (nothing read).
]]

if redis.call("EXISTS", KEYS[1]) == 0 then
  return false
end
if redis.call("HLEN", KEYS[2]) > tonumber(ARGV[1]) then
  return 0
end
return redis.call("HGETALL", KEYS[2])

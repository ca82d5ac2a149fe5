--[[
  Read a sync point's entries, only while the traversal is live.

  KEYS[1] graph of the traversal
  KEYS[2] the node's sync point hash

  Returns the flat list sender, payload JSON, ... (empty when nothing reported yet), or nil
  when the traversal's graph does not exist.
]]

if redis.call("EXISTS", KEYS[1]) == 0 then
  return false
end
return redis.call("HGETALL", KEYS[2])

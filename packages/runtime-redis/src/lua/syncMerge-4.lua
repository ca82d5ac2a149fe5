--[[
  Atomic merge-and-test of a sync point (DESIGN.md section 5): set field `sender` := payload;
  when counted and the field is new, count it. One field write per arrival, never a rewrite
  of the set.

  KEYS[1] graph of the traversal (its existence means "the traversal is live")
  KEYS[2] the node's sync point hash (sender -> payload JSON)
  KEYS[3] sync-point index of the traversal (set of sync point keys)
  KEYS[4] sync-point readiness counts of the traversal (node -> count)
  ARGV[1] sender node key
  ARGV[2] payload JSON
  ARGV[3] "1" to count the sender, "0" not to
  ARGV[4] required count
  ARGV[5] node key (field of KEYS[4])

  Returns 1 (ready: the count reached the required one), 0 (WAITING), or -1 (GONE) when the
  traversal's graph does not exist (superseded, purged, or never installed).
]]
--- @include "codes"

if redis.call("EXISTS", KEYS[1]) == 0 then
  return GONE
end
local added = redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
if added == 1 then
  redis.call("SADD", KEYS[3], KEYS[2])
end
local count
if ARGV[3] == "1" and added == 1 then
  count = redis.call("HINCRBY", KEYS[4], ARGV[5], 1)
else
  count = tonumber(redis.call("HGET", KEYS[4], ARGV[5]) or "0")
end
if count >= tonumber(ARGV[4]) then
  return OK
end
return WAITING

--[[
  Claim a stack name in the name index. With an expected owner, take the name over from it
  (the caller checked that the owner's stack no longer exists).

  KEYS[1] name index hash   <prefix>:names
  ARGV[1] stack name
  ARGV[2] stack id claiming it
  ARGV[3] expected current owner id, or "" to claim only a free name

  Returns {1} (OK) when the name now belongs to ARGV[2], else {-5 (EXISTS), owner id}.
]]
--- @include "codes"

local owner = redis.call("HGET", KEYS[1], ARGV[1])
if owner == ARGV[2] then
  return {OK}
end
if (ARGV[3] == "" and not owner) or (ARGV[3] ~= "" and owner == ARGV[3]) then
  redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
  return {OK}
end
return {EXISTS, owner or ""}

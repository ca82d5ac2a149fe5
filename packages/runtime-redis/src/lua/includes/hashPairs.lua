-- Write ARGV[from], ARGV[from + 1], ... as (field, value) pairs of a hash, one HSET per pair
-- (no unpack of an unbounded list: Lua's stack is limited).
local function hsetPairs(key, from)
  for i = from, #ARGV - 1, 2 do
    redis.call("HSET", key, ARGV[i], ARGV[i + 1])
  end
end

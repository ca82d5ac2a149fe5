--[[
  Start-up permission probe: call each named command once, harmlessly, on probe keys next to
  KEYS[1] (same hash tag, same key pattern as the runtime's keys) and report the calls Redis
  refused (ACL rules apply to the commands a script calls). Calls on missing keys are no-ops;
  the few that create a key run only when DEL is permitted, and every probe key is deleted
  before the script ends, so nothing is left behind and nobody sees the keys.

  KEYS[1] probe key base, e.g. <prefix>:{permission-probe}:probe
  ARGV[1..] command names (upper case) to try

  Returns {command, error, ...}: each call that failed, with Redis' message (the caller keeps
  the permission refusals: another error, e.g. "no such key", means the call was permitted);
  a command this script cannot probe comes back with the error "unprobed".
]]

local b = KEYS[1]
local s, s2, n, h, l, l2, st, z, x = b .. ":s", b .. ":s2", b .. ":n", b .. ":h", b .. ":l", b .. ":l2", b .. ":st", b .. ":z", b .. ":x"
local probes = {
  DEL = {s}, UNLINK = {s}, EXISTS = {s}, GET = {s}, SET = {s, "v", "XX"}, TYPE = {s},
  PEXPIRE = {s, 1000}, PEXPIREAT = {s, 1}, PERSIST = {s}, PTTL = {s}, RENAME = {s, s2},
  INCR = {n}, INCRBY = {n, 1}, TIME = {},
  HSET = {h, "f", "v"}, HMSET = {h, "f", "v"}, HGET = {h, "f"}, HMGET = {h, "f"}, HGETALL = {h},
  HDEL = {h, "f"}, HEXISTS = {h, "f"}, HINCRBY = {h, "n", 1}, HKEYS = {h}, HLEN = {h}, HSCAN = {h, 0},
  LPUSH = {l, "v"}, RPUSH = {l, "v"}, LPOP = {l2}, RPOP = {l2}, LRANGE = {l, 0, -1}, LLEN = {l},
  LINDEX = {l, 0}, LPOS = {l, "v"}, LREM = {l2, 0, "v"}, LSET = {l, 0, "v"}, LTRIM = {l2, 0, -1},
  RPOPLPUSH = {l2, l},
  SADD = {st, "m"}, SREM = {st, "m"}, SMEMBERS = {st}, SCARD = {st}, SISMEMBER = {st, "m"}, SSCAN = {st, 0},
  ZADD = {z, "XX", 1, "m"}, ZREM = {z, "m"}, ZRANGE = {z, 0, -1}, ZCARD = {z}, ZSCORE = {z, "m"},
  ZCOUNT = {z, "-inf", "+inf"}, ZLEXCOUNT = {z, "-", "+"}, ZPOPMIN = {z}, ZRANGEBYLEX = {z, "-", "+"},
  ZRANGEBYSCORE = {z, "-inf", "+inf"}, ZREVRANGE = {z, 0, -1}, ZREVRANGEBYSCORE = {z, "+inf", "-inf"},
  ZREMRANGEBYRANK = {z, 0, -1}, ZREMRANGEBYSCORE = {z, "-inf", "+inf"},
  XADD = {x, "NOMKSTREAM", "*", "f", "v"}, XRANGE = {x, "-", "+"}, XLEN = {x}, XDEL = {x, "0-1"},
  XTRIM = {x, "MAXLEN", 0}, XREAD = {"STREAMS", x, "0-0"},
}
local creates = {HSET = true, HMSET = true, HINCRBY = true, INCR = true, INCRBY = true, LPUSH = true, RPUSH = true, SADD = true}

local refused = {}
local function try(command)
  local args = probes[command]
  if args == nil then
    refused[#refused + 1] = command
    refused[#refused + 1] = "unprobed"
    return true
  end
  local reply = redis.pcall(command, unpack(args))
  if type(reply) == "table" and reply.err ~= nil then
    refused[#refused + 1] = command
    refused[#refused + 1] = reply.err
    return false
  end
  return true
end

local mayDelete = try("DEL")
for _, command in ipairs(ARGV) do
  if command ~= "DEL" and (mayDelete or not creates[command]) then
    try(command)
  end
end
if mayDelete then
  redis.call("DEL", s, s2, n, h, l, l2, st, z, x)
end
return refused

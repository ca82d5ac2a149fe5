--[[
  Add check jobs to the BullMQ queue in one call, writing what BullMQ 6.7's own
  `addStandardJob-9` writes for a job with a custom id, no delay, no priority, no parent,
  FIFO (`check-queue.ts` sends only such jobs here; `test/add-jobs.test.ts` compares both
  byte for byte): the id counter, the job hash (name, data, opts, timestamp, delay 0,
  priority 0), the "added" and "waiting" events, the id on the wait list, and the marker
  that wakes blocked workers unless the queue is paused or maxed. A job whose hash exists is
  absorbed ("duplicated" event), as BullMQ does. BullMQ's addBulk is one MULTI of one script
  call per job; this is one call per batch, with no msgpack to decode per job.

  Refused, nothing written, when the queue's meta says another BullMQ version made it
  (ARGV[1]; returns -1) or names no version yet (the queue's first connection has not
  written it; returns -2): the caller then uses BullMQ's addBulk.

  KEYS[1] wait list      KEYS[2] meta hash     KEYS[3] id counter
  KEYS[4] active list    KEYS[5] events stream KEYS[6] marker zset
  KEYS[7..] job hashes, one per job, in order
  ARGV[1] expected meta version ("bullmq:6.7.0")
  ARGV[2] timestamp, epoch ms
  ARGV[3] "1": set the marker as BullMQ does; "0": leave it (a worker's successors, which that
          worker fetches itself next; `bull-worker.ts` sets the marker if it does not)
  ARGV[4..] per job: job id, name, data (JSON), opts (JSON, as BullMQ stores them)

  Returns the number of jobs added (duplicates not counted), or -1 / -2.
]]
local rcall = redis.call
local version = rcall("HGET", KEYS[2], "version")
if not version then return -2 end
if version ~= ARGV[1] then return -1 end
local count = #KEYS - 6
rcall("INCRBY", KEYS[3], count)
local maxEvents = rcall("HGET", KEYS[2], "opts.maxLenEvents")
if not maxEvents then
  maxEvents = 10000
  rcall("HSET", KEYS[2], "opts.maxLenEvents", maxEvents)
end
local added = 0
for i = 1, count do
  local jobKey = KEYS[6 + i]
  local a = 4 * i
  local jobId = ARGV[a]
  if rcall("EXISTS", jobKey) == 1 then
    rcall("XADD", KEYS[5], "MAXLEN", "~", maxEvents, "*", "event", "duplicated", "jobId", jobId)
  else
    rcall("HMSET", jobKey, "name", ARGV[a + 1], "data", ARGV[a + 2], "opts", ARGV[a + 3], "timestamp", ARGV[2], "delay", 0, "priority", 0)
    rcall("XADD", KEYS[5], "*", "event", "added", "jobId", jobId, "name", ARGV[a + 1])
    rcall("LPUSH", KEYS[1], jobId)
    rcall("XADD", KEYS[5], "MAXLEN", "~", maxEvents, "*", "event", "waiting", "jobId", jobId)
    added = added + 1
  end
end
if added > 0 then
  local meta = rcall("HMGET", KEYS[2], "paused", "concurrency")
  local pausedOrMaxed = meta[1] ~= false or (meta[2] ~= false and rcall("LLEN", KEYS[4]) >= tonumber(meta[2]))
  if not pausedOrMaxed and ARGV[3] == "1" then rcall("ZADD", KEYS[6], 0, "0") end
end
return added

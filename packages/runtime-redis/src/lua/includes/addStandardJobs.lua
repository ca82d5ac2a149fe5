--[[
  Add check jobs as BullMQ 6.7's own `addStandardJob-9` writes a job with a custom id, no
  delay, no priority, no parent, FIFO: the id counter, the job hash (name, data, opts,
  timestamp, delay 0, priority 0), the "added" and "waiting" events, the id on the wait list,
  and - when `mark` - the marker that wakes blocked workers unless the queue is paused or
  maxed. A job whose hash exists is absorbed ("duplicated" event), as BullMQ does.
  (`test/add-jobs.test.ts` compares what it writes with BullMQ's addBulk, byte for byte.)

  q      the queue's keys: { wait, meta, id counter, active, events, marker }
  jobs   per job: { job hash key, job id, name, data (JSON), opts (JSON, as BullMQ stores them) }

  Refused, nothing written, when the queue's meta names another BullMQ version than `version`
  (returns -1) or no version yet (its first connection has not written it; returns -2).
  Returns the number of jobs added (duplicates not counted).
]]
local function addStandardJobs(q, version, now, mark, jobs)
  local rcall = redis.call
  local stored = rcall("HGET", q[2], "version")
  if not stored then return -2 end
  if stored ~= version then return -1 end
  rcall("INCRBY", q[3], #jobs)
  local maxEvents = rcall("HGET", q[2], "opts.maxLenEvents")
  if not maxEvents then
    maxEvents = 10000
    rcall("HSET", q[2], "opts.maxLenEvents", maxEvents)
  end
  local added = 0
  for _, job in ipairs(jobs) do
    local jobKey, jobId = job[1], job[2]
    if rcall("EXISTS", jobKey) == 1 then
      rcall("XADD", q[5], "MAXLEN", "~", maxEvents, "*", "event", "duplicated", "jobId", jobId)
    else
      rcall("HMSET", jobKey, "name", job[3], "data", job[4], "opts", job[5], "timestamp", now, "delay", 0, "priority", 0)
      rcall("XADD", q[5], "*", "event", "added", "jobId", jobId, "name", job[3])
      rcall("LPUSH", q[1], jobId)
      rcall("XADD", q[5], "MAXLEN", "~", maxEvents, "*", "event", "waiting", "jobId", jobId)
      added = added + 1
    end
  end
  if added > 0 and mark then
    local meta = rcall("HMGET", q[2], "paused", "concurrency")
    local pausedOrMaxed = meta[1] ~= false or (meta[2] ~= false and rcall("LLEN", q[4]) >= tonumber(meta[2]))
    if not pausedOrMaxed then rcall("ZADD", q[6], 0, "0") end
  end
  return added
end

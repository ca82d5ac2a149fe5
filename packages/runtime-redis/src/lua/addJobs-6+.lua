--[[
  Add check jobs to the BullMQ queue in one call, writing what BullMQ 6.7's own
  `addStandardJob-9` writes for a job with a custom id, no delay, no priority, no parent,
  FIFO (includes/addStandardJobs.lua; `check-queue.ts` sends only such jobs here). BullMQ's
  addBulk is one MULTI of one script call per job; this is one call per batch, with no
  msgpack to decode per job.

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
--- @include "addStandardJobs"

local jobs = {}
for i = 1, #KEYS - 6 do
  local a = 4 * i
  jobs[i] = { KEYS[6 + i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3] }
end
return addStandardJobs({ KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6] }, ARGV[1], ARGV[2], ARGV[3] == "1", jobs)

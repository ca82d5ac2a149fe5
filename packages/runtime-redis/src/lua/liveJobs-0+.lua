--[[
  The watchdog's activity test of queued entries (activity.ts): for each BullMQ job hash,
  whether its job will still run - the hash exists (completed jobs are removed) and has no
  "finishedOn" (a failed job kept for inspection has one; a job waiting for a retry has not).
  O(1) per job, whatever the length of the wait list. Read only.

  KEYS[1..] job hashes of the queue (one cluster slot: the queue's hash tag)

  Returns one integer per key, in order: 1 when the job will still run, else 0.
]]
local live = {}
for i = 1, #KEYS do
  if redis.call("EXISTS", KEYS[i]) == 1 and redis.call("HEXISTS", KEYS[i], "finishedOn") == 0 then
    live[i] = 1
  else
    live[i] = 0
  end
end
return live

--[[
  Keys of a stack named in the script from its stack hash's key (KEYS[1],
  "<prefix>:{<stackId>}:stack"), as src/keys.ts names them (a test checks both), instead of
  each travelling as an argument (~95 bytes each). Every one carries the stack's hash tag, so
  it is in KEYS[1]'s cluster slot (as BullMQ's scripts do with their queue's keys).

  STACK_BASE .. "rows" (and "queued", "attempts", "events") - the stack's keys;
  traversalKey(kind, t) - "graph", "gens", "counts" or "syncs" of traversal t;
  syncKey(tk, node) - a sync point's hash, tk being the traversal as "<UTF-16 length>:<id>"
  (the length src/keys.ts puts in the key); traversalOf(tk) - the id of tk.
]]
local STACK_BASE = string.sub(KEYS[1], 1, -6)

local function traversalKey(kind, t)
  return STACK_BASE .. kind .. ":" .. t
end

local function syncKey(tk, node)
  return STACK_BASE .. "sync:" .. tk .. ":" .. node
end

local function traversalOf(tk)
  return string.sub(tk, string.find(tk, ":", 1, true) + 1)
end

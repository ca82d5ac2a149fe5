--[[
  Return codes shared by every script (mirrored by src/script-codes.ts; a test checks both).
  Negative codes are domain refusals, never infrastructure errors (those raise).
]]
local OK = 1
local EXISTING = 2
local WAITING = 0
local GONE = -1
local SUPERSEDED = -2
local VERSION = -3
local LOCKED = -4
local EXISTS = -5

--[[
  Positions in ROW_FIELDS (see includes/rowFields.lua) of the row properties scripts read or
  set by position, as plain numbers (nothing built per call; a test checks them against
  ROW_FIELDS), and how many properties a row has.
]]
local ROW_COUNT = 21
local AT_ID = 1
local AT_NAME = 2
local AT_PHYSICAL_ID = 5
local AT_LOCK_HOLDER = 16
local AT_VERSION = 17

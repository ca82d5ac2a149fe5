--[[
  The layout of a stack's rows, stored in its stack hash (field "_rowLayout") when the stack
  is created: "packed" = one hash field per row (includes/rowFields.lua). A stack stored by
  an older version (one hash field per row property) has "_rowSeq" but no "_rowLayout"; the
  runtime refuses to read it (src/codec.ts ROW_LAYOUT mirrors this value).
]]
local ROW_LAYOUT = "packed"

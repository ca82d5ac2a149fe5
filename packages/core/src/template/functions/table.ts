/**
 * The table of template functions over data, by name. The compiler folds them and the
 * resolver evaluates them through this one table; the reference functions (`get_param`,
 * `get_resource`, `get_attr`) and `if` need the template itself and are handled by each.
 */
import type { TemplateFunction } from "./definition.js";
import { CONTAINS, FILTER, LIST_CONCAT, LIST_CONCAT_UNIQUE, MAP_MERGE, MAP_REPLACE } from "./collections.js";
import { AND, EQUALS, NOT, OR } from "./logic.js";
import { REPEAT } from "./repeat.js";
import { DIGEST, LIST_JOIN, STR_REPLACE, STR_REPLACE_STRICT, STR_REPLACE_VSTRICT, STR_SPLIT } from "./strings.js";
import { FN_BASE64, FN_MEMBER_LIST_TO_MAP, FN_SELECT } from "../cfn/data-functions.js";

/** Every function over data, by name. */
export const FUNCTION_TABLE: ReadonlyMap<string, TemplateFunction> = new Map(
  [
    LIST_JOIN,
    STR_REPLACE,
    STR_REPLACE_STRICT,
    STR_REPLACE_VSTRICT,
    STR_SPLIT,
    DIGEST,
    LIST_CONCAT,
    LIST_CONCAT_UNIQUE,
    FILTER,
    CONTAINS,
    MAP_MERGE,
    MAP_REPLACE,
    REPEAT,
    EQUALS,
    NOT,
    AND,
    OR,
    FN_SELECT,
    FN_BASE64,
    FN_MEMBER_LIST_TO_MAP,
  ].map((fn) => [fn.name, fn] as const),
);

/** The functions a condition may use: `get_param` and the table's condition functions. */
export const CONDITION_FUNCTIONS: readonly string[] = [
  "get_param",
  ...[...FUNCTION_TABLE.values()].filter((fn) => fn.inConditions === true).map((fn) => fn.name),
];

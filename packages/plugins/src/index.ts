/**
 * `@converge/plugins`: ready-made resource types.
 *
 * - Heat-compatible, so existing Heat templates run unchanged: `OS::Heat::TestResource`,
 *   `OS::Heat::RandomString`, `OS::Heat::None`, `OS::Heat::Value`;
 * - real ones: `converge:local:File` (a file on disk) and `converge:http:Resource` (a generic
 *   JSON-over-HTTP resource).
 *
 * ```ts
 * import { createEngine, createMemoryRuntime } from "@converge/core";
 * import { allTypes } from "@converge/plugins";
 * const engine = createEngine({ runtime: createMemoryRuntime(), types: allTypes });
 * ```
 */
import type { AnyResourceType } from "@converge/core";
import { HttpResource } from "./http/http-resource.js";
import { None } from "./heat/none.js";
import { RandomString } from "./heat/random-string.js";
import { TestResource } from "./heat/test-resource.js";
import { Value } from "./heat/value.js";
import { LocalFile } from "./local/local-file.js";

export { TEST_RESOURCE_TYPE, TestResource, createTestResourceType, testResourceNeedsReplace, testResourceWaitSecs } from "./heat/test-resource.js";
export type { TestResourceAction, TestResourceOptions, TestResourceProperties } from "./heat/test-resource.js";
export { CHARACTER_CLASSES, RANDOM_STRING_TYPE, RandomString, createRandomStringType, generateRandomString } from "./heat/random-string.js";
export type { CharacterClass, RandomInt, RandomStringOptions, RandomStringProperties } from "./heat/random-string.js";
export { NONE_TYPE, None } from "./heat/none.js";
export { VALUE_TYPE, VALUE_TYPES, Value, coerceValue } from "./heat/value.js";
export type { CoercedValue, ValueProperties, ValueType } from "./heat/value.js";
export { heatBoolean, heatInteger, heatNumber, heatString } from "./heat/heat-schema.js";
export { LOCAL_FILE_TYPE, LocalFile } from "./local/local-file.js";
export type { LocalFileProperties } from "./local/local-file.js";
export { formatFileMode, parseFileMode } from "./local/file-mode.js";
export { HTTP_RESOURCE_TYPE, HttpResource, createHttpResourceType, itemUrlOf, projectOnto } from "./http/http-resource.js";
export type { HttpResourceOptions, HttpResourceProperties } from "./http/http-resource.js";
export type { FetchFunction, HttpRequest, HttpResponse } from "./http/http-request.js";
export { httpRequest } from "./http/http-request.js";
export { retryDelay, sendWithRetry } from "./http/http-retry.js";
export type { HttpRetryPolicy, RetryEnv } from "./http/http-retry.js";
export { mergePatch } from "./http/merge-patch.js";
export { getJsonPath, parseJsonPath } from "./http/json-path.js";
export type { PathStep } from "./http/json-path.js";
export { parseRetryAfter } from "./http/retry-after.js";
export { physicalResourceName, shortId, stableUuid } from "./support/physical-name.js";
export { realSleep } from "./support/sleep.js";
export type { Sleep } from "./support/sleep.js";

/** Every resource type of this package, ready for `createEngine({ types: allTypes })`. */
export const allTypes: readonly AnyResourceType[] = Object.freeze([TestResource, RandomString, None, Value, LocalFile, HttpResource]);

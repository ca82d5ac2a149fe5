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

export { TEST_RESOURCE_TYPE, TestResource, createTestResourceType } from "./heat/test-resource.js";
export type { TestResourceAction, TestResourceOptions, TestResourceProperties } from "./heat/test-resource.js";
export { RANDOM_STRING_TYPE, RandomString, createRandomStringType } from "./heat/random-string.js";
export type { CharacterClass, RandomInt, RandomStringOptions, RandomStringProperties } from "./heat/random-string.js";
export { NONE_TYPE, None } from "./heat/none.js";
export { VALUE_TYPE, VALUE_TYPES, Value } from "./heat/value.js";
export type { ValueProperties, ValueType } from "./heat/value.js";
export { LOCAL_FILE_TYPE, LocalFile } from "./local/local-file.js";
export type { LocalFileProperties } from "./local/local-file.js";
export { HTTP_RESOURCE_TYPE, HttpResource, createHttpResourceType } from "./http/http-resource.js";
export type { HttpResourceOptions, HttpResourceProperties } from "./http/http-resource.js";
export type { FetchFunction, HttpRequest, HttpResponse } from "./http/http-request.js";
export { physicalResourceName, shortId, stableUuid } from "./support/physical-name.js";
export type { Sleep } from "./support/sleep.js";

/** Every resource type of this package, ready for `createEngine({ types: allTypes })`. */
export const allTypes: readonly AnyResourceType[] = Object.freeze([TestResource, RandomString, None, Value, LocalFile, HttpResource]);

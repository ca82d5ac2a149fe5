/**
 * `@converge/runtime-redis/testing`: throw-away Redis servers and clusters for tests, the
 * scenario harness and the conformance target of core's suites on Redis.
 */
export { createAclUser, freePort, redisServerAvailable, startRedisServer, testRedis, uniquePrefix } from "./redis-server.js";
export type { AclUser, RedisServerHandle, RedisServerOptions, TestRedis } from "./redis-server.js";
export { createTestCertificates } from "./test-certificates.js";
export type { TestCertificates } from "./test-certificates.js";
export { startRedisCluster } from "./redis-cluster.js";
export type { RedisClusterHandle, RedisClusterOptions } from "./redis-cluster.js";
export { redisScenarioHarness } from "./scenario-harness.js";
export type { RedisScenarioHarnessOptions } from "./scenario-harness.js";
export { redisConformanceTarget } from "./conformance-target.js";
export type { RedisConformanceOptions } from "./conformance-target.js";
export { startTcpProxy } from "./tcp-proxy.js";
export type { RedisCommandArgs, TcpProxy } from "./tcp-proxy.js";

/**
 * Templates the CLI tests apply (OS::Heat::TestResource from @converge/plugins).
 */

/** Two resources, `b` reading `a`'s output; a parameter; an output. */
export const BASIC = `heat_template_version: 2018-08-31
parameters:
  greeting:
    type: string
    default: hello
resources:
  a:
    type: OS::Heat::TestResource
    properties:
      value: { get_param: greeting }
  b:
    type: OS::Heat::TestResource
    properties:
      value: { get_attr: [a, output] }
outputs:
  b_out:
    value: { get_attr: [b, output] }
`;

/** `a` kept, `b` removed, `c` added and depending on `a`. */
export const CHANGED = `resources:
  a:
    type: OS::Heat::TestResource
    properties:
      value: hello
  c:
    type: OS::Heat::TestResource
    properties:
      value: { get_resource: a }
`;

/** `boom` fails on create, after `ok` was created. */
export const FAILING = `resources:
  ok:
    type: OS::Heat::TestResource
    properties:
      value: fine
  boom:
    type: OS::Heat::TestResource
    properties:
      fail: true
      value: { get_resource: ok }
`;

/** A resource whose create waits `secs` seconds (honouring cancellation); its delete does not wait. */
export function slow(secs: number, value = "slow"): string {
  return `resources:
  first:
    type: OS::Heat::TestResource
    properties:
      value: ${value}
      action_wait_secs: { create: ${secs}, update: ${secs} }
  second:
    type: OS::Heat::TestResource
    properties:
      value: { get_attr: [first, output] }
`;
}

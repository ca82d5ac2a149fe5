/**
 * The templates of Heat's `heat_integrationtests/functional/test_create_update.py`, verbatim.
 */
/** A resource of these templates. */
export interface Resource {
  type: string;
  properties?: Record<string, unknown>;
  depends_on?: string;
  condition?: string;
}
/** A template of these tests. */
export interface Tmpl {
  heat_template_version: string;
  description?: string;
  resources: Record<string, Resource>;
  conditions?: Record<string, unknown>;
}

/** Heat's `test_template_one_resource`. */
export const testTemplateOneResource: Tmpl = {
  heat_template_version: "pike",
  description: "Test template to create one instance.",
  resources: {
    test1: {
      type: "OS::Heat::TestResource",
      properties: {
        value: "Test1",
        fail: false,
        update_replace: false,
        wait_secs: 1,
        action_wait_secs: { create: 1 },
        client_name: "nova",
        entity_name: "servers",
      },
    },
  },
};

/** Heat's `test_template_two_resource`. */
export const testTemplateTwoResource: Tmpl = {
  heat_template_version: "pike",
  description: "Test template to create two instance.",
  resources: {
    test1: {
      type: "OS::Heat::TestResource",
      properties: { value: "Test1", fail: false, update_replace: false, wait_secs: 0, action_wait_secs: { update: 1 } },
    },
    test2: {
      type: "OS::Heat::TestResource",
      properties: { value: "Test1", fail: false, update_replace: false, wait_secs: 0 },
    },
  },
};

/** Heat's `UpdateStackTest.provider_template`. */
export const providerTemplate = {
  heat_template_version: "2013-05-23",
  description: "foo",
  resources: { test1: { type: "My::TestResource" } },
};

/** Heat's `UpdateStackTest.provider_group_template`. */
export const providerGroupTemplate = `
heat_template_version: 2013-05-23
parameters:
  count:
    type: number
    default: 2
resources:
  test_group:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: count}
      resource_def:
        type: My::TestResource
`;

/** Heat's `UpdateStackTest.fail_param_template`. */
export const failParamTemplate = `
heat_template_version: 2014-10-16
parameters:
  do_fail:
    type: boolean
    default: False
resources:
  aresource:
    type: OS::Heat::TestResource
    properties:
      value: Test
      fail: {get_param: do_fail}
      wait_secs: 1
`;

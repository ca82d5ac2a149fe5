/**
 * The templates of Heat's `heat_integrationtests/functional/test_template_resource.py`,
 * verbatim, by `Class.attribute` (a local of a test method is `Class.fn_name`; repeated ones
 * are numbered in order: `Class.fn_name#2`).
 */
export const T: Readonly<Record<string, string>> = {
  "TemplateResourceTest.template": `
heat_template_version: 2013-05-23
resources:
  secret1:
    type: OS::Heat::RandomString
outputs:
  secret-out:
    value: { get_attr: [secret1, value] }
`,
  "TemplateResourceTest.nested_templ": `
heat_template_version: 2013-05-23
resources:
  secret2:
    type: OS::Heat::RandomString
outputs:
  value:
    value: { get_attr: [secret2, value] }
`,
  "TemplateResourceTest.env_templ": `
resource_registry:
  "OS::Heat::RandomString": nested.yaml
`,
  "TemplateResourceTest.fn_main_templ": `
heat_template_version: 2013-05-23
resources:
  secret1:
    type: My::NestedSecret
outputs:
  secret-out:
    value: { get_attr: [secret1, value] }
`,
  "TemplateResourceTest.fn_nested_templ": `
heat_template_version: 2013-05-23
resources:
  secret2:
    type: My::Secret
outputs:
  value:
    value: { get_attr: [secret2, value] }
`,
  "TemplateResourceTest.fn_env_templ": `
resource_registry:
  "My::Secret": "OS::Heat::RandomString"
  "My::NestedSecret": nested.yaml
`,
  "TemplateResourceTest.fn_nested_templ_2": `
heat_template_version: 2013-05-23
resources:
  secret2:
    type: OS::Heat::RandomString
outputs:
  value:
    value: freddy
`,
  "TemplateResourceTest.fn_env_templ_2": `
resource_registry:
  "OS::Heat::RandomString": new/nested.yaml
`,
  "NestedAttributesTest.main_templ": `
heat_template_version: 2014-10-16
resources:
  secret2:
    type: My::NestedSecret
outputs:
  old_way:
    value: { get_attr: [secret2, nested_str]}
  test_attr1:
    value: { get_attr: [secret2, resource.secret1, value]}
  test_attr2:
    value: { get_attr: [secret2, resource.secret1.value]}
  test_ref:
    value: { get_resource: secret2 }
`,
  "NestedAttributesTest.env_templ": `
resource_registry:
  "My::NestedSecret": nested.yaml
`,
  "NestedAttributesTest.fn_nested_templ": `
heat_template_version: 2014-10-16
resources:
  secret1:
    type: OS::Heat::RandomString
outputs:
  nested_str:
    value: {get_attr: [secret1, value]}
`,
  "NestedAttributesTest.fn_nested_templ#2": `
heat_template_version: 2014-10-16
resources:
  secret1:
    type: OS::Heat::RandomString
outputs:
  OS::stack_id:
    value: {get_resource: secret1}
  nested_str:
    value: {get_attr: [secret1, value]}
`,
  "NestedAttributesTest.fn_nested_templ#3": `
heat_template_version: 2014-10-16
resources:
  secret1:
    type: OS::Heat::RandomString
outputs:
  nested_str:
    value: {get_attr: [secret1, value]}
`,
  "TemplateResourceFacadeTest.main_template": `
heat_template_version: 2013-05-23
resources:
  the_nested:
    type: the.yaml
    metadata:
      foo: bar
outputs:
  value:
    value: {get_attr: [the_nested, output]}
`,
  "TemplateResourceFacadeTest.nested_templ": `
heat_template_version: 2013-05-23
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value: {"Fn::Select": [foo, {resource_facade: metadata}]}
outputs:
  output:
    value: {get_attr: [test, output]}
    `,
  "TemplateResourceUpdateTest.main_template": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: my_name
      two: your_name
Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceUpdateTest.main_template_change_prop": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: updated_name
      two: your_name

Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceUpdateTest.main_template_add_prop": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: my_name
      two: your_name
      three: third_name

Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceUpdateTest.main_template_remove_prop": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: my_name

Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceUpdateTest.initial_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: foo
    Type: String
  two:
    Default: bar
    Type: String

Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: one}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
`,
  "TemplateResourceUpdateTest.prop_change_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: yikes
    Type: String
  two:
    Default: foo
    Type: String
Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: two}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
`,
  "TemplateResourceUpdateTest.prop_add_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: yikes
    Type: String
  two:
    Default: foo
    Type: String
  three:
    Default: bar
    Type: String

Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: three}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
`,
  "TemplateResourceUpdateTest.prop_remove_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: yikes
    Type: String

Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: one}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
`,
  "TemplateResourceUpdateTest.attr_change_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: foo
    Type: String
  two:
    Default: bar
    Type: String

Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: one}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
  something_else:
    Value: just_a_string
`,
  "TemplateResourceUpdateTest.content_change_tmpl": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: foo
    Type: String
  two:
    Default: bar
    Type: String

Resources:
  NestedResource:
    Type: OS::Heat::RandomString
    Properties:
      salt: yum
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [NestedResource, value]}
`,
  "TemplateResourceUpdateFailedTest.main_template": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  test:
    Type: OS::Heat::TestResource
    Properties:
      fail: replace-this
  server:
    Type: server_fail.yaml
    DependsOn: test
`,
  "TemplateResourceUpdateFailedTest.nested_templ": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  RealRandom:
    Type: OS::Heat::RandomString
`,
  "TemplateResourceAdoptTest.main_template": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: my_name
Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceAdoptTest.nested_templ": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: foo
    Type: String
Resources:
  RealRandom:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: one}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [RealRandom, value]}
`,
  "TemplateResourceCheckTest.main_template": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  the_nested:
    Type: the.yaml
    Properties:
      one: my_name
Outputs:
  identifier:
    Value: {Ref: the_nested}
  value:
    Value: {'Fn::GetAtt': [the_nested, the_str]}
`,
  "TemplateResourceCheckTest.nested_templ": `
HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  one:
    Default: foo
    Type: String
Resources:
  RealRandom:
    Type: OS::Heat::RandomString
    Properties:
      salt: {Ref: one}
Outputs:
  the_str:
    Value: {'Fn::GetAtt': [RealRandom, value]}
`,
  "TemplateResourceCheckTest.failed_templ": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  check_succeed:
    Type: OS::Heat::TestResource
  check_failed:
    Type: OS::Heat::TestResource
    Properties:
      fail: true
      action_wait_secs:
        create: 3
  check_deps_failed:
    Type: OS::Heat::TestResource
    DependsOn: check_failed
  check_deps_deps_failed:
    Type: OS::Heat::TestResource
    DependsOn: check_deps_failed
`,
  "TemplateResourceErrorMessageTest.template": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  victim:
    Type: fail.yaml
`,
  "TemplateResourceErrorMessageTest.nested_templ": `
HeatTemplateFormatVersion: '2012-12-12'
Resources:
  oops:
    Type: OS::Heat::TestResource
    Properties:
      fail: true
      wait_secs: 2
`,
  "TemplateResourceSuspendResumeTest.main_template": `
heat_template_version: 2014-10-16
parameters:
resources:
  the_nested:
    type: the.yaml
`,
  "TemplateResourceSuspendResumeTest.nested_templ": `
heat_template_version: 2014-10-16
resources:
  test_random_string:
    type: OS::Heat::RandomString
`,
  "ValidateFacadeTest.template": `
heat_template_version: 2015-10-15
resources:
  thisone:
    type: OS::Thingy
    properties:
      one: pre
      two: post
outputs:
  one:
    value: {get_attr: [thisone, here-it-is]}
`,
  "ValidateFacadeTest.templ_facade": `
heat_template_version: 2015-04-30
parameters:
  one:
    type: string
  two:
    type: string
outputs:
  here-it-is:
    value: noop
`,
  "ValidateFacadeTest.env": `
resource_registry:
  OS::Thingy: facade.yaml
  resources:
    thisone:
      OS::Thingy: concrete.yaml
`,
  "ValidateFacadeTest.fn_templ_missing_parameter": `
heat_template_version: 2015-04-30
parameters:
  one:
    type: string
resources:
  str:
    type: OS::Heat::RandomString
outputs:
  here-it-is:
    value:
      not-important
`,
  "ValidateFacadeTest.fn_templ_missing_output": `
heat_template_version: 2015-04-30
parameters:
  one:
    type: string
  two:
    type: string
resources:
  str:
    type: OS::Heat::RandomString
`,
  "TemplateResourceNewParamTest.main_template": `
heat_template_version: 2013-05-23
resources:
  my_resource:
    type: resource.yaml
    properties:
      value1: foo
`,
  "TemplateResourceNewParamTest.nested_templ": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value: {get_param: value1}
`,
  "TemplateResourceNewParamTest.main_template_update": `
heat_template_version: 2013-05-23
resources:
  my_resource:
    type: resource.yaml
    properties:
      value1: foo
      value2: foo
`,
  "TemplateResourceNewParamTest.nested_templ_update_fail": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
  value2:
    type: string
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      fail: True
      value:
        str_replace:
          template: VAL1-VAL2
          params:
            VAL1: {get_param: value1}
            VAL2: {get_param: value2}
`,
  "TemplateResourceNewParamTest.nested_templ_update": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
  value2:
    type: string
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value:
        str_replace:
          template: VAL1-VAL2
          params:
            VAL1: {get_param: value1}
            VAL2: {get_param: value2}
`,
  "TemplateResourceRemovedParamTest.main_template": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
    default: foo
resources:
  my_resource:
    type: resource.yaml
    properties:
       value1: {get_param: value1}
`,
  "TemplateResourceRemovedParamTest.nested_templ": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
    default: foo
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value: {get_param: value1}
`,
  "TemplateResourceRemovedParamTest.main_template_update": `
heat_template_version: 2013-05-23
resources:
  my_resource:
    type: resource.yaml
`,
  "TemplateResourceRemovedParamTest.nested_templ_update": `
heat_template_version: 2013-05-23
parameters:
  value1:
    type: string
    default: foo
  value2:
    type: string
    default: bar
resources:
  test:
    type: OS::Heat::TestResource
    properties:
      value:
        str_replace:
          template: VAL1-VAL2
          params:
            VAL1: {get_param: value1}
            VAL2: {get_param: value2}
`,
};

/** The template named `key`. @throws when there is none (a typo in a test). */
export function tmpl(key: string): string {
  const text = T[key];
  if (text === undefined) throw new Error(`no template ${key}`);
  return text;
}

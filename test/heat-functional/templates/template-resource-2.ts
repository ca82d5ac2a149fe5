/**
 * The templates of Heat's `test_template_resource.py` (second part; see `template-resource.ts`).
 */
export const T2: Readonly<Record<string, string>> = {
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

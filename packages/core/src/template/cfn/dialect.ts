/**
 * Where the CloudFormation dialect plugs into compiling: any template (the top-level one or a
 * nested one) that is a CFN template is translated into HOT first, and the errors found
 * compiling the translation are given back in CFN terms.
 */
import { checkNesting } from "../nesting.js";
import { isCfnTemplate, translateCfnTemplate } from "./translate.js";

/**
 * Compile `input` with `compile`, translating its `template` from CFN into HOT first when it
 * is a CFN template (its nesting depth checked before the translation walks it). Errors of
 * `compile` with paths relative to this template are rewritten into CFN paths.
 */
export function withCfnDialect<I extends { readonly template: unknown }, R>(input: I, compile: (input: I) => R): R {
  if (!isCfnTemplate(input.template)) return compile(input);
  checkNesting(input.template);
  const cfn = translateCfnTemplate(input.template);
  try {
    return compile({ ...input, template: cfn.template });
  } catch (error) {
    throw cfn.paths.rewrite(error);
  }
}

/**
 * The CloudFormation dialect: CFN templates translated into HOT (see `translate.ts`).
 */
export { CFN_TEMPLATE_KEYS, CFN_VERSIONS, isCfnTemplate, translateCfnTemplate } from "./translate.js";
export type { CfnTranslation } from "./translate.js";
export { CfnPathMap } from "./path-map.js";
export { PSEUDO_PARAMETERS } from "./values.js";
export { withCfnDialect } from "./dialect.js";

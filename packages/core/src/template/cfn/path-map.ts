/**
 * The correspondence between paths in a CloudFormation template and paths in the HOT
 * template it translates to, so that an error found while compiling the translation names
 * the node the user wrote (`Resources.web.Properties.image`, not `resources.web.properties.image`).
 *
 * The translator records a pair wherever a path segment is renamed (sections, resource and
 * output keys, function names and argument positions); below a recorded node the two
 * templates have the same shape, so the rest of a path is kept as it is:
 *
 * ```
 *   resources.web.properties.cmd.list_join.1.0
 *   └──── recorded: resources.web.properties.cmd.list_join → Resources.web.Properties.cmd.Fn::Join
 *   => Resources.web.Properties.cmd.Fn::Join.1.0
 * ```
 */
import { TemplateValidationError } from "../../errors.js";

/** HOT functions and the CFN function a CFN template wrote instead, for messages. */
const CFN_NAMES: ReadonlyMap<string, string> = new Map([
  ["get_attr", "Fn::GetAtt"],
  ["get_resource", "Ref"],
  ["get_param", "Ref"],
  ["list_join", "Fn::Join"],
  ["str_split", "Fn::Split"],
  ["str_replace", "Fn::Replace"],
  ["if", "Fn::If"],
  ["equals", "Fn::Equals"],
  ["not", "Fn::Not"],
  ["and", "Fn::And"],
  ["or", "Fn::Or"],
]);

/** `message` with a leading HOT function name (`get_attr refers to ...`) in CFN terms. */
function inCfnTerms(message: string): string {
  const space = message.indexOf(" ");
  const first = space < 0 ? message : message.slice(0, space);
  const cfn = CFN_NAMES.get(first.endsWith(":") ? first.slice(0, -1) : first);
  return cfn === undefined ? message : cfn + message.slice(first.endsWith(":") ? first.length - 1 : first.length);
}

/** HOT path → CFN path pairs, with the lookup that maps any HOT path back. */
export class CfnPathMap {
  readonly #pairs = new Map<string, string>();

  /** Record that the HOT node at `hot` is the CFN node at `cfn`. */
  record(hot: string, cfn: string): void {
    this.#pairs.set(hot, cfn);
  }

  /** The CFN path of the HOT node at `hot`: the nearest recorded ancestor's, plus the rest. */
  toCfn(hot: string): string {
    let prefix = hot;
    for (;;) {
      const found = this.#pairs.get(prefix);
      if (found !== undefined) return found + hot.slice(prefix.length);
      const cut = prefix.lastIndexOf(".");
      if (cut < 0) return hot;
      prefix = prefix.slice(0, cut);
    }
  }

  /**
   * `error` with its path (and the path at the head of its message, and a HOT function name
   * opening the message) in CFN terms, when it is a template error; any other error is
   * returned as it is. The error object is kept (its
   * class, code and fields), only `path` and `message` change.
   */
  rewrite(error: unknown): unknown {
    if (!(error instanceof TemplateValidationError) || error.path === "") return error;
    const cfn = this.toCfn(error.path);
    if (cfn === error.path) return error;
    const head = `${error.path}: `;
    if (error.message.startsWith(head)) error.message = `${cfn}: ${inCfnTerms(error.message.slice(head.length))}`;
    Object.defineProperty(error, "path", { value: cfn, enumerable: true, configurable: true, writable: false });
    return error;
  }
}

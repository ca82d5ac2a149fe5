/**
 * Locating JSON syntax errors. `JSON.parse` messages do not always carry a position (and
 * their wording changes between V8 versions), so after a failed parse this small iterative
 * scanner walks the text again and reports where, and why, it first stops being JSON.
 */

/** Where a JSON text first breaks the grammar. */
export interface JsonSyntaxProblem {
  /** 0-based offset into the text (the text length for an early end of input). */
  readonly offset: number;
  /** What was expected or found there. */
  readonly message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t", "u"]);
const OBJECT = 1;
const ARRAY = 2;

type State = "value" | "first-item" | "first-key" | "key" | "after";

/** A step's outcome: a problem, the end of a valid text (`null`), or go on (`undefined`). */
type Step = JsonSyntaxProblem | null | undefined;

/** An iterative JSON scanner: a stack of open containers and what is expected next. */
class JsonScanner {
  private readonly n: number;
  private readonly stack: number[] = [];
  private i = 0;
  private state: State = "value";

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  /** The first problem, or null for valid JSON. */
  run(): JsonSyntaxProblem | null {
    for (;;) {
      this.skipSpace();
      const c = this.text[this.i];
      const step = this.state === "value" || this.state === "first-item" ? this.value(c) : this.state === "after" ? this.after(c) : this.key(c);
      if (step !== undefined) return step;
    }
  }

  private problem(message: string, offset = this.i): JsonSyntaxProblem {
    return { offset, message };
  }

  private end(): JsonSyntaxProblem {
    return this.problem("unexpected end of input", this.n);
  }

  private skipSpace(): void {
    const { text, n } = this;
    while (this.i < n && (text[this.i] === " " || text[this.i] === "\t" || text[this.i] === "\n" || text[this.i] === "\r")) this.i++;
  }

  /** Open a container (or close the one just opened, empty). */
  private open(kind: number, next: State): Step {
    this.i++;
    this.stack.push(kind);
    this.state = next;
    return undefined;
  }

  private close(): Step {
    this.i++;
    this.stack.pop();
    this.state = "after";
    return undefined;
  }

  /** A value is expected at `c` (or, first in an array, its end). */
  private value(c: string | undefined): Step {
    const { text } = this;
    if (c === undefined) return this.end();
    if (this.state === "first-item" && c === "]") return this.close();
    if (c === "{") return this.open(OBJECT, "first-key");
    if (c === "[") return this.open(ARRAY, "first-item");
    if (c === '"') {
      const p = this.scanString();
      if (p !== null) return p;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = this.i;
      if (!NUMBER.test(text)) return this.problem("invalid number");
      this.i = NUMBER.lastIndex;
    } else {
      const literal = ["true", "false", "null"].find((word) => text.startsWith(word, this.i));
      if (literal === undefined) return this.problem(`unexpected character ${JSON.stringify(c)}, expected a value`);
      this.i += literal.length;
    }
    this.state = "after";
    return undefined;
  }

  /** A property name and its colon are expected at `c` (or, first in an object, its end). */
  private key(c: string | undefined): Step {
    if (c === undefined) return this.end();
    if (this.state === "first-key" && c === "}") return this.close();
    if (c !== '"') return this.problem(`unexpected character ${JSON.stringify(c)}, expected a property name in double quotes`);
    const p = this.scanString();
    if (p !== null) return p;
    this.skipSpace();
    if (this.i >= this.n) return this.end();
    if (this.text[this.i] !== ":") return this.problem(`unexpected character ${JSON.stringify(this.text[this.i])}, expected ":"`);
    this.i++;
    this.state = "value";
    return undefined;
  }

  /** After a value: a comma, the end of the open container, or the end of the text. */
  private after(c: string | undefined): Step {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return c === undefined ? null : this.problem("unexpected content after the JSON value");
    if (c === undefined) return this.end();
    if (c === ",") {
      this.i++;
      this.state = top === OBJECT ? "key" : "value";
      return undefined;
    }
    if ((top === OBJECT && c === "}") || (top === ARRAY && c === "]")) return this.close();
    return this.problem(`unexpected character ${JSON.stringify(c)}, expected "," or "${top === OBJECT ? "}" : "]"}"`);
  }

  /** Scan the string starting at text[i] === '"'; a problem or null. */
  private scanString(): JsonSyntaxProblem | null {
    const { text, n } = this;
    this.i++;
    for (;;) {
      if (this.i >= n) return this.problem("unterminated string", n);
      const c = text.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return null;
      }
      if (c < 0x20) return this.problem("control character in string (escape it)");
      if (c === 0x5c) {
        const e = text[this.i + 1];
        if (e === undefined) return this.problem("unterminated string", n);
        if (!ESCAPES.has(e)) return this.problem(`invalid escape "\\${e}"`);
        if (e === "u") {
          HEX4.lastIndex = this.i + 2;
          if (!HEX4.test(text)) return this.problem("invalid \\u escape (expected 4 hex digits)");
          this.i += 6;
        } else {
          this.i += 2;
        }
        continue;
      }
      this.i++;
    }
  }
}

/** The first syntax problem of `text` as JSON (RFC 8259), or null when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  return new JsonScanner(text).run();
}

/** 1-based line and column of a 0-based offset into `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

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

/** The first syntax problem of `text` as JSON (RFC 8259), or null when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  let state: State = "value";
  const problem = (message: string, offset = i): JsonSyntaxProblem => ({ offset, message });
  const end = (): JsonSyntaxProblem => problem("unexpected end of input", n);

  // Scans the string starting at text[i] === '"'; returns a problem or null.
  const scanString = (): JsonSyntaxProblem | null => {
    i++;
    for (;;) {
      if (i >= n) return problem("unterminated string", n);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return problem("control character in string (escape it)");
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === undefined) return problem("unterminated string", n);
        if (!ESCAPES.has(e)) return problem(`invalid escape "\\${e}"`);
        if (e === "u") {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) return problem("invalid \\u escape (expected 4 hex digits)");
          i += 6;
        } else {
          i += 2;
        }
        continue;
      }
      i++;
    }
  };

  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    const c = text[i];
    if (state === "value" || state === "first-item") {
      if (c === undefined) return end();
      if (state === "first-item" && c === "]") {
        i++;
        stack.pop();
        state = "after";
      } else if (c === "{") {
        i++;
        stack.push(OBJECT);
        state = "first-key";
      } else if (c === "[") {
        i++;
        stack.push(ARRAY);
        state = "first-item";
      } else if (c === '"') {
        const p = scanString();
        if (p !== null) return p;
        state = "after";
      } else if (c === "-" || (c >= "0" && c <= "9")) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return problem("invalid number");
        i = NUMBER.lastIndex;
        state = "after";
      } else {
        const literal = ["true", "false", "null"].find((word) => text.startsWith(word, i));
        if (literal === undefined) return problem(`unexpected character ${JSON.stringify(c)}, expected a value`);
        i += literal.length;
        state = "after";
      }
    } else if (state === "first-key" || state === "key") {
      if (c === undefined) return end();
      if (state === "first-key" && c === "}") {
        i++;
        stack.pop();
        state = "after";
        continue;
      }
      if (c !== '"') return problem(`unexpected character ${JSON.stringify(c)}, expected a property name in double quotes`);
      const p = scanString();
      if (p !== null) return p;
      while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
      if (i >= n) return end();
      if (text[i] !== ":") return problem(`unexpected character ${JSON.stringify(text[i])}, expected ":"`);
      i++;
      state = "value";
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return c === undefined ? null : problem("unexpected content after the JSON value");
      if (c === undefined) return end();
      if (c === ",") {
        i++;
        state = top === OBJECT ? "key" : "value";
      } else if ((top === OBJECT && c === "}") || (top === ARRAY && c === "]")) {
        i++;
        stack.pop();
      } else {
        return problem(`unexpected character ${JSON.stringify(c)}, expected "," or "${top === OBJECT ? "}" : "]"}"`);
      }
    }
  }
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

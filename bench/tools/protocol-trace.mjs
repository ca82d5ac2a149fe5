// Static trace of one check (issue 10, item 3): from `processCheck`, walk the calls in source
// order into core's own functions (arguments before the call; each function expanded once),
// recording the file the trace is in. Prints:
// - filesEntered / switches / returnsToFilesLeft: every call and every return (a return to the
//   caller's file counts), collapsed where consecutive steps stay in one file;
// - readingJumps / readingReturnsToFilesLeft: the files in the order a reader meets each
//   function for the first time, and how often that order goes back to a file already left.
// Usage: node bench/tools/protocol-trace.mjs [repo root] [-p: per-file returns | -r: the reading order]
import ts from "typescript";
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
const root = resolve(process.argv[2] ?? ".");
const src = join(root, "packages/core/src");
const walk = (d) => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : []; });
const program = ts.createProgram(walk(src), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true });
const checker = program.getTypeChecker();
const inCore = (sf) => sf.fileName.startsWith(src) && !sf.fileName.includes("/testing/");
function bodyOf(decl) {
  if ((ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) && decl.body) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) return decl.initializer;
  return null;
}
function target(call) {
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression);
  if (!sym) return null;
  if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  for (const d of sym.declarations ?? []) { const f = bodyOf(d); if (f && inCore(d.getSourceFile())) return f; }
  return null;
}
const start = program.getSourceFiles().find((f) => f.fileName.endsWith("protocol/process-check.ts"));
let entry = null;
ts.forEachChild(start, (n) => { if (ts.isFunctionDeclaration(n) && n.name?.text === "processCheck") entry = n; });
const expanded = new Set();
const trace = [];
const at = (fn) => relative(src, fn.getSourceFile().fileName);
const reading = [];
function enter(fn) {
  trace.push(at(fn));
  if (expanded.has(fn)) return;
  expanded.add(fn);
  reading.push(at(fn));
  const visit = (n) => {
    if (ts.isCallExpression(n)) {
      ts.forEachChild(n, visit); // arguments first (they run first)
      const f = target(n);
      if (f) { enter(f); trace.push(at(fn)); }
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
}
enter(entry);
// collapse consecutive duplicates
const path = trace.filter((f, i) => i === 0 || trace[i - 1] !== f);
const seen = new Set();
let returns = 0;
for (let i = 0; i < path.length; i++) { if (seen.has(path[i])) returns++; seen.add(path[i]); }
const rpath = reading.filter((f, i) => i === 0 || reading[i - 1] !== f);
const rseen = new Set(); let rback = 0; const per = {};
for (const f of rpath) { if (rseen.has(f)) { rback++; per[f] = (per[f] ?? 0) + 1; } rseen.add(f); }
const protocol = [...seen].filter((f) => f.startsWith("protocol/"));
console.log(JSON.stringify({ filesEntered: seen.size, protocolFiles: protocol.length, switches: path.length - 1, returnsToFilesLeft: returns, functions: expanded.size, readingJumps: rpath.length - 1, readingReturnsToFilesLeft: rback }));
if (process.argv[3] === "-r") console.log(rpath.join("\n"));
if (process.argv[3] === "-p") console.log(JSON.stringify(Object.entries(per).sort((a, b) => b[1] - a[1])));
if (process.argv[3] === "-v") console.log([...seen].join("\n"));

#!/usr/bin/env node
// `npm run api:update` / `npm run api:check`: the API report of every published package.
// For each entry point a package exports (package.json "exports", its ESM types, built by
// `npm run build`), it writes `packages/<name>/api/<entry>.api.md`: every exported name, sorted,
// with its declaration as the built .d.ts states it (doc comments left out). With `--check` it
// writes nothing and exits 1 when a report differs from the committed one, showing the diff, so a
// change to the public API is a visible diff in review (CI runs it from `.ci/run`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "plugins", "runtime-redis", "cli"];
const check = process.argv.includes("--check");
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The entry points of a package: `[report name, absolute path of its ESM .d.ts]`. */
function entries(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const out = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const types = target?.import?.types;
    if (typeof types !== "string") continue;
    const name = subpath === "." ? "index" : subpath.replace(/^\.\//, "").replaceAll("/", "-");
    out.push([name, join(dir, types), `${manifest.name}${subpath === "." ? "" : subpath.slice(1)}`]);
  }
  return out;
}

/** The printed declaration(s) of one exported symbol. */
function declarationText(checker, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const texts = [];
  for (const decl of target.declarations ?? []) {
    const file = decl.getSourceFile();
    const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
    let text = printer.printNode(ts.EmitHint.Unspecified, node, file).trim();
    if (ts.isVariableDeclaration(decl) && decl.parent.declarations.length > 1) text = `declare const ${printer.printNode(ts.EmitHint.Unspecified, decl, file)};`;
    texts.push(text.replace(/^export (declare )?/, "declare "));
  }
  const aliasNote = target.name !== symbol.name && target.name !== "default" ? `// exported as ${symbol.name}\n` : "";
  return aliasNote + (texts.length === 0 ? `// (${symbol.name}: no declaration)` : texts.join("\n"));
}

/** The API report text of one entry point. */
function report(file, label) {
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file}: not a module (run npm run build first)`);
  const exported = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = [
    `# API report: ${label}`,
    "",
    "<!-- Written by scripts/api-report.mjs (npm run api:update) from the built .d.ts; do not edit. -->",
    "",
    `${exported.length} exported names: ${exported.map((s) => s.name).join(", ")}`,
    "",
  ];
  for (const symbol of exported) lines.push(`## ${symbol.name}`, "", "```ts", declarationText(checker, symbol), "```", "");
  return `${lines.join("\n").trimEnd()}\n`;
}

const problems = [];
const scratch = check ? mkdtempSync(join(tmpdir(), "converge-api-")) : null;
try {
  for (const name of PACKAGES) {
    const dir = join(root, "packages", name);
    for (const [entry, file, label] of entries(dir)) {
      if (!existsSync(file)) {
        problems.push(`${label}: ${file} does not exist (run npm run build first)`);
        continue;
      }
      const text = report(file, label);
      const path = join(dir, "api", `${entry}.api.md`);
      if (!check) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
        process.stdout.write(`wrote ${path.slice(root.length + 1)}\n`);
        continue;
      }
      const committed = existsSync(path) ? readFileSync(path, "utf8") : "";
      if (committed === text) continue;
      const fresh = join(scratch, `${name}-${entry}.api.md`);
      writeFileSync(fresh, text);
      try {
        execFileSync("diff", ["-u", "--label", `${path.slice(root.length + 1)} (committed)`, "--label", "built", existsSync(path) ? path : "/dev/null", fresh], { encoding: "utf8" });
      } catch (error) {
        process.stdout.write(`${error.stdout ?? ""}`);
      }
      problems.push(`${label}: its public API differs from ${path.slice(root.length + 1)}; if the change is intended, run npm run api:update and commit the report`);
    }
  }
} finally {
  if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
}
if (problems.length > 0) {
  process.stderr.write(`\n${problems.map((p) => `api report: ${p}`).join("\n")}\n`);
  process.exit(1);
}
if (check) process.stdout.write("api reports match the built packages\n");

#!/usr/bin/env node
// `npm run check:packages`: pack every published package (after `npm run build`) and check
// what a user would install: its tarball holds LICENSE (the repository's), README.md and its
// entry points; its package.json names repository, homepage, bugs and engines; and
// `@arethetypeswrong/cli` (types resolve under node10, node16 CJS/ESM and bundlers) and
// `publint --strict` find nothing. Exits 1 naming every problem.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "plugins", "runtime-redis", "cli"];
const REQUIRED_FIELDS = ["license", "repository", "homepage", "bugs", "engines"];
const bin = (name) => join(root, "node_modules/.bin", name);

const out = mkdtempSync(join(tmpdir(), "converge-packs-"));
const problems = [];
const license = readFileSync(join(root, "LICENSE"), "utf8");

/** Run a command, echoing its output; false when it exits non-zero. */
function run(command, args, cwd = root) {
  try {
    process.stdout.write(execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    return true;
  } catch (error) {
    process.stdout.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    return false;
  }
}

try {
  for (const name of PACKAGES) {
    const dir = join(root, "packages", name);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    process.stdout.write(`\n==> ${manifest.name}\n`);
    for (const field of REQUIRED_FIELDS) if (manifest[field] === undefined) problems.push(`${manifest.name}: package.json has no "${field}"`);
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" }));
    const tarball = join(out, packed.filename);
    const files = new Set(packed.files.map((f) => f.path));
    for (const file of ["LICENSE", "README.md", "package.json"]) if (!files.has(file)) problems.push(`${manifest.name}: ${file} is not in the tarball`);
    if (files.has("LICENSE") && readFileSync(join(dir, "LICENSE"), "utf8") !== license) problems.push(`${manifest.name}: LICENSE differs from the repository's`);
    if (![...files].some((f) => f.startsWith("dist/"))) problems.push(`${manifest.name}: no dist/ in the tarball (run npm run build first)`);
    if (!run(bin("attw"), [tarball, "--format", "table-flipped", "--no-emoji", "--no-color"])) problems.push(`${manifest.name}: @arethetypeswrong/cli found problems`);
    if (!run(bin("publint"), ["run", tarball, "--strict"])) problems.push(`${manifest.name}: publint found problems`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (problems.length > 0) {
  process.stderr.write(`\ncheck:packages failed:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`\ncheck:packages: ${PACKAGES.length} packages OK\n`);

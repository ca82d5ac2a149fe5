#!/usr/bin/env node
// `npm run check:packages`: pack every published package (after `npm run build`) and check
// what a user would install: its tarball holds LICENSE (the repository's), README.md and its
// entry points; its package.json names repository, homepage, bugs and engines; and
// `@arethetypeswrong/cli` (types resolve under node10, node16 CJS/ESM and bundlers) and
// `publint --strict` find nothing. Then the CLI is installed from the tarballs into an empty
// project without the Redis runtime (an optional peer): `converge --help` and a memory apply
// work, bullmq and ioredis are not installed, and `--redis` says what to install. Exits 1
// naming every problem.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

const tarballs = new Map();

/** Install core, plugins and cli from their tarballs into an empty project and use `converge`. */
function tryInstalledCli() {
  process.stdout.write("\n==> @converge/cli installed from its tarball, without the Redis runtime\n");
  const app = join(out, "app");
  const fail = (what) => problems.push(`installed CLI: ${what}`);
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  writeFileSync(join(app, "site.yaml"), "resources:\n  v:\n    type: OS::Heat::Value\n    properties: { value: hello }\n");
  const local = ["core", "plugins", "cli"].map((name) => tarballs.get(name));
  if (!run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...local], app)) return fail("npm install of the tarballs failed");
  for (const absent of ["@converge/runtime-redis", "ioredis", "bullmq"]) if (existsSync(join(app, "node_modules", absent))) fail(`${absent} was installed`);
  const converge = join(app, "node_modules/.bin/converge");
  const cli = (args) => {
    try {
      return { code: 0, text: execFileSync(converge, args, { cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
    } catch (error) {
      return { code: error.status, text: `${error.stdout ?? ""}${error.stderr ?? ""}` };
    }
  };
  const help = cli(["--help"]);
  if (help.code !== 0 || !help.text.includes("Usage: converge")) fail(`converge --help: exit ${help.code}: ${help.text}`);
  const apply = cli(["apply", "site.yaml", "--stack", "s"]);
  if (apply.code !== 0 || !apply.text.includes("CREATE_COMPLETE")) fail(`converge apply (memory): exit ${apply.code}: ${apply.text}`);
  const redis = cli(["list", "--redis", "redis://127.0.0.1:1"]);
  if (redis.code !== 1 || !redis.text.includes("npm install @converge/runtime-redis ioredis")) fail(`converge list --redis: exit ${redis.code}: ${redis.text}`);
  process.stdout.write(`${apply.text}${redis.text}`);
}

try {
  for (const name of PACKAGES) {
    const dir = join(root, "packages", name);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    process.stdout.write(`\n==> ${manifest.name}\n`);
    for (const field of REQUIRED_FIELDS) if (manifest[field] === undefined) problems.push(`${manifest.name}: package.json has no "${field}"`);
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" }));
    const tarball = join(out, packed.filename);
    tarballs.set(name, tarball);
    const files = new Set(packed.files.map((f) => f.path));
    for (const file of ["LICENSE", "README.md", "package.json"]) if (!files.has(file)) problems.push(`${manifest.name}: ${file} is not in the tarball`);
    if (files.has("LICENSE") && readFileSync(join(dir, "LICENSE"), "utf8") !== license) problems.push(`${manifest.name}: LICENSE differs from the repository's`);
    if (![...files].some((f) => f.startsWith("dist/"))) problems.push(`${manifest.name}: no dist/ in the tarball (run npm run build first)`);
    if (!run(bin("attw"), [tarball, "--format", "table-flipped", "--no-emoji", "--no-color"])) problems.push(`${manifest.name}: @arethetypeswrong/cli found problems`);
    if (!run(bin("publint"), ["run", tarball, "--strict"])) problems.push(`${manifest.name}: publint found problems`);
  }
  tryInstalledCli();
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (problems.length > 0) {
  process.stderr.write(`\ncheck:packages failed:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`\ncheck:packages: ${PACKAGES.length} packages OK\n`);

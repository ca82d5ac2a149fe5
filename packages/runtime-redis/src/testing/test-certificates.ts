/**
 * Throw-away TLS material for tests: `createTestCertificates()` runs `openssl` (on PATH) to make
 * a self-signed CA and a server certificate it signed, valid for 127.0.0.1 and localhost - what
 * `startRedisServer({ tls })` serves and a client trusts with `tls: { ca }` or
 * `NODE_EXTRA_CA_CERTS`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A CA and a server certificate, as files and the CA's PEM text. */
export interface TestCertificates {
  /** The CA certificate file (PEM). */
  readonly caFile: string;
  /** The CA certificate (PEM text), for `tls: { ca }`. */
  readonly ca: string;
  /** The server certificate (PEM), signed by the CA, for 127.0.0.1 and localhost. */
  readonly certFile: string;
  /** The server's private key (PEM). */
  readonly keyFile: string;
  /** Remove the files. */
  remove(): void;
}

/** Make a CA and a server certificate with `openssl`. @throws Error when openssl fails or is missing */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "converge-tls-"));
  const file = (name: string): string => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (args: readonly string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  };
  openssl(["req", "-x509", "-new", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2", "-subj", "/CN=Converge Test CA"]);
  openssl(["req", "-new", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=localhost"]);
  writeFileSync(file("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("ext.cnf")]);
  return {
    caFile: file("ca.crt"),
    ca: readFileSync(file("ca.crt"), "utf8"),
    certFile: file("server.crt"),
    keyFile: file("server.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Certificates for the TLS tests, made at test time with the `openssl` command (OpenSSL 1.1.1 or
 * later; Node can not make X.509 certificates itself): a certificate authority, a server
 * certificate it signed for `localhost` and `127.0.0.1`, and a self-signed certificate. They are
 * written into a temporary directory, read back as PEM, and the directory is removed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The PEM texts of the test certificates and keys. */
export interface TestCertificates {
  /** The certificate authority that signed `cert` (trust it with `{ ca: [ca] }`). */
  readonly ca: string;
  /** The server certificate, valid for `localhost` and `127.0.0.1`, signed by `ca`. */
  readonly cert: string;
  /** The key of `cert`. */
  readonly key: string;
  /** A self-signed certificate for `localhost` (no authority vouches for it). */
  readonly selfSignedCert: string;
  /** The key of `selfSignedCert`. */
  readonly selfSignedKey: string;
}

let made: Promise<TestCertificates> | null = null;

/** The test certificates, made once per test file. */
export function testCertificates(): Promise<TestCertificates> {
  made ??= makeCertificates();
  return made;
}

async function makeCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "asyncio-ts-tls-"));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  try {
    const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=asyncio-ts test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    await openssl(
      "req",
      "-new",
      ...ecKey,
      "-keyout",
      file("server.key"),
      "-out",
      file("server.csr"),
      "-subj",
      "/CN=localhost",
    );
    await writeExtensions(file("server.ext"));
    await openssl(
      "x509",
      "-req",
      "-in",
      file("server.csr"),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-out",
      file("server.pem"),
      "-days",
      "2",
      "-extfile",
      file("server.ext"),
    );
    await openssl(
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      file("self.key"),
      "-out",
      file("self.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    );
    const read = (name: string) => readFile(file(name), "utf8");
    return {
      ca: await read("ca.pem"),
      cert: await read("server.pem"),
      key: await read("server.key"),
      selfSignedCert: await read("self.pem"),
      selfSignedKey: await read("self.key"),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeExtensions(path: string): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(
    path,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "",
    ].join("\n"),
  );
}

/**
 * For the TLS examples: a certificate authority and a certificate it signed for `localhost`,
 * made with the `openssl` command in a temporary directory (removed afterwards).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The PEM texts: `ca` to trust, `cert` and `key` for the server. */
export interface ExampleCertificate {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Makes a CA and a `localhost` certificate signed by it. */
export function makeCertificate(): ExampleCertificate {
  const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-example-tls-"));
  const openssl = (args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  };
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    openssl(
      ["req", "-x509", ...ecKey, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1"].concat([
        "-subj",
        "/CN=Example CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ]),
    );
    openssl(
      ["req", "-new", ...ecKey, "-keyout", "server.key", "-out", "server.csr"].concat([
        "-subj",
        "/CN=localhost",
      ]),
    );
    writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
      ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key"].concat([
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "1",
        "-extfile",
        "server.ext",
      ]),
    );
    const read = (name: string): string => readFileSync(join(dir, name), "utf8");
    return { ca: read("ca.pem"), cert: read("server.pem"), key: read("server.key") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

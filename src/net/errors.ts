/**
 * The errors of the stream layer, named as asyncio names them.
 */
import { named } from "../core/errors.js";
import { fromNodeError, OSError, type OSErrorOptions } from "../core/osErrors.js";

/**
 * Raised by `StreamReader.readexactly()`/`readuntil()` when the stream ends first.
 * `partial` holds the bytes read before the end; `expected` is how many were wanted
 * (`null` when reading until a separator).
 */
export class IncompleteReadError extends Error {
  /** The bytes read before the end of the stream. */
  readonly partial: Uint8Array;
  /** How many bytes were wanted; `null` when reading until a separator. */
  readonly expected: number | null;

  constructor(partial: Uint8Array, expected: number | null) {
    const wanted = expected === null ? "undefined" : String(expected);
    super(`${partial.length} bytes read on a total of ${wanted} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}
named(IncompleteReadError, "IncompleteReadError");

/**
 * Raised by `StreamReader.readuntil()`/`readline()` when the buffer limit is reached before the
 * separator is found. `consumed` is the number of bytes to skip to make progress.
 */
export class LimitOverrunError extends Error {
  /** How many bytes to skip to make progress. */
  readonly consumed: number;

  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}
named(LimitOverrunError, "LimitOverrunError");

/**
 * A TLS failure (Python's `ssl.SSLError`): a handshake the peer broke off, a record that is not
 * TLS, a protocol or cipher the two sides do not share. `reason` names it as OpenSSL does
 * (`"WRONG_VERSION_NUMBER"`, `"CERTIFICATE_VERIFY_FAILED"`), `library` the part of OpenSSL that
 * raised it (`"SSL"`) when known; `code` is Node's code (`"ERR_SSL_WRONG_VERSION_NUMBER"`) and
 * Node's error is the `cause`.
 */
export class SSLError extends OSError {
  /** OpenSSL's name of the failure, e.g. `"WRONG_VERSION_NUMBER"`. */
  readonly reason: string | undefined;
  /** The OpenSSL library that raised it, e.g. `"SSL"`, when known. */
  readonly library: string | undefined;

  constructor(message: string, options: SSLErrorOptions = {}) {
    super(message, options);
    this.reason = options.reason;
    this.library = options.library;
  }
}
named(SSLError, "SSLError");

/** The fields of an `SSLError`. */
export interface SSLErrorOptions extends OSErrorOptions {
  /** OpenSSL's reason: `"WRONG_VERSION_NUMBER"`. */
  reason?: string | undefined;
  /** The OpenSSL library that failed: `"SSL routines"`. */
  library?: string | undefined;
}

/**
 * The peer's certificate was refused (Python's `ssl.SSLCertVerificationError`): not signed by a
 * trusted authority, self-signed, expired, or not valid for the host name. `reason` is
 * `"CERTIFICATE_VERIFY_FAILED"`; `verifyCode` is OpenSSL's verification code (`18` for a
 * self-signed certificate, `62` for a host name mismatch) and `verifyMessage` its text.
 */
export class SSLCertVerificationError extends SSLError {
  /** OpenSSL's `X509_V_ERR_*` number (`62`, hostname mismatch, for Node's host name check). */
  readonly verifyCode: number | undefined;
  /** What was wrong with the certificate, e.g. `"self-signed certificate"`. */
  readonly verifyMessage: string;

  constructor(message: string, options: SSLCertVerificationErrorOptions) {
    super(message, { reason: "CERTIFICATE_VERIFY_FAILED", library: "SSL", ...options });
    this.verifyCode = options.verifyCode;
    this.verifyMessage = options.verifyMessage;
  }
}
named(SSLCertVerificationError, "SSLCertVerificationError");

/** The fields of an `SSLCertVerificationError`. */
export interface SSLCertVerificationErrorOptions extends SSLErrorOptions {
  /** OpenSSL's verification code: `18` for a self-signed certificate. */
  verifyCode?: number | undefined;
  /** What the verification found: `"self-signed certificate"`. */
  verifyMessage: string;
}

/** OpenSSL's `X509_V_ERR_*` numbers of the verification codes Node reports. */
const verifyCodes: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 4,
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 5,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 6,
  CERT_SIGNATURE_FAILURE: 7,
  CRL_SIGNATURE_FAILURE: 8,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  CRL_NOT_YET_VALID: 11,
  CRL_HAS_EXPIRED: 12,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 13,
  ERROR_IN_CERT_NOT_AFTER_FIELD: 14,
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 15,
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 16,
  OUT_OF_MEM: 17,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  CERT_UNTRUSTED: 27,
  CERT_REJECTED: 28,
  HOSTNAME_MISMATCH: 62,
};

/** Node's error fields of a TLS failure. */
interface NodeTlsError extends Error {
  code?: unknown;
  reason?: unknown;
  library?: unknown;
  host?: unknown;
}

/**
 * @internal The library's error for an error of a TLS socket: a refused certificate becomes an
 * `SSLCertVerificationError`, another OpenSSL failure (`ERR_SSL_*`, `EPROTO`) an `SSLError`,
 * and anything else goes through `fromNodeError` (a reset stays a `ConnectionResetError`).
 */
export function fromTlsError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof OSError) return error;
  const nodeError = error as NodeTlsError;
  const code = typeof nodeError.code === "string" ? nodeError.code : undefined;
  if (code === undefined) return fromNodeError(error);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const verifyMessage =
      typeof nodeError.reason === "string" ? nodeError.reason : "Hostname mismatch";
    const host = typeof nodeError.host === "string" ? nodeError.host : undefined;
    const message =
      host === undefined
        ? `certificate verify failed: Hostname mismatch (${verifyMessage})`
        : `certificate verify failed: Hostname mismatch, certificate is not valid for '${host}' (${verifyMessage})`;
    return new SSLCertVerificationError(message, {
      code,
      verifyCode: verifyCodes.HOSTNAME_MISMATCH,
      verifyMessage,
      cause: error,
    });
  }
  if (code in verifyCodes) {
    // OpenSSL's text; Node 24+ appends advice about its own command-line flags, dropped here.
    const verifyMessage = error.message.split("; ")[0] ?? error.message;
    return new SSLCertVerificationError(`certificate verify failed: ${verifyMessage}`, {
      code,
      verifyCode: verifyCodes[code],
      verifyMessage,
      cause: error,
    });
  }
  if (code.startsWith("ERR_SSL_") || code === "EPROTO") {
    const reason =
      typeof nodeError.reason === "string"
        ? nodeError.reason.toUpperCase().replaceAll(" ", "_")
        : code.startsWith("ERR_SSL_")
          ? code.slice("ERR_SSL_".length)
          : undefined;
    const library =
      typeof nodeError.library === "string"
        ? nodeError.library.replace(/ routines$/, "")
        : undefined;
    const text = typeof nodeError.reason === "string" ? nodeError.reason : error.message;
    return new SSLError(reason === undefined ? error.message : `[SSL: ${reason}] ${text}`, {
      code,
      reason,
      library,
      cause: error,
    });
  }
  return fromNodeError(error);
}

/**
 * @internal Address families as the loop's methods take them: Node's names (`"IPv4"`,
 * `"IPv6"`, or 4 and 6) and Python's socket constants on Linux (`AF_INET` = 2, `AF_INET6` =
 * 10, `AF_UNSPEC` = 0), so code ported from Python keeps its constants.
 */
import { describeValue } from "../core/validate.js";

/** An address family: `"IPv4"`, `"IPv6"`, 4, 6, `AF_INET`, `AF_INET6`, or 0 for any. */
export type AddressFamily = "IPv4" | "IPv6" | 0 | 2 | 4 | 6 | 10;

/**
 * Node's family number (0 for any) for `family`.
 *
 * @throws TypeError for a value that is neither a string nor a number; RangeError for an
 *   unknown family.
 */
export function toNodeFamily(family: unknown, what: string): 0 | 4 | 6 {
  switch (family) {
    case 0:
      return 0;
    case "IPv4":
    case 4:
    case 2:
      return 4;
    case "IPv6":
    case 6:
    case 10:
      return 6;
    default:
      throw new (typeof family === "string" || typeof family === "number" ? RangeError : TypeError)(
        `${what} must be "IPv4", "IPv6", AF_INET, AF_INET6 or 0, got ${describeValue(family)}`,
      );
  }
}

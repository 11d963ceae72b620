/**
 * Parameter sets packed for the trip to the connection's thread. An `executemany` of arrays of
 * one width travels as a few flat pieces instead of an array per row: a kind per value, the
 * numbers (and the strings' lengths) in a `Float64Array`, every string joined into one, and the
 * rare bigint or bytes value in a short list. Both typed arrays are transferred, the joined
 * string is copied in one piece: the thread receives 100,000 rows in about a tenth of the time
 * structured cloning takes for the arrays themselves (bench/sqlite.bench.ts, executemany).
 */

/** The kinds of value (`PackedRows.kinds`); 0 is null. */
const STRING = 1;
const NUMBER = 2;
/** A bigint or bytes: the next value of `others`. */
const OTHER = 3;

/** Rows of `width` values each, packed. */
export interface PackedRows {
  readonly width: number;
  readonly kinds: Uint8Array;
  /** The number itself, or the string's length in UTF-16 units. */
  readonly numbers: Float64Array;
  readonly text: string;
  readonly others: unknown[];
}

/**
 * Packs `rows` (arrays of `width` checked parameter values: null, undefined, boolean, number,
 * string, bigint or bytes) from `start` to `end`. Booleans become 1 and 0, undefined null.
 */
export function packRows(
  rows: readonly (readonly unknown[])[],
  start: number,
  end: number,
  width: number,
): PackedRows {
  const count = (end - start) * width;
  const kinds = new Uint8Array(count);
  const numbers = new Float64Array(count);
  const strings: string[] = [];
  const others: unknown[] = [];
  let at = 0;
  for (let r = start; r < end; r++) {
    const row = rows[r] as readonly unknown[];
    for (let i = 0; i < width; i++, at++) {
      const value = row[i];
      switch (typeof value) {
        case "string":
          kinds[at] = STRING;
          numbers[at] = value.length;
          strings.push(value);
          break;
        case "number":
          kinds[at] = NUMBER;
          numbers[at] = value;
          break;
        case "boolean":
          kinds[at] = NUMBER;
          numbers[at] = value ? 1 : 0;
          break;
        case "undefined":
          break;
        default:
          if (value !== null) {
            kinds[at] = OTHER;
            others.push(value);
          }
      }
    }
  }
  return { width, kinds, numbers, text: strings.join(""), others };
}

/** The buffers of `rows` to transfer rather than copy. */
export function packedTransfer(rows: PackedRows): ArrayBuffer[] {
  return [rows.kinds.buffer as ArrayBuffer, rows.numbers.buffer as ArrayBuffer];
}

/**
 * Calls `each(args)` once per packed row, in order, with the row's values in `args` (one array,
 * refilled for each row). `other` turns a bigint or bytes value into what is bound.
 */
export function forEachPackedRow(
  rows: PackedRows,
  other: (value: unknown) => unknown,
  each: (args: unknown[]) => void,
): void {
  const { width, kinds, numbers, text, others } = rows;
  const args: unknown[] = new Array(width);
  let textAt = 0;
  let otherAt = 0;
  for (let at = 0; at < kinds.length; ) {
    for (let i = 0; i < width; i++, at++) {
      switch (kinds[at]) {
        case STRING: {
          const end = textAt + (numbers[at] as number);
          args[i] = text.slice(textAt, end);
          textAt = end;
          break;
        }
        case NUMBER:
          args[i] = numbers[at];
          break;
        case OTHER:
          args[i] = other(others[otherAt++]);
          break;
        default:
          args[i] = null;
      }
    }
    each(args);
  }
}

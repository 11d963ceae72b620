/**
 * `pythonRepr(value)`: the text Python's `print()` shows for a list, a dict, a string, a
 * number or None, so the examples print exactly what their Python twins print (`[1, 4, 16]`,
 * `{'id': 1, 'data': 'x'}`, `['Task A finalizada']`).
 */

/** The repr of a Python str: single quotes, unless the text holds a single quote only. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("\n", "\\n")
    .replaceAll("\t", "\\t")
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** How Python's `repr()` shows `value` (lists, dicts, str, int, bool, None). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return stringRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (typeof value === "object") {
    const items = Object.entries(value).map(
      ([key, item]) => `${stringRepr(key)}: ${pythonRepr(item)}`,
    );
    return `{${items.join(", ")}}`;
  }
  return String(value);
}

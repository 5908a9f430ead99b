/**
 * RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes. Text that a
 * spreadsheet would run as a formula (=, +, −, @ first) is prefixed with a quote mark.
 */
export function csvField(value: string | number): string {
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

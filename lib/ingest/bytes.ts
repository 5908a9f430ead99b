/**
 * The ASCII bytes the ingest readers compare raw input against, named once so that the CSV and
 * NDJSON readers, the format sniffing and the field parsers all mean the same byte by the same name.
 */

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const ZERO = 0x30;
export const NINE = 0x39;
export const UPPER_E = 0x45;
export const LOWER_E = 0x65;
export const OPEN_BRACE = 0x7b;

import * as z from "zod";
import { documentProblems } from "#domain/document-problems.ts";
import { CUSTOMER_DIMENSION, dimensionNameSchema } from "#domain/scheme.ts";
import { IngestError } from "#ingest/ingest-error.ts";

/**
 * How an ERP's own columns map onto the canonical fields. The zod schema is the single source of the
 * document's shape, its validation and its type.
 */
const columnName = z.string().trim().min(1, "a column name cannot be empty");
const fieldName = dimensionNameSchema;

export const DATE_FORMATS = ["ISO", "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "YYYYMMDD"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const columnMappingSchema = z
  .object({
    format: z.enum(["csv", "ndjson"]).optional(),
    delimiter: z.enum([",", ";", "\t"]).optional(),
    decimal: z.enum([".", ","]).optional(),
    dateFormat: z.enum(DATE_FORMATS).default("ISO"),
    columns: z
      .object({
        transactionId: columnName,
        date: columnName,
        customerId: columnName,
        revenue: columnName,
        orderId: columnName.optional(),
        quantity: columnName.optional(),
        cogs: columnName.optional(),
        profit: columnName.optional(),
        discountRate: columnName.optional(),
        discountAmount: columnName.optional(),
        costs: z.record(fieldName, columnName).default({}),
        dimensions: z
          .record(
            fieldName.refine((name) => name !== CUSTOMER_DIMENSION, {
              message: `"${CUSTOMER_DIMENSION}" is the built-in dimension of customer ids; choose another name`,
            }),
            columnName,
          )
          .default({}),
      })
      .strict()
      .refine((columns) => !(columns.discountRate && columns.discountAmount), {
        message: "give discountRate or discountAmount, not both",
        path: ["discountAmount"],
      })
      .refine((columns) => columns.cogs || columns.profit || Object.keys(columns.costs).length > 0, {
        message:
          "map at least one of cogs, costs or profit: without costs every line would look 100% profitable",
        path: ["cogs"],
      }),
  })
  .strict();

export type ColumnMapping = z.infer<typeof columnMappingSchema>;
export type ColumnMappingInput = z.input<typeof columnMappingSchema>;

/** Validates a mapping document, or throws an IngestError naming each wrong field. */
export function parseColumnMapping(document: unknown, file: string): ColumnMapping {
  const result = columnMappingSchema.safeParse(document);
  if (result.success) return result.data;
  const problems = documentProblems(result.error);
  throw new IngestError("INVALID_MAPPING", `the column mapping is not valid: ${problems.join("; ")}`, {
    file,
    issues: problems,
  });
}

/** Where each canonical field sits in the file: column indexes, −1 when the file does not give it. */
export interface ColumnLayout {
  readonly headers: readonly string[];
  readonly transactionId: number;
  readonly date: number;
  readonly customerId: number;
  readonly revenue: number;
  readonly orderId: number;
  readonly quantity: number;
  readonly cogs: number;
  readonly profit: number;
  readonly discountRate: number;
  readonly discountAmount: number;
  readonly costs: ReadonlyArray<{ readonly component: string; readonly column: number }>;
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly column: number }>;
}

/** Finds every mapped column among the headers, or fails before any row is read. */
export function layoutFromMapping(
  mapping: ColumnMapping,
  headers: readonly string[],
  file: string,
): ColumnLayout {
  const find = (field: string, name: string | undefined): number => {
    if (name === undefined) return -1;
    // A mapped name must pick out one column: two that match it, in any case, would leave the totals to
    // whichever came first. Columns the mapping does not name may repeat; they are not read.
    const matches: number[] = [];
    headers.forEach((header, column) => {
      if (header.trim().toLowerCase() === name.trim().toLowerCase()) matches.push(column);
    });
    if (matches.length > 1) throw duplicateColumns(file, headers, matches, `${field} ("${name}")`);
    const exact = headers.indexOf(name);
    if (exact >= 0) return exact;
    const folded = matches[0];
    if (folded !== undefined) return folded;
    throw new IngestError(
      "MISSING_COLUMN",
      `the mapping names column "${name}" for ${field}, but the file has no such column; headers found: ${headers.join(", ")}`,
      { file, line: 1, column: name, field, headers },
    );
  };
  const { columns } = mapping;
  return {
    headers,
    transactionId: find("transactionId", columns.transactionId),
    date: find("date", columns.date),
    customerId: find("customerId", columns.customerId),
    revenue: find("revenue", columns.revenue),
    orderId: find("orderId", columns.orderId),
    quantity: find("quantity", columns.quantity),
    cogs: find("cogs", columns.cogs),
    profit: find("profit", columns.profit),
    discountRate: find("discountRate", columns.discountRate),
    discountAmount: find("discountAmount", columns.discountAmount),
    costs: Object.entries(columns.costs).map(([component, name]) => ({
      component,
      column: find(`costs.${component}`, name),
    })),
    dimensions: Object.entries(columns.dimensions).map(([name, column]) => ({
      name,
      column: find(`dimensions.${name}`, column),
    })),
  };
}

const CANONICAL_FIELDS = {
  transaction_id: "transactionId",
  date: "date",
  customer_id: "customerId",
  order_id: "orderId",
  revenue: "revenue",
  quantity: "quantity",
  cogs: "cogs",
  profit: "profit",
  discount_rate: "discountRate",
  discount_amount: "discountAmount",
} as const;

/**
 * Reads a file whose headers are already canonical: the fields above, `cost_<component>`,
 * `dim_<name>`, and any other column as a dimension of its own name.
 */
export function canonicalLayout(headers: readonly string[], file: string): ColumnLayout {
  const fields = new Map<string, number>();
  const costs: Array<{ component: string; column: number }> = [];
  const dimensions: Array<{ name: string; column: number }> = [];
  // Every column read lands under a key; two columns under one key would silently leave one unread.
  const readAs = new Map<string, { column: number; what: string }>();
  const claim = (key: string, column: number, what: string) => {
    const earlier = readAs.get(key);
    if (earlier) throw duplicateColumns(file, headers, [earlier.column, column], earlier.what);
    readAs.set(key, { column, what });
  };
  headers.forEach((raw, column) => {
    const header = raw.trim().toLowerCase();
    // Own properties only: a header named `constructor` or `__proto__` is a dimension, not Object's.
    const field = Object.hasOwn(CANONICAL_FIELDS, header)
      ? CANONICAL_FIELDS[header as keyof typeof CANONICAL_FIELDS]
      : undefined;
    if (field) {
      claim(`field:${field}`, column, header);
      fields.set(field, column);
    } else if (header.startsWith("cost_") && header.length > 5) {
      claim(`cost:${header.slice(5)}`, column, `cost component ${header.slice(5)}`);
      costs.push({ component: header.slice(5), column });
    } else if (raw.trim() !== "") {
      const name = dimensionName(raw.trim().replace(/^dim_/i, ""));
      claim(`dimension:${name.toLowerCase()}`, column, `dimension ${name}`);
      dimensions.push({ name, column });
    }
  });
  const missing = (["transaction_id", "date", "customer_id", "revenue"] as const).filter(
    (header) => !fields.has(CANONICAL_FIELDS[header]),
  );
  if (missing.length > 0) {
    throw new IngestError(
      "MISSING_COLUMN",
      `no column mapping was given and the header lacks the canonical column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; headers found: ${headers.join(", ")}. Rename the columns or pass a mapping that names yours.`,
      { file, line: 1, column: missing[0] as string, headers },
    );
  }
  if (!fields.has("cogs") && !fields.has("profit") && costs.length === 0) {
    throw new IngestError(
      "MISSING_COLUMN",
      `the file gives no costs: add a cogs, profit or cost_<component> column (headers found: ${headers.join(", ")})`,
      { file, line: 1, column: "cogs", headers },
    );
  }
  const at = (field: string) => fields.get(field) ?? -1;
  return {
    headers,
    transactionId: at("transactionId"),
    date: at("date"),
    customerId: at("customerId"),
    revenue: at("revenue"),
    orderId: at("orderId"),
    quantity: at("quantity"),
    cogs: at("cogs"),
    profit: at("profit"),
    discountRate: at("discountRate"),
    discountAmount: at("discountAmount"),
    costs,
    dimensions,
  };
}

/**
 * Two columns the reader would take for the same thing: refused, naming both with their positions
 * (1-based, as a spreadsheet counts them), before any row is read.
 */
function duplicateColumns(
  file: string,
  headers: readonly string[],
  columns: readonly number[],
  what: string,
): IngestError {
  const named = columns.map((column) => `"${headers[column]}" (column ${column + 1})`);
  return new IngestError(
    "DUPLICATE_COLUMN",
    `columns ${named.join(" and ")} would both be read as ${what}: rename or remove one of them`,
    {
      file,
      line: 1,
      column: headers[columns[1] as number] as string,
      columns: columns.map((c) => c + 1),
      headers,
    },
  );
}

/** A header as a dimension name: `Ship Mode` → `Ship_Mode`, so it can stand in a scheme id. */
function dimensionName(header: string): string {
  const name = header.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  const safe = /^[A-Za-z]/.test(name) ? name : `d_${name}`;
  return safe === CUSTOMER_DIMENSION ? "customer_attribute" : safe;
}

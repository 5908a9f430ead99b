import type { ColumnMappingInput } from "#ingest/mapping.ts";

/** The documented example mapping: a Superstore-like ERP export with its own column names. */
export const SUPERSTORE_MAPPING = {
  format: "csv",
  delimiter: ",",
  decimal: ".",
  dateFormat: "YYYY-MM-DD",
  columns: {
    transactionId: "Row ID",
    date: "Order Date",
    customerId: "Customer ID",
    orderId: "Order ID",
    revenue: "Sales",
    quantity: "Quantity",
    cogs: "Cost",
    profit: "Profit",
    discountRate: "Discount",
    costs: { freight: "Freight", handling: "Handling" },
    dimensions: { channel: "Ship Mode", region: "Region", category: "Category" },
  },
} as const satisfies ColumnMappingInput;

/** The header of that export, in the file's own column order. */
export const SUPERSTORE_HEADERS = [
  "Row ID",
  "Order ID",
  "Order Date",
  "Ship Mode",
  "Customer ID",
  "Region",
  "Category",
  "Sales",
  "Quantity",
  "Discount",
  "Profit",
  "Cost",
  "Freight",
  "Handling",
];

/**
 * An invoice line of a sample file: a record keyed by column name, written as one CSV line with its
 * fields in the header's column order.
 */

/** The header of a sample file: canonical column names, so the file needs no column mapping. */
export const SAMPLE_COLUMNS = [
  "transaction_id",
  "date",
  "customer_id",
  "order_id",
  "revenue",
  "quantity",
  "cogs",
  "discount_rate",
  "cost_freight",
  "cost_handling",
  "cost_order_processing",
  "cost_returns",
  "cost_payment_terms",
  "channel",
  "region",
  "category",
  "product",
  "customer_type",
] as const;

export type SampleColumn = (typeof SAMPLE_COLUMNS)[number];

/** One line, each column's value as the file shows it: amounts already rounded to their decimals. */
export type InvoiceLine = Readonly<Record<SampleColumn, string | number>>;

/** The header line, ending in "\n". */
export const SAMPLE_HEADER = `${SAMPLE_COLUMNS.join(",")}\n`;

/**
 * The CSV line of `line`, ending in "\n". Fields are never quoted: every value is a number or a name
 * from the market, and none holds a comma, a quote or a line break (the generator's tests check every
 * line of a sample). A number is written as JavaScript prints it, as a template literal would.
 */
export function csvLine(line: InvoiceLine): string {
  let text = "";
  let separator = "";
  for (const column of SAMPLE_COLUMNS) {
    text += separator + line[column];
    separator = ",";
  }
  return `${text}\n`;
}

/** The columns of an ERP's export, each named the ERP's own way. */
export const ERP_COLUMNS = {
  transactionId: "InvoiceLine",
  date: "InvoiceDate",
  customerId: "Customer",
  revenue: "NetAmount",
  cogs: "CostAmount",
};

/** The column mapping document for that export: `;`-separated, its sales channel a dimension. */
export const ERP_MAPPING = {
  format: "csv",
  delimiter: ";",
  columns: { ...ERP_COLUMNS, dimensions: { channel: "SalesChannel" } },
};

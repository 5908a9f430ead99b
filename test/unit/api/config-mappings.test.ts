import { describe, expect, it } from "vitest";
import { columnMappingSchema } from "#ingest/mapping.ts";
import { ERP_MAPPING } from "#test-support/erp-mapping.ts";
import { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { authorised, memoryApi } from "./api-harness.ts";

function setup() {
  const config = new MemoryConfigRepository();
  return { config, call: memoryApi({ config }).call };
}

/** The document as stored and answered: with the defaults its schema fills in. */
const STORED = JSON.parse(JSON.stringify(columnMappingSchema.parse(ERP_MAPPING)));

describe("PUT /mappings/{name}", () => {
  it("stores a column mapping under its name with its defaults, 201 the first time and 200 when replaced", async () => {
    const { call, config } = setup();
    const created = await call(authorised.put("ingest", "/mappings/erp-export.v2", ERP_MAPPING));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe("/mappings/erp-export.v2");
    expect(created.body).toEqual(STORED);
    expect(STORED).toMatchObject({ dateFormat: "ISO", columns: { costs: {} } });

    const replaced = await call(
      authorised.put("planner", "/mappings/erp-export.v2", { ...ERP_MAPPING, delimiter: "\t" }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.delimiter).toBe("\t");
    expect(config.mappings.get("erp-export.v2")?.delimiter).toBe("\t");
  });

  it("refuses a mapping that maps no cost, naming the field, and stores nothing", async () => {
    const { call, config } = setup();
    const { cogs: _, ...columns } = ERP_MAPPING.columns;
    const answer = await call(authorised.put("ingest", "/mappings/erp-export", { columns }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      {
        path: "body.columns.cogs",
        message:
          "map at least one of cogs, costs or profit: without costs every line would look 100% profitable",
      },
    ]);
    expect(config.mappings.size).toBe(0);
  });

  it.each([
    ["starting with a dot", ".hidden"],
    ["with a space", "erp%20export"],
    ["longer than 64 characters", "m".repeat(65)],
  ])("refuses a name %s, naming params.name", async (_, name) => {
    const { call } = setup();
    const answer = await call(authorised.put("ingest", `/mappings/${name}`, ERP_MAPPING));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      {
        path: "params.name",
        message:
          "a mapping name is 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit",
      },
    ]);
  });
});

describe("GET /mappings/{name}", () => {
  it("answers the stored document, as PUT and `segfocus score --mapping` take it", async () => {
    const { call } = setup();
    await call(authorised.put("ingest", "/mappings/erp-export", ERP_MAPPING));
    const answer = await call(authorised.get("planner", "/mappings/erp-export"));
    expect(answer).toMatchObject({ status: 200, body: STORED });
  });

  it("answers 404 MAPPING_NOT_FOUND naming the mapping and how to store it", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/mappings/erp-export"));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      code: "MAPPING_NOT_FOUND",
      message: 'no column mapping is named "erp-export"; store it with PUT /mappings/erp-export',
      details: { mapping: "erp-export" },
    });
  });
});

import { describe, expect, it, vi } from "vitest";
import { BlobKeys } from "#store/blob-store.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryConfigRepository } from "#test-support/memory-config.ts";
import { API_NOW, authorised, expectInvalidRequest, memoryApi } from "./api-harness.ts";

function setup() {
  const config = new MemoryConfigRepository();
  const blobs = new MemoryBlobStore();
  const { call } = memoryApi({ blobs, config });
  const puts = vi.spyOn(blobs, "put");
  /** The reasons of the scoring runs asked for, in order. */
  const rescoringRequests = () =>
    puts.mock.calls
      .filter(([key]) => key === BlobKeys.rescoreTrigger)
      .map(([, body]) => JSON.parse(String(body)).reason as string);
  return { config, blobs, rescoringRequests, call };
}

const DIGITAL_GIANT = {
  id: "digital-giant",
  name: "A digital giant enters arm's-length ordering",
  match: { channel: ["online", "outlet"] },
  startYear: 2,
  rampYears: 2,
  volumeGrowth: -0.15,
  priceRealization: -0.05,
};

/** The force as stored: every field its schema defaults. */
const DIGITAL_GIANT_STORED = { ...DIGITAL_GIANT, active: true, costToServeIntensity: 0 };

describe("POST /scenarios", () => {
  it("creates a force of change with its defaults, answers 201 with where it lives, and asks for a scoring run naming it", async () => {
    const { call, config, blobs, rescoringRequests } = setup();
    const answer = await call(authorised.post("planner", "/scenarios", DIGITAL_GIANT));
    expect(answer.status).toBe(201);
    expect(answer.headers.location).toBe("/scenarios/digital-giant");
    expect(answer.body).toEqual({ scenario: DIGITAL_GIANT_STORED, rescoring: "requested" });
    expect(config.scenarios.get("digital-giant")).toEqual(DIGITAL_GIANT_STORED);
    expect(JSON.parse(blobs.text(BlobKeys.rescoreTrigger) as string)).toEqual({
      reason: 'scenario "digital-giant" created',
      requestedAt: API_NOW.toISOString(),
    });
    expect(rescoringRequests()).toHaveLength(1);
  });

  it("refuses an id that exists with 409 SCENARIO_EXISTS pointing to PUT, leaving the stored force and asking for no run", async () => {
    const { call, config, rescoringRequests } = setup();
    await call(authorised.post("planner", "/scenarios", DIGITAL_GIANT));
    const answer = await call(
      authorised.post("leader", "/scenarios", { ...DIGITAL_GIANT, volumeGrowth: -0.5 }),
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: "SCENARIO_EXISTS",
      message:
        'a scenario with the id "digital-giant" exists; change it with PUT /scenarios/digital-giant or choose another id',
      details: { scenarioId: "digital-giant" },
    });
    expect(config.scenarios.get("digital-giant")?.volumeGrowth).toBe(-0.15);
    expect(rescoringRequests()).toHaveLength(1);
  });

  it("refuses a force that changes nothing and a start year past the horizon, naming each, and stores nothing", async () => {
    const { call, config, rescoringRequests } = setup();
    const answer = await call(
      authorised.post("planner", "/scenarios", { id: "nothing", name: "Nothing happens", startYear: 9 }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: "body.startYear", message: "Too big: expected number to be <=5" },
      {
        path: "body",
        message: "a force must change at least one of volumeGrowth, priceRealization, costToServeIntensity",
      },
    ]);
    expect(config.scenarios.size).toBe(0);
    expect(rescoringRequests()).toEqual([]);
  });
});

describe("GET /scenarios and GET /scenarios/{scenarioId}", () => {
  it("lists every force of change by id", async () => {
    const { call } = setup();
    for (const id of ["product-innovation", "digital-giant"]) {
      await call(authorised.post("planner", "/scenarios", { ...DIGITAL_GIANT, id }));
    }
    const answer = await call(authorised.get("planner", "/scenarios"));
    expect(answer.status).toBe(200);
    expect(answer.body.scenarios.map((scenario: { id: string }) => scenario.id)).toEqual([
      "digital-giant",
      "product-innovation",
    ]);
  });

  it("answers an empty list when there is no scenario", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("leader", "/scenarios"));
    expect(answer).toMatchObject({ status: 200, body: { scenarios: [] } });
  });

  it("answers one force as stored, and 404 SCENARIO_NOT_FOUND for an id no force has", async () => {
    const { call } = setup();
    await call(authorised.post("planner", "/scenarios", DIGITAL_GIANT));
    const found = await call(authorised.get("planner", "/scenarios/digital-giant"));
    expect(found).toMatchObject({ status: 200, body: DIGITAL_GIANT_STORED });
    const missing = await call(authorised.get("planner", "/scenarios/new-entrant"));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({
      code: "SCENARIO_NOT_FOUND",
      message: 'no scenario has the id "new-entrant"',
    });
  });

  it("refuses an id that no force could have, naming params.scenarioId", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/scenarios/Digital_Giant"));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: "params.scenarioId", message: "use 1–63 lowercase letters, digits and -, not starting with -" },
    ]);
  });
});

describe("PUT /scenarios/{scenarioId}", () => {
  const { id: _, ...withoutId } = DIGITAL_GIANT;

  it("creates the force under the path's id (201), then replaces it (200), asking for a run each time", async () => {
    const { call, config, rescoringRequests } = setup();
    const created = await call(authorised.put("planner", "/scenarios/digital-giant", withoutId));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe("/scenarios/digital-giant");
    expect(created.body).toEqual({ scenario: DIGITAL_GIANT_STORED, rescoring: "requested" });

    const replaced = await call(
      authorised.put("leader", "/scenarios/digital-giant", { ...withoutId, active: false }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.headers.location).toBeUndefined();
    expect(replaced.body).toEqual({
      scenario: { ...DIGITAL_GIANT_STORED, active: false },
      rescoring: "requested",
    });
    expect(config.scenarios.get("digital-giant")?.active).toBe(false);
    expect(rescoringRequests()).toEqual([
      'scenario "digital-giant" created',
      'scenario "digital-giant" replaced',
    ]);
  });

  it("takes a body that repeats the path's id", async () => {
    const { call, config } = setup();
    const answer = await call(authorised.put("planner", "/scenarios/digital-giant", DIGITAL_GIANT));
    expect(answer.status).toBe(201);
    expect(config.scenarios.get("digital-giant")).toEqual(DIGITAL_GIANT_STORED);
  });

  it("refuses a body naming another id with 400 at body.id, storing nothing and asking for no run", async () => {
    const { call, config, rescoringRequests } = setup();
    const answer = await call(
      authorised.put("planner", "/scenarios/digital-giant", { ...DIGITAL_GIANT, id: "product-innovation" }),
    );
    expectInvalidRequest(answer, [
      {
        path: "body.id",
        message:
          'the body names the scenario "product-innovation", the path "digital-giant"; leave the id out of the body or make them agree',
      },
    ]);
    expect(config.scenarios.size).toBe(0);
    expect(rescoringRequests()).toEqual([]);
  });

  it("refuses a force with wrong fields, naming each with its reason as POST does", async () => {
    const { call, config } = setup();
    const answer = await call(
      authorised.put("planner", "/scenarios/digital-giant", {
        ...withoutId,
        volumeGrowth: 2,
        match: { "sales-channel": "online" },
        colour: "red",
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_REQUEST");
    expect(answer.body.error.details).toEqual([
      {
        path: "body.match.sales-channel",
        message: "a name uses letters, digits and _ and starts with a letter",
      },
      { path: "body.volumeGrowth", message: "Too big: expected number to be <=1" },
      { path: "body", message: 'Unrecognized key: "colour"' },
    ]);
    expect(config.scenarios.size).toBe(0);
  });

  it("refuses a body that is not a JSON object", async () => {
    const { call } = setup();
    const answer = await call(authorised.put("planner", "/scenarios/digital-giant", [DIGITAL_GIANT]));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: "body", message: "send the force of change as a JSON object" },
    ]);
  });
});

describe("DELETE /scenarios/{scenarioId}", () => {
  it("removes the force and asks for a run, so projections no longer name it; a second DELETE answers 404 and asks for none", async () => {
    const { call, config, rescoringRequests } = setup();
    await call(authorised.post("planner", "/scenarios", DIGITAL_GIANT));
    const deleted = await call(authorised.delete("leader", "/scenarios/digital-giant"));
    expect(deleted).toMatchObject({
      status: 200,
      body: { deleted: "digital-giant", rescoring: "requested" },
    });
    expect(config.scenarios.has("digital-giant")).toBe(false);

    const again = await call(authorised.delete("leader", "/scenarios/digital-giant"));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("SCENARIO_NOT_FOUND");
    expect(rescoringRequests()).toEqual([
      'scenario "digital-giant" created',
      'scenario "digital-giant" deleted',
    ]);
  });
});

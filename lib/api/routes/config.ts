import {
  fitCheckResponseSchema,
  fitRequestSchema,
  mappingParamsSchema,
  policyChangeResponseSchema,
  policyDocumentSchema,
  scenarioChangeResponseSchema,
  scenarioDeletedResponseSchema,
  scenarioParamsSchema,
  scenarioReplacementSchema,
  scenariosResponseSchema,
} from "#api/config-schemas.ts";
import { ApiError } from "#api/http-error.ts";
import { invalidRequest, PLANNERS, type RequestIssue, type Route, requestIssues, route } from "#api/route.ts";
import { segmentIdSchema } from "#api/schemas.ts";
import { fitCheck } from "#domain/fit.ts";
import { forceOfChangeSchema } from "#domain/forces.ts";
import { policySchema } from "#domain/policy.ts";
import { segmentId } from "#domain/segment-id.ts";
import { type ColumnMapping, columnMappingSchema } from "#ingest/mapping.ts";
import { requestRescoring } from "#pipeline/request-rescoring.ts";
import type { ServiceContext } from "#store/service-context.ts";
import { changePolicy, readPolicyInForce } from "#use-cases/change-policy.ts";

/**
 * A change of the configuration is stored at once; the scores that depend on it follow with the
 * scoring run it asks for, which the answer says has been requested, not done.
 */
const RESCORING_REQUESTED = "requested";

/**
 * Forces of change: what-if scenarios the projections are run under. Each change asks for a scoring
 * run, so the next projections name the scenario (or no longer do).
 */
const scenarioRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/scenarios",
    summary: "List the forces of change the projections are run under",
    roles: PLANNERS,
    responses: { 200: scenariosResponseSchema },
    async handle(_, { config }) {
      const scenarios = (await config.listScenarios()).sort((a, b) => (a.id < b.id ? -1 : 1));
      return { status: 200, body: { scenarios } };
    },
  }),

  route({
    method: "POST",
    path: "/scenarios",
    summary: "Create a force of change and ask for a scoring run",
    roles: PLANNERS,
    responses: { 201: scenarioChangeResponseSchema },
    errors: [409],
    body: forceOfChangeSchema,
    async handle({ body: scenario }, context) {
      // Check, then write: two planners creating the same id at the same moment both succeed, the later one winning.
      if (await context.config.getScenario(scenario.id)) {
        throw new ApiError(
          409,
          "SCENARIO_EXISTS",
          `a scenario with the id "${scenario.id}" exists; change it with PUT /scenarios/${scenario.id} or choose another id`,
          { scenarioId: scenario.id },
        );
      }
      await context.config.putScenario(scenario);
      await requestRescoring(context, `scenario "${scenario.id}" created`);
      return {
        status: 201,
        headers: { location: scenarioLocation(scenario.id) },
        body: { scenario, rescoring: RESCORING_REQUESTED },
      };
    },
  }),

  route({
    method: "GET",
    path: "/scenarios/{scenarioId}",
    summary: "Read one force of change",
    roles: PLANNERS,
    responses: { 200: forceOfChangeSchema },
    params: scenarioParamsSchema,
    async handle({ params }, { config }) {
      const scenario = await config.getScenario(params.scenarioId);
      if (!scenario) throw scenarioNotFound(params.scenarioId);
      return { status: 200, body: scenario };
    },
  }),

  route({
    method: "PUT",
    path: "/scenarios/{scenarioId}",
    summary: "Create or replace a force of change and ask for a scoring run",
    roles: PLANNERS,
    responses: { 200: scenarioChangeResponseSchema, 201: scenarioChangeResponseSchema },
    params: scenarioParamsSchema,
    body: scenarioReplacementSchema,
    async handle({ params, body }, context) {
      const { scenarioId } = params;
      if (body.id !== undefined && body.id !== scenarioId) {
        throw invalidRequest([
          {
            path: "body.id",
            message: `the body names the scenario "${String(body.id)}", the path "${scenarioId}"; leave the id out of the body or make them agree`,
          },
        ]);
      }
      const parsed = forceOfChangeSchema.safeParse({ ...body, id: scenarioId });
      if (!parsed.success) throw invalidRequest(requestIssues(parsed.error, "body"));
      const scenario = parsed.data;
      const { created } = await context.config.putScenario(scenario);
      await requestRescoring(context, `scenario "${scenarioId}" ${created ? "created" : "replaced"}`);
      return {
        status: created ? 201 : 200,
        ...(created && { headers: { location: scenarioLocation(scenarioId) } }),
        body: { scenario, rescoring: RESCORING_REQUESTED },
      };
    },
  }),

  route({
    method: "DELETE",
    path: "/scenarios/{scenarioId}",
    summary: "Delete a force of change and ask for a scoring run",
    roles: PLANNERS,
    responses: { 200: scenarioDeletedResponseSchema },
    params: scenarioParamsSchema,
    async handle({ params }, context) {
      const { scenarioId } = params;
      if (!(await context.config.deleteScenario(scenarioId))) throw scenarioNotFound(scenarioId);
      await requestRescoring(context, `scenario "${scenarioId}" deleted`);
      return { status: 200, body: { deleted: scenarioId, rescoring: RESCORING_REQUESTED } };
    },
  }),
];

/**
 * The policy: every weight and threshold of scoring, versioned. GET answers the one in force (the
 * defaults, version 1, until a change is stored); PUT stores a new version of it.
 */
const policyRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/policy",
    summary: "Read the scoring policy in force",
    roles: PLANNERS,
    responses: { 200: policySchema },
    handle: async (_, context) => ({ status: 200, body: await readPolicyInForce(context) }),
  }),

  /**
   * The body is a whole policy: fields left out take their defaults, not their values in force. Its
   * `version`, when given, is the version the change was made to (as read from GET /policy): if
   * another change was stored since, the answer is 409 rather than a silent overwrite.
   */
  route({
    method: "PUT",
    path: "/policy",
    summary: "Store a new version of the scoring policy and ask for a scoring run",
    roles: PLANNERS,
    responses: { 200: policyChangeResponseSchema },
    errors: [409],
    body: policyDocumentSchema,
    async handle({ body }, context) {
      const parsed = policySchema.safeParse(body);
      if (!parsed.success) throw invalidPolicy(requestIssues(parsed.error, "body"));
      const change = await changePolicy(context, {
        policy: parsed.data,
        ...(body.version !== undefined && { basedOnVersion: parsed.data.version }),
      });
      switch (change.outcome) {
        case "stale":
          throw policyConflict(
            `the policy is at version ${change.currentVersion}, not version ${change.basedOnVersion} this change was made to; read it again (GET /policy) and apply the change to it`,
            { basedOnVersion: change.basedOnVersion, currentVersion: change.currentVersion },
          );
        case "breadth_locked":
          throw invalidPolicy([{ path: "body.breadthDimension", message: change.message }]);
        case "raced":
          throw policyConflict(
            `another change to the policy was stored while this one was made to version ${change.basedOnVersion}; read it again (GET /policy) and apply the change to it`,
            { basedOnVersion: change.basedOnVersion },
          );
        case "stored":
          await requestRescoring(context, `policy version ${change.policy.version}`);
          return { status: 200, body: { policy: change.policy, rescoring: RESCORING_REQUESTED } };
      }
    },
  }),
];

/** Column mappings stored by name, for batches to refer to instead of sending the document each time. */
const mappingRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/mappings/{name}",
    summary: "Read a column mapping stored by name",
    roles: ["ingest", ...PLANNERS],
    responses: { 200: columnMappingSchema },
    params: mappingParamsSchema,
    handle: async ({ params }, { config }) => ({
      status: 200,
      body: await storedMapping(config, params.name),
    }),
  }),

  route({
    method: "PUT",
    path: "/mappings/{name}",
    summary: "Store a column mapping under a name for batches to refer to",
    roles: ["ingest", ...PLANNERS],
    responses: { 200: columnMappingSchema, 201: columnMappingSchema },
    params: mappingParamsSchema,
    body: columnMappingSchema,
    async handle({ params, body }, { config }) {
      const { created } = await config.putMapping(params.name, body);
      return {
        status: created ? 201 : 200,
        ...(created && { headers: { location: `/mappings/${encodeURIComponent(params.name)}` } }),
        body,
      };
    },
  }),
];

/** "Choose your customer": the segments a prospect falls into, and whether each says yes or no. */
const fitRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/fit",
    summary: "Place a prospect in the segments it falls into, and say whether each says yes",
    roles: PLANNERS,
    responses: { 200: fitCheckResponseSchema },
    body: fitRequestSchema,
    async handle({ body: prospect }, { scores }) {
      const given = (dimension: string) => Object.hasOwn(prospect, dimension);
      const schemes = await Promise.all(
        (await scores.listSchemes()).map(async ({ id, dimensions }) => {
          if (!dimensions.every(given)) return { id, dimensions, segments: [] };
          const placed = segmentId(dimensions.map((dimension) => prospect[dimension] as string));
          // An id no segment can have (too long for a key) is a new kind of customer, not a lookup.
          const segment = segmentIdSchema.safeParse(placed).success
            ? await scores.getSegment(id, placed)
            : undefined;
          return { id, dimensions, segments: segment ? [segment] : [] };
        }),
      );
      return { status: 200, body: fitCheck({ schemes }, prospect) };
    },
  }),
];

/** Planners' configuration: forces of change, the policy, named column mappings, and the fit check. */
export const configRoutes: readonly Route[] = [
  ...scenarioRoutes,
  ...policyRoutes,
  ...mappingRoutes,
  ...fitRoutes,
];

function scenarioLocation(scenarioId: string): string {
  return `/scenarios/${encodeURIComponent(scenarioId)}`;
}

function scenarioNotFound(scenarioId: string): ApiError {
  return new ApiError(404, "SCENARIO_NOT_FOUND", `no scenario has the id "${scenarioId}"`);
}

/** The column mapping stored under a name, or 404 MAPPING_NOT_FOUND naming it. */
export async function storedMapping(config: ServiceContext["config"], name: string): Promise<ColumnMapping> {
  const mapping = await config.getMapping(name);
  if (mapping) return mapping;
  throw new ApiError(
    404,
    "MAPPING_NOT_FOUND",
    `no column mapping is named "${name}"; store it with PUT /mappings/${name}`,
    { mapping: name },
  );
}

function policyConflict(message: string, details: Record<string, number>): ApiError {
  return new ApiError(409, "POLICY_CONFLICT", message, details);
}

function invalidPolicy(issues: readonly RequestIssue[]): ApiError {
  const problems = issues.map(
    (issue) => `${issue.path.replace(/^body\.?/, "") || "(root)"}: ${issue.message}`,
  );
  return new ApiError(400, "INVALID_POLICY", `the policy is not valid: ${problems.join("; ")}`, issues);
}

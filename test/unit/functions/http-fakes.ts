import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { FakeTable, type Item } from "../store/fake-table.ts";

/** What the SDK's HTTP handler is given and must answer (the shapes of @smithy/protocol-http). */
export interface HttpRequest {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/** The prototype every SDK client's default Node HTTP handler shares; spying on its `handle` answers every request. */
export function sdkHttpHandler(): { handle(request: HttpRequest): Promise<{ response: HttpResponse }> } {
  const client = new S3Client({ region: "eu-west-1" });
  const handler = Object.getPrototypeOf(client.config.requestHandler);
  client.destroy();
  return handler;
}

interface HttpFault {
  readonly operation: string;
  readonly when: ((request: unknown) => boolean) | undefined;
  readonly response: () => HttpResponse;
  remaining: number;
}

/**
 * S3 and DynamoDB as their HTTP APIs answer, in memory, beneath the real SDK clients: every
 * middleware runs (signing, serialisation, error parsing, and the retry strategy), which
 * aws-sdk-client-mock skips by replacing the clients' `send`.
 */
export class FakeAwsHttp {
  readonly objects = new Map<string, Uint8Array>();
  readonly table = new FakeTable();
  /** Requests by operation (GetObject, PutObject, GetItem, PutItem, UpdateItem), counting every attempt. */
  readonly attempts = new Map<string, number>();
  private readonly faults: HttpFault[] = [];

  /** Answers the next `times` requests of an operation (those `when` picks) with an error response. */
  failing(
    operation: string,
    response: () => HttpResponse,
    options: { times?: number; when?: (request: unknown) => boolean } = {},
  ): void {
    this.faults.push({ operation, response, when: options.when, remaining: options.times ?? Infinity });
  }

  upload(key: string, content: string): { key: string; size: number; eTag: string } {
    const bytes = new TextEncoder().encode(content);
    this.objects.set(key, bytes);
    return { key, size: bytes.length, eTag: etagOf(bytes) };
  }

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const target = request.headers["x-amz-target"];
    return { response: target ? await this.dynamoDb(target, request) : await this.s3(request) };
  }

  private async s3(request: HttpRequest): Promise<HttpResponse> {
    const key = decodeURIComponent(request.path.replace(/^\//, ""));
    const operation =
      request.method === "GET" ? "GetObject" : request.method === "PUT" ? "PutObject" : request.method;
    const fault = this.fault(operation, key);
    if (fault) return fault;
    if (operation === "PutObject") {
      const bytes = await bytesOf(request.body);
      this.objects.set(key, bytes);
      return respond(200, "", { etag: `"${etagOf(bytes)}"` });
    }
    const bytes = this.objects.get(key);
    if (operation !== "GetObject" || !bytes)
      return s3Error(404, "NoSuchKey", "The specified key does not exist.");
    return {
      statusCode: 200,
      headers: { "content-length": String(bytes.length), etag: `"${etagOf(bytes)}"` },
      body: Readable.from([Buffer.from(bytes)]),
    };
  }

  private async dynamoDb(target: string, request: HttpRequest): Promise<HttpResponse> {
    const operation = target.replace("DynamoDB_20120810.", "");
    const input = JSON.parse(Buffer.from(await bytesOf(request.body)).toString("utf8")) as Item;
    const fault = this.fault(operation, input);
    if (fault) return fault;
    const plain = {
      ...input,
      ...(input.Key ? { Key: fromAttributes(input.Key as Item) } : {}),
      ...(input.Item ? { Item: fromAttributes(input.Item as Item) } : {}),
      ...(input.ExpressionAttributeValues
        ? { ExpressionAttributeValues: fromAttributes(input.ExpressionAttributeValues as Item) }
        : {}),
    };
    try {
      const output = (
        operation === "GetItem"
          ? this.table.get(plain as never)
          : operation === "PutItem"
            ? this.table.put(plain as never)
            : operation === "UpdateItem"
              ? this.table.update(plain as never)
              : unsupported(operation)
      ) as Item;
      const wire = Object.fromEntries(
        Object.entries(output).map(([name, value]) => [name, toAttributes(value as Item)]),
      );
      return respond(200, JSON.stringify(wire), { "content-type": "application/x-amz-json-1.0" });
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return dynamoDbError(400, "ConditionalCheckFailedException", "The conditional request failed");
    }
  }

  private fault(operation: string, request: unknown): HttpResponse | undefined {
    this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
    const fault = this.faults.find(
      (candidate) =>
        candidate.operation === operation && candidate.remaining > 0 && (candidate.when?.(request) ?? true),
    );
    if (!fault) return undefined;
    fault.remaining--;
    return fault.response();
  }
}

export function s3Error(statusCode: number, code: string, message: string): HttpResponse {
  return respond(
    statusCode,
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>`,
    { "content-type": "application/xml" },
  );
}

export function dynamoDbError(statusCode: number, type: string, message: string): HttpResponse {
  return respond(
    statusCode,
    JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
    {
      "content-type": "application/x-amz-json-1.0",
    },
  );
}

function respond(statusCode: number, body: string, headers: Record<string, string>): HttpResponse {
  return {
    statusCode,
    headers: { ...headers, "content-length": String(Buffer.byteLength(body)), "x-amzn-requestid": "R1" },
    body: Readable.from([Buffer.from(body)]),
  };
}

function unsupported(operation: string): never {
  throw new Error(`the fake DynamoDB does not answer ${operation}`);
}

/** DynamoDB's attribute values, for the plain values the repository stores. */
function toAttribute(value: unknown): Item {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toAttributes(value as Item) };
}

function toAttributes(item: Item): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toAttribute(value)]));
}

function fromAttribute(attribute: Item): unknown {
  if ("NULL" in attribute) return null;
  if ("S" in attribute) return attribute.S;
  if ("N" in attribute) return Number(attribute.N);
  if ("BOOL" in attribute) return attribute.BOOL;
  if ("L" in attribute) return (attribute.L as Item[]).map(fromAttribute);
  return fromAttributes(attribute.M as Item);
}

function fromAttributes(item: Item): Item {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, fromAttribute(value as Item)]),
  );
}

async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === "string") return new TextEncoder().encode(body);
  // A plain view: the SDK's JSON body is a Uint8Array subclass that also poses as a string.
  if (body instanceof Uint8Array) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

function etagOf(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

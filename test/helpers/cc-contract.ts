/**
 * Checks requests and responses against Constant Contact's own contract, the public Swagger 2.0 file kept
 * in sandbox/constantcontact/contract. The file is read once, its definitions are turned into JSON Schema (Swagger 2.0 quirks
 * handled below) and compiled with ajv. A problem found here is fixed in the emulator or the client, never
 * by loosening this check.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository's own copy of CC's contract (its version and origin: the README beside it). */
export const ccSpecPath = path.resolve(
  repoRoot,
  'sandbox',
  'constantcontact',
  'contract',
  'constant-contact-v3.swagger.yaml',
);

type Json = Record<string, unknown>;

interface SwaggerParameter {
  name: string;
  in: 'query' | 'path' | 'body' | 'header' | 'formData';
  required?: boolean;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  schema?: Json;
}

interface SwaggerOperation {
  parameters?: SwaggerParameter[];
  responses: Record<string, { schema?: Json }>;
}

interface CompiledOperation {
  method: string;
  template: string;
  parameters: SwaggerParameter[];
  responses: Record<string, { schema?: Json }>;
  bodySchema: Json | null;
}

interface PathMatcher {
  template: string;
  regex: RegExp;
  /** Literal segments win over parameters (`/contacts/counts` before `/contacts/{contact_id}`). */
  literalSegments: number;
}

interface CompiledSpec {
  basePath: string;
  matchers: PathMatcher[];
  operations: Map<string, CompiledOperation>;
  ajv: Ajv;
  authError: ValidateFunction;
  apiErrors: ValidateFunction;
}

/** Statuses any operation may answer even where the spec does not list them (gateway answers). */
const universalStatuses = new Set(['401', '403', '429', '500', '503']);
/**
 * Query parameters CC adds itself: the opaque cursor lives only in `_links.next.href`, which the spec
 * describes without declaring the parameter.
 */
const implicitQueryParameters = new Set(['cursor']);

let compiled: CompiledSpec | undefined;

/** Loads the contract now, so a missing file fails the test that starts an emulator, not a request. */
export function loadCcContract(): void {
  loadSpec();
}

function loadSpec(): CompiledSpec {
  if (compiled) return compiled;
  if (!existsSync(ccSpecPath)) {
    throw new Error(
      `The Constant Contact contract is missing: expected the Swagger file at ${ccSpecPath}. ` +
        'It is part of the repository: restore it with `git checkout -- sandbox/constantcontact/contract`.',
    );
  }
  const spec = parse(readFileSync(ccSpecPath, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  // Swagger 2.0 formats that are descriptive only; int32/int64 are checked as integers by `type`.
  for (const name of ['csv', 'int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) {
    ajv.addFormat(name, true);
  }

  const definitions = toJsonSchema(spec.definitions ?? {}) as Json;
  ajv.addSchema({ $id: 'cc', definitions });

  const operations = new Map<string, CompiledOperation>();
  const matchers: PathMatcher[] = [];
  for (const [template, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
    const pathParameters = (item.parameters ?? []) as SwaggerParameter[];
    let hasOperation = false;
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      const op = item[method] as SwaggerOperation | undefined;
      if (!op) continue;
      hasOperation = true;
      const parameters = [...pathParameters, ...(op.parameters ?? [])];
      const body = parameters.find((p) => p.in === 'body');
      operations.set(`${method.toUpperCase()} ${template}`, {
        method: method.toUpperCase(),
        template,
        parameters,
        responses: op.responses ?? {},
        bodySchema: body?.schema ?? null,
      });
    }
    if (!hasOperation) continue;
    const segments = template.split('/').filter(Boolean);
    const pattern = segments
      .map((s) => (s.startsWith('{') ? '([^/]+)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    matchers.push({
      template,
      regex: new RegExp(`^/${pattern}/?$`),
      literalSegments: segments.filter((s) => !s.startsWith('{')).length,
    });
  }
  matchers.sort((a, b) => b.literalSegments - a.literalSegments);

  const errorEntry = {
    type: 'object',
    required: ['error_key', 'error_message'],
    properties: { error_key: { type: 'string', minLength: 1 }, error_message: { type: 'string' } },
  };
  compiled = {
    basePath: typeof spec.basePath === 'string' ? spec.basePath : '/v3',
    matchers,
    operations,
    ajv,
    // The spec names these two shapes but attaches them to no response: the gateway's 401/429 object and
    // the services' error array, both required of every error body CC sends.
    authError: ajv.compile(errorEntry),
    apiErrors: ajv.compile({ type: 'array', minItems: 1, items: errorEntry }),
  };
  return compiled;
}

/**
 * Rewrites a Swagger 2.0 schema into JSON Schema ajv can compile:
 * - `$ref: '#/definitions/X'` points into the `cc` schema that holds every definition;
 * - vendor keys (`x-*`), `example` and `discriminator` (a bare property name in Swagger 2.0, which JSON
 *   Schema does not know) are dropped as annotations;
 * - `maxItems: 0` is a generator artefact in CC's file (the same properties say "up to 500" in prose);
 *   the limit stated in the description is used, or none when the description gives none.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key.startsWith('x-') || key === 'example' || key === 'discriminator') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
      out.$ref = `cc${value}`;
      continue;
    }
    if (key === 'properties' && value && typeof value === 'object') {
      // Property names are data here, never keywords: keep them all, transform their schemas.
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([name, schema]) => [name, toJsonSchema(schema)]),
      );
      continue;
    }
    if (key === 'maxItems' && value === 0) {
      const stated = /up to (\d[\d,]*)/i.exec(String((node as Json).description ?? ''));
      if (stated?.[1]) out.maxItems = Number(stated[1].replaceAll(',', ''));
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  return out;
}

const validatorCache = new WeakMap<object, ValidateFunction>();

/** Compiles a schema on first use: the file has hundreds of operations and a test touches a few. */
function validatorFor(spec: CompiledSpec, schema: Json): ValidateFunction {
  let validator = validatorCache.get(schema);
  if (!validator) {
    validator = spec.ajv.compile(toJsonSchema(schema) as Json);
    validatorCache.set(schema, validator);
  }
  return validator;
}

interface MatchedOperation {
  spec: CompiledSpec;
  op: CompiledOperation;
  pathParams: Record<string, string>;
}

function matchOperation(method: string, rawPath: string): MatchedOperation | string {
  const spec = loadSpec();
  const pathOnly = rawPath.split('?')[0] ?? '';
  const relative = pathOnly.startsWith(`${spec.basePath}/`) ? pathOnly.slice(spec.basePath.length) : pathOnly;
  for (const matcher of spec.matchers) {
    const m = matcher.regex.exec(relative);
    if (!m) continue;
    const op = spec.operations.get(`${method.toUpperCase()} ${matcher.template}`);
    if (!op) continue;
    const names = [...matcher.template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1] ?? '');
    const pathParams = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    return { spec, op, pathParams };
  }
  return `${method.toUpperCase()} ${pathOnly}: no operation in the Constant Contact spec matches this method and path`;
}

function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath || '(root)';
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
    return `${where}: ${at} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Checks a response status and body against the operation's declared responses. */
export function validateCcResponse(x: {
  method: string;
  path: string;
  status: number;
  body: unknown;
}): string[] {
  const matched = matchOperation(x.method, x.path);
  if (typeof matched === 'string') return [matched];
  const { spec, op } = matched;
  const status = String(x.status);
  const where = `${op.method} ${op.template} -> ${status}`;
  const declared = op.responses[status];
  if (!declared && !universalStatuses.has(status)) {
    return [`${where}: status ${status} is not declared for this operation`];
  }
  if (declared?.schema) {
    const validator = validatorFor(spec, declared.schema);
    return validator(x.body) ? [] : describeErrors(`${where} body`, validator.errors);
  }
  if (x.status >= 400) {
    const check = x.status === 401 || x.status === 429 ? spec.authError : spec.apiErrors;
    const shape =
      x.status === 401 || x.status === 429 ? '{error_key, error_message}' : '[{error_key, error_message}]';
    return check(x.body) ? [] : [`${where}: error body must be ${shape}, got ${JSON.stringify(x.body)}`];
  }
  if (x.status === 204 && x.body !== undefined && x.body !== null && x.body !== '') {
    return [`${where}: a 204 answer must have no body`];
  }
  return [];
}

/** Checks a request's path parameters, query parameters and body against the operation's parameters. */
export function validateCcRequest(x: {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
}): string[] {
  const matched = matchOperation(x.method, x.path);
  if (typeof matched === 'string') return [matched];
  const { op, pathParams, spec } = matched;
  const where = `${op.method} ${op.template} request`;
  const problems: string[] = [];
  const declaredQuery = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const cursorPaging = 'cursor' in x.query;
  for (const name of Object.keys(x.query)) {
    if (!declaredQuery.has(name) && !implicitQueryParameters.has(name)) {
      problems.push(`${where}: query parameter "${name}" is not declared`);
    }
  }
  for (const param of op.parameters) {
    if (param.in === 'path') {
      problems.push(...checkSimpleParameter(spec, where, param, pathParams[param.name]));
    } else if (param.in === 'query') {
      const value = x.query[param.name];
      if (Array.isArray(value)) {
        problems.push(
          `${where}: query parameter "${param.name}" is repeated; CC expects one comma-separated value`,
        );
        continue;
      }
      // A cursor carries the first page's filters, so required query parameters are not repeated with it.
      if (value === undefined && cursorPaging) continue;
      problems.push(...checkSimpleParameter(spec, where, param, value));
    } else if (param.in === 'body') {
      if (x.body === undefined || x.body === null) {
        if (param.required) problems.push(`${where}: a JSON body is required`);
      } else if (op.bodySchema) {
        const validator = validatorFor(spec, op.bodySchema);
        if (!validator(x.body)) problems.push(...describeErrors(`${where} body`, validator.errors));
      }
    }
  }
  return problems;
}

function checkSimpleParameter(
  spec: CompiledSpec,
  where: string,
  param: SwaggerParameter,
  value: string | undefined,
): string[] {
  const label = `${param.in} parameter "${param.name}"`;
  if (value === undefined || value === '') {
    return param.required ? [`${where}: ${label} is required`] : [];
  }
  if (param.type === 'integer' || param.type === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n) || (param.type === 'integer' && !Number.isInteger(n))) {
      return [
        `${where}: ${label} must be ${param.type === 'integer' ? 'an integer' : 'a number'}, got "${value}"`,
      ];
    }
    if (param.minimum !== undefined && n < param.minimum)
      return [`${where}: ${label} must be >= ${param.minimum}`];
    if (param.maximum !== undefined && n > param.maximum)
      return [`${where}: ${label} must be <= ${param.maximum}`];
    return [];
  }
  if (param.type === 'boolean') {
    return value === 'true' || value === 'false' ? [] : [`${where}: ${label} must be true or false`];
  }
  // String parameters. Comma-separated ones (format csv, or a string with a `maximum`, which CC's file
  // uses to mean "up to N values") are checked value by value.
  const commaSeparated = param.format === 'csv' || param.maximum !== undefined;
  const values = commaSeparated ? value.split(',').map((v) => v.trim()) : [value];
  const problems: string[] = [];
  if (param.maximum !== undefined && values.length > param.maximum) {
    problems.push(`${where}: ${label} takes at most ${param.maximum} values, got ${values.length}`);
  }
  for (const v of values) {
    if (param.enum && !param.enum.includes(v)) {
      problems.push(`${where}: ${label} value "${v}" is not one of ${param.enum.join(', ')}`);
    }
    if (param.format && param.format !== 'csv') {
      const format = spec.ajv.getSchema(`format:${param.format}`) ?? compileFormat(spec, param.format);
      if (!format(v)) problems.push(`${where}: ${label} value "${v}" is not a valid ${param.format}`);
    }
  }
  return problems;
}

function compileFormat(spec: CompiledSpec, format: string): ValidateFunction {
  const validator = spec.ajv.compile({ $id: `format:${format}`, type: 'string', format });
  return validator;
}

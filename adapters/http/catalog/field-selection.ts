import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyReply } from 'fastify';
import { LRUCache } from 'lru-cache';
import { domainError } from '../../../domain/shared/errors.js';
import { fail } from '../errors.js';
import { ProductSchema } from './presenter.js';

/**
 * Field selection on product reads (`?fields=`), GraphQL-style: `name,price,category.name,images.url`
 * keeps only those paths (nested objects and arrays of objects trimmed to the named subfields);
 * `-description,-images.url` drops paths instead (both may be given: keep, then drop). `_id` is
 * always kept (compat: the original's Mongo projection). Every path must exist in `ProductSchema`
 * (400 VALIDATION_FAILED naming it otherwise), and the answer is serialized by a fast-json-stringify
 * serializer compiled from the schema trimmed to the selection, memoized per route and selection.
 */

const PATH = '-?[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*';

/** The one `fields` query parameter every product read documents. */
export const FieldsParam = Type.String({
  pattern: `^${PATH}(?:,${PATH})*$`,
  maxLength: 500,
  description:
    'Comma list of product fields to keep, nested with dots (`name,price,category.name,images.url`: arrays ' +
    'of objects keep the named subfields of each element); a field prefixed with `-` is dropped instead. ' +
    '`_id` is always kept. An unknown field answers 400 naming it.',
});

/** Each path segment to a subtree, or `true` for the whole value. */
type Tree = Map<string, Tree | true>;

export interface FieldSelection {
  /** The normalized selection: the same for the same set of paths, in any order. */
  readonly key: string;
  readonly include: Tree | undefined;
  readonly exclude: Tree | undefined;
}

function insert(tree: Tree, segments: readonly string[]): void {
  const [head, ...rest] = segments as [string, ...string[]];
  const node = tree.get(head);
  if (node === true) return; // the whole value is already selected
  if (rest.length === 0) {
    tree.set(head, true);
    return;
  }
  const sub: Tree = node ?? new Map();
  tree.set(head, sub);
  insert(sub, rest);
}

function keyOf(tree: Tree): string {
  return [...tree.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === true ? k : `${k}{${keyOf(v)}}`))
    .join(',');
}

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

/** The object schemas a value at `schema` may be (through arrays and unions). */
function objectsAt(schema: JsonSchema): JsonSchema[] {
  if (schema.type === 'array' && schema.items) return objectsAt(schema.items);
  if (schema.anyOf) return schema.anyOf.flatMap(objectsAt);
  return schema.type === 'object' ? [schema] : [];
}

/** Whether `segments` names a field of the schema (every step a declared property). */
function known(schema: JsonSchema, segments: readonly string[]): boolean {
  if (segments.length === 0) return true;
  const [head, ...rest] = segments as [string, ...string[]];
  return objectsAt(schema).some((o) => {
    const prop = o.properties?.[head];
    return prop !== undefined && known(prop, rest);
  });
}

const PRODUCT = ProductSchema as unknown as JsonSchema;

/** Parses and checks `fields` against the product schema; undefined when absent (the full answer). */
export function parseFields(fields: string | undefined): FieldSelection | undefined {
  if (fields === undefined) return undefined;
  let include: Tree | undefined;
  let exclude: Tree | undefined;
  for (const raw of fields.split(',')) {
    const drop = raw.startsWith('-');
    const path = drop ? raw.slice(1) : raw;
    const segments = path.split('.');
    if (path === '' || segments.some((s) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)))
      fail(
        domainError('VALIDATION_FAILED', `fields: "${raw}" is not a field path`, {
          errors: [{ field: 'fields', message: `"${raw}" is not a field path` }],
        }),
      );
    if (!known(PRODUCT, segments))
      fail(
        domainError('VALIDATION_FAILED', `fields: unknown field "${path}"`, {
          errors: [{ field: 'fields', message: `unknown field "${path}"` }],
        }),
      );
    if (drop) insert((exclude ??= new Map()), segments);
    else insert((include ??= new Map()), segments);
  }
  const key = `${include ? keyOf(include) : '*'}|${exclude ? keyOf(exclude) : ''}`;
  return { key, include, exclude };
}

// ---- values -------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps only the tree's paths; a nested selection on a scalar (an unpopulated category) is left out. */
function pick(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, tree)).filter((v) => v !== undefined);
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = tree.get(k);
    if (sub === undefined) continue;
    const kept = sub === true ? v : pick(v, sub);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

function omit(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map((v) => omit(v, tree));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = tree.get(k);
    if (sub === true) continue;
    out[k] = sub === undefined ? v : omit(v, sub);
  }
  return out;
}

/**
 * One presented product trimmed to the selection (`_id` always kept). Typed as the full product
 * because the route's schema (and OpenAPI) documents the full answer; a trimmed answer is written
 * by the selection's own serializer (`fieldSerializers(...).use`), never by the route's.
 */
export function selectFields<T extends { _id: string }>(
  product: T,
  selection: FieldSelection | undefined,
): T {
  if (selection === undefined) return product;
  let out = product as unknown;
  if (selection.include) out = pick(out, selection.include);
  if (selection.exclude) out = omit(out, selection.exclude);
  return { _id: product._id, ...(out as Partial<T>) } as T;
}

// ---- schemas and serializers ---------------------------------------------------------------------

function pickSchema(schema: JsonSchema, tree: Tree): JsonSchema {
  if (schema.type === 'array' && schema.items) return { ...schema, items: pickSchema(schema.items, tree) };
  if (schema.anyOf) {
    const members = schema.anyOf.filter((m) => objectsAt(m).length > 0).map((m) => pickSchema(m, tree));
    return members.length === 1 ? members[0]! : { ...schema, anyOf: members };
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [k, sub] of tree) {
    const prop = schema.properties?.[k];
    if (prop === undefined) continue;
    properties[k] = sub === true ? prop : pickSchema(prop, sub);
  }
  // Every picked field is optional: a nested pick on an unpopulated value leaves it out.
  return { type: 'object', properties };
}

function omitSchema(schema: JsonSchema, tree: Tree): JsonSchema {
  if (schema.type === 'array' && schema.items) return { ...schema, items: omitSchema(schema.items, tree) };
  if (schema.anyOf) return { ...schema, anyOf: schema.anyOf.map((m) => omitSchema(m, tree)) };
  if (schema.type !== 'object' || schema.properties === undefined) return schema;
  const properties: Record<string, JsonSchema> = {};
  for (const [k, prop] of Object.entries(schema.properties)) {
    const sub = tree.get(k);
    if (sub === true) continue;
    properties[k] = sub === undefined ? prop : omitSchema(prop, sub);
  }
  return {
    ...schema,
    properties,
    ...(schema.required ? { required: schema.required.filter((k) => k in properties) } : {}),
  };
}

/** The product schema trimmed to the selection (`_id` kept, as the values are). */
export function selectedProductSchema(selection: FieldSelection): TSchema {
  let schema = PRODUCT;
  if (selection.include) schema = pickSchema(schema, selection.include);
  if (selection.exclude) schema = omitSchema(schema, selection.exclude);
  const properties = { _id: PRODUCT.properties!['_id']!, ...schema.properties };
  return { ...schema, properties, required: ['_id', ...(schema.required ?? []).filter((k) => k !== '_id')] };
}

type Serializer = (doc: unknown) => string;

/** How many trimmed serializers one route keeps (least recently used dropped first). */
const SERIALIZERS_PER_ROUTE = 200;

const compile = SerializerSelector()();

/**
 * The selected-fields answers of one route: `envelope` builds the route's 200 schema around a
 * product schema. Serializers are compiled on first use per selection and kept in a bounded LRU.
 */
export function fieldSerializers(route: string, envelope: (product: TSchema) => TSchema) {
  const cache = new LRUCache<string, Serializer>({ max: SERIALIZERS_PER_ROUTE });
  const serializerFor = (selection: FieldSelection): Serializer => {
    let serializer = cache.get(selection.key);
    if (serializer === undefined) {
      serializer = compile({
        schema: envelope(selectedProductSchema(selection)),
        method: 'GET',
        url: route,
        httpStatus: '200',
      });
      cache.set(selection.key, serializer);
    }
    return serializer;
  };
  return {
    serializerFor,
    /** Answers with the trimmed serializer when a selection was asked for. */
    use(reply: FastifyReply, selection: FieldSelection | undefined): void {
      // A custom serializer leaves the content type to the route: the same one as the default's.
      if (selection !== undefined)
        reply.serializer(serializerFor(selection)).type('application/json; charset=utf-8');
    },
  };
}

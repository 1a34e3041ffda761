/**
 * A fact an aggregate recorded. Every event has an id, a type, the id of the aggregate that
 * recorded it, when it happened and a typed payload.
 *
 * Type names follow one scheme, `<context>.<subject>-<what happened>` in lower-case kebab case
 * ('ordering.order-placed', 'catalog.stock-changed'); `EVENT_TYPE_SCHEME` checks it and every type
 * is listed in domain/events.ts.
 */
export interface DomainEvent<TType extends string = string, TPayload = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly aggregateId: string;
  readonly occurredAt: Date;
  readonly payload: TPayload;
}

export const EVENT_TYPE_SCHEME = /^[a-z]+\.[a-z]+(-[a-z]+)+$/;

/**
 * What an aggregate is to the events it records: its id and the version its last save gave it
 * (version-guarded aggregates), or its id and a key unique to the change (changes that do not
 * bump a version, such as a stock movement: its movement id).
 */
export type EventSource =
  { readonly id: string; readonly version: number } | { readonly id: string; readonly changeKey: string };

/**
 * The one way aggregates record events. The id is derived from the aggregate, the change and the
 * type: for a versioned aggregate, the version the change's save will give it (saves are
 * version-guarded, so only one change per version is ever stored). A stored event's id is unique
 * and the same on every delivery, which is what handlers deduplicate on.
 */
export function recordEvent<E extends DomainEvent>(
  source: EventSource,
  type: E['type'],
  payload: E['payload'],
  at: Date,
): E {
  const change = 'changeKey' in source ? source.changeKey : String(source.version + 1);
  return { id: `${source.id}:${change}:${type}`, type, aggregateId: source.id, occurredAt: at, payload } as E;
}

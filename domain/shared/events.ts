/** A fact an aggregate recorded; use cases publish them through the EventBus port after persisting. */
export interface DomainEvent<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly occurredAt: Date;
  readonly payload: TPayload;
}

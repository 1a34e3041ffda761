import type { DomainEvent } from '../../domain/shared/events.js';
import type { EventBus } from './ports.js';

/**
 * A notice-publishing write through the write-ahead outbox (StagedEventOutbox): `notices` are
 * staged before `write` runs; then the ones `confirmed` by its outcome are published (`true`: all;
 * `false`: none, the write was refused; or a list: those, with the staged ids and the payload
 * the write ended with) and the others discarded. Should the process die after staging, the
 * sweeper delivers them later: notices only say "X changed" and their handlers read the current
 * state, so one delivered for a write that did not land (or carrying an expected value the write
 * did not end with) is harmless. A write that throws leaves them staged for the same reason.
 */
export async function writeWithNotices<T>(
  bus: EventBus,
  notices: readonly DomainEvent[],
  write: () => Promise<T>,
  confirmed: (outcome: T) => readonly DomainEvent[] | boolean,
): Promise<T> {
  await bus.stage(notices);
  const outcome = await write();
  const answer = confirmed(outcome);
  const publish = answer === true ? notices : answer === false ? [] : answer;
  const ids = new Set(publish.map((e) => e.id));
  await bus.discard(notices.filter((e) => !ids.has(e.id)));
  await bus.publish(publish);
  return outcome;
}

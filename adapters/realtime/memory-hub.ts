import type {
  ChannelName,
  RealtimeHub,
  RealtimeMessage,
  RealtimeReplayPolicy,
  Replay,
} from '../../application/realtime/ports.js';

interface Kept {
  readonly message: RealtimeMessage;
  readonly at: number;
  readonly dedupeKey: string;
}

interface ChannelState {
  seq: number;
  window: Kept[];
  lastPublishAt: number;
  readonly listeners: Set<(message: RealtimeMessage) => void>;
}

/**
 * The hub of one instance (no Redis): ids, replay window and subscribers in this process. A
 * channel nobody listens to whose window has aged out is forgotten; its ids then start again,
 * and a client resuming with an id from before answers `resync` (see `since`).
 */
export class MemoryRealtimeHub implements RealtimeHub {
  private readonly channels = new Map<ChannelName, ChannelState>();
  private publishes = 0;

  constructor(
    private readonly policy: RealtimeReplayPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(channel: ChannelName, type: string, data: unknown, dedupeKey: string): Promise<void> {
    const state = this.state(channel);
    const at = this.now();
    this.trim(state, at);
    if (state.window.some((kept) => kept.dedupeKey === dedupeKey)) return;
    state.seq += 1;
    const message: RealtimeMessage = { type, id: state.seq, data };
    state.window.push({ message, at, dedupeKey });
    if (state.window.length > this.policy.maxMessages) state.window.shift();
    state.lastPublishAt = at;
    for (const listener of [...state.listeners]) listener(message);
    if (++this.publishes % 1000 === 0) this.forgetIdle(at);
  }

  subscribe(channel: ChannelName, listener: (message: RealtimeMessage) => void): () => void {
    const state = this.state(channel);
    state.listeners.add(listener);
    return () => {
      state.listeners.delete(listener);
    };
  }

  async since(channel: ChannelName, lastId: number): Promise<Replay> {
    const state = this.channels.get(channel);
    const current = state?.seq ?? 0;
    if (!state)
      return lastId === 0 ? { complete: true, messages: [], lastId: 0 } : { complete: false, lastId: 0 };
    this.trim(state, this.now());
    if (lastId > current) return { complete: false, lastId: current };
    const oldest = state.window[0]?.message.id ?? current + 1;
    // Every message after lastId is still kept when the oldest kept one follows it directly.
    if (lastId < current && oldest > lastId + 1) return { complete: false, lastId: current };
    return {
      complete: true,
      messages: state.window.filter((k) => k.message.id > lastId).map((k) => k.message),
      lastId: current,
    };
  }

  async lastId(channel: ChannelName): Promise<number> {
    return this.channels.get(channel)?.seq ?? 0;
  }

  private state(channel: ChannelName): ChannelState {
    let state = this.channels.get(channel);
    if (!state) {
      state = { seq: 0, window: [], lastPublishAt: this.now(), listeners: new Set() };
      this.channels.set(channel, state);
    }
    return state;
  }

  private trim(state: ChannelState, now: number): void {
    const oldest = now - this.policy.ttlSeconds * 1000;
    while (state.window.length > 0 && state.window[0]!.at < oldest) state.window.shift();
  }

  /** Drops channels without listeners whose window is empty (bounds memory on many orders). */
  private forgetIdle(now: number): void {
    for (const [name, state] of this.channels) {
      this.trim(state, now);
      if (state.listeners.size === 0 && state.window.length === 0) this.channels.delete(name);
    }
  }
}

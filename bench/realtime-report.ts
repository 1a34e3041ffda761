/**
 * The arithmetic and the table of `bench/realtime.ts`, kept apart from the sockets so a test can
 * check them (test/bench/realtime-report.test.ts). Numbers only: nothing here judges a run as
 * passed or failed beyond saying whether the targets hold.
 */

/** Latency of one fan-out, in milliseconds, over the clients that received it. */
export interface LatencySummary {
  /** Clients that received the message. */
  readonly received: number;
  /** Clients that should have. */
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One target's results (a transport of the app, or the bare `ws` baseline). */
export interface TargetResult {
  readonly name: string;
  readonly subscribers: number;
  /** Subscribers that opened and got `ready` (the baseline: opened). */
  readonly connected: number;
  readonly connectSeconds: number;
  /** The order-status change, to the order channel's subscribers (absent for the baseline). */
  readonly order?: LatencySummary;
  /** The stock change, to the stock channel's subscribers (the baseline: one broadcast to all). */
  readonly stock: LatencySummary;
  /** Order and stock receipts together: every subscriber's latency in the same burst. */
  readonly all: LatencySummary;
  /** The throughput phase: messages received by all clients, per second. */
  readonly throughput: {
    readonly changes: number;
    readonly received: number;
    readonly expected: number;
    readonly seconds: number;
    readonly messagesPerSecond: number;
    /** The server's CPU time over the phase (user + system), in seconds; null when unknown. */
    readonly serverCpuSeconds: number | null;
    /** The load generator's CPU time over the phase, in seconds. */
    readonly loadCpuSeconds: number;
  };
  /** Server RSS after connecting minus before, per connection, in KiB. */
  readonly memoryKiBPerConnection: number;
  /** Connections closed by the server during the run, by close code. */
  readonly closedByServer: Readonly<Record<string, number>>;
}

/** The nearest-rank percentile of ascending values (p in (0, 100]); NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(latencies: readonly number[], expected: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    received: sorted.length,
    expected,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** VmRSS of /proc/<pid>/status, in KiB (null when the line is missing). */
export function parseRssKiB(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? null : Number(match[1]);
}

/** utime + stime of /proc/<pid>/stat, in clock ticks (the command name may hold spaces). */
export function parseCpuTicks(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the full line, utime 14 and stime 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

const ms = (n: number) => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(1) : String(Math.round(n)));
const latency = (s: LatencySummary | undefined) =>
  s === undefined ? '-' : `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
const got = (s: LatencySummary | undefined) => (s === undefined ? '-' : `${s.received}/${s.expected}`);
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : '-';

/**
 * Messages delivered per second of the server's own CPU time: what the server can do per core,
 * whatever else the machine was running (NaN when its CPU time is unknown or zero).
 */
export function perCpuSecond(r: TargetResult): number {
  const cpu = r.throughput.serverCpuSeconds;
  return cpu === null || cpu <= 0 ? Number.NaN : r.throughput.received / cpu;
}

/**
 * The targets: p99 <= 100 ms to all subscribers (every message delivered), and
 * uWebSockets.js >= 2x ws in messages per second. Said, not asserted.
 */
export function verdicts(ws: TargetResult, uws: TargetResult | undefined): string[] {
  const p99 = (r: TargetResult) => {
    const complete = r.all.received === r.all.expected;
    const holds = complete && r.all.p99 <= 100;
    return (
      `p99 <= 100 ms to all ${r.subscribers} subscribers, ${r.name}: ${holds ? 'holds' : 'does not hold'} ` +
      `(p99 ${ms(r.all.p99)} ms, ${r.all.received}/${r.all.expected} delivered)`
    );
  };
  const lines = [p99(ws)];
  if (uws !== undefined) {
    lines.push(p99(uws));
    const r = uws.throughput.messagesPerSecond / ws.throughput.messagesPerSecond;
    lines.push(
      `uWebSockets.js >= 2x ws throughput: ${r >= 2 ? 'holds' : 'does not hold'} (${ratio(
        uws.throughput.messagesPerSecond,
        ws.throughput.messagesPerSecond,
      )} messages/s; ${ratio(perCpuSecond(uws), perCpuSecond(ws))} messages per server CPU-second)`,
    );
  }
  return lines;
}

/** The Markdown table: baseline, ws and uWS side by side, then the uWS/ws ratio. */
export function table(
  baseline: TargetResult | undefined,
  ws: TargetResult | undefined,
  uws: TargetResult | undefined,
): string[] {
  const columns = [baseline, ws, uws];
  const cell = (f: (r: TargetResult) => string) => columns.map((r) => (r === undefined ? '-' : f(r)));
  const ratioCell = (f: (r: TargetResult) => number) =>
    uws === undefined || ws === undefined ? '-' : ratio(f(uws), f(ws));
  const rows: Array<[string, string[], string]> = [
    ['subscribers ready', cell((r) => `${r.connected}/${r.subscribers}`), '-'],
    ['connect + ready, s', cell((r) => r.connectSeconds.toFixed(1)), ratioCell((r) => r.connectSeconds)],
    ['order change: received', cell((r) => got(r.order)), '-'],
    [
      'order change: p50 / p99 / max ms',
      cell((r) => latency(r.order)),
      ratioCell((r) => r.order?.p99 ?? NaN),
    ],
    ['stock change: received', cell((r) => got(r.stock)), '-'],
    ['stock change: p50 / p99 / max ms', cell((r) => latency(r.stock)), ratioCell((r) => r.stock.p99)],
    ['all subscribers: p50 / p99 / max ms', cell((r) => latency(r.all)), ratioCell((r) => r.all.p99)],
    [
      'throughput: messages/s',
      cell((r) => String(Math.round(r.throughput.messagesPerSecond))),
      ratioCell((r) => r.throughput.messagesPerSecond),
    ],
    [
      'throughput: received',
      cell(
        (r) => `${r.throughput.received}/${r.throughput.expected} in ${r.throughput.seconds.toFixed(2)} s`,
      ),
      '-',
    ],
    [
      'throughput: server / load CPU s',
      cell(
        (r) =>
          `${r.throughput.serverCpuSeconds === null ? '-' : r.throughput.serverCpuSeconds.toFixed(2)} / ${r.throughput.loadCpuSeconds.toFixed(2)}`,
      ),
      '-',
    ],
    [
      'throughput: messages per server CPU-second',
      cell((r) => {
        const n = perCpuSecond(r);
        return Number.isNaN(n) ? '-' : String(Math.round(n));
      }),
      ratioCell(perCpuSecond),
    ],
    [
      'server memory per connection, KiB',
      cell((r) => r.memoryKiBPerConnection.toFixed(1)),
      ratioCell((r) => r.memoryKiBPerConnection),
    ],
    [
      'closed by the server',
      cell((r) =>
        Object.keys(r.closedByServer).length === 0
          ? 'none'
          : Object.entries(r.closedByServer)
              .map(([code, n]) => `${n} x ${code}`)
              .join(', '),
      ),
      '-',
    ],
  ];
  return [
    '| measure | baseline: bare ws | ws (API port) | uWebSockets.js | uWS / ws |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(([name, cells, r]) => `| ${name} | ${cells.join(' | ')} | ${r} |`),
  ];
}

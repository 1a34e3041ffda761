import { expect } from 'chai';
import {
  parseCpuTicks,
  parseRssKiB,
  percentile,
  summarize,
  table,
  verdicts,
  type TargetResult,
} from '../../bench/realtime-report.js';

/** A result whose numbers are chosen by the test (no sockets, no timing). */
function aResult(
  name: string,
  over: Partial<TargetResult> & { p99?: number; rate?: number } = {},
): TargetResult {
  const { p99 = 40, rate = 10_000, ...rest } = over;
  const latency = { received: 10, expected: 10, p50: 5, p99, max: p99 + 1 };
  return {
    name,
    subscribers: 10,
    connected: 10,
    connectSeconds: 1,
    order: latency,
    stock: latency,
    all: latency,
    throughput: {
      changes: 2,
      received: 10,
      expected: 10,
      seconds: 1,
      messagesPerSecond: rate,
      serverCpuSeconds: 0.5,
      loadCpuSeconds: 0.4,
    },
    memoryKiBPerConnection: 12.5,
    closedByServer: {},
    ...rest,
  };
}

describe('bench/realtime report (the arithmetic behind the README numbers)', () => {
  it('percentile is nearest-rank over ascending values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 99)).to.equal(99);
    expect(percentile(values, 100)).to.equal(100);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.be.NaN;
  });

  it('summarize sorts, counts what arrived against what was expected, and takes the max', () => {
    const s = summarize([30, 10, 20, 1000], 5);
    expect(s).to.deep.equal({ received: 4, expected: 5, p50: 20, p99: 1000, max: 1000 });
    expect(summarize([], 3).received).to.equal(0);
  });

  it('reads VmRSS from /proc/<pid>/status and utime + stime from /proc/<pid>/stat', () => {
    expect(parseRssKiB('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n')).to.equal(
      123456,
    );
    expect(parseRssKiB('Name:\tnode\n')).to.equal(null);
    // pid (comm with a space) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    const stat = '4242 (node main) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0';
    expect(parseCpuTicks(stat)).to.equal(300);
  });

  it('says whether the targets hold: p99 <= 100 ms with every message delivered, uWS >= 2x ws', () => {
    const holds = verdicts(aResult('ws', { rate: 10_000 }), aResult('uWebSockets.js', { rate: 25_000 }));
    expect(holds[0]).to.match(/ws: holds/);
    expect(holds[1]).to.match(/uWebSockets\.js: holds/);
    expect(holds[2]).to.match(/: holds \(2\.50x messages\/s; 1\.00x messages per server CPU-second\)/);

    const slow = aResult('ws', { p99: 101 });
    expect(verdicts(slow, undefined)).to.have.length(1);
    expect(verdicts(slow, undefined)[0]).to.match(/does not hold/);
    const lost = aResult('ws', { all: { received: 9, expected: 10, p50: 1, p99: 2, max: 3 } });
    expect(verdicts(lost, undefined)[0]).to.match(/does not hold .*9\/10 delivered/);
    expect(verdicts(aResult('ws'), aResult('uWebSockets.js', { rate: 19_999 }))[2]).to.match(
      /does not hold \(2\.00x messages\/s/,
    );
  });

  it('prints baseline, ws and uWS side by side with the uWS/ws ratio', () => {
    const lines = table(
      aResult('baseline', { order: undefined }),
      aResult('ws', { rate: 8_000 }),
      aResult('uWebSockets.js', {
        rate: 20_000,
        closedByServer: { 1013: 3 },
        throughput: { ...aResult('x').throughput, messagesPerSecond: 20_000, serverCpuSeconds: 0.25 },
      }),
    );
    expect(lines[0]).to.equal('| measure | baseline: bare ws | ws (API port) | uWebSockets.js | uWS / ws |');
    const row = (name: string) => lines.find((l) => l.startsWith(`| ${name} |`))!.split(' | ');
    expect(row('throughput: messages/s').slice(1)).to.deep.equal(['10000', '8000', '20000', '2.50x |']);
    expect(row('order change: p50 / p99 / max ms')[1]).to.equal('-');
    // 10 messages over 0.5 s of server CPU: 20 per CPU-second; uWS 10 over 0.25 s: 40, twice.
    expect(row('throughput: messages per server CPU-second').slice(1)).to.deep.equal([
      '20',
      '20',
      '40',
      '2.00x |',
    ]);
    expect(row('closed by the server')[3]).to.equal('3 x 1013');
    const noUws = table(undefined, aResult('ws'), undefined);
    expect(noUws.find((l) => l.startsWith('| throughput: messages/s |'))).to.equal(
      '| throughput: messages/s | - | 10000 | - | - |',
    );
  });
});

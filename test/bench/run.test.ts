import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable, ratio, startTable, type LoadRow } from '../../bench/run-report.js';

/** The markdown table rows of `text` as cells (header and separator left out). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| scenario') && !line.startsWith('| ---'))
    .filter((line) => !line.startsWith('| process'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

describe('bench/run.ts (npm run bench): the harness, in a tiny mode', function () {
  // Two servers started through tsx on a shared machine; what is checked is structure, never timing.
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'af-bench-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures 2 scenarios beside their baselines in one run and writes a table with ratios', async () => {
    const output = join(dir, 'latest.md');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        BENCH_SERVER: 'tsx',
        BENCH_SECONDS: '1',
        BENCH_WARMUP_SECONDS: '0',
        BENCH_CONNECTIONS: '2',
        BENCH_SCENARIOS: 'detail,checkout',
        BENCH_SHOPPERS: '10',
        BENCH_START_RUNS: '1',
        BENCH_IDLE_SECONDS: '2',
        BENCH_OUTPUT: output,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code, log).to.equal(0);

    const text = readFileSync(output, 'utf8');
    expect(text).to.match(
      /2 connections, 1 s per scenario; server tsx bootstrap\/main\.ts, store embedded default/,
    );
    expect(log).to.include(text.trim().split('\n')[0]!); // printed too
    const rows = tableRows(text.split('| process')[0]!);
    const names = rows.map((r) => r[0]);
    const replayed = names[2]!;
    expect(replayed).to.match(/^same bytes and the app's \d+ headers as detail, pre-serialized$/);
    expect(names).to.deep.equal([
      'Fastify hello-world',
      'same bytes as detail, pre-serialized',
      replayed,
      'product detail',
      'POST /api/orders (1 line, authenticated, a new order each)',
    ]);
    const byName = new Map(rows.map((r) => [r[0], r]));
    // The informative row is a baseline of its own, never the ratio's.
    expect(byName.get(replayed)!.slice(7)).to.deep.equal(['(baseline)', '—']);
    expect(byName.get(replayed)![6]).to.equal(byName.get('product detail')![6]);
    // columns: scenario, req/s, p50, p99, server CPU µs/request, non-2xx, body, baseline, ratio
    expect(byName.get('Fastify hello-world')!.slice(7)).to.deep.equal(['(baseline)', '—']);
    expect(byName.get('product detail')![7]).to.equal('same bytes as detail, pre-serialized');
    expect(byName.get('POST /api/orders (1 line, authenticated, a new order each)')![7]).to.equal(
      'Fastify hello-world',
    );
    for (const row of rows) {
      expect(row, row[0]).to.have.length(9);
      expect(row[1], row[0]).to.match(/^[\d,]+$/);
      expect(Number(row[1]!.replace(/,/g, '')), `${row[0]} answered`).to.be.above(0);
      expect(row[4], `${row[0]}: the server's CPU per request, from /proc`).to.match(/^[\d,]+$/);
      expect(row[5], `${row[0]}: every answer a success`).to.equal('0');
    }
    for (const name of ['product detail', 'POST /api/orders (1 line, authenticated, a new order each)']) {
      expect(byName.get(name)![8], name).to.match(/^\d+\.\d\dx$/);
    }
    // The same bytes: the baseline's body is the detail's.
    expect(byName.get('same bytes as detail, pre-serialized')![6]).to.equal(byName.get('product detail')![6]);
    // Start-up and memory, app and bare Fastify.
    const starts = text.split('| process')[1]!;
    expect(starts).to.include('| RSS 1 s after | idle RSS (2 s after) |');
    expect(starts).to.match(
      /\| the app \(embedded default\) \| \d+ ms \(1\) \| \d+ MB \| \d+ MB \| \d+ MB \|/,
    );
    expect(starts).to.match(/\| bare Fastify \(baseline\) \| \d+ ms \(1\) \| \d+ MB \| \d+ MB \| — \|/);
  });

  it('the report: a ratio is req/s over its baseline\'s, "—" for a baseline or a missing one', () => {
    const rows: LoadRow[] = [
      { name: 'base', reqPerSec: 2000, p50: 1, p99: 2, non2xx: 0, bytes: 17 },
      {
        name: 'route',
        reqPerSec: 500,
        p50: 3,
        p99: 9,
        non2xx: 0,
        bytes: 2048,
        baseline: 'base',
        cpuUsPerRequest: 1234.4,
      },
      { name: 'orphan', reqPerSec: 500, p50: 3, p99: 9, non2xx: 0, bytes: 2048, baseline: 'gone' },
    ];
    expect(rows.map((r) => ratio(r, rows))).to.deep.equal(['—', '0.25x', '—']);
    const table = loadTable(rows, 50);
    expect(table.split('\n')[0]).to.include('p99 ms at 50 connections');
    expect(tableRows(table)[1]).to.deep.equal([
      'route',
      '500',
      '3',
      '9',
      '1,234',
      '0',
      '2.0 KB',
      'base',
      '0.25x',
    ]);
    expect(
      startTable([{ name: 'app', startMs: [300, 100, 200], firstSecondRssMb: 95.6, idleRssMb: 80.4 }], 15),
    )
      .to.include('| RSS 1 s after | idle RSS (15 s after) |')
      .and.include('| app | 200 ms (3) | 96 MB | 80 MB | — |');
  });
});

import { expect } from 'chai';
import { Container } from 'inversify';
import { PrometheusMetrics } from '../../../adapters/telemetry/prometheus-metrics.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { JOB_QUEUE, type JobHandler, type RunningJob } from '../../../application/shared/job-queue.js';
import { METRICS } from '../../../application/shared/metrics.js';
import { APP_LOGGER } from '../../../application/shared/ports.js';
import { StartJobWorkers } from '../../../bootstrap/modules/jobs.js';
import { connectRealtime } from '../../support/realtime-client.js';
import { listeningApp } from '../../support/realtime-transports.js';
import { TestClock } from '../../support/kit.js';

const TOKEN = 'metrics-token-0123456789abcdef';

function valueOf(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

class Flaky implements JobHandler<{ fail: boolean }> {
  async handle(job: RunningJob<{ fail: boolean }>): Promise<void> {
    if (job.data.fail) throw new Error('always fails');
  }
}

describe('Queue metrics: jobs finished by outcome, depth read from the queue', () => {
  it('counts completed, retried and dead attempts where the worker finishes them; queue_depth reads the waiting jobs', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const queue = new InProcessJobQueue(new TestClock(), {
      attempts: 2,
      backoffMs: 1,
      concurrency: 1,
      completedRetentionMs: 60_000,
    });
    const container = new Container();
    container.bind(JOB_QUEUE).toConstantValue(queue);
    container.bind(METRICS).toConstantValue(metrics);
    container.bind(APP_LOGGER).toConstantValue({ info: () => {}, warn: () => {}, error: () => {} });
    container.bind(Flaky).toConstantValue(new Flaky());
    metrics.gauge('queue_depth', { queue: 'q' }, async () => {
      const c = await queue.counts('q');
      return c.waiting + c.delayed;
    });
    try {
      await queue.add('q', 'x', { fail: false }, { jobId: 'waiting-1', delayMs: 60_000 });
      expect(valueOf((await metrics.scrape()).body, 'queue_depth', '{queue="q"}')).to.equal(1);

      await new StartJobWorkers(container, { q: { handler: Flaky } }, 1).run();
      await queue.add('q', 'x', { fail: false }, { jobId: 'ok' });
      await queue.add('q', 'x', { fail: true }, { jobId: 'bad' });
      await until(async () => (await queue.get('q', 'bad'))?.state === 'dead');
      await until(async () => (await queue.get('q', 'ok'))?.state === 'completed');
      const text = (await metrics.scrape()).body;
      expect(valueOf(text, 'queue_jobs_total', '{queue="q",outcome="completed"}')).to.equal(1);
      expect(valueOf(text, 'queue_jobs_total', '{queue="q",outcome="retried"}')).to.equal(1);
      expect(valueOf(text, 'queue_jobs_total', '{queue="q",outcome="dead"}')).to.equal(1);
    } finally {
      await queue.close();
    }
  });
});

describe('Realtime metrics: open connections per transport', function () {
  this.timeout(60_000);
  it('realtime_connections counts an open SSE stream and drops when it closes; queue_depth has a series per queue', async () => {
    const { t, port } = await listeningApp({ METRICS_TOKEN: TOKEN });
    const scrape = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/metrics/prometheus',
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).body;
    try {
      const sse = '{transport="sse"}';
      expect(valueOf(await scrape(), 'realtime_connections', sse)).to.equal(0);
      const client = await connectRealtime(`http://127.0.0.1:${port}/api/realtime/stock-updates`);
      await until(async () => valueOf(await scrape(), 'realtime_connections', sse) === 1);
      client.close();
      await until(async () => valueOf(await scrape(), 'realtime_connections', sse) === 0);
      expect(await scrape()).to.include('queue_depth{queue="notifications"} ');
    } finally {
      await t.close();
    }
  });
});

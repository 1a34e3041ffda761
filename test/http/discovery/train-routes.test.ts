import { expect } from 'chai';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

describe('http/discovery: training the recommendation model (/api/recommendations)', () => {
  describe('memory, in-process queue', () => trainingRoutes(() => ({})));
  describeWith(['mongo', 'redis'], 'MongoDB, BullMQ on Redis', () =>
    trainingRoutes(() => ({ MONGODB_URI: mongoTestUri('train-routes'), REDIS_URL: serviceUrl('redis') })),
  );
});

function trainingRoutes(env: () => Record<string, string>): void {
  let t: TestApp;
  let admin: string;

  before(async () => {
    t = await buildTestApp(env());
    admin = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  const train = (prefix = '/api', token = admin) =>
    t.request({ method: 'POST', url: `${prefix}/recommendations/train`, token });

  async function finished(jobId: string) {
    for (;;) {
      const got = await t.request({
        method: 'GET',
        url: `/api/recommendations/train/${jobId}`,
        token: admin,
      });
      expect(got.statusCode, got.body).to.equal(200);
      const job = got.json().data.job;
      if (job.state === 'completed' || job.state === 'dead') return job;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('202 with a job; parallel requests answer the one running job; completed with version and metrics', async () => {
    const answers = await Promise.all([train(), train(), train('/api/api')]);
    for (const a of answers) expect(a.statusCode, a.body).to.equal(202);
    const ids = answers.map((a) => a.json().data.job.jobId);
    expect(new Set(ids).size).to.equal(1);
    expect(answers[0]!.json().data.job.version).to.equal(1);
    const job = await finished(ids[0]);
    expect(job.state).to.equal('completed');
    expect(job.progress).to.equal(100);
    expect(job.result.version).to.equal(1);
    expect(job.result.metrics).to.have.all.keys('evaluatedOrders', 'hitRateAt10', 'ndcgAt10', 'baseline');
    expect(job.result.trainingData.products).to.be.a('number');

    const next = await train('/api/api');
    expect(next.statusCode, next.body).to.equal(202);
    expect(next.json().data.job.version).to.equal(2);
    expect((await finished(next.json().data.job.jobId)).result.version).to.equal(2);

    const models = await t.request({ method: 'GET', url: '/api/api/recommendations/models', token: admin });
    expect(models.statusCode, models.body).to.equal(200);
    expect(models.json().data.models.map((m: { version: number }) => m.version)).to.deep.equal([2, 1]);
  });

  it('401 without a token, 403 for a shopper, 404 for an unknown job, 400 for a malformed id', async () => {
    const shopper = await registerUser(t);
    expect((await t.request({ method: 'POST', url: '/api/recommendations/train' })).statusCode).to.equal(401);
    expect((await train('/api', shopper.token)).statusCode).to.equal(403);
    const list = await t.request({ method: 'GET', url: '/api/recommendations/models', token: shopper.token });
    expect(list.statusCode).to.equal(403);
    const missing = await t.request({ method: 'GET', url: '/api/recommendations/train/nope', token: admin });
    expect(missing.statusCode, missing.body).to.equal(404);
    const bad = await t.request({ method: 'GET', url: '/api/recommendations/train/no%20pe', token: admin });
    expect(bad.statusCode, bad.body).to.equal(400);
    expect(bad.body).to.contain('jobId');
  });
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { loadConfig } from '../../../bootstrap/config.js';

const here = dirname(fileURLToPath(import.meta.url));
// The source tree (this test also runs compiled, from dist/test/..., where only .js files are).
const root = [resolve(here, '..', '..', '..'), resolve(here, '..', '..', '..', '..')].find((dir) => {
  try {
    return statSync(join(dir, 'adapters', 'telemetry', 'tracing.ts')).isFile();
  } catch {
    return false;
  }
})!;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Issue 14: unconfigured, tracing costs the embedded default nothing (no SDK in memory). */
describe('observability: tracing off loads no OpenTelemetry', () => {
  it('only adapters/telemetry/tracing.ts imports OpenTelemetry, and only bootstrap/telemetry.ts loads it, dynamically', () => {
    const files = ['adapters', 'application', 'bootstrap', 'domain'].flatMap((d) => sources(join(root, d)));
    const importers = files.filter((file) =>
      /^import (?!type\b)[^;]*from '(@opentelemetry\/|@fastify\/otel)/m.test(readFileSync(file, 'utf8')),
    );
    expect(importers.map((f) => relative(root, f))).to.deep.equal([]);
    const loaders = files.filter((file) => /telemetry\/tracing\.js'/.test(readFileSync(file, 'utf8')));
    for (const file of loaders) {
      const text = readFileSync(file, 'utf8');
      expect(/^import (?!type\b)[^;]*telemetry\/tracing\.js'/m.test(text), relative(root, file)).to.equal(
        false,
      );
    }
    expect(loaders.map((f) => relative(root, f))).to.include('bootstrap/telemetry.ts');
  });

  it('config: off by default, on with an OTLP endpoint, off with OTEL_TRACES_EXPORTER=none, bad values named', () => {
    const config = (env: Record<string, string>) =>
      loadConfig({ NODE_ENV: 'test', ...env }, () => 'x'.repeat(64));
    expect(config({}).tracing).to.equal(null);
    expect(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).to.deep.equal({
      serviceName: 'amour-florals-api',
      exporter: 'otlp',
      otlpTracesUrl: 'http://collector:4318/v1/traces',
    });
    expect(config({ TRACING_ENABLED: 'true' }).tracing?.otlpTracesUrl).to.equal(
      'http://localhost:4318/v1/traces',
    );
    expect(
      config({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_SERVICE_NAME: 'api-eu' })
        .tracing,
    ).to.include({ otlpTracesUrl: 'http://c:4318/custom', serviceName: 'api-eu' });
    expect(
      config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing,
    ).to.equal(null);
    expect(
      config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', TRACING_ENABLED: 'false' }).tracing,
    ).to.equal(null);
    expect(() => config({ OTEL_TRACES_EXPORTER: 'jaeger' })).to.throw(/OTEL_TRACES_EXPORTER/);
    expect(() => config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).to.throw(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});

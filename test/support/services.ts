import { spawnSync } from 'node:child_process';

/**
 * The external services some suites need (MongoDB-wire server, Redis). Their addresses come from
 * MONGODB_URI / REDIS_URL, else the defaults of `npm run services`. When one is unreachable its
 * suites are skipped with one loud line; with REQUIRE_SERVICES=1 (what .ci/run sets) a missing
 * service fails the run instead.
 */
export type Service = 'mongo' | 'redis';

const DEFAULTS: Record<Service, string> = {
  mongo: 'mongodb://127.0.0.1:27027/amour_florals',
  redis: 'redis://127.0.0.1:6390',
};
const ENV: Record<Service, string> = { mongo: 'MONGODB_URI', redis: 'REDIS_URL' };

export function serviceUrl(service: Service): string {
  return process.env[ENV[service]] || DEFAULTS[service];
}

/**
 * Whether a TCP connection to the service opens, asked synchronously (a short child process), so
 * suites can be declared skipped up front: mocha then runs none of their hooks, not even `after`.
 */
function reachableSync(url: string): boolean {
  const parsed = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:').replace(/^rediss?:/, 'http:'));
  const port = Number(parsed.port || (url.startsWith('redis') ? 6379 : 27017));
  const probe =
    "const s=require('node:net').createConnection({host:process.argv[1],port:+process.argv[2],timeout:1000});" +
    "s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1));";
  const result = spawnSync(process.execPath, ['-e', probe, parsed.hostname, String(port)], { timeout: 3000 });
  return result.status === 0;
}

const checked = new Map<Service, boolean>();
const announced = new Set<string>();

export function isAvailable(service: Service): boolean {
  let up = checked.get(service);
  if (up === undefined) {
    up = reachableSync(serviceUrl(service));
    checked.set(service, up);
  }
  return up;
}

/**
 * `describe` for suites that need services. When one is down the suite is declared skipped
 * (announced once per service, loudly), or, with REQUIRE_SERVICES=1, fails.
 */
export function describeWith(
  services: readonly Service[],
  title: string,
  body: (this: Mocha.Suite) => void,
): void {
  const missing = services.filter((service) => !isAvailable(service));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const lines = missing.map((service) => `${ENV[service]} ${serviceUrl(service)} is unreachable`);
  if (process.env.REQUIRE_SERVICES === '1') {
    describe(title, () => {
      it('has its services', () => {
        throw new Error(`${lines.join('; ')} and REQUIRE_SERVICES=1: start them with \`npm run services\``);
      });
    });
    return;
  }
  for (const [i, service] of missing.entries()) {
    if (announced.has(service)) continue;
    announced.add(service);
    console.warn(
      `\n  !!! SKIPPING every suite that needs ${service}: ${lines[i]} (run \`npm run services\`) !!!\n`,
    );
  }
  describe.skip(title, body);
}

let dbCounter = 0;

/** A fresh database name on the test server for one suite (dropped by the suite when done). */
export function mongoTestUri(label: string): string {
  dbCounter += 1;
  const url = new URL(serviceUrl('mongo'));
  url.pathname = `/af_test_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 20)}_${process.pid}_${dbCounter}`;
  return url.toString();
}

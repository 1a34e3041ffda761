import { createConnection } from 'node:net';

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

function reachable(url: string): Promise<boolean> {
  const parsed = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:').replace(/^rediss?:/, 'http:'));
  const port = Number(parsed.port || (url.startsWith('redis') ? 6379 : 27017));
  return new Promise((resolve) => {
    const socket = createConnection({ host: parsed.hostname, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const checked = new Map<Service, Promise<boolean>>();
const announced = new Set<string>();

export function isAvailable(service: Service): Promise<boolean> {
  let p = checked.get(service);
  if (!p) {
    p = reachable(serviceUrl(service));
    checked.set(service, p);
  }
  return p;
}

/**
 * `describe` for suites that need services: skips them (announcing it once per service, loudly)
 * when a service is down, or fails with REQUIRE_SERVICES=1.
 */
export function describeWith(
  services: readonly Service[],
  title: string,
  body: (this: Mocha.Suite) => void,
): void {
  describe(title, function () {
    before(async function () {
      for (const service of services) {
        if (await isAvailable(service)) continue;
        const line = `${ENV[service]} ${serviceUrl(service)} is unreachable`;
        if (process.env.REQUIRE_SERVICES === '1')
          throw new Error(`${line} and REQUIRE_SERVICES=1: start it with \`npm run services\``);
        if (!announced.has(service)) {
          announced.add(service);
          console.warn(
            `\n  !!! SKIPPING every suite that needs ${service}: ${line} (run \`npm run services\`) !!!\n`,
          );
        }
        this.skip();
      }
    });
    body.call(this);
  });
}

let dbCounter = 0;

/** A fresh database name on the test server for one suite (dropped by the suite when done). */
export function mongoTestUri(label: string): string {
  dbCounter += 1;
  const url = new URL(serviceUrl('mongo'));
  url.pathname = `/af_test_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 20)}_${process.pid}_${dbCounter}`;
  return url.toString();
}

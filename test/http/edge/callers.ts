import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

export type Caller = 'shopper' | 'admin';

export interface Callers {
  /** The suite's app (set in `before`). */
  readonly t: TestApp;
  readonly tokens: Record<Caller, string>;
  /** `route` is `"METHOD /path"`; admin confirmation is sent so guarded admin routes reach validation. */
  send(route: string, as: Caller, body?: unknown): ReturnType<TestApp['request']>;
}

/**
 * For the edge tables (numbers, text, image URLs): one app per suite, with a shopper's and the
 * admin's token, so each row can call its route as either.
 */
export function useCallers(): Callers {
  let app: TestApp | undefined;
  const tokens: Record<Caller, string> = { shopper: '', admin: '' };
  before(async () => {
    app = await buildTestApp();
    tokens.shopper = (await registerUser(app)).token;
    tokens.admin = await loginAdmin(app);
  });
  after(async () => app?.close());
  return {
    get t() {
      if (!app) throw new Error('useCallers() used outside its suite');
      return app;
    },
    tokens,
    send(route, as, body) {
      const [method, url] = route.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE', string];
      return this.t.request({
        method,
        url,
        token: tokens[as],
        ...(body !== undefined ? { body } : {}),
        headers: { 'x-admin-confirmation': 'confirmed' },
        sign: true, // sensitive routes (bulk updates) are signed; the others ignore it
      });
    },
  };
}

/** How driving adapters (HTTP, CLI, WebSocket) reach use cases: the composition root's container, seen narrowly. */
export interface Resolver {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get<T>(id: symbol | (abstract new (...args: any[]) => T)): T;
}

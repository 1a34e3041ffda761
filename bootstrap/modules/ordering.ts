import type { Container } from 'inversify';
import type { Config } from '../config.js';

export function bindOrdering(_container: Container, _config: Config): void {
  // TODO: ports and use cases of the ordering context
}

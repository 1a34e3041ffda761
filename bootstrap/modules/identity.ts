import type { Container } from 'inversify';
import type { Config } from '../config.js';

export function bindIdentity(_container: Container, _config: Config): void {
  // TODO: ports and use cases of the identity context
}

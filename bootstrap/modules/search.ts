import type { Container } from 'inversify';
import type { Config } from '../config.js';

/** The search context: the index, autocomplete, advanced search, saved/popular/history searches. */
export function bindSearch(_container: Container, _config: Config): void {}

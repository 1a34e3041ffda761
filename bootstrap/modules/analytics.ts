import type { Container } from 'inversify';
import type { Config } from '../config.js';

/** Business analytics (/api/analytics/*, admin). */
export function bindAnalytics(_container: Container, _config: Config): void {}

import { token } from '../shared/token.js';

/** What training and the model store need from configuration (bootstrap/config.ts). */
export interface RecommendationSettings {
  /** Neighbours kept per product (RECOMMENDATIONS_NEIGHBOURS). */
  readonly neighbours: number;
  /** Model versions kept by the store; older ones are deleted (RECOMMENDATIONS_KEEP_VERSIONS). */
  readonly keepVersions: number;
}
export const RECOMMENDATION_SETTINGS = token<RecommendationSettings>('RecommendationSettings');

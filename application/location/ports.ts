import { token } from '../shared/token.js';
import type { City } from '../../domain/location/place.js';

/** The cities the shop knows (a built-in list on every deployment for now). */
export interface CityDirectory {
  all(): readonly City[];
}
export const CITY_DIRECTORY = token<CityDirectory>('CityDirectory');

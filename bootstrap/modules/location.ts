import type { Container } from 'inversify';
import { CITY_DIRECTORY } from '../../application/location/ports.js';
import {
  CheckServiceability,
  GetPlaceDetails,
  ListPopularPlaces,
  ReverseGeocode,
  SearchPlaces,
} from '../../application/location/use-cases.js';
import { BuiltinCityDirectory } from '../../adapters/location/builtin-cities.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

export function bindLocation(container: Container, _config: Config): void {
  bindClass(container, CITY_DIRECTORY, BuiltinCityDirectory, []);
  bindUseCase(container, CheckServiceability, [CITY_DIRECTORY]);
  bindUseCase(container, SearchPlaces, [CITY_DIRECTORY]);
  bindUseCase(container, ReverseGeocode, [CITY_DIRECTORY]);
  bindUseCase(container, GetPlaceDetails, [CITY_DIRECTORY]);
  bindUseCase(container, ListPopularPlaces, [CITY_DIRECTORY]);
}

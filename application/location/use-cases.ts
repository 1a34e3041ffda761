import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  nearestCity,
  searchCities,
  serviceableCityFor,
  type City,
  type Coordinates,
} from '../../domain/location/place.js';
import type { CityDirectory } from './ports.js';

export const DELIVERY_WINDOW = '2-4 hours';
const REVERSE_GEOCODE_RADIUS_KM = 100;
const SEARCH_LIMIT = 10;

export interface Serviceability {
  readonly isServiceable: boolean;
  readonly message: string;
  readonly estimatedDeliveryTime: string | null;
}

export class CheckServiceability {
  constructor(private readonly directory: CityDirectory) {}

  execute(input: { city: string }): Serviceability {
    const match = serviceableCityFor(this.directory.all(), input.city);
    return match
      ? {
          isServiceable: true,
          message: 'Delivery available in your area',
          estimatedDeliveryTime: DELIVERY_WINDOW,
        }
      : {
          isServiceable: false,
          message: 'Delivery not available in your area yet',
          estimatedDeliveryTime: null,
        };
  }
}

export class SearchPlaces {
  constructor(private readonly directory: CityDirectory) {}

  execute(query: string): City[] {
    return searchCities(this.directory.all(), query, SEARCH_LIMIT);
  }
}

export interface ReverseGeocodeResult {
  readonly city: string;
  readonly state: string;
  readonly country: string;
  readonly coordinates: Coordinates;
  readonly distanceKm: number | null;
}

export class ReverseGeocode {
  constructor(private readonly directory: CityDirectory) {}

  /** The nearest known city within 100 km, else an "Unknown City" answer at the given point. */
  execute(point: Coordinates): ReverseGeocodeResult {
    const near = nearestCity(this.directory.all(), point, REVERSE_GEOCODE_RADIUS_KM);
    if (!near) {
      return {
        city: 'Unknown City',
        state: 'Unknown State',
        country: 'India',
        coordinates: point,
        distanceKm: null,
      };
    }
    const { city } = near;
    return {
      city: city.city,
      state: city.state,
      country: city.country,
      coordinates: city.coordinates,
      distanceKm: near.km,
    };
  }
}

export class GetPlaceDetails {
  constructor(private readonly directory: CityDirectory) {}

  execute(placeId: string): Result<City, DomainError> {
    const city = this.directory.all().find((c) => c.placeId === placeId);
    return city ? Ok(city) : Err(domainError('PLACE_NOT_FOUND', 'Place not found'));
  }
}

export class ListPopularPlaces {
  constructor(private readonly directory: CityDirectory) {}

  execute(): City[] {
    return this.directory.all().filter((c) => c.popular);
  }
}

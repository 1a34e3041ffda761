import { Type } from '@fastify/type-provider-typebox';
import type { City } from '../../../domain/location/place.js';
import {
  CheckServiceability,
  GetPlaceDetails,
  ListPopularPlaces,
  ReverseGeocode,
  SearchPlaces,
} from '../../../application/location/use-cases.js';
import { unwrap } from '../errors.js';
import { Latitude, Longitude } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

/**
 * Location answers are raw JSON (compat 9); failures carry the `{error}` text the storefront reads
 * beside the usual envelope fields (`rawErrors`).
 */
const RawError = Type.Object(
  { status: Type.Literal('error'), error: Type.String(), message: Type.String(), code: Type.String() },
  { additionalProperties: true },
);
const rawErrors = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 500].map((s) => [s, { ...RawError, description: `Error ${s}` }]));

const CoordinatesSchema = Type.Object({ lat: Type.Number(), lng: Type.Number() });
const PlaceSchema = Type.Object({
  placeId: Type.String(),
  description: Type.String(),
  mainText: Type.String(),
  secondaryText: Type.String(),
  city: Type.String(),
  state: Type.String(),
  country: Type.String(),
  coordinates: CoordinatesSchema,
});
const AddressSchema = Type.Object({
  city: Type.String(),
  state: Type.String(),
  country: Type.String(),
  formattedAddress: Type.String(),
  coordinates: CoordinatesSchema,
});

function presentPlace(c: City) {
  return {
    placeId: c.placeId,
    description: `${c.city}, ${c.state}, ${c.country}`,
    mainText: c.city,
    secondaryText: `${c.state}, ${c.country}`,
    city: c.city,
    state: c.state,
    country: c.country,
    coordinates: { ...c.coordinates },
  };
}

export async function locationRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const check = deps.resolve.get(CheckServiceability);
  const search = deps.resolve.get(SearchPlaces);
  const reverse = deps.resolve.get(ReverseGeocode);
  const details = deps.resolve.get(GetPlaceDetails);
  const popular = deps.resolve.get(ListPopularPlaces);
  const tags = ['location'];
  const config = { rawErrors: true };

  app.post(
    '/check-serviceable',
    {
      config,
      schema: {
        tags,
        summary: 'Can we deliver to this city?',
        body: Type.Object(
          {
            city: Type.String({ maxLength: 200 }),
            state: Type.Optional(Type.String({ maxLength: 200 })),
            coordinates: Type.Optional(
              Type.Union([
                Type.Null(),
                Type.Object({
                  lat: Type.Optional(Latitude),
                  lng: Type.Optional(Longitude),
                  latitude: Type.Optional(Latitude),
                  longitude: Type.Optional(Longitude),
                }),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            isServiceable: Type.Boolean(),
            message: Type.String(),
            estimatedDeliveryTime: Type.Union([Type.String(), Type.Null()]),
          }),
          ...rawErrors(400, 429),
        },
      },
    },
    async (request) => check.execute({ city: request.body.city }),
  );

  app.get(
    '/search',
    {
      config,
      schema: {
        tags,
        summary: 'Places matching a query (empty when shorter than 2 characters; at most 10)',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(PlaceSchema), ...rawErrors(400, 429) },
      },
    },
    async (request) => search.execute(request.query.q ?? '').map(presentPlace),
  );

  app.post(
    '/reverse-geocode',
    {
      config,
      schema: {
        tags,
        summary: 'The nearest known city within 100 km of a point',
        body: Type.Object(
          {
            latitude: Latitude,
            longitude: Longitude,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ ...AddressSchema.properties, accuracy: Type.String() }),
          ...rawErrors(400, 429),
        },
      },
    },
    async (request) => {
      const point = { lat: request.body.latitude, lng: request.body.longitude };
      const r = reverse.execute(point);
      return {
        city: r.city,
        state: r.state,
        country: r.country,
        formattedAddress: `${r.city}, ${r.state}, ${r.country}`,
        coordinates: { ...r.coordinates },
        accuracy: r.distanceKm === null ? 'unknown' : r.distanceKm <= 25 ? 'city' : 'region',
      };
    },
  );

  app.get(
    '/details/:placeId',
    {
      config,
      schema: {
        tags,
        summary: 'A place by id',
        params: Type.Object({ placeId: Type.String({ maxLength: 100 }) }),
        response: { 200: AddressSchema, ...rawErrors(404, 429) },
      },
    },
    async (request) => {
      const c = unwrap(details.execute(request.params.placeId));
      return {
        city: c.city,
        state: c.state,
        country: c.country,
        formattedAddress: `${c.city}, ${c.state}, ${c.country}`,
        coordinates: { ...c.coordinates },
      };
    },
  );

  app.get(
    '/popular',
    {
      config,
      schema: {
        tags,
        summary: 'Popular delivery cities',
        response: { 200: Type.Array(PlaceSchema), ...rawErrors(429) },
      },
    },
    async () => popular.execute().map(presentPlace),
  );
}

export interface Coordinates {
  readonly lat: number;
  readonly lng: number;
}

export interface City {
  readonly placeId: string;
  readonly city: string;
  readonly state: string;
  readonly country: string;
  readonly coordinates: Coordinates;
  readonly serviceable: boolean;
  readonly popular: boolean;
}

export const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The nearest city within `maxKm`, or null. */
export function nearestCity(
  cities: readonly City[],
  point: Coordinates,
  maxKm: number,
): { city: City; km: number } | null {
  let best: { city: City; km: number } | null = null;
  for (const city of cities) {
    const km = distanceKm(city.coordinates, point);
    if (km <= maxKm && (best === null || km < best.km)) best = { city, km };
  }
  return best;
}

/**
 * Compat 9: an address is serviceable when its city name contains the name of a serviceable
 * city (case-insensitive), e.g. "Navi Mumbai" or "New Delhi".
 */
export function serviceableCityFor(cities: readonly City[], cityName: string): City | null {
  const wanted = cityName.trim().toLowerCase();
  if (wanted === '') return null;
  return cities.find((c) => c.serviceable && wanted.includes(c.city.toLowerCase())) ?? null;
}

/** Cities whose name or state starts with, or whose name contains, `query`; name-prefix matches first. */
export function searchCities(cities: readonly City[], query: string, limit: number): City[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const rank = (c: City): number => {
    const name = c.city.toLowerCase();
    if (name.startsWith(q)) return 0;
    if (name.includes(q)) return 1;
    if (c.state.toLowerCase().startsWith(q)) return 2;
    return 3;
  };
  return cities
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.c.city.localeCompare(b.c.city))
    .slice(0, limit)
    .map((x) => x.c);
}

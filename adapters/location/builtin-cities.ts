import type { City } from '../../domain/location/place.js';
import type { CityDirectory } from '../../application/location/ports.js';

/** Serviceable cities of the original shop (compat 9). */
const SERVICEABLE = new Set([
  'Mumbai',
  'Delhi',
  'Bangalore',
  'Hyderabad',
  'Chennai',
  'Kolkata',
  'Pune',
  'Ahmedabad',
  'Jaipur',
  'Surat',
]);

// [city, state, lat, lng]
const CITIES: ReadonlyArray<readonly [string, string, number, number]> = [
  ['Mumbai', 'Maharashtra', 19.076, 72.8777],
  ['Delhi', 'Delhi', 28.7041, 77.1025],
  ['Bangalore', 'Karnataka', 12.9716, 77.5946],
  ['Hyderabad', 'Telangana', 17.385, 78.4867],
  ['Chennai', 'Tamil Nadu', 13.0827, 80.2707],
  ['Kolkata', 'West Bengal', 22.5726, 88.3639],
  ['Pune', 'Maharashtra', 18.5204, 73.8567],
  ['Ahmedabad', 'Gujarat', 23.0225, 72.5714],
  ['Jaipur', 'Rajasthan', 26.9124, 75.7873],
  ['Surat', 'Gujarat', 21.1702, 72.8311],
  ['Lucknow', 'Uttar Pradesh', 26.8467, 80.9462],
  ['Kanpur', 'Uttar Pradesh', 26.4499, 80.3319],
  ['Nagpur', 'Maharashtra', 21.1458, 79.0882],
  ['Indore', 'Madhya Pradesh', 22.7196, 75.8577],
  ['Thane', 'Maharashtra', 19.2183, 72.9781],
  ['Bhopal', 'Madhya Pradesh', 23.2599, 77.4126],
  ['Visakhapatnam', 'Andhra Pradesh', 17.6868, 83.2185],
  ['Patna', 'Bihar', 25.5941, 85.1376],
  ['Vadodara', 'Gujarat', 22.3072, 73.1812],
  ['Ghaziabad', 'Uttar Pradesh', 28.6692, 77.4538],
  ['Ludhiana', 'Punjab', 30.901, 75.8573],
  ['Agra', 'Uttar Pradesh', 27.1767, 78.0081],
  ['Nashik', 'Maharashtra', 19.9975, 73.7898],
  ['Faridabad', 'Haryana', 28.4089, 77.3178],
  ['Meerut', 'Uttar Pradesh', 28.9845, 77.7064],
  ['Rajkot', 'Gujarat', 22.3039, 70.8022],
  ['Varanasi', 'Uttar Pradesh', 25.3176, 82.9739],
  ['Srinagar', 'Jammu and Kashmir', 34.0837, 74.7973],
  ['Amritsar', 'Punjab', 31.634, 74.8723],
  ['Chandigarh', 'Chandigarh', 30.7333, 76.7794],
];

export class BuiltinCityDirectory implements CityDirectory {
  private readonly cities: readonly City[] = CITIES.map(([city, state, lat, lng]) => ({
    placeId: `in-${city.toLowerCase().replace(/\s+/g, '-')}`,
    city,
    state,
    country: 'India',
    coordinates: { lat, lng },
    serviceable: SERVICEABLE.has(city),
    popular: SERVICEABLE.has(city),
  }));

  all(): readonly City[] {
    return this.cities;
  }
}

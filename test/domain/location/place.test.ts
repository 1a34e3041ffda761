import { expect } from 'chai';
import {
  distanceKm,
  nearestCity,
  searchCities,
  serviceableCityFor,
  type City,
} from '../../../domain/location/place.js';

const city = (name: string, lat: number, lng: number, serviceable = true): City => ({
  placeId: `in-${name.toLowerCase()}`,
  city: name,
  state: 'State',
  country: 'India',
  coordinates: { lat, lng },
  serviceable,
  popular: serviceable,
});

const cities = [
  city('Mumbai', 19.076, 72.8777),
  city('Pune', 18.5204, 73.8567),
  city('Nagpur', 21.1458, 79.0882, false),
];

describe('domain/location', () => {
  it('measures great-circle distance (Mumbai-Pune about 120 km)', () => {
    const km = distanceKm(cities[0]!.coordinates, cities[1]!.coordinates);
    expect(km).to.be.within(115, 125);
    expect(distanceKm(cities[0]!.coordinates, cities[0]!.coordinates)).to.equal(0);
  });

  it('finds the nearest city within the radius, else null', () => {
    expect(nearestCity(cities, { lat: 19.1, lng: 72.9 }, 100)?.city.city).to.equal('Mumbai');
    expect(nearestCity(cities, { lat: 0, lng: 0 }, 100)).to.equal(null);
  });

  it('serviceability matches a contained serviceable city name, case-insensitively', () => {
    expect(serviceableCityFor(cities, 'navi MUMBAI')?.city).to.equal('Mumbai');
    expect(serviceableCityFor(cities, 'Nagpur')).to.equal(null);
    expect(serviceableCityFor(cities, '  ')).to.equal(null);
  });

  it('search needs two characters, ranks name prefixes first and caps the count', () => {
    expect(searchCities(cities, 'p', 10)).to.deep.equal([]);
    expect(searchCities(cities, 'pu', 10).map((c) => c.city)).to.deep.equal(['Pune', 'Nagpur']);
    expect(searchCities(cities, 'u', 10)).to.deep.equal([]);
    expect(searchCities(cities, 'mu', 1).map((c) => c.city)).to.deep.equal(['Mumbai']);
  });
});

import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../support/harness.js';

describe('HTTP /api/location (compat 9: raw JSON, {error} failures in the envelope)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('check-serviceable answers the three fields for a serviceable and an unserviceable city', async () => {
    const yes = await t.request({
      method: 'POST',
      url: '/api/location/check-serviceable',
      body: { city: 'Navi Mumbai', state: 'Maharashtra', coordinates: null },
    });
    expect(yes.statusCode).to.equal(200);
    expect(yes.json()).to.deep.equal({
      isServiceable: true,
      message: 'Delivery available in your area',
      estimatedDeliveryTime: '2-4 hours',
    });
    const no = await t.request({
      method: 'POST',
      url: '/api/api/location/check-serviceable',
      body: { city: 'Nagpur' },
    });
    expect(no.json()).to.deep.equal({
      isServiceable: false,
      message: 'Delivery not available in your area yet',
      estimatedDeliveryTime: null,
    });
  });

  it('check-serviceable refuses bad input with {error} beside the error envelope', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/location/check-serviceable',
      body: { city: { $gt: '' } },
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json().error).to.be.a('string').and.not.empty;
    expect(res.json()).to.include({ status: 'error', code: 'VALIDATION_FAILED', message: res.json().error });
  });

  it('search: empty under 2 characters, at most 10 results, with the place fields', async () => {
    const short = await t.request({ method: 'GET', url: '/api/location/search?q=m' });
    expect(short.json()).to.deep.equal([]);
    const res = await t.request({ method: 'GET', url: '/api/location/search?q=mum' });
    const [first] = res.json();
    expect(first).to.deep.equal({
      placeId: 'in-mumbai',
      description: 'Mumbai, Maharashtra, India',
      mainText: 'Mumbai',
      secondaryText: 'Maharashtra, India',
      city: 'Mumbai',
      state: 'Maharashtra',
      country: 'India',
      coordinates: { lat: 19.076, lng: 72.8777 },
    });
    const many = await t.request({ method: 'GET', url: '/api/location/search?q=ra' });
    expect(many.json().length).to.be.at.most(10);
  });

  it('reverse-geocode finds the nearest city, an Unknown City far away, and 400 without coordinates', async () => {
    const near = await t.request({
      method: 'POST',
      url: '/api/location/reverse-geocode',
      body: { latitude: 18.53, longitude: 73.85 },
    });
    expect(near.json()).to.include({
      city: 'Pune',
      state: 'Maharashtra',
      country: 'India',
      formattedAddress: 'Pune, Maharashtra, India',
      accuracy: 'city',
    });
    const far = await t.request({
      method: 'POST',
      url: '/api/location/reverse-geocode',
      body: { latitude: 0, longitude: 0 },
    });
    expect(far.json().city).to.equal('Unknown City');
    expect(far.json().coordinates).to.deep.equal({ lat: 0, lng: 0 });
    const missing = await t.request({
      method: 'POST',
      url: '/api/location/reverse-geocode',
      body: { latitude: 18 },
    });
    expect(missing.statusCode).to.equal(400);
    expect(missing.json().error).to.match(/longitude/);
  });

  it('details answers a place or 404 {error} in the envelope', async () => {
    const ok = await t.request({ method: 'GET', url: '/api/location/details/in-pune' });
    expect(ok.json()).to.deep.equal({
      city: 'Pune',
      state: 'Maharashtra',
      country: 'India',
      formattedAddress: 'Pune, Maharashtra, India',
      coordinates: { lat: 18.5204, lng: 73.8567 },
    });
    const missing = await t.request({ method: 'GET', url: '/api/location/details/nowhere' });
    expect(missing.statusCode).to.equal(404);
    expect(missing.json()).to.deep.equal({
      status: 'error',
      error: 'Place not found',
      message: 'Place not found',
      code: 'PLACE_NOT_FOUND',
    });
  });

  it('popular lists the serviceable cities', async () => {
    const res = await t.request({ method: 'GET', url: '/api/location/popular' });
    expect(res.json().map((p: { city: string }) => p.city)).to.include.members(['Mumbai', 'Delhi', 'Surat']);
    expect(res.json()).to.have.length(10);
  });
});

import { expect } from 'chai';
import { CloudinaryImageStore, parseCloudinaryUrl } from '../../../adapters/media/cloudinary-image-store.js';
import { FakeCloudinary, cloudinarySignature } from '../../support/media/fake-cloudinary.js';
import { png } from '../../support/media/images.js';

describe('CloudinaryImageStore (official SDK) against a local server speaking the upload API', function () {
  this.timeout(10_000);
  let fake: FakeCloudinary;
  let store: CloudinaryImageStore;

  before(async () => {
    fake = await new FakeCloudinary('amour-test', '123456789012345', 'sh-secret-abc').start();
    store = new CloudinaryImageStore(parseCloudinaryUrl(fake.url));
  });
  after(async () => {
    store.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.failWith = null;
  });

  describe('parseCloudinaryUrl', () => {
    it('reads key, secret, cloud name and the optional upload_prefix', () => {
      expect(parseCloudinaryUrl('cloudinary://key1:sec%2Fret@my-cloud')).to.deep.equal({
        cloudName: 'my-cloud',
        apiKey: 'key1',
        apiSecret: 'sec/ret',
      });
      expect(
        parseCloudinaryUrl('cloudinary://k:s@c?upload_prefix=http%3A%2F%2F127.0.0.1%3A9').uploadPrefix,
      ).to.equal('http://127.0.0.1:9');
    });
    it('refuses a URL without key, secret or cloud name', () => {
      for (const bad of ['cloudinary://@cloud', 'cloudinary://key@cloud', 'https://k:s@cloud', 'nope']) {
        expect(() => parseCloudinaryUrl(bad), bad).to.throw(/CLOUDINARY_URL must look like/);
      }
    });
  });

  it('uploads the bytes signed (api_key, timestamp, SHA-1 signature) and answers the product image shape', async () => {
    const bytes = png(640, 480, 200);
    const before = Math.floor(Date.now() / 1000);
    const image = await store.upload({
      bytes,
      filename: 'roses.png',
      format: 'png',
      mimeType: 'image/png',
      width: 640,
      height: 480,
    });

    expect(fake.requests).to.have.length(1);
    const [request] = fake.requests;
    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal('/v1_1/amour-test/image/upload');
    expect(request!.fields.api_key).to.equal('123456789012345');
    expect(Number(request!.fields.timestamp)).to.be.within(before - 1, before + 60);
    expect(request!.fields.folder).to.equal('amour-florals/products');
    expect(request!.fields.signature).to.match(/^[0-9a-f]{40}$/);
    expect(request!.fields.signature).to.equal(cloudinarySignature(request!.fields, 'sh-secret-abc'));
    expect(request!.signatureValid).to.equal(true);
    expect(request!.fields).not.to.have.property('api_secret');
    expect(request!.file!.bytes.equals(bytes)).to.equal(true);

    const publicId = image.publicId;
    expect(publicId).to.match(/^amour-florals\/products\/[0-9a-f]{20}$/);
    expect(fake.stored.has(publicId)).to.equal(true);
    const base = 'https://res.cloudinary.com/amour-test/image/upload';
    expect(image).to.deep.equal({
      publicId,
      url: `${base}/v1760000000/${publicId}.png`,
      variants: {
        thumbnail: `${base}/c_fill,f_auto,g_auto,h_150,q_auto,w_150/v1760000000/${publicId}`,
        small: `${base}/c_limit,f_auto,q_auto,w_300/v1760000000/${publicId}`,
        medium: `${base}/c_limit,f_auto,q_auto,w_600/v1760000000/${publicId}`,
        large: `${base}/c_limit,f_auto,q_auto,w_1200/v1760000000/${publicId}`,
        original: `${base}/v1760000000/${publicId}.png`,
      },
      // what Cloudinary measured, not what the caller guessed
      width: 1600,
      height: 1200,
      format: 'png',
      bytes: bytes.length,
    });
  });

  it('owns the URLs it answers (its cloud, image uploads, https) and no other', async () => {
    const image = await store.upload({
      bytes: png(4, 3),
      filename: 'p.png',
      format: 'png',
      mimeType: 'image/png',
    });
    expect(store.owns(image.url)).to.equal(true);
    for (const other of [
      image.url.replace('https:', 'http:'),
      image.url.replace('/amour-test/', '/someone-else/'),
      image.url.replace('res.cloudinary.com', 'res.cloudinary.com.evil.example'),
      'https://res.cloudinary.com/amour-test/video/upload/v1/x.mp4',
      'not a url',
    ]) {
      expect(store.owns(other), other).to.equal(false);
    }
  });

  it('destroys by public id (signed), and treats "not found" as done', async () => {
    const image = await store.upload({
      bytes: png(2, 2),
      filename: 'a.png',
      format: 'png',
      mimeType: 'image/png',
    });
    fake.requests.length = 0;
    await store.remove(image.publicId);
    expect(fake.stored.has(image.publicId)).to.equal(false);
    const [request] = fake.requests;
    expect(request!.path).to.equal('/v1_1/amour-test/image/destroy');
    expect(request!.fields.public_id).to.equal(image.publicId);
    expect(request!.fields.api_key).to.equal('123456789012345');
    expect(request!.signatureValid).to.equal(true);
    await store.remove(image.publicId); // already gone: "not found"
    expect(fake.requests).to.have.length(2);
  });

  it('rejects when the signature is wrong (another secret) or the service fails', async () => {
    const wrong = new CloudinaryImageStore({ ...parseCloudinaryUrl(fake.url), apiSecret: 'not-the-secret' });
    let error: unknown;
    try {
      await wrong.upload({ bytes: png(2, 2), filename: 'a.png', format: 'png', mimeType: 'image/png' });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain('Invalid Signature');
    expect(fake.requests.at(-1)!.signatureValid).to.equal(false);
    wrong.close();

    fake.failWith = 500;
    error = undefined;
    try {
      await store.remove('amour-florals/products/whatever');
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain('Cloudinary destroy failed');
  });
});

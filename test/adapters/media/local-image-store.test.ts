import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LocalImageStore } from '../../../adapters/media/local-image-store.js';
import { gif } from '../../support/media/images.js';

describe('LocalImageStore', () => {
  it('writes a fresh file named by the checked format and answers its /uploads URL for every variant', async () => {
    const root = mkdtempSync(join(tmpdir(), 'af-store-'));
    const dir = join(root, 'nested', 'uploads'); // created on first upload
    const store = new LocalImageStore(dir, 'http://localhost:5000/');
    const bytes = gif(4, 3);
    const image = await store.upload({
      bytes,
      filename: '../../evil.php',
      format: 'gif',
      mimeType: 'image/gif',
      width: 4,
      height: 3,
    });
    const name = image.publicId.replace(/^uploads\//, '');
    expect(name).to.match(/^[0-9a-f]{32}\.gif$/);
    const url = `http://localhost:5000/uploads/${name}`;
    expect(image).to.deep.equal({
      publicId: `uploads/${name}`,
      url,
      variants: { thumbnail: url, small: url, medium: url, large: url, original: url },
      width: 4,
      height: 3,
      format: 'gif',
      bytes: bytes.length,
    });
    expect(readdirSync(dir)).to.deep.equal([name]);
    expect(readFileSync(join(dir, name)).equals(bytes)).to.equal(true);
    const second = await store.upload({ bytes, filename: 'a.gif', format: 'gif', mimeType: 'image/gif' });
    expect(second.publicId).not.to.equal(image.publicId);

    await store.remove(image.publicId);
    expect(existsSync(join(dir, name))).to.equal(false);
    await store.remove(image.publicId); // already gone: no error
  });

  it('owns the URLs it answers (this origin, /uploads/, a name it gives) and no other', async () => {
    const store = new LocalImageStore(mkdtempSync(join(tmpdir(), 'af-store-')), 'http://localhost:5000/');
    const image = await store.upload({
      bytes: gif(4, 3),
      filename: 'g.gif',
      format: 'gif',
      mimeType: 'image/gif',
    });
    expect(store.owns(image.url)).to.equal(true);
    for (const other of [
      image.url.replace('localhost:5000', 'evil.example'),
      `${image.url}?x=1`,
      image.url.replace('/uploads/', '/uploads/../'),
      'http://localhost:5000/uploads/../../etc/passwd',
      'http://localhost:5000/uploads/',
    ]) {
      expect(store.owns(other), other).to.equal(false);
    }
  });

  it('ignores ids that are not its own, so nothing outside the folder can be deleted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'af-store-'));
    const dir = join(root, 'uploads');
    const store = new LocalImageStore(dir, 'http://localhost:5000');
    const outside = join(root, 'keep.txt');
    writeFileSync(outside, 'x');
    for (const id of ['../keep.txt', 'uploads/../keep.txt', 'uploads/../../keep.txt', 'amour/roses', '']) {
      await store.remove(id);
    }
    expect(existsSync(outside)).to.equal(true);
  });
});

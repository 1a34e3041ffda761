import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ImageStore, ImageUpload, StoredImage } from '../../application/media/ports.js';

/** The URL path the HTTP server serves the uploads folder under. */
export const UPLOADS_URL_PATH = '/uploads';

const FILE_NAME = /^[0-9a-f]{32}\.(?:jpg|png|webp|gif)$/;
const PUBLIC_ID = /^uploads\/([0-9a-f]{32}\.(?:jpg|png|webp|gif))$/;

/**
 * The embedded default: each image is one file `<dir>/<random>.<ext>` (the extension from the
 * checked bytes, never from the client's name), served by the HTTP server under `/uploads`.
 * There is no resizing here, so every variant URL is the original file: honest, and the
 * storefront's `<img>` still gets a working address for each size.
 */
export class LocalImageStore implements ImageStore {
  private readonly dir: string;
  private ready: Promise<unknown> | undefined;

  /** `publicUrl` is the server's public origin (PUBLIC_URL), e.g. `https://api.shop.example`. */
  constructor(
    dir: string,
    private readonly publicUrl: string,
  ) {
    this.dir = resolve(dir);
  }

  async upload(file: ImageUpload): Promise<StoredImage> {
    this.ready ??= mkdir(this.dir, { recursive: true }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const name = `${randomBytes(16).toString('hex')}.${file.format}`;
    await writeFile(join(this.dir, name), file.bytes, { flag: 'wx' });
    const url = `${this.publicUrl.replace(/\/$/, '')}${UPLOADS_URL_PATH}/${name}`;
    return {
      publicId: `uploads/${name}`,
      url,
      variants: { thumbnail: url, small: url, medium: url, large: url, original: url },
      ...(file.width !== undefined ? { width: file.width } : {}),
      ...(file.height !== undefined ? { height: file.height } : {}),
      format: file.format,
      bytes: file.bytes.length,
    };
  }

  async remove(publicId: string): Promise<void> {
    const name = PUBLIC_ID.exec(publicId)?.[1];
    if (name === undefined) return; // not one of ours (e.g. an image added by URL)
    try {
      await unlink(join(this.dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Our URLs: this server's origin, `/uploads/`, then a name this store gives (nothing after it). */
  owns(url: string): boolean {
    const prefix = `${this.publicUrl.replace(/\/$/, '')}${UPLOADS_URL_PATH}/`;
    return url.startsWith(prefix) && FILE_NAME.test(url.slice(prefix.length));
  }

  /** The absolute folder the files live in (what the HTTP server serves). */
  get root(): string {
    return this.dir;
  }
}

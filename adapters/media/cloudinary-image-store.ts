import { Agent } from 'node:http';
import { v2 as cloudinary, type UploadApiOptions, type UploadApiResponse } from 'cloudinary';
import type { ImageStore, ImageUpload, StoredImage } from '../../application/media/ports.js';
import type { CloudinaryCredentials } from './cloudinary-url.js';

export { parseCloudinaryUrl, type CloudinaryCredentials } from './cloudinary-url.js';

/** The size variants: Cloudinary resizes on delivery from a transformation in the URL. */
const VARIANTS = {
  thumbnail: { width: 150, height: 150, crop: 'fill', gravity: 'auto' },
  small: { width: 300, crop: 'limit' },
  medium: { width: 600, crop: 'limit' },
  large: { width: 1200, crop: 'limit' },
} as const;

export interface CloudinaryStoreOptions {
  /** Folder the product images go to (default `amour-florals/products`). */
  readonly folder?: string;
  readonly timeoutMs?: number;
}

/**
 * Product images on Cloudinary through the official SDK (v2 API): signed uploads with
 * `uploader.upload_stream`, deletion with `uploader.destroy`, variant URLs from
 * `cloudinary.url(publicId, {width, height, crop})`. The credentials are passed with every call
 * (never from the environment or the global config of the SDK), so several stores can coexist.
 */
export class CloudinaryImageStore implements ImageStore {
  private readonly folder: string;
  private readonly timeoutMs: number;
  /**
   * The SDK picks `https` or `http` once, when it is first loaded, from its global config; an
   * `http:` upload prefix (a local test double) therefore needs a plain HTTP agent of its own.
   */
  private readonly agent: Agent | undefined;

  constructor(
    private readonly credentials: CloudinaryCredentials,
    options: CloudinaryStoreOptions = {},
  ) {
    this.folder = options.folder ?? 'amour-florals/products';
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.agent = credentials.uploadPrefix?.startsWith('http:') ? new Agent({ keepAlive: false }) : undefined;
  }

  private apiOptions(): UploadApiOptions {
    const c = this.credentials;
    return {
      cloud_name: c.cloudName,
      api_key: c.apiKey,
      api_secret: c.apiSecret,
      ...(c.uploadPrefix ? { upload_prefix: c.uploadPrefix } : {}),
      ...(this.agent ? { agent: this.agent } : {}),
      timeout: this.timeoutMs,
      // Callbacks only: the SDK's own promise would reject unobserved next to the callback.
      disable_promises: true,
    };
  }

  async upload(file: ImageUpload): Promise<StoredImage> {
    const response = await new Promise<UploadApiResponse>((resolve, reject) => {
      const stream = cloudinary.uploader.upload_stream(
        { ...this.apiOptions(), folder: this.folder, resource_type: 'image' },
        (error, result) => {
          if (error || !result)
            reject(new Error(`Cloudinary upload failed: ${error?.message ?? 'no result'}`));
          else resolve(result);
        },
      );
      stream.end(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
    });
    return this.toStoredImage(response, file);
  }

  async remove(publicId: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      void cloudinary.uploader.destroy(
        publicId,
        { ...this.apiOptions(), resource_type: 'image', invalidate: true },
        (error: { message?: string } | undefined, result: { result?: string } | undefined) => {
          // "not found" is fine: the image is gone either way.
          if (error) reject(new Error(`Cloudinary destroy failed: ${error.message ?? 'unknown error'}`));
          else if (result?.result === 'ok' || result?.result === 'not found') resolve();
          else reject(new Error(`Cloudinary destroy answered ${JSON.stringify(result)}`));
        },
      );
    });
  }

  /** Our URLs: Cloudinary's delivery host, under this account's cloud name, an image upload. */
  owns(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    return (
      parsed.protocol === 'https:' &&
      parsed.hostname === 'res.cloudinary.com' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.pathname.startsWith(`/${this.credentials.cloudName}/image/upload/`) &&
      !parsed.pathname.includes('..')
    );
  }

  /** A delivery URL for the image, resized as `transformation` says. */
  variantUrl(
    publicId: string,
    version: number | undefined,
    transformation: { width: number; height?: number; crop: string; gravity?: string },
  ): string {
    return cloudinary.url(publicId, {
      cloud_name: this.credentials.cloudName,
      secure: true,
      ...(version !== undefined ? { version } : {}),
      ...transformation,
      quality: 'auto',
      fetch_format: 'auto',
      // No SDK tracking parameter (`?_a=...`) in the URLs we store.
      urlAnalytics: false,
    });
  }

  private toStoredImage(r: UploadApiResponse, file: ImageUpload): StoredImage {
    // An answer that is not an upload result (garbage from a proxy, a changed API, a spoof) is a
    // failed upload (502), never an image stored with a missing id or someone else's URL.
    if (typeof r?.public_id !== 'string' || r.public_id === '' || /[\s?#]|\.\./.test(r.public_id))
      throw new Error('Cloudinary answered an upload without a valid public_id');
    const version = typeof r.version === 'number' ? r.version : undefined;
    const original =
      r.secure_url ||
      cloudinary.url(r.public_id, {
        cloud_name: this.credentials.cloudName,
        secure: true,
        ...(version !== undefined ? { version } : {}),
        format: r.format,
        urlAnalytics: false,
      });
    if (!this.owns(original)) throw new Error('Cloudinary answered an upload URL outside this account');
    const width = typeof r.width === 'number' ? r.width : file.width;
    const height = typeof r.height === 'number' ? r.height : file.height;
    return {
      publicId: r.public_id,
      url: original,
      variants: {
        thumbnail: this.variantUrl(r.public_id, version, VARIANTS.thumbnail),
        small: this.variantUrl(r.public_id, version, VARIANTS.small),
        medium: this.variantUrl(r.public_id, version, VARIANTS.medium),
        large: this.variantUrl(r.public_id, version, VARIANTS.large),
        original,
      },
      ...(width !== undefined ? { width } : {}),
      ...(height !== undefined ? { height } : {}),
      format: r.format || file.format,
      bytes: typeof r.bytes === 'number' ? r.bytes : file.bytes.length,
    };
  }

  /** Releases the plain-HTTP agent (test doubles only). */
  close(): void {
    this.agent?.destroy();
  }
}

import { token } from '../shared/token.js';
import type { ImageFormat } from '../../domain/media/image-format.js';

/** The bytes of an uploaded image, already checked: `format` and `mimeType` come from the bytes. */
export interface ImageUpload {
  readonly bytes: Uint8Array;
  /** The client's file name (informational only; stores name files themselves). */
  readonly filename: string;
  readonly format: ImageFormat;
  readonly mimeType: string;
  /** Pixel size read from the header, when known. */
  readonly width?: number;
  readonly height?: number;
}

/** Where a stored image lives: the product image shape without the product's own fields. */
export interface StoredImage {
  /** The store's id of the image: what `remove` takes. */
  readonly publicId: string;
  readonly url: string;
  readonly variants: {
    readonly thumbnail: string;
    readonly small: string;
    readonly medium: string;
    readonly large: string;
    readonly original: string;
  };
  readonly width?: number;
  readonly height?: number;
  readonly format: string;
  readonly bytes: number;
}

/** Product image storage: the local folder by default, Cloudinary when configured. */
export interface ImageStore {
  /** Rejects when the store fails. */
  upload(file: ImageUpload): Promise<StoredImage>;
  /** Deletes the image; an id the store does not know is ignored. Rejects when the store fails. */
  remove(publicId: string): Promise<void>;
  /** Whether `url` is the address of an image this store serves (as `upload` answers it). */
  owns(url: string): boolean;
}
export const IMAGE_STORE = token<ImageStore>('ImageStore');

export interface MediaSettings {
  /** Largest accepted upload (bytes): UPLOAD_MAX_BYTES. */
  readonly maxUploadBytes: number;
}
export const MEDIA_SETTINGS = token<MediaSettings>('MediaSettings');

import { ACCEPTED_MIME_TYPES, sniffImage } from '../../domain/media/image-format.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ImageUpload, MediaSettings } from './ports.js';

/** An uploaded file as received, before any check. */
export interface UploadedFile {
  readonly bytes: Uint8Array;
  readonly filename: string;
  /** The content type the client declared; the bytes are checked too. */
  readonly declaredMimeType: string;
}

/**
 * The one check of an uploaded image (product images, delivery proofs): at most the upload limit
 * (IMAGE_TOO_LARGE), not empty, and a JPEG, PNG, WebP or GIF recognised by its bytes with a declared
 * type among those (INVALID_IMAGE). The format stored comes from the bytes, never from the client.
 */
export function checkImageUpload(
  file: UploadedFile,
  settings: MediaSettings,
): Result<ImageUpload, DomainError> {
  if (file.bytes.length > settings.maxUploadBytes) {
    return Err(
      domainError('IMAGE_TOO_LARGE', `Image is larger than ${settings.maxUploadBytes} bytes`, {
        maxBytes: settings.maxUploadBytes,
      }),
    );
  }
  if (file.bytes.length === 0) return Err(domainError('INVALID_IMAGE', 'The uploaded file is empty'));
  const sniffed = sniffImage(file.bytes);
  const declared = file.declaredMimeType.toLowerCase().split(';')[0]!.trim();
  if (!sniffed || !ACCEPTED_MIME_TYPES.includes(declared)) {
    return Err(
      domainError('INVALID_IMAGE', 'Only JPEG, PNG, WebP and GIF images are accepted', {
        acceptedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
      }),
    );
  }
  return Ok({
    bytes: file.bytes,
    filename: file.filename,
    format: sniffed.format,
    mimeType: sniffed.mimeType,
    ...(sniffed.width !== undefined ? { width: sniffed.width } : {}),
    ...(sniffed.height !== undefined ? { height: sniffed.height } : {}),
  });
}

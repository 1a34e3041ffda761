/**
 * What an uploaded file really is, read from its first bytes (magic numbers), never from the
 * name or the declared content type. Only the four web image formats the shop accepts.
 */

export const IMAGE_FORMATS = ['jpg', 'png', 'webp', 'gif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const MIME_BY_FORMAT: Readonly<Record<ImageFormat, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The declared content types an upload may carry (checked in addition to the bytes). */
export const ACCEPTED_MIME_TYPES: readonly string[] = [...Object.values(MIME_BY_FORMAT), 'image/jpg'];

export interface SniffedImage {
  readonly format: ImageFormat;
  readonly mimeType: string;
  /** Pixel size when the header carries it. */
  readonly width?: number;
  readonly height?: number;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

const u16be = (b: Uint8Array, o: number) => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u16le = (b: Uint8Array, o: number) => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, o: number) => u16le(b, o) | ((b[o + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, o: number) => u16be(b, o) * 65536 + u16be(b, o + 2);

function sized(format: ImageFormat, width: number, height: number): SniffedImage {
  const base = { format, mimeType: MIME_BY_FORMAT[format] };
  return width > 0 && height > 0 ? { ...base, width, height } : base;
}

/** JPEG: walk the segments up to the first start-of-frame marker, which holds the size. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2; // markers without a length
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return { height: u16be(bytes, offset + 5), width: u16be(bytes, offset + 7) };
    offset += 2 + u16be(bytes, offset + 2);
  }
  return null;
}

function webpSize(bytes: Uint8Array): { width: number; height: number } | null {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: u16le(bytes, 26) & 0x3fff, height: u16le(bytes, 28) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25 && bytes[20] === 0x2f) {
    const b1 = bytes[22] ?? 0;
    const b2 = bytes[23] ?? 0;
    const b3 = bytes[24] ?? 0;
    return {
      width: 1 + (((b1 & 0x3f) << 8) | (bytes[21] ?? 0)),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    return { width: 1 + u24le(bytes, 24), height: 1 + u24le(bytes, 27) };
  }
  return null;
}

/** The image format (and size) of `bytes`, or null when they are not a JPEG, PNG, WebP or GIF. */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    const size = jpegSize(bytes);
    return size ? sized('jpg', size.width, size.height) : sized('jpg', 0, 0);
  }
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    const hasHeader = ascii(bytes, 12, 4) === 'IHDR';
    return sized('png', hasHeader ? u32be(bytes, 16) : 0, hasHeader ? u32be(bytes, 20) : 0);
  }
  const gif = ascii(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') {
    return sized('gif', u16le(bytes, 6), u16le(bytes, 8));
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const size = webpSize(bytes);
    return size ? sized('webp', size.width, size.height) : sized('webp', 0, 0);
  }
  return null;
}

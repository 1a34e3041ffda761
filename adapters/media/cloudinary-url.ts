/**
 * CLOUDINARY_URL parsing, apart from the store so the composition root and the health check can
 * read the credentials without loading the Cloudinary SDK.
 */

/** What CLOUDINARY_URL carries: `cloudinary://<api_key>:<api_secret>@<cloud_name>[?upload_prefix=...]`. */
export interface CloudinaryCredentials {
  readonly cloudName: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** The API origin (default `https://api.cloudinary.com`); a local fake in tests. */
  readonly uploadPrefix?: string;
}

/** Parses CLOUDINARY_URL the way Cloudinary documents it; throws naming what is missing. */
export function parseCloudinaryUrl(raw: string): CloudinaryCredentials {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>');
  }
  const apiKey = decodeURIComponent(url.username);
  const apiSecret = decodeURIComponent(url.password);
  const cloudName = url.hostname;
  if (url.protocol !== 'cloudinary:' || !apiKey || !apiSecret || !cloudName) {
    throw new Error(
      'CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name> (key, secret and cloud name required)',
    );
  }
  const uploadPrefix = url.searchParams.get('upload_prefix') ?? undefined;
  return { cloudName, apiKey, apiSecret, ...(uploadPrefix ? { uploadPrefix } : {}) };
}

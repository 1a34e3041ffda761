import { token } from '../../../application/shared/token.js';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { UPLOADS_URL_PATH } from '../../media/local-image-store.js';
import type { App } from '../types.js';

/** What the HTTP server needs to know about uploads (bound by bootstrap/modules/media.ts). */
export interface UploadsHttpSettings {
  /** Largest accepted file (UPLOAD_MAX_BYTES): a bigger one answers 413. */
  readonly maxBytes: number;
  /** The local image store's folder, served under /uploads; null when images live elsewhere (Cloudinary). */
  readonly localDir: string | null;
}
export const UPLOADS_HTTP = token<UploadsHttpSettings>('UploadsHttpSettings');

/**
 * multipart/form-data parsing (one file per request, at most `maxBytes`) for the routes of `scope`,
 * an encapsulated plugin holding the upload routes and nothing else: @fastify/multipart adds an
 * async onRequest hook (a listener on every answer) and an async onResponse hook to every route of
 * its scope, which every other request of the API would pay for. Elsewhere a multipart body is
 * refused as an unsupported media type (415).
 */
export async function acceptMultipart(scope: App, maxBytes: number): Promise<void> {
  await scope.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  });
}

/** When the local image store is active, its folder served read-only under /uploads. */
export async function registerUploads(app: App, settings: UploadsHttpSettings): Promise<void> {
  if (settings.localDir !== null) {
    const root = resolve(settings.localDir);
    await mkdir(root, { recursive: true });
    await app.register(fastifyStatic, {
      root,
      prefix: `${UPLOADS_URL_PATH}/`,
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      // The files' names never change (a new upload is a new name): cache them for long.
      immutable: true,
      maxAge: '365d',
    });
  }
}

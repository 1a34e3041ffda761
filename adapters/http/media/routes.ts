import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import {
  AddProductImage,
  RemoveProductImage,
  ReorderProductImages,
  UploadProductImage,
} from '../../../application/media/product-images.js';
import { MAX_PRODUCT_IMAGES } from '../../../domain/media/product-images.js';
import { domainError } from '../../../domain/shared/errors.js';
import { ProductSchema, presentProduct } from '../catalog/presenter.js';
import { DomainFailure, unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, ImageUrl, ObjectId, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { acceptMultipart, UPLOADS_HTTP, type UploadsHttpSettings } from './uploads.js';

const ProductAnswer = success({ product: ProductSchema });

const AltText = Text(300);

/** POST /:id/images (compat 8: each added image needs `public_id` and `url`). */
const AddImageBody = Type.Object(
  {
    url: ImageUrl('http(s) URL of the image'),
    public_id: Text(500, { minLength: 1, description: "The image's id at its host" }),
    alt: Type.Optional(AltText),
    isPrimary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The multipart form of the upload, as validated after parsing (the file is named by its field). */
const UploadForm = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'JPEG, PNG, WebP or GIF (checked by content)' }),
    alt: Type.Optional(AltText),
    isPrimary: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  },
  { additionalProperties: false, required: ['file'] },
);

const ImageParams = Type.Object({ id: ObjectId, imageId: ObjectId }, { additionalProperties: false });

const ReorderBody = Type.Object(
  {
    imageIds: Type.Array(ObjectId, {
      maxItems: MAX_PRODUCT_IMAGES,
      description: 'Every current image id, each once, in the new order',
    }),
  },
  { additionalProperties: false },
);

interface ReceivedFile {
  readonly bytes: Buffer;
  readonly filename: string;
  readonly mimeType: string;
}
const receivedFiles = new WeakMap<FastifyRequest, ReceivedFile>();

/** The file `readMultipart` kept aside for the request; a request without one is INVALID_IMAGE. */
export function receivedFile(request: FastifyRequest): ReceivedFile {
  const file = receivedFiles.get(request);
  if (!file) throw new DomainFailure(domainError('INVALID_IMAGE', 'No image file in the "file" field'));
  return file;
}

/**
 * preValidation of the upload: reads the multipart parts (one `file`, plain fields), keeps the
 * bytes aside and puts `{file: <name>, ...fields}` in the body, so the route's schema validates
 * the form like any other body. Too large a file answers 413 (IMAGE_TOO_LARGE).
 */
export function readMultipart(maxBytes: number) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart()) {
      throw new DomainFailure(
        domainError('INVALID_IMAGE', 'Send the image as multipart/form-data with a "file" field'),
      );
    }
    const fields: Record<string, string> = {};
    let file: ReceivedFile | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          if (part.fieldname !== 'file') {
            throw new DomainFailure(
              domainError('INVALID_IMAGE', 'The image must be sent in the "file" field'),
            );
          }
          file = { bytes, filename: part.filename, mimeType: part.mimetype };
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new DomainFailure(
          domainError('IMAGE_TOO_LARGE', `Image is larger than ${maxBytes} bytes`, { maxBytes }),
        );
      }
      throw error;
    }
    if (file) receivedFiles.set(request, file);
    request.body = { ...fields, ...(file ? { file: file.filename || 'file' } : {}) };
  };
}

/**
 * /api/admin/products/:id/images... (compat 8 `:id/images` add, remove, reorder; plus the
 * upload). Registered inside the admin scope: the guard and the audit trail already ran.
 */
export async function productImageRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const upload = deps.resolve.get(UploadProductImage);
  const add = deps.resolve.get(AddProductImage);
  const remove = deps.resolve.get(RemoveProductImage);
  const reorder = deps.resolve.get(ReorderProductImages);
  const { maxBytes } = deps.resolve.get<UploadsHttpSettings>(UPLOADS_HTTP);
  const tags = ['admin'];
  await acceptMultipart(app, maxBytes); // this plugin's scope only

  app.post(
    '/:id/images/upload',
    {
      preValidation: readMultipart(maxBytes),
      schema: {
        tags,
        summary: 'Upload an image file (multipart/form-data) and add it to the product',
        description:
          `Form fields: \`file\` (JPEG, PNG, WebP or GIF, recognised by its bytes; at most ${maxBytes} bytes, ` +
          'else 413), `alt`, `isPrimary` ("true"/"false"). The image is stored (local folder or ' +
          'Cloudinary) with its size variants.',
        security: bearerAuth,
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: { content: { 'multipart/form-data': { schema: UploadForm } } } as unknown as TSchema,
        response: { 201: ProductAnswer, ...errors(400, 401, 403, 404, 409, 413, 429, 502) },
      },
    },
    async (request, reply) => {
      const file = receivedFile(request);
      const form = request.body as { alt?: string; isPrimary?: 'true' | 'false' };
      const view = unwrap(
        await upload.execute({
          productId: request.params.id,
          bytes: file.bytes,
          filename: file.filename,
          declaredMimeType: file.mimeType,
          ...(form.alt !== undefined ? { alt: form.alt } : {}),
          ...(form.isPrimary !== undefined ? { isPrimary: form.isPrimary === 'true' } : {}),
        }),
      );
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'Image uploaded successfully',
        data: { product: presentProduct(view.product, view.category) },
      };
    },
  );

  app.post(
    '/:id/images',
    {
      schema: {
        tags,
        summary: 'Add an image already hosted elsewhere (public_id and url required)',
        security: bearerAuth,
        params: IdParams,
        body: AddImageBody,
        response: { 201: ProductAnswer, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { url, public_id: publicId, alt, isPrimary } = request.body;
      const view = unwrap(
        await add.execute({
          productId: request.params.id,
          url,
          publicId,
          ...(alt !== undefined ? { alt } : {}),
          ...(isPrimary !== undefined ? { isPrimary } : {}),
        }),
      );
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'Image added successfully',
        data: { product: presentProduct(view.product, view.category) },
      };
    },
  );

  app.put(
    '/:id/images/reorder',
    {
      schema: {
        tags,
        summary: "Reorder the product's images (imageIds: every current id once)",
        security: bearerAuth,
        params: IdParams,
        body: ReorderBody,
        response: { 200: ProductAnswer, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const view = unwrap(
        await reorder.execute({ productId: request.params.id, imageIds: request.body.imageIds }),
      );
      return {
        status: 'success' as const,
        message: 'Images reordered successfully',
        data: { product: presentProduct(view.product, view.category) },
      };
    },
  );

  app.delete(
    '/:id/images/:imageId',
    {
      schema: {
        tags,
        summary: 'Remove an image from the product (and from the image store)',
        security: bearerAuth,
        params: ImageParams,
        response: { 200: ProductAnswer, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const view = unwrap(
        await remove.execute({ productId: request.params.id, imageId: request.params.imageId }),
      );
      return {
        status: 'success' as const,
        message: 'Image removed successfully',
        data: { product: presentProduct(view.product, view.category) },
      };
    },
  );
}

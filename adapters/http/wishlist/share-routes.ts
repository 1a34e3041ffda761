import { Type } from '@fastify/type-provider-typebox';
import {
  CreateWishlistShare,
  ListWishlistShares,
  RevokeWishlistShare,
  ViewSharedWishlist,
  type ShareLinkView,
} from '../../../application/wishlist/sharing.js';
import { isInStock, type Product } from '../../../domain/catalog/product.js';
import { toMajor } from '../../../domain/shared/money.js';
import { SHARE_DEFAULT_DAYS, SHARE_MAX_DAYS } from '../../../domain/wishlist/share.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { absentBodyAsEmptyObject, bearerAuth, errors, IsoDate, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Wishlist'];

const ShareLink = Type.Object({
  id: Type.String(),
  createdAt: IsoDate,
  expiresAt: IsoDate,
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  revokedAt: Type.Optional(IsoDate),
});
const TokenParams = Type.Object(
  {
    token: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'The share token (64 hex characters)',
    }),
  },
  { additionalProperties: false },
);
const TokenOrIdParams = Type.Object(
  {
    token: Type.String({
      pattern: '^([0-9a-f]{24}|[0-9a-f]{64})$',
      description: 'The share token, or the link id from GET /wishlist/share',
    }),
  },
  { additionalProperties: false },
);
/** What a shared wishlist shows of a product: no stock figures, nothing about the owner. */
const SharedProduct = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  price: Type.Number({ description: 'Major units (rupees)' }),
  originalPrice: Type.Optional(Type.Number()),
  image: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()], { description: 'The category id' }),
  availability: Type.Union([Type.Literal('in-stock'), Type.Literal('out-of-stock')]),
});

function presentLink(link: ShareLinkView) {
  return {
    id: link.id,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    status: link.status,
    ...(link.revokedAt ? { revokedAt: link.revokedAt.toISOString() } : {}),
  };
}

function presentSharedProduct(p: Product) {
  const image = p.images.find((i) => i.isPrimary) ?? p.images[0];
  return {
    _id: p.id,
    name: p.name,
    price: toMajor(p.price),
    ...(p.originalPrice !== undefined ? { originalPrice: toMajor(p.originalPrice) } : {}),
    image: image?.url ?? null,
    category: p.categoryId,
    availability: isInStock(p) ? ('in-stock' as const) : ('out-of-stock' as const),
  };
}

/** Shareable read-only wishlist links: create, list and revoke (owner), read (public). */
export function registerShareRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAuth } = authHooks(deps.resolve);
  const create = deps.resolve.get(CreateWishlistShare);
  const list = deps.resolve.get(ListWishlistShares);
  const revoke = deps.resolve.get(RevokeWishlistShare);
  const view = deps.resolve.get(ViewSharedWishlist);

  app.post(
    '/wishlist/share',
    {
      preHandler: requireAuth,
      preValidation: absentBodyAsEmptyObject,
      schema: {
        tags,
        summary: 'Create a shareable read-only link to the wishlist',
        description:
          'The token (256 random bits) is answered once; only its digest is stored. The link shows the ' +
          `wishlist as it is when opened, until it expires (default ${SHARE_DEFAULT_DAYS} days) or is revoked.`,
        security: bearerAuth,
        body: Type.Object(
          {
            expiresInDays: Type.Optional(
              Type.Integer({ minimum: 1, maximum: SHARE_MAX_DAYS, default: SHARE_DEFAULT_DAYS }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: success({
            share: Type.Object({ ...ShareLink.properties, token: Type.String(), url: Type.String() }),
          }),
          ...errors(400, 401, 409),
        },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).user.id;
      const body = request.body ?? {};
      const r = unwrap(
        await create.execute({
          userId,
          ...(body.expiresInDays !== undefined ? { expiresInDays: body.expiresInDays } : {}),
        }),
      );
      reply.code(201);
      return {
        status: 'success' as const,
        message: 'Share link created',
        data: { share: { ...presentLink(r), token: r.token, url: r.url } },
      };
    },
  );

  app.get(
    '/wishlist/share',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The owner's share links, newest first (tokens are never shown again)",
        security: bearerAuth,
        response: {
          200: success({ shares: Type.Array(ShareLink) }, { count: Type.Integer() }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const shares = unwrap(await list.execute({ userId: principalOf(request).user.id }));
      return { status: 'success' as const, count: shares.length, data: { shares: shares.map(presentLink) } };
    },
  );

  app.delete(
    '/wishlist/share/:token',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Revoke a share link (by its token or its id; the owner only)',
        security: bearerAuth,
        params: TokenOrIdParams,
        response: { 200: success({ share: ShareLink }), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      const r = unwrap(await revoke.execute({ userId, tokenOrId: request.params.token }));
      return { status: 'success' as const, message: 'Share link revoked', data: { share: presentLink(r) } };
    },
  );

  app.get(
    '/wishlist/shared/:token',
    {
      schema: {
        tags,
        summary: 'A shared wishlist (public, read-only)',
        description:
          "The products and the owner's first name, nothing else about them. A revoked, expired or unknown " +
          'link answers 404 SHARE_NOT_FOUND alike.',
        params: TokenParams,
        response: {
          200: success({
            wishlist: Type.Object({
              owner: Type.Object({ firstName: Type.String() }),
              products: Type.Array(SharedProduct),
              count: Type.Integer(),
              expiresAt: IsoDate,
            }),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const r = unwrap(await view.execute({ token: request.params.token }));
      return {
        status: 'success' as const,
        data: {
          wishlist: {
            owner: { firstName: r.ownerFirstName },
            products: r.products.map(presentSharedProduct),
            count: r.products.length,
            expiresAt: r.expiresAt.toISOString(),
          },
        },
      };
    },
  );
}

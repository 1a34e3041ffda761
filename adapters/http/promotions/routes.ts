import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  CreatePromoCode,
  DeactivatePromoCode,
  ListPromoCodes,
  ListUserEligiblePromos,
  UpdatePromoCode,
  ValidatePromoCode,
} from '../../../application/promotions/use-cases.js';
import type { PromoCode, PromoDraft } from '../../../domain/promotions/promo-code.js';
import { fromMajor, toMajor } from '../../../domain/shared/money.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import {
  Amount,
  bearerAuth,
  describedAmount,
  errors,
  IdParams,
  IsoDate,
  LongText,
  ObjectId,
  success,
  UsageLimit,
} from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Promotions'];
const PromoType = Type.Union([Type.Literal('percentage'), Type.Literal('fixed'), Type.Literal('shipping')]);
const Tier = Type.Union([
  Type.Literal('bronze'),
  Type.Literal('silver'),
  Type.Literal('gold'),
  Type.Literal('platinum'),
]);

export const PromoSchema = Type.Object({
  _id: ObjectId,
  code: Type.String(),
  description: Type.Optional(Type.String()),
  type: PromoType,
  value: Type.Number({ description: 'percentage: percent (10 = 10 %); fixed: major units; shipping: 0' }),
  minOrderAmount: Amount,
  maxDiscount: Type.Optional(Amount),
  usageLimit: Type.Optional(Type.Integer()),
  usedCount: Type.Integer(),
  perUserLimit: Type.Integer(),
  validFrom: Type.Optional(IsoDate),
  validUntil: Type.Optional(IsoDate),
  applicableCategories: Type.Array(ObjectId),
  firstOrderOnly: Type.Boolean(),
  membershipTiers: Type.Array(Type.String()),
  isActive: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

/** The shopper-facing subset (no usage counters or authorship). */
const PublicPromoSchema = Type.Object({
  code: Type.String(),
  description: Type.Optional(Type.String()),
  type: PromoType,
  value: Type.Number(),
  minOrderAmount: Amount,
  maxDiscount: Type.Optional(Amount),
  validUntil: Type.Optional(IsoDate),
  applicableCategories: Type.Array(ObjectId),
});

export function presentPromo(p: PromoCode) {
  return {
    _id: p.id,
    code: p.code,
    ...(p.description !== undefined ? { description: p.description } : {}),
    type: p.type,
    value: promoValueToWire(p),
    minOrderAmount: toMajor(p.minOrderAmount),
    ...(p.maxDiscount !== undefined ? { maxDiscount: toMajor(p.maxDiscount) } : {}),
    ...(p.usageLimit !== undefined ? { usageLimit: p.usageLimit } : {}),
    usedCount: p.usedCount,
    perUserLimit: p.perUserLimit,
    ...(p.validFrom ? { validFrom: p.validFrom.toISOString() } : {}),
    ...(p.validUntil ? { validUntil: p.validUntil.toISOString() } : {}),
    applicableCategories: [...p.applicableCategories],
    firstOrderOnly: p.firstOrderOnly,
    membershipTiers: [...p.membershipTiers],
    isActive: p.isActive,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function promoValueToWire(p: Pick<PromoCode, 'type' | 'value'>): number {
  return p.type === 'percentage' ? p.value / 100 : toMajor(p.value);
}

const PromoBody = Type.Object(
  {
    code: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }),
    description: Type.Optional(LongText(500)),
    type: PromoType,
    value: describedAmount('percentage: percent (10 = 10 %); fixed: major units'),
    minOrderAmount: Type.Optional(Amount),
    maxDiscount: Type.Optional(Amount),
    usageLimit: Type.Optional(UsageLimit),
    perUserLimit: Type.Optional(UsageLimit),
    validFrom: Type.Optional(IsoDate),
    validUntil: Type.Optional(IsoDate),
    applicableCategories: Type.Optional(Type.Array(ObjectId, { maxItems: 100 })),
    firstOrderOnly: Type.Optional(Type.Boolean()),
    membershipTiers: Type.Optional(Type.Array(Tier)),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type PromoBodyT = Static<typeof PromoBody>;

/** Wire (major units, percent) to the domain's draft (minor units, basis points). */
export function draftFromWire(b: PromoBodyT): PromoDraft {
  return {
    code: b.code,
    ...(b.description !== undefined ? { description: b.description } : {}),
    type: b.type,
    value: b.type === 'percentage' ? Math.round(b.value * 100) : b.type === 'fixed' ? fromMajor(b.value) : 0,
    ...(b.minOrderAmount !== undefined ? { minOrderAmount: fromMajor(b.minOrderAmount) } : {}),
    ...(b.maxDiscount !== undefined ? { maxDiscount: fromMajor(b.maxDiscount) } : {}),
    ...(b.usageLimit !== undefined ? { usageLimit: b.usageLimit } : {}),
    ...(b.perUserLimit !== undefined ? { perUserLimit: b.perUserLimit } : {}),
    ...(b.validFrom !== undefined ? { validFrom: new Date(b.validFrom) } : {}),
    ...(b.validUntil !== undefined ? { validUntil: new Date(b.validUntil) } : {}),
    ...(b.applicableCategories !== undefined ? { applicableCategories: b.applicableCategories } : {}),
    ...(b.firstOrderOnly !== undefined ? { firstOrderOnly: b.firstOrderOnly } : {}),
    ...(b.membershipTiers !== undefined ? { membershipTiers: b.membershipTiers } : {}),
    ...(b.isActive !== undefined ? { isActive: b.isActive } : {}),
  };
}

const PromoAnswer = success({ promo: PromoSchema });

/** Promo codes at /api/promos: admin management, and validation/eligibility for shoppers. */
export async function promotionsRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth, requireAdmin } = authHooks(deps.resolve);
  const create = deps.resolve.get(CreatePromoCode);
  const list = deps.resolve.get(ListPromoCodes);
  const update = deps.resolve.get(UpdatePromoCode);
  const deactivate = deps.resolve.get(DeactivatePromoCode);
  const validate = deps.resolve.get(ValidatePromoCode);
  const eligible = deps.resolve.get(ListUserEligiblePromos);

  app.post(
    '/',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Create a promo code (admin); codes are case-insensitive and stored uppercase',
        security: bearerAuth,
        body: PromoBody,
        response: { 201: PromoAnswer, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const promo = unwrap(
        await create.execute({ draft: draftFromWire(request.body), createdBy: principalOf(request).user.id }),
      );
      reply.status(201);
      return { status: 'success' as const, data: { promo: presentPromo(promo) } };
    },
  );

  app.get(
    '/',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Every promo code, newest first (admin)',
        security: bearerAuth,
        response: {
          200: success({ promos: Type.Array(PromoSchema) }, { count: Type.Integer() }),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const promos = unwrap(await list.execute());
      return { status: 'success' as const, count: promos.length, data: { promos: promos.map(presentPromo) } };
    },
  );

  app.get(
    '/user-eligible',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Active codes the caller may still use (first-order and tier rules applied)',
        description:
          "The caller's membership tier (bronze, silver or gold, from lifetime loyalty points) is applied; no user is platinum.",
        security: bearerAuth,
        response: {
          200: success({ promos: Type.Array(PublicPromoSchema) }, { count: Type.Integer() }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const promos = unwrap(await eligible.execute({ userId: principalOf(request).user.id }));
      return {
        status: 'success' as const,
        count: promos.length,
        data: { promos: promos.map(presentPromo) },
      };
    },
  );

  app.get(
    '/validate/:code',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Whether a code applies to a subtotal (query) or to the caller's cart, and its discount",
        description:
          'Always 200: `valid` false carries `reason` (a stable code such as PROMO_EXPIRED) and `message`.',
        security: bearerAuth,
        params: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ subtotal: Type.Optional(Amount) }, { additionalProperties: false }),
        response: {
          200: success({
            valid: Type.Boolean(),
            code: Type.String(),
            subtotal: Amount,
            discount: Amount,
            freeShipping: Type.Boolean(),
            total: Amount,
            reason: Type.Optional(Type.String()),
            message: Type.Optional(Type.String()),
            promo: Type.Optional(PublicPromoSchema),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const v = unwrap(
        await validate.execute({
          code: request.params.code,
          userId: principalOf(request).user.id,
          ...(q.subtotal !== undefined ? { subtotal: fromMajor(q.subtotal) } : {}),
        }),
      );
      return {
        status: 'success' as const,
        data: {
          valid: v.valid,
          code: v.code,
          subtotal: toMajor(v.subtotal),
          discount: toMajor(v.discount),
          freeShipping: v.freeShipping,
          total: toMajor(v.subtotal - v.discount),
          ...(v.reason ? { reason: v.reason.code, message: v.reason.message } : {}),
          ...(v.promo ? { promo: presentPromo(v.promo) } : {}),
        },
      };
    },
  );

  app.put(
    '/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: "Replace a promo code's settings (admin); its usage count is kept",
        security: bearerAuth,
        params: IdParams,
        body: PromoBody,
        response: { 200: PromoAnswer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const promo = unwrap(
        await update.execute({ id: request.params.id, draft: draftFromWire(request.body) }),
      );
      return { status: 'success' as const, data: { promo: presentPromo(promo) } };
    },
  );

  const deactivateOptions = {
    preHandler: requireAdmin,
    schema: {
      tags,
      summary: 'Deactivate a promo code (admin); redemptions already made stay',
      security: bearerAuth,
      params: IdParams,
      response: { 200: PromoAnswer, ...errors(400, 401, 403, 404, 409) },
    },
  };
  const deactivateHandler = async (request: { params: { id: string } }) => {
    const promo = unwrap(await deactivate.execute({ id: request.params.id }));
    return { status: 'success' as const, data: { promo: presentPromo(promo) } };
  };
  app.put('/:id/deactivate', deactivateOptions, deactivateHandler);
  app.delete('/:id', deactivateOptions, deactivateHandler);
}

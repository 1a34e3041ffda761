import { Type } from '@fastify/type-provider-typebox';
import { ListDeliverySlots } from '../../../application/delivery/use-cases.js';
import { SHIPPING_FEES } from '../../../domain/ordering/pricing.js';
import { toMajor } from '../../../domain/shared/money.js';
import { unwrap } from '../errors.js';
import { errors, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const Reason = Type.Union(
  [
    Type.Literal('past'),
    Type.Literal('holiday'),
    Type.Literal('too-far'),
    Type.Literal('cutoff'),
    Type.Literal('full'),
  ],
  { description: 'Why the slot cannot be booked' },
);

const SlotSchema = Type.Object({
  id: Type.String({ description: 'HH:MM-HH:MM: what checkout sends as deliverySlot' }),
  start: Type.String(),
  end: Type.String(),
  capacity: Type.Integer(),
  remaining: Type.Integer(),
  open: Type.Boolean(),
  reason: Type.Optional(Reason),
});

/** Delivery slots under /api/delivery (public). */
export async function deliveryRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const list = deps.resolve.get(ListDeliverySlots);

  app.get(
    '/slots',
    {
      schema: {
        tags: ['delivery'],
        summary: 'The delivery slots of a date, with what is left of each',
        description:
          "Dates are in the shop's timezone (SHOP_TIMEZONE). A slot is closed when its date is past, a holiday, " +
          'beyond the booking window, or today after the same-day cut-off, when it has started, or when it is full. ' +
          'Capacity is the whole shop’s (any city). `fee` is the shipping fee that applies: same-day today.',
        querystring: Type.Object(
          {
            date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' }),
            city: Text(100, { minLength: 1, pattern: '\\S' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success({
            date: Type.String(),
            city: Type.String(),
            timeZone: Type.String(),
            sameDay: Type.Boolean(),
            shippingMethod: Type.String({ description: 'The method a slot of this date implies' }),
            fee: Type.Number({ description: 'Shipping fee, major units' }),
            slots: Type.Array(SlotSchema),
          }),
          ...errors(400, 429),
        },
      },
    },
    async (request) => {
      const v = unwrap(await list.execute({ date: request.query.date, city: request.query.city }));
      const method = v.sameDay ? 'same-day' : 'standard';
      return {
        status: 'success' as const,
        data: { ...v, slots: [...v.slots], shippingMethod: method, fee: toMajor(SHIPPING_FEES[method]) },
      };
    },
  );
}

import { Type } from '@fastify/type-provider-typebox';
import { AddAddress, RemoveAddress, UpdateAddress } from '../../../application/identity/addresses.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, LongText, ObjectId, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { AddressSchema, presentAddress } from './presenter.js';

const tags = ['users'];

const AddressType = Type.Union([Type.Literal('home'), Type.Literal('work'), Type.Literal('other')]);
const Field = Text(300);
/** A street may take two lines (flat, building). */
const Street = LongText(300);

const NewAddressBody = Type.Object(
  {
    type: Type.Optional(AddressType),
    street: Street,
    city: Field,
    state: Field,
    zipCode: Field,
    country: Type.Optional(Text(300, { description: 'Defaults to United States' })),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const AddressPatchBody = Type.Object(
  {
    type: Type.Optional(AddressType),
    street: Type.Optional(Street),
    city: Type.Optional(Field),
    state: Type.Optional(Field),
    zipCode: Type.Optional(Field),
    country: Type.Optional(Field),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const AddressParams = Type.Object({ addressId: ObjectId }, { additionalProperties: false });

const AddressesResponse = success({ addresses: Type.Array(AddressSchema) });

export async function userRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const addAddress = deps.resolve.get(AddAddress);
  const updateAddress = deps.resolve.get(UpdateAddress);
  const removeAddress = deps.resolve.get(RemoveAddress);

  app.post(
    '/addresses',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Add a saved address (isDefault unsets the others)',
        security: bearerAuth,
        body: NewAddressBody,
        response: {
          201: success({ address: AddressSchema, addresses: Type.Array(AddressSchema) }),
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const result = unwrap(await addAddress.execute({ userId: user.id, ...request.body }));
      return reply.status(201).send({
        status: 'success' as const,
        data: {
          address: presentAddress(result.address),
          addresses: result.user.addresses.map(presentAddress),
        },
      });
    },
  );

  app.put(
    '/addresses/:addressId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Change a saved address',
        security: bearerAuth,
        params: AddressParams,
        body: AddressPatchBody,
        response: { 200: AddressesResponse, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const updated = unwrap(
        await updateAddress.execute({
          userId: user.id,
          addressId: request.params.addressId,
          ...request.body,
        }),
      );
      return { status: 'success' as const, data: { addresses: updated.addresses.map(presentAddress) } };
    },
  );

  app.delete(
    '/addresses/:addressId',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Remove a saved address (removing an absent one changes nothing)',
        security: bearerAuth,
        params: AddressParams,
        response: { 200: AddressesResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const updated = unwrap(
        await removeAddress.execute({ userId: user.id, addressId: request.params.addressId }),
      );
      return { status: 'success' as const, data: { addresses: updated.addresses.map(presentAddress) } };
    },
  );
}

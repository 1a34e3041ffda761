import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { deliveryStateOf } from '../../domain/ordering/delivery.js';
import { checkImageUpload, type ImageStore, type MediaSettings, type UploadedFile } from '../media/index.js';
import type { AppLogger } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';
import { findOrder, orderNotFound } from './queries.js';

export interface UploadDeliveryProofInput extends UploadedFile {
  /** The order's id or order number. */
  readonly order: string;
}

/**
 * POST /orders/:id/delivery/proof (admin or courier): the photo proving a delivery, checked like
 * any uploaded image (bytes sniffed, size limit) and stored through the media port (local folder
 * or Cloudinary). Answers the stored URL, which `delivered` then takes as `proofPhotoUrl`: that
 * update accepts only URLs of the shop's image store. Only for an order on its way (shipped).
 */
export class UploadDeliveryProof {
  constructor(
    private readonly orders: OrderRepository,
    private readonly images: ImageStore,
    private readonly settings: MediaSettings,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: UploadDeliveryProofInput): Promise<Result<{ url: string }, DomainError>> {
    const checked = checkImageUpload(input, this.settings);
    if (checked.isErr()) return checked;
    const order = await findOrder(this.orders, input.order);
    if (!order) return Err(orderNotFound());
    if (order.status !== 'shipped') {
      return Err(
        domainError(
          'INVALID_DELIVERY_TRANSITION',
          `A proof of delivery is taken for an order on its way; this one is ${order.status}`,
          { action: 'delivered', deliveryState: deliveryStateOf(order), status: order.status },
        ),
      );
    }
    try {
      const stored = await this.images.upload(checked.value);
      return Ok({ url: stored.url });
    } catch (error) {
      this.logger.error('delivery proof upload failed', { orderId: order.id, error: String(error) });
      return Err(domainError('IMAGE_STORE_FAILED', 'The photo could not be stored, please try again'));
    }
  }
}

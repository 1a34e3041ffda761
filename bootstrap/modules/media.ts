import type { Container } from 'inversify';
import {
  IMAGE_STORE,
  MEDIA_SETTINGS,
  type ImageStore,
  type MediaSettings,
} from '../../application/media/ports.js';
import {
  AddProductImage,
  RemoveProductImage,
  ReorderProductImages,
  UploadProductImage,
} from '../../application/media/product-images.js';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR } from '../../application/shared/ports.js';
import { LocalImageStore } from '../../adapters/media/local-image-store.js';
import type * as CloudinaryModule from '../../adapters/media/cloudinary-image-store.js';
import { UPLOADS_HTTP, type UploadsHttpSettings } from '../../adapters/http/media/uploads.js';
import type { Config } from '../config.js';
import { bindUseCase, loaded } from './bind.js';

/** The Cloudinary adapter (and its SDK), imported only when CLOUDINARY_URL is set. */
export interface MediaModules {
  readonly cloudinary: typeof CloudinaryModule | null;
}

export async function loadMedia(config: Pick<Config, 'cloudinary'>): Promise<MediaModules> {
  return {
    cloudinary: config.cloudinary ? await import('../../adapters/media/cloudinary-image-store.js') : null,
  };
}

/** Product images: Cloudinary when CLOUDINARY_URL is set, else the local folder served under /uploads. */
export function bindMedia(container: Container, config: Config, modules: MediaModules): void {
  const settings: MediaSettings = { maxUploadBytes: config.uploads.maxBytes };
  container.bind(MEDIA_SETTINGS).toConstantValue(settings);

  const cloudinary = config.cloudinary;
  if (cloudinary) {
    const { CloudinaryImageStore, parseCloudinaryUrl } = loaded(modules.cloudinary, 'the Cloudinary SDK');
    // Parsed now, so a malformed CLOUDINARY_URL stops the start with one clear line.
    const credentials = parseCloudinaryUrl(cloudinary.url);
    container
      .bind<ImageStore>(IMAGE_STORE)
      .toResolvedValue(() => new CloudinaryImageStore(credentials))
      .inSingletonScope()
      .onDeactivation((store) => (store as InstanceType<typeof CloudinaryImageStore>).close());
  } else {
    container
      .bind<ImageStore>(IMAGE_STORE)
      .toResolvedValue(() => new LocalImageStore(config.uploads.dir, config.publicUrl))
      .inSingletonScope();
  }
  const http: UploadsHttpSettings = {
    maxBytes: config.uploads.maxBytes,
    localDir: cloudinary ? null : config.uploads.dir,
  };
  container.bind(UPLOADS_HTTP).toConstantValue(http);

  const change = [PRODUCT_REPOSITORY, CATEGORY_REPOSITORY, CLOCK, EVENT_BUS, ID_GENERATOR] as const;
  bindUseCase(container, AddProductImage, change);
  bindUseCase(container, UploadProductImage, [...change, IMAGE_STORE, APP_LOGGER, MEDIA_SETTINGS]);
  bindUseCase(container, RemoveProductImage, [...change, IMAGE_STORE, APP_LOGGER]);
  bindUseCase(container, ReorderProductImages, change);
}

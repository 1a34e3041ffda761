import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Category } from '../../../domain/catalog/category.js';
import type { Product, ProductImage, ProductOption } from '../../../domain/catalog/product.js';
import { toMajor } from '../../../domain/shared/money.js';
import { IsoDate } from '../schemas.js';

/**
 * How catalog entities look on the wire (compat 2.2 and 3). Other contexts embed products
 * through `presentProduct` and `ProductSchema`, so there is one product shape in the API.
 */
export const CategorySchema = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  image: Type.Optional(Type.Object({ url: Type.String(), alt: Type.Optional(Type.String()) })),
  parentCategory: Type.Union([
    Type.String(),
    Type.Null(),
    Type.Object({ _id: Type.String(), name: Type.String() }),
  ]),
  isActive: Type.Boolean(),
  displayOrder: Type.Number(),
  seo: Type.Object({
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    slug: Type.String(),
  }),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  __v: Type.Integer(),
});
export type CategoryJson = Static<typeof CategorySchema>;

const OptionSchema = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  description: Type.Optional(Type.String()),
});

const ImageSchema = Type.Object({
  _id: Type.String(),
  public_id: Type.Optional(Type.String()),
  url: Type.String(),
  variants: Type.Optional(
    Type.Object({
      thumbnail: Type.Optional(Type.String()),
      small: Type.Optional(Type.String()),
      medium: Type.Optional(Type.String()),
      large: Type.Optional(Type.String()),
      original: Type.Optional(Type.String()),
    }),
  ),
  alt: Type.Optional(Type.String()),
  isPrimary: Type.Boolean(),
  width: Type.Optional(Type.Number()),
  height: Type.Optional(Type.Number()),
  format: Type.Optional(Type.String()),
  bytes: Type.Optional(Type.Number()),
  uploadedAt: Type.Optional(IsoDate),
});

export const ProductSchema = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Number({ description: 'Major units (rupees)' }),
  originalPrice: Type.Optional(Type.Number()),
  images: Type.Array(ImageSchema),
  category: Type.Union([Type.String(), Type.Null(), CategorySchema], {
    description: 'Category id, or the populated category where a route says so',
  }),
  occasions: Type.Array(Type.String()),
  flowerTypes: Type.Array(Type.String()),
  colors: Type.Array(Type.String()),
  sizes: Type.Array(OptionSchema),
  vases: Type.Array(OptionSchema),
  inventory: Type.Object({
    stock: Type.Integer(),
    lowStockThreshold: Type.Integer(),
    isAvailable: Type.Boolean(),
  }),
  ratings: Type.Object({ average: Type.Number(), count: Type.Integer() }),
  reviews: Type.Array(Type.Object({}, { additionalProperties: true })),
  tags: Type.Array(Type.String()),
  isFeatured: Type.Boolean(),
  isPopular: Type.Boolean(),
  seo: Type.Object({
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    keywords: Type.Array(Type.String()),
  }),
  careInstructions: Type.Optional(Type.String()),
  deliveryInfo: Type.Optional(Type.String()),
  location: Type.Optional(
    Type.Object(
      { lat: Type.Number(), lng: Type.Number() },
      { description: "A local florist's product: where it is made and delivered from" },
    ),
  ),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  __v: Type.Integer(),
  // Singular aliases the storefront's product card reads (compat 2.1).
  inStock: Type.Boolean(),
  popular: Type.Boolean(),
  rating: Type.Number(),
  flowerType: Type.Optional(Type.String()),
  occasion: Type.Optional(Type.String()),
  color: Type.Optional(Type.String()),
  suggestionScore: Type.Optional(Type.Number()),
});
export type ProductJson = Static<typeof ProductSchema>;

function presentOption(o: ProductOption) {
  return {
    _id: o.id,
    name: o.name,
    price: toMajor(o.price),
    ...(o.description !== undefined ? { description: o.description } : {}),
  };
}

function presentImage(i: ProductImage) {
  return {
    _id: i.id,
    ...(i.publicId !== undefined ? { public_id: i.publicId } : {}),
    url: i.url,
    ...(i.variants !== undefined ? { variants: { ...i.variants } } : {}),
    ...(i.alt !== undefined ? { alt: i.alt } : {}),
    isPrimary: i.isPrimary,
    ...(i.width !== undefined ? { width: i.width } : {}),
    ...(i.height !== undefined ? { height: i.height } : {}),
    ...(i.format !== undefined ? { format: i.format } : {}),
    ...(i.bytes !== undefined ? { bytes: i.bytes } : {}),
    ...(i.uploadedAt !== undefined ? { uploadedAt: i.uploadedAt.toISOString() } : {}),
  };
}

export function presentCategory(c: Category, parent?: Category | null): CategoryJson {
  return {
    _id: c.id,
    name: c.name,
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.image !== undefined ? { image: { ...c.image } } : {}),
    parentCategory: parent ? { _id: parent.id, name: parent.name } : c.parentCategoryId,
    isActive: c.isActive,
    displayOrder: c.displayOrder,
    seo: { ...c.seo },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    __v: c.version,
  };
}

/**
 * A product as the storefront reads it. `category`: pass the Category to populate it, or leave it
 * out for the plain id (the wishlist page crashes on a populated category, compat 6).
 */
export function presentProduct(
  p: Product,
  category?: Category | null,
  extra?: { suggestionScore?: number },
): ProductJson {
  return {
    _id: p.id,
    name: p.name,
    description: p.description,
    price: toMajor(p.price),
    ...(p.originalPrice !== undefined ? { originalPrice: toMajor(p.originalPrice) } : {}),
    images: p.images.map(presentImage),
    category: category ? presentCategory(category) : p.categoryId,
    occasions: [...p.occasions],
    flowerTypes: [...p.flowerTypes],
    colors: [...p.colors],
    sizes: p.sizes.map(presentOption),
    vases: p.vases.map(presentOption),
    inventory: { ...p.inventory },
    ratings: { ...p.ratings },
    reviews: [],
    tags: [...p.tags],
    isFeatured: p.isFeatured,
    isPopular: p.isPopular,
    seo: { ...p.seo, keywords: [...p.seo.keywords] },
    ...(p.careInstructions !== undefined ? { careInstructions: p.careInstructions } : {}),
    ...(p.deliveryInfo !== undefined ? { deliveryInfo: p.deliveryInfo } : {}),
    ...(p.location !== undefined ? { location: { lat: p.location.lat, lng: p.location.lng } } : {}),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    __v: p.version,
    inStock: p.inventory.isAvailable && p.inventory.stock > 0,
    popular: p.isPopular,
    rating: p.ratings.average,
    ...(p.flowerTypes[0] !== undefined ? { flowerType: p.flowerTypes[0] } : {}),
    ...(p.occasions[0] !== undefined ? { occasion: p.occasions[0] } : {}),
    ...(p.colors[0] !== undefined ? { color: p.colors[0] } : {}),
    ...(extra?.suggestionScore !== undefined ? { suggestionScore: extra.suggestionScore } : {}),
  };
}

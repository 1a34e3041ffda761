import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { ProductView, CategoryView } from '../../../application/catalog/views.js';
import type { CategoryInput, CategoryNode } from '../../../domain/catalog/category.js';
import { COLORS, FLOWER_TYPES, OCCASIONS } from '../../../domain/catalog/product.js';
import type { ImageInput, OptionInput, ProductInput } from '../../../domain/catalog/product-rules.js';
import { fromMajor } from '../../../domain/shared/money.js';
import { CursorQueryProps } from '../cursor.js';
import {
  Amount,
  ByteSize,
  describedAmount,
  ImageUrl,
  IsoDate,
  Latitude,
  LongText,
  Longitude,
  ObjectId,
  PageNumber,
  PageSize,
  PixelSize,
  PriceInput,
  StockLevel,
  StockLevelUpTo,
  success,
  Text,
} from '../schemas.js';
import {
  CategorySchema,
  ProductSchema,
  presentCategory,
  presentProduct,
  type ProductJson,
} from './presenter.js';
import { fieldSerializers, FieldsParam, selectFields, type FieldSelection } from './field-selection.js';

/**
 * Request schemas and wire conversions shared by the public catalog routes and the admin
 * product routes. Prices arrive in major units (rupees) and are converted with `fromMajor`.
 */

export const OccasionSchema = Type.Enum([...OCCASIONS]);
export const FlowerTypeSchema = Type.Enum([...FLOWER_TYPES]);
export const ColorSchema = Type.Enum([...COLORS]);

/** A point on the wire: degrees, WGS 84. */
export const GeoPoint = Type.Object({ lat: Latitude, lng: Longitude }, { additionalProperties: false });

/** A category id or slug in a query or path (letters, digits, hyphens only). */
export const CategoryKey = Type.String({
  pattern: '^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$',
  maxLength: 100,
  description: 'Category id or slug',
});

const ImageBody = Type.Object(
  {
    _id: Type.Optional(ObjectId),
    url: ImageUrl(),
    public_id: Type.Optional(Text(500)),
    alt: Type.Optional(Text(300)),
    isPrimary: Type.Optional(Type.Boolean()),
    variants: Type.Optional(
      Type.Object(
        {
          thumbnail: Type.Optional(ImageUrl()),
          small: Type.Optional(ImageUrl()),
          medium: Type.Optional(ImageUrl()),
          large: Type.Optional(ImageUrl()),
          original: Type.Optional(ImageUrl()),
        },
        { additionalProperties: false },
      ),
    ),
    width: Type.Optional(PixelSize),
    height: Type.Optional(PixelSize),
    format: Type.Optional(Text(20)),
    bytes: Type.Optional(ByteSize),
    uploadedAt: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

const OptionBody = Type.Object(
  {
    _id: Type.Optional(ObjectId),
    name: Text(50, { minLength: 1 }),
    price: describedAmount('Add-on over the base price, major units'),
    description: Type.Optional(LongText(200)),
  },
  { additionalProperties: false },
);

/**
 * Product create/update body. Every field is optional here so a create missing name,
 * description, price or category reaches the use case and answers `Missing required fields`
 * with `missingFields` (compat 8); types, enums and unknown fields are still checked.
 * `price` and `stock` carry only upper bounds so the compat messages for `<= 0` and negative
 * values come from the rules.
 */
export const ProductBody = Type.Object(
  {
    name: Type.Optional(Text(1000)),
    description: Type.Optional(LongText(10_000)),
    price: Type.Optional(PriceInput('Major units (rupees); must be greater than 0')),
    originalPrice: Type.Optional(Type.Union([PriceInput('Must be greater than 0'), Type.Null()])),
    category: Type.Optional(
      Type.Union([Type.String({ maxLength: 100 }), Type.Null()], { description: 'Category id' }),
    ),
    images: Type.Optional(Type.Array(ImageBody, { maxItems: 20 })),
    occasions: Type.Optional(Type.Array(OccasionSchema, { maxItems: OCCASIONS.length * 2 })),
    flowerTypes: Type.Optional(Type.Array(FlowerTypeSchema, { maxItems: FLOWER_TYPES.length * 2 })),
    colors: Type.Optional(Type.Array(ColorSchema, { maxItems: COLORS.length * 2 })),
    sizes: Type.Optional(Type.Array(OptionBody, { maxItems: 10 })),
    vases: Type.Optional(Type.Array(OptionBody, { maxItems: 10 })),
    inventory: Type.Optional(
      Type.Object(
        {
          stock: Type.Optional(StockLevelUpTo('Units on hand; cannot be negative')),
          lowStockThreshold: Type.Optional(StockLevel()),
          isAvailable: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    stock: Type.Optional(StockLevelUpTo('Shorthand for inventory.stock')),
    tags: Type.Optional(Type.Array(Text(50), { maxItems: 50 })),
    isFeatured: Type.Optional(Type.Boolean()),
    isPopular: Type.Optional(Type.Boolean()),
    seo: Type.Optional(
      Type.Object(
        {
          title: Type.Optional(Text(200)),
          description: Type.Optional(LongText(500)),
          keywords: Type.Optional(Type.Array(Text(50), { maxItems: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
    careInstructions: Type.Optional(Type.Union([LongText(5000), Type.Null()])),
    deliveryInfo: Type.Optional(Type.Union([LongText(5000), Type.Null()])),
    location: Type.Optional(
      Type.Union([GeoPoint, Type.Null()], {
        description: "A local florist's location (delivers within the nearby radius of it); null clears it",
      }),
    ),
  },
  { additionalProperties: false },
);
export type ProductBodyJson = Static<typeof ProductBody>;

function toImage(i: Static<typeof ImageBody>): ImageInput {
  return {
    url: i.url,
    ...(i._id !== undefined ? { id: i._id } : {}),
    ...(i.public_id !== undefined ? { publicId: i.public_id } : {}),
    ...(i.alt !== undefined ? { alt: i.alt } : {}),
    ...(i.isPrimary !== undefined ? { isPrimary: i.isPrimary } : {}),
    ...(i.variants !== undefined ? { variants: i.variants } : {}),
    ...(i.width !== undefined ? { width: i.width } : {}),
    ...(i.height !== undefined ? { height: i.height } : {}),
    ...(i.format !== undefined ? { format: i.format } : {}),
    ...(i.bytes !== undefined ? { bytes: i.bytes } : {}),
    ...(i.uploadedAt !== undefined ? { uploadedAt: new Date(i.uploadedAt) } : {}),
  };
}

function toOption(o: Static<typeof OptionBody>): OptionInput {
  return {
    name: o.name,
    price: fromMajor(o.price),
    ...(o._id !== undefined ? { id: o._id } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
  };
}

/** The body as rule input: major units to minor, `stock` folded into `inventory.stock`. */
export function toProductInput(body: ProductBodyJson): ProductInput {
  const stock = body.inventory?.stock ?? body.stock;
  const inventory =
    body.inventory !== undefined || body.stock !== undefined
      ? {
          ...(stock !== undefined ? { stock } : {}),
          ...(body.inventory?.lowStockThreshold !== undefined
            ? { lowStockThreshold: body.inventory.lowStockThreshold }
            : {}),
          ...(body.inventory?.isAvailable !== undefined ? { isAvailable: body.inventory.isAvailable } : {}),
        }
      : undefined;
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.price !== undefined ? { price: fromMajor(body.price) } : {}),
    ...(body.originalPrice !== undefined
      ? { originalPrice: body.originalPrice === null ? null : fromMajor(body.originalPrice) }
      : {}),
    ...(body.category !== undefined ? { categoryId: body.category === '' ? null : body.category } : {}),
    ...(body.images !== undefined ? { images: body.images.map(toImage) } : {}),
    ...(body.occasions !== undefined ? { occasions: body.occasions } : {}),
    ...(body.flowerTypes !== undefined ? { flowerTypes: body.flowerTypes } : {}),
    ...(body.colors !== undefined ? { colors: body.colors } : {}),
    ...(body.sizes !== undefined ? { sizes: body.sizes.map(toOption) } : {}),
    ...(body.vases !== undefined ? { vases: body.vases.map(toOption) } : {}),
    ...(inventory !== undefined ? { inventory } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
    ...(body.isFeatured !== undefined ? { isFeatured: body.isFeatured } : {}),
    ...(body.isPopular !== undefined ? { isPopular: body.isPopular } : {}),
    ...(body.seo !== undefined ? { seo: body.seo } : {}),
    ...(body.careInstructions !== undefined ? { careInstructions: body.careInstructions } : {}),
    ...(body.deliveryInfo !== undefined ? { deliveryInfo: body.deliveryInfo } : {}),
    ...(body.location !== undefined ? { location: body.location } : {}),
  };
}

/** On a create, `category: null` is as good as missing (`Missing required fields`). */
export function toCreateInput(body: ProductBodyJson): ProductInput {
  const input = toProductInput(body);
  if (input.categoryId === null) {
    const { categoryId: _dropped, ...rest } = input;
    return rest;
  }
  return input;
}

// ---- listing --------------------------------------------------------------------------------

export const LIST_SORTS = [
  'price-asc',
  'price-desc',
  'newest',
  'rating',
  'popularity',
  // the original's Mongo-style spellings
  'price',
  '-price',
  '-createdAt',
  'popular',
  '-ratings.average',
] as const;
type ListSort = (typeof LIST_SORTS)[number];

export function toProductSort(sort: ListSort | undefined) {
  switch (sort) {
    case undefined:
    case '-createdAt':
      return 'newest' as const;
    case 'price':
      return 'price-asc' as const;
    case '-price':
      return 'price-desc' as const;
    case 'popular':
      return 'popularity' as const;
    case '-ratings.average':
      return 'rating' as const;
    default:
      return sort;
  }
}

const filterProps = {
  occasion: Type.Optional(OccasionSchema),
  flowerType: Type.Optional(FlowerTypeSchema),
  color: Type.Optional(ColorSchema),
  category: Type.Optional(CategoryKey),
  minPrice: Type.Optional(Amount),
  maxPrice: Type.Optional(Amount),
  inStock: Type.Optional(Type.Boolean()),
};

export const ListQuery = Type.Object(
  {
    ...filterProps,
    q: Type.Optional(Type.String({ maxLength: 100 })),
    search: Type.Optional(Type.String({ maxLength: 100, description: 'Alias of q' })),
    sort: Type.Optional(Type.Enum([...LIST_SORTS])),
    page: Type.Optional(PageNumber),
    limit: Type.Optional(PageSize(100)),
    fields: Type.Optional(FieldsParam),
    // Cursor pagination (adapters/http/cursor.ts).
    ...CursorQueryProps,
  },
  { additionalProperties: false },
);
export type ListQueryJson = Static<typeof ListQuery>;

export const SearchQuery = Type.Object(
  {
    ...filterProps,
    q: Type.Optional(Type.String({ maxLength: 100 })),
    sort: Type.Optional(Type.Enum(['price', 'price-desc', 'rating', 'popular', 'newest'])),
    fields: Type.Optional(FieldsParam),
  },
  { additionalProperties: false },
);

export const ShortListQuery = Type.Object(
  { limit: Type.Optional(PageSize(50)), fields: Type.Optional(FieldsParam) },
  { additionalProperties: false },
);

/** A short list's use-case input: the limit alone (`fields` is the adapter's). */
export function limitOf(q: { limit?: number }): { limit?: number } {
  return q.limit !== undefined ? { limit: q.limit } : {};
}

export function toFilters(q: {
  occasion?: Static<typeof OccasionSchema>;
  flowerType?: Static<typeof FlowerTypeSchema>;
  color?: Static<typeof ColorSchema>;
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  q?: string;
  search?: string;
}) {
  const text = q.q ?? q.search;
  return {
    ...(q.occasion !== undefined ? { occasion: q.occasion } : {}),
    ...(q.flowerType !== undefined ? { flowerType: q.flowerType } : {}),
    ...(q.color !== undefined ? { color: q.color } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.minPrice !== undefined ? { minPrice: fromMajor(q.minPrice) } : {}),
    ...(q.maxPrice !== undefined ? { maxPrice: fromMajor(q.maxPrice) } : {}),
    ...(q.inStock !== undefined ? { inStock: q.inStock } : {}),
    ...(text !== undefined ? { text } : {}),
  };
}

export const PaginationSchema = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
  next: Type.Optional(Type.Object({ page: Type.Integer(), limit: Type.Integer() })),
  prev: Type.Optional(Type.Object({ page: Type.Integer(), limit: Type.Integer() })),
});

/** A product with its category populated (absent category: the plain id or null). */
export function presentView(view: ProductView, extra?: { suggestionScore?: number }): ProductJson {
  return presentProduct(view.product, view.category, extra);
}

// ---- categories -----------------------------------------------------------------------------

const CategoryImageBody = Type.Object(
  {
    url: ImageUrl(),
    alt: Type.Optional(Text(300)),
  },
  { additionalProperties: false },
);

const categoryProps = {
  description: Type.Optional(Type.Union([LongText(2000), Type.Null()])),
  image: Type.Optional(Type.Union([CategoryImageBody, Type.Null()])),
  parentCategory: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  isActive: Type.Optional(Type.Boolean()),
  displayOrder: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
  seo: Type.Optional(
    Type.Object(
      {
        title: Type.Optional(Text(200)),
        description: Type.Optional(LongText(500)),
        slug: Type.Optional(Text(100)),
      },
      { additionalProperties: false },
    ),
  ),
};

export const CategoryCreateBody = Type.Object(
  { name: Text(500, { minLength: 1 }), ...categoryProps },
  { additionalProperties: false },
);
export const CategoryUpdateBody = Type.Object(
  { name: Type.Optional(Text(500, { minLength: 1 })), ...categoryProps },
  { additionalProperties: false, minProperties: 1 },
);

export function toCategoryInput(body: Static<typeof CategoryUpdateBody>): CategoryInput {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.image !== undefined ? { image: body.image } : {}),
    ...(body.parentCategory !== undefined
      ? { parentCategoryId: body.parentCategory === '' ? null : body.parentCategory }
      : {}),
    ...(body.isActive !== undefined ? { isActive: body.isActive } : {}),
    ...(body.displayOrder !== undefined ? { displayOrder: body.displayOrder } : {}),
    ...(body.seo !== undefined ? { seo: body.seo } : {}),
  };
}

export function presentCategoryView(view: CategoryView) {
  return presentCategory(view.category, view.parent);
}

/** How deep the tree answer nests (the schema is written out to this depth). */
export const TREE_DEPTH = 6;

function treeNodeSchema(depth: number): TSchema {
  return Type.Object({
    ...CategorySchema.properties,
    children:
      depth <= 1 ? Type.Array(Type.Object({}), { maxItems: 0 }) : Type.Array(treeNodeSchema(depth - 1)),
  });
}
export const CategoryTreeSchema = Type.Array(treeNodeSchema(TREE_DEPTH));

export interface CategoryTreeJson extends ReturnType<typeof presentCategory> {
  children: CategoryTreeJson[];
}

export function presentTree(
  nodes: readonly CategoryNode[],
  parent: CategoryNode['category'] | null = null,
  depth = TREE_DEPTH,
): CategoryTreeJson[] {
  return nodes.map((n) => ({
    ...presentCategory(n.category, parent),
    children: depth <= 1 ? [] : presentTree(n.children, n.category, depth - 1),
  }));
}

export const DeletedResponse = Type.Object({
  status: Type.Literal('success'),
  message: Type.Optional(Type.String()),
  data: Type.Null(),
});

/** A short product list answer (`{status, count, data: {products}}`, categories populated) and its schema. */
export const ProductListAnswer = success({ products: Type.Array(ProductSchema) }, { count: Type.Integer() });

/** The trimmed serializers of `ProductListAnswer` (one cache for every short product list). */
export const productListFields = fieldSerializers('short product list', (product) =>
  success({ products: Type.Array(product) }, { count: Type.Integer() }),
);

/** The answer, each product trimmed to `selection` (`fields`) when one was asked for. */
export function listAnswer(views: readonly ProductView[], selection?: FieldSelection) {
  return {
    status: 'success' as const,
    count: views.length,
    data: { products: views.map((v) => selectFields(presentView(v), selection)) },
  };
}

import type {
  DemoCatalogSource,
  DemoCategorySeed,
  DemoProductSeed,
} from '../../../application/catalog/ports.js';
import type { Color, FlowerType, Occasion } from '../../../domain/catalog/product.js';
import type { OptionInput } from '../../../domain/catalog/product-rules.js';
import { fromMajor } from '../../../domain/shared/money.js';

/**
 * The Amour Florals demo catalog (our own copy): what a fresh store shows until an admin adds
 * real products. Prices in rupees here, converted to minor units on the way in.
 */

const image = (seed: string, alt: string, isPrimary = false) => ({
  url: `https://picsum.photos/seed/amour-${seed}/800/800`,
  alt,
  isPrimary,
  variants: {
    thumbnail: `https://picsum.photos/seed/amour-${seed}/150/150`,
    medium: `https://picsum.photos/seed/amour-${seed}/400/400`,
    original: `https://picsum.photos/seed/amour-${seed}/1600/1600`,
  },
});

const SIZES: readonly OptionInput[] = [
  { name: 'standard', price: 0, description: 'As pictured' },
  { name: 'deluxe', price: fromMajor(500), description: 'About half as many stems again' },
  { name: 'grand', price: fromMajor(1200), description: 'Twice the stems, for a statement' },
];

const VASES: readonly OptionInput[] = [
  { name: 'default', price: 0, description: 'Kraft wrap and ribbon' },
  { name: 'premium', price: fromMajor(399), description: 'Clear glass cylinder vase' },
  { name: 'luxury', price: fromMajor(899), description: 'Hand-blown tinted glass vase' },
];

const CARE_CUT =
  'Trim 2 cm off the stems at an angle, use a clean vase with fresh water and the flower food ' +
  'provided, change the water every two days and keep away from direct sun and ripening fruit.';
const CARE_POT =
  'Water sparingly once a week, keep in bright indirect light away from draughts, and mist the ' +
  'leaves in dry weather. Remove faded blooms to encourage new ones.';
const DELIVERY =
  'Hand-delivered by our florists. Same-day delivery for orders placed before 2 pm in serviceable cities.';

const CATEGORIES: readonly DemoCategorySeed[] = [
  {
    input: {
      name: 'Bouquets',
      description: 'Hand-tied bouquets wrapped and ready to gift.',
      image: image('cat-bouquets', 'A hand-tied bouquet'),
      displayOrder: 1,
      seo: { title: 'Flower Bouquets', description: 'Hand-tied bouquets delivered fresh.' },
    },
  },
  {
    input: {
      name: 'Rose Collection',
      description: 'Our roses in every colour, from a single stem to a hundred.',
      image: image('cat-roses', 'Red roses'),
      displayOrder: 2,
      seo: { slug: 'roses', title: 'Roses', description: 'Fresh roses for every occasion.' },
    },
    parentSlug: 'bouquets',
  },
  {
    input: {
      name: 'Arrangements',
      description: 'Designed arrangements in vases, boxes and baskets.',
      image: image('cat-arrangements', 'A boxed arrangement'),
      displayOrder: 3,
    },
  },
  {
    input: {
      name: 'Orchids & Plants',
      description: 'Potted orchids and long-lasting living gifts.',
      image: image('cat-orchids', 'A white orchid'),
      displayOrder: 4,
    },
  },
  {
    input: {
      name: 'Wedding Flowers',
      description: 'Bridal bouquets, centrepieces and ceremony flowers.',
      image: image('cat-wedding', 'A bridal bouquet'),
      displayOrder: 5,
    },
  },
  {
    input: {
      name: 'Sympathy',
      description: 'Quiet, respectful flowers to send comfort.',
      image: image('cat-sympathy', 'White lilies'),
      displayOrder: 6,
    },
  },
  {
    input: {
      name: 'Seasonal Specials',
      description: 'What is best at the market this week, arranged by our florists.',
      image: image('cat-seasonal', 'Seasonal flowers'),
      displayOrder: 7,
    },
    parentSlug: 'bouquets',
  },
];

interface Spec {
  readonly name: string;
  readonly category: string;
  readonly price: number;
  readonly originalPrice?: number;
  readonly description: string;
  readonly flowerTypes: readonly FlowerType[];
  readonly occasions: readonly Occasion[];
  readonly colors: readonly Color[];
  readonly stock: number;
  readonly rating: readonly [number, number];
  readonly tags: readonly string[];
  readonly featured?: boolean;
  readonly popular?: boolean;
  readonly sold?: number;
  readonly potted?: boolean;
  readonly noOptions?: boolean;
  readonly unavailable?: boolean;
  /** A local florist's product: made and delivered from here (the "nearby" search). */
  readonly florist?: { readonly lat: number; readonly lng: number };
}

const SPECS: readonly Spec[] = [
  {
    name: 'Crimson Devotion',
    category: 'roses',
    price: 1499,
    originalPrice: 1799,
    description: 'Twelve long-stemmed red roses with eucalyptus, tied with satin ribbon.',
    flowerTypes: ['roses'],
    occasions: ['anniversary', 'just-because'],
    colors: ['red'],
    stock: 40,
    rating: [4.8, 126],
    tags: ['bestseller', 'romantic', 'classic'],
    featured: true,
    popular: true,
    sold: 310,
  },
  {
    name: 'Blush Whisper',
    category: 'roses',
    price: 1299,
    description: 'Soft pink garden roses with spray roses and silver dollar eucalyptus.',
    flowerTypes: ['roses'],
    occasions: ['birthday', 'congratulations'],
    colors: ['pink'],
    stock: 32,
    rating: [4.6, 58],
    tags: ['pastel', 'garden roses'],
    popular: true,
    sold: 142,
  },
  {
    name: 'Sunlit Yellow Roses',
    category: 'roses',
    price: 1199,
    description: 'A dozen bright yellow roses to say well done or simply brighten a day.',
    flowerTypes: ['roses'],
    occasions: ['congratulations', 'just-because'],
    colors: ['yellow'],
    stock: 25,
    rating: [4.4, 21],
    tags: ['friendship', 'cheerful'],
    sold: 60,
  },
  {
    name: 'Ivory Promise',
    category: 'roses',
    price: 1599,
    description: 'Creamy white avalanche roses with waxflower, elegant and understated.',
    flowerTypes: ['roses'],
    occasions: ['wedding', 'anniversary'],
    colors: ['white'],
    stock: 18,
    rating: [4.7, 33],
    tags: ['elegant', 'white flowers'],
    featured: true,
    sold: 75,
  },
  {
    name: 'Hundred Roses Grand Box',
    category: 'roses',
    price: 4999,
    originalPrice: 5999,
    description: 'One hundred red roses packed tightly in a round velvet hat box.',
    flowerTypes: ['roses'],
    occasions: ['anniversary'],
    colors: ['red'],
    stock: 4,
    rating: [4.9, 17],
    tags: ['luxury', 'grand gesture', 'hat box'],
    featured: true,
    sold: 22,
    noOptions: true,
  },
  {
    name: 'Lavender Dream Roses',
    category: 'roses',
    price: 1899,
    description: 'Rare lavender roses with purple statice and soft greenery.',
    flowerTypes: ['roses'],
    occasions: ['birthday', 'anniversary'],
    colors: ['purple'],
    stock: 12,
    rating: [4.5, 9],
    tags: ['rare', 'lavender'],
    sold: 18,
  },
  {
    name: 'Stargazer Lily Bouquet',
    category: 'bouquets',
    price: 1399,
    description: 'Fragrant pink stargazer lilies with leather leaf fern.',
    flowerTypes: ['lilies'],
    occasions: ['birthday', 'congratulations'],
    colors: ['pink'],
    stock: 22,
    rating: [4.5, 41],
    tags: ['fragrant', 'lilies'],
    popular: true,
    sold: 98,
  },
  {
    name: 'Pure White Lilies',
    category: 'sympathy',
    price: 1499,
    description: 'Oriental white lilies arranged simply, a gentle gesture of remembrance.',
    flowerTypes: ['lilies'],
    occasions: ['sympathy'],
    colors: ['white'],
    stock: 20,
    rating: [4.7, 27],
    tags: ['remembrance', 'white flowers'],
    sold: 54,
  },
  {
    name: 'Golden Lily Glow',
    category: 'bouquets',
    price: 1099,
    description: 'Yellow Asiatic lilies and solidago, sunny and long lasting.',
    flowerTypes: ['lilies'],
    occasions: ['just-because', 'congratulations'],
    colors: ['yellow'],
    stock: 15,
    rating: [4.2, 12],
    tags: ['sunny', 'long lasting'],
    sold: 30,
  },
  {
    name: 'Tulip Mélange',
    category: 'seasonal-specials',
    price: 1299,
    description: 'Twenty Dutch tulips in a mix of spring colours.',
    flowerTypes: ['tulips'],
    occasions: ['birthday', 'just-because'],
    colors: ['mixed'],
    stock: 30,
    rating: [4.6, 38],
    tags: ['spring', 'colourful', 'imported'],
    popular: true,
    sold: 120,
  },
  {
    name: 'Pink Tulip Parade',
    category: 'bouquets',
    price: 1199,
    description: 'Fifteen soft pink tulips wrapped in blush paper.',
    flowerTypes: ['tulips'],
    occasions: ['birthday'],
    colors: ['pink'],
    stock: 3,
    rating: [4.3, 8],
    tags: ['spring', 'pastel'],
    sold: 14,
  },
  {
    name: 'Purple Tulip Elegance',
    category: 'arrangements',
    price: 1699,
    description: 'Deep purple tulips arranged in a low ceramic bowl.',
    flowerTypes: ['tulips'],
    occasions: ['anniversary', 'congratulations'],
    colors: ['purple'],
    stock: 10,
    rating: [4.4, 6],
    tags: ['modern', 'tulips'],
    sold: 9,
  },
  {
    name: 'White Phalaenopsis Orchid',
    category: 'orchids-plants',
    price: 2499,
    description: 'A two-stem white moth orchid in a glazed ceramic pot; blooms for weeks.',
    flowerTypes: ['orchids'],
    occasions: ['congratulations', 'sympathy'],
    colors: ['white'],
    stock: 14,
    rating: [4.8, 44],
    tags: ['potted', 'long lasting', 'plant'],
    featured: true,
    popular: true,
    sold: 88,
    potted: true,
  },
  {
    name: 'Purple Dendrobium Spray',
    category: 'orchids-plants',
    price: 1799,
    description: 'Purple dendrobium orchid stems with monstera leaves, tropical and bold.',
    flowerTypes: ['orchids'],
    occasions: ['birthday', 'just-because'],
    colors: ['purple'],
    stock: 16,
    rating: [4.3, 11],
    tags: ['tropical', 'exotic'],
    sold: 26,
  },
  {
    name: 'Pink Cymbidium Pot',
    category: 'orchids-plants',
    price: 3299,
    description: 'A flowering pink cymbidium orchid in a woven basket.',
    flowerTypes: ['orchids'],
    occasions: ['anniversary', 'congratulations'],
    colors: ['pink'],
    stock: 6,
    rating: [4.6, 7],
    tags: ['potted', 'premium', 'plant'],
    sold: 11,
    potted: true,
  },
  {
    name: 'Peace Lily Planter',
    category: 'sympathy',
    price: 1599,
    description: 'A lush peace lily in a white planter, a living tribute that lasts.',
    flowerTypes: ['lilies'],
    occasions: ['sympathy'],
    colors: ['white'],
    stock: 9,
    rating: [4.5, 19],
    tags: ['potted', 'plant', 'remembrance'],
    sold: 35,
    potted: true,
  },
  {
    name: 'Garden Party Mix',
    category: 'bouquets',
    price: 1399,
    originalPrice: 1599,
    description: 'Roses, alstroemeria, carnations and chrysanthemums in cheerful colours.',
    flowerTypes: ['mixed'],
    occasions: ['birthday', 'just-because'],
    colors: ['mixed'],
    stock: 35,
    rating: [4.4, 64],
    tags: ['colourful', 'value'],
    popular: true,
    sold: 205,
  },
  {
    name: 'Rainbow Celebration Basket',
    category: 'arrangements',
    price: 2299,
    description: 'A wicker basket brimming with gerberas, roses and lilies in every colour.',
    flowerTypes: ['mixed'],
    occasions: ['congratulations', 'birthday'],
    colors: ['mixed'],
    stock: 12,
    rating: [4.6, 23],
    tags: ['basket', 'celebration'],
    featured: true,
    sold: 47,
  },
  {
    name: 'Serene White Tribute',
    category: 'sympathy',
    price: 2999,
    description: 'A standing arrangement of white roses, lilies and chrysanthemums.',
    flowerTypes: ['mixed'],
    occasions: ['sympathy'],
    colors: ['white'],
    stock: 8,
    rating: [4.8, 14],
    tags: ['tribute', 'funeral', 'white flowers'],
    sold: 20,
  },
  {
    name: 'Monsoon Market Bunch',
    category: 'seasonal-specials',
    price: 899,
    description: "Our florists' pick of the week's freshest seasonal blooms.",
    flowerTypes: ['seasonal'],
    occasions: ['just-because'],
    colors: ['mixed'],
    stock: 50,
    rating: [4.1, 30],
    tags: ['seasonal', 'value', 'surprise'],
    sold: 160,
    florist: { lat: 19.0596, lng: 72.8295 }, // a Bandra florist, Mumbai
  },
  {
    name: 'Marigold Festive Garland Box',
    category: 'seasonal-specials',
    price: 999,
    description: 'Orange and yellow marigolds with mango leaves, ready for the festive season.',
    flowerTypes: ['seasonal'],
    occasions: ['congratulations', 'wedding'],
    colors: ['yellow'],
    stock: 0,
    rating: [4.2, 15],
    tags: ['festive', 'marigold', 'traditional'],
    sold: 64,
    florist: { lat: 12.9784, lng: 77.6408 }, // an Indiranagar florist, Bangalore
  },
  {
    name: 'Sunflower Smiles',
    category: 'seasonal-specials',
    price: 1099,
    description: 'Five big sunflowers with wheat stems and craspedia.',
    flowerTypes: ['seasonal'],
    occasions: ['birthday', 'congratulations'],
    colors: ['yellow'],
    stock: 20,
    rating: [4.5, 36],
    tags: ['sunflower', 'cheerful'],
    popular: true,
    sold: 110,
    florist: { lat: 26.8467, lng: 80.9462 }, // a Lucknow florist, beyond the shop's own cities
  },
  {
    name: 'Bridal Cascade',
    category: 'wedding-flowers',
    price: 4499,
    description: 'A trailing bridal bouquet of white roses, orchids and jasmine.',
    flowerTypes: ['roses', 'orchids'],
    occasions: ['wedding'],
    colors: ['white'],
    stock: 5,
    rating: [5, 6],
    tags: ['bridal', 'cascade', 'made to order'],
    featured: true,
    sold: 8,
    noOptions: true,
  },
  {
    name: 'Blush Bridesmaid Posy',
    category: 'wedding-flowers',
    price: 1799,
    description: 'A compact posy of blush spray roses and lisianthus for the bridal party.',
    flowerTypes: ['roses', 'mixed'],
    occasions: ['wedding'],
    colors: ['pink'],
    stock: 24,
    rating: [4.7, 10],
    tags: ['bridesmaid', 'posy'],
    sold: 40,
  },
  {
    name: 'Reception Centrepiece',
    category: 'wedding-flowers',
    price: 3499,
    description: 'A low, lush table centrepiece of roses, hydrangea and trailing greenery.',
    flowerTypes: ['mixed'],
    occasions: ['wedding', 'anniversary'],
    colors: ['mixed'],
    stock: 10,
    rating: [4.6, 5],
    tags: ['centrepiece', 'event'],
    sold: 12,
  },
  {
    name: 'Scarlet Heart Box',
    category: 'arrangements',
    price: 2799,
    originalPrice: 3199,
    description: 'Red roses set in a heart-shaped keepsake box.',
    flowerTypes: ['roses'],
    occasions: ['anniversary', 'just-because'],
    colors: ['red'],
    stock: 2,
    rating: [4.7, 52],
    tags: ['heart', 'keepsake', 'romantic'],
    popular: true,
    sold: 130,
  },
  {
    name: 'Mixed Orchid Ikebana',
    category: 'arrangements',
    price: 2599,
    description: 'A Japanese-inspired arrangement of orchids and branches in a stone vessel.',
    flowerTypes: ['orchids', 'mixed'],
    occasions: ['congratulations'],
    colors: ['mixed'],
    stock: 7,
    rating: [4.4, 4],
    tags: ['ikebana', 'modern'],
    sold: 6,
  },
  {
    name: 'Birthday Balloon Bouquet',
    category: 'bouquets',
    price: 1599,
    description: 'Gerberas and roses in bright colours with a "Happy Birthday" balloon.',
    flowerTypes: ['mixed'],
    occasions: ['birthday'],
    colors: ['mixed'],
    stock: 28,
    rating: [4.3, 47],
    tags: ['balloon', 'birthday', 'kids'],
    sold: 150,
  },
  {
    name: 'Red Carnation Cheer',
    category: 'bouquets',
    price: 949,
    description: 'Twenty red carnations, a long-lasting and cheerful classic.',
    flowerTypes: ['seasonal'],
    occasions: ['just-because', 'birthday'],
    colors: ['red'],
    stock: 45,
    rating: [4.0, 18],
    tags: ['carnations', 'value', 'long lasting'],
    sold: 80,
  },
  {
    name: 'Sweet Sixteen Pink Roses',
    category: 'roses',
    price: 1349,
    description: 'Sixteen pink roses with baby’s breath for a milestone birthday.',
    flowerTypes: ['roses'],
    occasions: ['birthday'],
    colors: ['pink'],
    stock: 19,
    rating: [4.5, 13],
    tags: ['milestone', 'pink'],
    sold: 33,
  },
  {
    name: 'Anniversary Orchid & Rose Duo',
    category: 'arrangements',
    price: 3199,
    description: 'Red roses and white orchids in a tall glass vase with a handwritten card.',
    flowerTypes: ['roses', 'orchids'],
    occasions: ['anniversary'],
    colors: ['red', 'white'],
    stock: 9,
    rating: [4.9, 22],
    tags: ['premium', 'romantic'],
    featured: true,
    sold: 27,
  },
  {
    name: 'Violet Velvet Lilies',
    category: 'bouquets',
    price: 1499,
    description: 'Purple calla lilies with dusty miller, moody and modern.',
    flowerTypes: ['lilies'],
    occasions: ['anniversary', 'just-because'],
    colors: ['purple'],
    stock: 11,
    rating: [4.2, 3],
    tags: ['calla', 'modern'],
    sold: 5,
  },
  {
    name: 'Get Well Sunshine',
    category: 'seasonal-specials',
    price: 1049,
    description: 'Yellow gerberas, daisies and a little bear to wish a speedy recovery.',
    flowerTypes: ['seasonal', 'mixed'],
    occasions: ['just-because'],
    colors: ['yellow', 'mixed'],
    stock: 17,
    rating: [4.1, 7],
    tags: ['get well', 'teddy'],
    sold: 19,
    unavailable: true,
  },
  {
    name: 'Graduation Bloom Box',
    category: 'arrangements',
    price: 1899,
    description: 'Roses and lilies in a gift box with a congratulations card.',
    flowerTypes: ['mixed'],
    occasions: ['congratulations'],
    colors: ['mixed'],
    stock: 13,
    rating: [4.4, 12],
    tags: ['graduation', 'gift box'],
    sold: 24,
  },
];

function toSeed(s: Spec, index: number): DemoProductSeed {
  const slug = s.name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return {
    categorySlug: s.category,
    input: {
      name: s.name,
      description: s.description,
      price: fromMajor(s.price),
      ...(s.originalPrice !== undefined ? { originalPrice: fromMajor(s.originalPrice) } : {}),
      images: [image(slug, s.name, true), image(`${slug}-detail`, `${s.name}, close up`)],
      occasions: s.occasions,
      flowerTypes: s.flowerTypes,
      colors: s.colors,
      sizes: s.noOptions ? [] : SIZES,
      vases: s.noOptions || s.potted ? [] : VASES,
      inventory: {
        stock: s.stock,
        lowStockThreshold: index % 2 === 0 ? 5 : 10,
        isAvailable: !s.unavailable,
      },
      ratings: { average: s.rating[0], count: s.rating[1] },
      tags: s.tags,
      isFeatured: s.featured ?? false,
      isPopular: s.popular ?? false,
      seo: {
        title: `${s.name} | Amour Florals`,
        description: s.description,
        keywords: [...s.flowerTypes, ...s.occasions, ...s.tags.slice(0, 2), 'flower delivery'],
      },
      careInstructions: s.potted ? CARE_POT : CARE_CUT,
      deliveryInfo: DELIVERY,
      salesCount: s.sold ?? 0,
      ...(s.florist !== undefined ? { location: s.florist } : {}),
    },
  };
}

export const DEMO_CATEGORIES: readonly DemoCategorySeed[] = CATEGORIES;
export const DEMO_PRODUCTS: readonly DemoProductSeed[] = SPECS.map(toSeed);

export class StaticDemoCatalog implements DemoCatalogSource {
  categories(): readonly DemoCategorySeed[] {
    return DEMO_CATEGORIES;
  }

  products(): readonly DemoProductSeed[] {
    return DEMO_PRODUCTS;
  }
}

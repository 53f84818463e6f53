import type { Severity } from '../../src/model/severity.js';

const DOCS = 'https://developer.chrome.com/docs/lighthouse/performance';

/**
 * Every rule of the pages scanner, in one table. Ids are Lighthouse's audit ids where one
 * exists, so users find them in the Lighthouse report and its documentation.
 */
export const PAGES_CHECKS = {
  'performance-score': {
    title: 'Lighthouse performance score below budget',
    severity: 'medium',
    remediation: 'Work through the failing metrics and opportunities in the Lighthouse report of this page; the score weighs FCP, LCP, TBT, CLS and Speed Index.',
    references: ['https://developer.chrome.com/docs/lighthouse/performance/performance-scoring'],
  },
  'largest-contentful-paint': {
    title: 'Largest Contentful Paint over budget',
    severity: 'medium',
    remediation: 'Serve the largest element (usually the hero image or heading) sooner: compress and resize it, preload it, cut render-blocking CSS and JavaScript, and answer the document faster.',
    references: [`${DOCS}/lighthouse-largest-contentful-paint`, 'https://web.dev/articles/optimize-lcp'],
  },
  'total-byte-weight': {
    title: 'Page weight over budget',
    severity: 'medium',
    remediation: 'Send fewer bytes: compress and resize images, serve modern formats, drop unused JavaScript and CSS, and load below-the-fold content lazily.',
    references: [`${DOCS}/total-byte-weight`],
  },
  'uses-optimized-images': {
    title: 'Images not efficiently encoded',
    severity: 'low',
    remediation: 'Re-encode JPEG and BMP images at a sensible quality (e.g. 85) and strip metadata, in the build or at the CDN (image optimisation).',
    references: [`${DOCS}/uses-optimized-images`],
  },
  'modern-image-formats': {
    title: 'Images in legacy formats',
    severity: 'low',
    remediation: 'Serve WebP or AVIF (with <picture> or content negotiation at the CDN) instead of JPEG, PNG or BMP.',
    references: [`${DOCS}/uses-webp-images`],
  },
  'uses-responsive-images': {
    title: 'Images larger than displayed',
    severity: 'low',
    remediation: 'Serve images at the size they are displayed: srcset/sizes, or a resizing CDN.',
    references: [`${DOCS}/uses-responsive-images`],
  },
  'efficient-animated-content': {
    title: 'Animated GIFs instead of video',
    severity: 'low',
    remediation: 'Replace large animated GIFs with MPEG4 or WebM video.',
    references: [`${DOCS}/efficient-animated-content`],
  },
  'uses-long-cache-ttl': {
    title: 'Static assets with a short cache lifetime',
    severity: 'low',
    remediation: 'Give static assets (scripts, styles, images, fonts) a long Cache-Control max-age, e.g. `public, max-age=31536000, immutable` with fingerprinted file names, at the origin or the CDN.',
    references: [`${DOCS}/uses-long-cache-ttl`],
  },
  'uses-text-compression': {
    title: 'Text resources served without compression',
    severity: 'low',
    remediation: 'Serve HTML, JavaScript, CSS, JSON and SVG with gzip or Brotli (Content-Encoding), at the origin or the CDN.',
    references: [`${DOCS}/uses-text-compression`],
  },
  'timing-budget': {
    title: 'Timing budget exceeded',
    severity: 'medium',
    remediation: 'Bring the listed metrics under their LightWallet timing budgets; see the Lighthouse report of this page for what delays them.',
    references: ['https://web.dev/articles/use-lighthouse-for-performance-budgets'],
  },
  'performance-budget': {
    title: 'Resource budget exceeded',
    severity: 'medium',
    remediation: 'Bring the listed resource types under their LightWallet size and request-count budgets.',
    references: ['https://web.dev/articles/use-lighthouse-for-performance-budgets'],
  },
} as const satisfies Record<string, { title: string; severity: Severity; remediation: string; references: readonly string[] }>;

export type PagesRuleId = keyof typeof PAGES_CHECKS;
export const PAGES_RULE_IDS = Object.keys(PAGES_CHECKS) as PagesRuleId[];

/** The Lighthouse audits read as savings opportunities, with the budget key that overrides their pass mark. */
export const SAVINGS_AUDITS = [
  { id: 'uses-optimized-images', key: 'imageSavingsBytes' },
  { id: 'modern-image-formats', key: 'imageSavingsBytes' },
  { id: 'uses-responsive-images', key: 'imageSavingsBytes' },
  { id: 'efficient-animated-content', key: 'imageSavingsBytes' },
  { id: 'uses-text-compression', key: 'textCompressionSavingsBytes' },
] as const;

export { findChromium } from './chromium.js';
export { createPagesScanner, PagesScanner } from './pages-scanner.js';
export { loadPagesBudget, parsePagesBudget, type PagesBudget } from './budget.js';
export { PAGES_CHECKS, type PagesRuleId } from './checks.js';

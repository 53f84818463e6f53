/**
 * The passive (baseline) rules of vigil's embedded engine, with ZAP's plugin ids. Each reads an
 * exchange and returns alerts; site-wide and per-cookie problems are reported once through the
 * shared `ctx.seen`.
 */
import type { PassiveRule } from '../types.js';
import { COOKIE_RULES } from './cookies.js';
import { cspWeak } from './csp.js';
import { DISCLOSURE_RULES } from './disclosure.js';
import { HEADER_RULES } from './headers.js';
import { HTML_CONTENT_RULES } from './html-content.js';
import { vulnerableJsLibrary } from './js-libraries.js';

export const PASSIVE_RULES: PassiveRule[] = [...HEADER_RULES, cspWeak, ...COOKIE_RULES, ...DISCLOSURE_RULES, ...HTML_CONTENT_RULES, vulnerableJsLibrary];

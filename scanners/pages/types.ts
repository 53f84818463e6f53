/** The parts of a Lighthouse 12 audit result the pages scanner reads. */
export interface LhrAudit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
  numericValue?: number;
  displayValue?: string;
  errorMessage?: string;
  details?: {
    type?: string;
    overallSavingsBytes?: number;
    items?: Record<string, unknown>[];
  };
}

/** The parts of a Lighthouse 12 result (LHR) the pages scanner reads. */
export interface PagesLhr {
  lighthouseVersion: string;
  requestedUrl?: string;
  finalDisplayedUrl: string;
  runtimeError?: { code: string; message: string };
  runWarnings: string[];
  audits: Record<string, LhrAudit | undefined>;
  categories: { performance?: { score: number | null } };
  configSettings: { formFactor: string; throttlingMethod: string };
}

/** Options of the `pages` scanner (config `scanners: { pages: {…} }` or CLI flags). */
export interface PagesOptions {
  /** A budget file (YAML or JSON): vigil's format or a LightWallet budget.json. */
  budget?: string;
  /** More pages on the target's origin, besides those of the budget file. */
  pages?: string[];
  /** Lighthouse's mobile defaults, or its desktop preset. */
  preset?: 'mobile' | 'desktop';
  /** Lighthouse's throttlingMethod: simulate (default), devtools or provided. */
  throttlingMethod?: 'simulate' | 'devtools' | 'provided';
  /** Longest one page may take, ms (default 90000). */
  timeoutMs?: number;
  /** The Chromium binary (default CHROME_PATH, then /usr/bin/chromium). */
  chromePath?: string;
}

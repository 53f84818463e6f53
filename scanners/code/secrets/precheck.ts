/**
 * The cheap part of the secrets pass. Most files hold nothing token-like; a pass of three regular
 * expressions tells which, and secretlint runs only on the rest, and only the rules that could fire.
 * Each anchor is implied by what a rule matches (a superset, never a guess), so skipping a file or a
 * rule on the pre-check never loses a hit.
 *
 * Long lines (minified bundles) are cut down to windows around their anchors, so a 5 MB line costs
 * what its few candidates cost rather than every rule's pass over 5 MB.
 */
import { NAME_REACH } from './rules/high-entropy.js';

/** Case-sensitive anchors, one per rule family (rule in the comment). */
const ANCHORS = new RegExp(
  [
    'PRIVATE KEY', // privatekey; gcp (a key file holds one); vigil/compact-private-key
    '(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}', // aws: access key ids
    '[Ss][Ee][Cc][Rr][Ee][Tt]_?[Aa][Cc][Cc][Ee][Ss][Ss]_?[Kk][Ee][Yy]', // aws: secret access keys
    'x-oauth-basic@', // npm: GitHub token in package.json
    '_authToken=', // npm: .npmrc
    'npm_[A-Za-z0-9_]{36}', // npm: access tokens
    ':\\/\\/[^:/\\s]{1,256}:[^@/\\s]{1,256}@', // basicauth; database-connection-string
    'xox[bpaor]-', // slack tokens
    'xapp-', // slack app tokens
    'SG\\.\\w', // sendgrid
    'shp(?:pa|ca|at|ss)_', // shopify
    'gh[pousr]_', // github classic
    'github_pat_', // github fine-grained
    'T3BlbkFJ', // openai (the base64 of "OpenAI" every key carries)
    'sk-ant-api0', // anthropic
    'lin_api_', // linear
    'ops_ey', // 1password
    // vigil/supabase-service-role-key: a JWT's payload starts `.eyJ`. A pattern from the header's `eyJ`
    // would rescan a long base64url run from every `eyJ` in it.
    '\\.eyJ',
    'sb_secret_', // vigil/supabase-service-role-key: secret keys
    '[sr]k_(?:live|test)_', // vigil/stripe-secret-key
    'gl(?:pat|dt|rt|ptt)-', // vigil/gitlab-token
    'discord(?:app)?\\.com\\/api\\/webhooks\\/', // vigil/discord-webhook
    '(?:Account|SharedAccess)Key=', // vigil/azure-shared-key
  ].join('|'),
  'g',
);

/** Slack's webhook rule ignores case. */
const ANCHORS_SLACK_HOOK = /hooks\.slack\.com/gi;

/**
 * vigil/high-entropy-secret needs a secret word, an assignment within NAME_REACH of it, and 20
 * characters after. The rest of the name is taken atomically (a lookahead's capture, then the
 * capture): the rule takes all of it too, and backtracking into it made `authauthauth…` quadratic.
 */
const ANCHORS_NAME = new RegExp(
  `(?:passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)(?=([\\w$.-]{0,${NAME_REACH}}))\\1["'\`]?[ \\t]{0,16}(?::=|=>|=|:)[ \\t]{0,16}\\S{20}`,
  'gi',
);

/** Which kinds of rule could report anything in a text. */
export interface Candidates {
  /** Something a token-format rule (the preset's, or vigil's Supabase and format rules) could match. */
  tokens: boolean;
  /** A secret-like name assigned a value: the entropy rule's ground. */
  names: boolean;
}

/** What the text holds that some rule could report; both false means nothing can be found. */
export function candidates(text: string): Candidates {
  return { tokens: test(ANCHORS, text) || test(ANCHORS_SLACK_HOOK, text), names: test(ANCHORS_NAME, text) };
}

function test(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  const found = re.test(text);
  re.lastIndex = 0;
  return found;
}

/** Text before an anchor a window keeps: the longest lead-in a rule reads (an OpenAI key's 82 characters before its marker, a URL's scheme and user). */
const BEFORE = 512;
/** Text after an anchor a window keeps: the longest token a rule reads (a 1Password token, up to 1,300). */
const AFTER = 1536;
/** A PEM body may run to 10,000 characters (the privatekey rule's bound) before its END line. */
const AFTER_PEM = 10_400;

/** What secretlint reads instead of the file, and how to map its offsets back. */
export interface ScanText {
  content: string;
  /** Offset in `content` → offset in the original text. */
  toOriginal(offset: number): number;
  /** True when some lines were cut to windows. */
  windowed: boolean;
}

interface Segment {
  /** Start in the scan text. */
  at: number;
  /** Start and end in the original text. */
  start: number;
  end: number;
}

/**
 * The text secretlint should read: the text itself when no line exceeds `maxLineLength`; otherwise
 * the short lines as they are and, of each long line, only windows around its anchors, joined by
 * newlines so no token runs from one window into the next.
 */
export function scanText(text: string, maxLineLength: number): ScanText {
  const long: [number, number][] = [];
  for (let s = 0; s <= text.length; ) {
    const nl = text.indexOf('\n', s);
    const e = nl < 0 ? text.length : nl;
    if (e - s > maxLineLength) long.push([s, e]);
    if (nl < 0) break;
    s = nl + 1;
  }
  if (long.length === 0) return { content: text, toOriginal: (o) => o, windowed: false };

  const ranges: [number, number][] = [];
  let cursor = 0;
  for (const [ls, le] of long) {
    if (ls > cursor) ranges.push([cursor, trimNewline(text, cursor, ls)]);
    ranges.push(...windows(text, ls, le));
    cursor = le + 1;
  }
  if (cursor < text.length) ranges.push([cursor, text.length]);

  const segments: Segment[] = [];
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= start) continue;
    if (parts.length) {
      parts.push('\n');
      at += 1;
    }
    segments.push({ at, start, end });
    parts.push(text.slice(start, end));
    at += end - start;
  }
  return {
    content: parts.join(''),
    windowed: true,
    toOriginal(offset) {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid]!.at <= offset) lo = mid;
        else hi = mid - 1;
      }
      const seg = segments[lo];
      return seg ? Math.min(seg.start + (offset - seg.at), seg.end) : offset;
    },
  };
}

/** The end of a run of short lines, without the newline that ends the last one (the join puts it back). */
function trimNewline(text: string, start: number, lineStart: number): number {
  let e = lineStart;
  if (e > start && text[e - 1] === '\n') e--;
  return e;
}

/** Merged windows around the anchors of one long line [ls, le). */
function windows(text: string, ls: number, le: number): [number, number][] {
  const out: [number, number][] = [];
  const add = (s: number, e: number) => {
    const ws = Math.max(ls, s - BEFORE);
    const we = Math.min(le, e);
    const last = out[out.length - 1];
    if (last && ws <= last[1]) last[1] = Math.max(last[1], we);
    else out.push([ws, we]);
  };
  // Both sets of anchors, in order of position, so windows merge as they come.
  const hits: [number, number][] = [];
  // Searching a copy of the line keeps each search inside it: the regexes would run on to the end of the text.
  const line = text.slice(ls, le);
  for (const re of [ANCHORS, ANCHORS_SLACK_HOOK, ANCHORS_NAME]) {
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      hits.push([ls + m.index, ls + m.index + m[0].length + (m[0] === 'PRIVATE KEY' ? AFTER_PEM : AFTER)]);
      if (re.lastIndex === m.index) re.lastIndex++;
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  for (const [s, e] of hits) add(s, e);
  return out;
}

/** What a retention period says, as far as a check needs it. */
export type RetentionVerdict = { kind: 'missing' } | { kind: 'indefinite'; why: string } | { kind: 'defined' };

// Words that mean "kept without end" (fideslang 1.x's default dataset retention was
// "No retention or erasure policy"). Matched as substrings of the lower-cased text: no regex runs
// on the file's text.
const INDEFINITE_PHRASES = ['indefinite', 'forever', 'permanent', 'perpetual', 'unlimited', 'no retention', 'no limit', 'no erasure', 'not defined', 'undefined', 'never delete', 'never deleted', 'never erased', 'in perpetuity'];
const EMPTY_WORDS = new Set(['none', 'n/a', 'na', 'tbd', 'tbc', 'unknown', '-', '?', 'todo']);

/** Whether `text` defines a retention period (GDPR Art. 5(1)(e), CCPA 1798.100(a)(3)). */
export function retentionVerdict(text: string | undefined): RetentionVerdict {
  const t = (text ?? '').trim().toLowerCase();
  if (!t || EMPTY_WORDS.has(t)) return { kind: 'missing' };
  const phrase = INDEFINITE_PHRASES.find((p) => t.includes(p));
  return phrase ? { kind: 'indefinite', why: phrase } : { kind: 'defined' };
}

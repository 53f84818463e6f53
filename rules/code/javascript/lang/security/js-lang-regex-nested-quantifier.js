// ruleid: js-lang-regex-nested-quantifier
const EMAIL_RE = /^([a-zA-Z0-9]+[._-]?)*@[a-z0-9-]+\.[a-z]+$/;

function isSlug(input) {
  // ruleid: js-lang-regex-nested-quantifier
  return /^(\w+-?)*$/.test(input);
}

const orderSchema = {
  type: 'object',
  properties: {
    // ruleid: js-lang-regex-nested-quantifier
    code: { type: 'string', pattern: '^(\\d+)*$' },
  },
};

function hasTrailingCsv(line) {
  // ruleid: js-lang-regex-nested-quantifier
  return line.search(new RegExp('(.*,){12}x')) >= 0;
}

// ok: js-lang-regex-nested-quantifier
const VERSION_RE = /^(\d+\.)+\d+$/;

// ok: js-lang-regex-nested-quantifier
const IPV4_RE = /^(\d{1,3}\.){3}\d{1,3}$/;

function words(text) {
  // ok: js-lang-regex-nested-quantifier
  return text.trim().split(/\s+/);
}

function isSlugSafe(input) {
  // ok: js-lang-regex-nested-quantifier
  return input.length <= 100 && /^\w+(-\w+)*$/.test(input);
}

module.exports = { EMAIL_RE, isSlug, orderSchema, hasTrailingCsv, VERSION_RE, IPV4_RE, words, isSlugSafe };

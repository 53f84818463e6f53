function calculate(expression) {
  // ruleid: js-lang-eval-non-literal
  return eval(expression);
}

function compileFilter(field, op, value) {
  // ruleid: js-lang-eval-non-literal
  return new Function('row', `return row.${field} ${op} ${JSON.stringify(value)};`);
}

function legacyParse(text) {
  // ruleid: js-lang-eval-non-literal
  return eval('(' + text + ')');
}

function parse(text) {
  // ok: js-lang-eval-non-literal
  return JSON.parse(text);
}

// ok: js-lang-eval-non-literal
const add = new Function('a', 'b', 'return a + b');

const OPERATIONS = { '+': (a, b) => a + b, '-': (a, b) => a - b };

function apply(op, a, b) {
  // ok: js-lang-eval-non-literal
  return OPERATIONS[op](a, b);
}

module.exports = { calculate, compileFilter, legacyParse, parse, add, apply };

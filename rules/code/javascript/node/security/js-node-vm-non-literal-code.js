const vm = require('vm');

function evaluateFormula(formula, row) {
  // ruleid: js-node-vm-non-literal-code
  return vm.runInNewContext(formula, { row, Math });
}

function loadPlugin(source) {
  // ruleid: js-node-vm-non-literal-code
  const script = new vm.Script(source, { filename: 'plugin.js' });
  return script.runInThisContext();
}

function evaluateExpression(expression) {
  // ruleid: js-node-vm-non-literal-code
  return vm.runInThisContext('(' + expression + ')');
}

function lineTotal(row) {
  // ok: js-node-vm-non-literal-code
  return vm.runInNewContext('row.price * row.qty', { row });
}

const precompiled = new vm.Script('total = price * qty');

function runPrecompiled(price, qty) {
  const sandbox = { price, qty, total: 0 };
  // ok: js-node-vm-non-literal-code
  precompiled.runInNewContext(sandbox);
  return sandbox.total;
}

module.exports = { evaluateFormula, loadPlugin, evaluateExpression, lineTotal, runPrecompiled };

// an arrow pattern matches every function form (Semgrep's arrow_is_function)
// ruleid: fn-equiv
const a = (x, y) => x + y;
// ruleid: fn-equiv
function b(x, y) { return x; }
// ruleid: fn-equiv
const c = function (x, y) { return y; };
// ok: fn-equiv
const d = (x) => x;
class K {
  // ruleid: fn-equiv
  m(x, y) {}
}
// a named function pattern matches declarations, named expressions and methods
// ruleid: fn-equiv
function render(el) {
  el.innerHTML = html;
}
class View {
  // ruleid: fn-equiv
  show(node) {
    node.innerHTML = html;
  }
}
// ok: fn-equiv
const e = (el) => { el.innerHTML = html; };

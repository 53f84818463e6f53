// ruleid: fn-pattern
function a(x) {
  eval(x);
}
// ruleid: fn-pattern
const b = (y) => {
  eval(y);
};
// ok: fn-pattern
function c(x) {
  return x;
}

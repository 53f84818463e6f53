function a(input) {
  // ruleid: nonlit-regexp
  return new RegExp(input);
}
function b(re) {
  // ok: nonlit-regexp
  const r = new RegExp(/ab+c/gi);
  // ok: nonlit-regexp
  const s = RegExp('abc', 'g');
  return [r, s];
}
function c(x) {
  // ruleid: nonlit-regexp
  return RegExp(x, 'i');
}
// ruleid: regex-literal
s.replace(/a+/g, '');
// ruleid: regex-literal
s.replace(/b/, 'c');
// ok: regex-literal
s.replace('b', 'c');

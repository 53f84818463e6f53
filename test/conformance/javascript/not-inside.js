function a(p) {
  // ruleid: not-inside
  fs.open(p, 'r');
}
function b(p) {
  if (check(p)) {
    const g = () => {
      // ok: not-inside
      fs.open(p, 'r');
    };
  }
}
function c(p) {
  check(p);
  if (x) {
    // ok: not-inside
    fs.open(p, 'r');
  }
}

function a(res, v) {
  // ruleid: not-inside-seq
  res.send(v);
}
function b(res, v) {
  v = sanitize(v);
  if (ready) {
    // ok: not-inside-seq
    res.send(v);
  }
  const later = () => {
    // ok: not-inside-seq
    res.send(v);
  };
}
function c(res, v) {
  if (isSafe(v)) {
    [1].forEach(() => {
      // ok: not-inside-seq
      res.send(v);
    });
  }
  // ruleid: not-inside-seq
  res.send(v);
}

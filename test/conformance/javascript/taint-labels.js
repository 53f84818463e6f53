function a(req) {
  const raw = req.query.code;
  // ok: taint-labels
  eval(raw);
  const decoded = decodeURIComponent(raw);
  // ruleid: taint-labels
  eval(decoded);
  const other = decodeURIComponent("x%20y");
  // ok: taint-labels
  eval(other);
}

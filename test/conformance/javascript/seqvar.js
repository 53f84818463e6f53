function h(req) {
  // ruleid: seqvar
  const code = req.query.c;
  log(code);
  eval(code);
}
function k(req) {
  // ok: seqvar
  const code = req.query.c;
  eval(other);
}

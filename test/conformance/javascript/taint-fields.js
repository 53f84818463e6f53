function f(req) {
  const o = {};
  o.a = req.query.x;
  o.b = 'safe';
  // ruleid: taint-fields
  sink(o.a);
  // ok: taint-fields
  sink(o.b);
  // ruleid: taint-fields
  sink(o);
  this.t = req.query.y;
  // ruleid: taint-fields
  sink(this.t);
  // ok: taint-fields
  sink(this.other);
}

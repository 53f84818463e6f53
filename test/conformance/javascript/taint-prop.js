function h(req) {
  const a = req.body.name.trim();
  // ruleid: taint-prop
  db.query(a);
  const o = { ...req.body };
  // ruleid: taint-prop
  db.query(o.sql);
  const [first] = req.body.list;
  // ruleid: taint-prop
  db.query(first);
  const t = req.body.x || "default";
  // ruleid: taint-prop
  db.query(t);
  const c = flag ? req.body.y : "z";
  // ruleid: taint-prop
  db.query(c);
  const parsed = JSON.parse(req.body.raw);
  // ruleid: taint-prop
  db.query(parsed.q);
  const e = escape(req.body.q);
  // ok: taint-prop
  db.query(e);
  let s = "select";
  s += req.body.where;
  // ruleid: taint-prop
  db.query(s);
  let clean = req.body.v;
  clean = "fixed";
  // ok: taint-prop
  db.query(clean);
  // ok: taint-prop
  db.query("select 1", [req.body.id]);
}

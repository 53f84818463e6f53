// ruleid: deep-expr
db.query("select * from t where a = " + req.body.a);
// ruleid: deep-expr
db.query(format("x %s", trim(req.body.b)));
// ok: deep-expr
db.query("select 1", [req.body.c]);

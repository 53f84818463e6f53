function handler(req, res) {
  // ruleid: taint-exact, taint-inexact
  db.query("SELECT * FROM t WHERE id = " + req.query.id);
  // an exact sink is reached through the call's arguments, not a callback's body
  // ok: taint-exact
  // ruleid: taint-inexact
  db.query("SELECT 1", function (err, rows) {
    res.send(req.query.name);
  });
  // ok: taint-exact, taint-inexact
  db.query("SELECT 2");
}

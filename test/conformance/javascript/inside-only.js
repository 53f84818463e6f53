app.get('/a', function (req, res) {
  // ruleid: inside-only
  res.send(req.query.name);
  // ruleid: inside-only
  res.write(req.query.q);
  // ok: inside-only
  res.send('hi');
});
// ok: inside-only
res.send(req.query.name);

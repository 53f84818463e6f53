app.get('/go', (req, res) => {
  const to = req.query.to;
  // ruleid: taint-param
  res.redirect(to);
  // ok: taint-param
  res.redirect('/home');
});

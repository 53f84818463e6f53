function a(res, u) {
  if (isAllowed(u) && ok) {
    // ok: notinif
    res.redirect(u);
  }
  // ruleid: notinif
  res.redirect(u);
  // ok: notinif
  res.redirect("/home");
}

res.cookie("a", v,
  // ruleid: focus
  { secure: true });
res.cookie("a", v,
  // ok: focus
  { secure: true, httpOnly: true });

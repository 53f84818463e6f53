function a(req) {
  const p = req.params.file;
  // ruleid: taint-side-effect
  fs.readFile(p, cb);
  assertSafePath(p);
  // ok: taint-side-effect
  fs.readFile(p, cb);
}

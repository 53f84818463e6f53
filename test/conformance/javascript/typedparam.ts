function h(req: Request, res: Response) {
  // ruleid: typedparam
  db.query(req.body.sql);
}
function k(req: Other) {
  // ok: typedparam
  db.query(req.body.sql);
}

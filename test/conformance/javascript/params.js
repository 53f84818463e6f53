function a(req, res) {
  // ruleid: params
  res.send(req.body);
}
function b(x, req, res, next) {
  // ruleid: params
  res.send(req.body);
}
function c(req, res) {
  // ok: params
  res.send(other.body);
}

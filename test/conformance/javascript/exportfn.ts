export default function handler(req: Req) {
  // ruleid: exportfn
  eval(req.body);
}
function other() {
  // ok: exportfn
  eval("1");
}

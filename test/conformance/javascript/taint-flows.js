function a(req, res) {
  const items = req.query.items.split(',');
  for (const it of items) {
    // ruleid: taint-flows
    eval(it);
  }
  const n = parseInt(req.query.n);
  // ok: taint-flows
  eval(n);
  const data = req.body.map((x) => x.trim());
  // ruleid: taint-flows
  db.query("SELECT " + data.join(','));
  // ok: taint-flows
  db.query("SELECT ?", [data]);
}
function b() {
  var h = location.hash.substring(1);
  // ruleid: taint-flows
  document.getElementById('x').innerHTML = decodeURIComponent(h);
  // ok: taint-flows
  document.getElementById('x').innerHTML = DOMPurify.sanitize(h);
  // ruleid: taint-flows
  document.write('<a href="' + document.URL + '">');
  let s = '';
  s += h;
  // ruleid: taint-flows
  eval(s);
  const o = {};
  o.v = h;
  // ruleid: taint-flows
  eval(o.v);
  const arr = [];
  arr.push(h);
  // ruleid: taint-flows
  eval(arr[0]);
  // ok: taint-flows
  eval('1 + 1');
}
async function c(req) {
  const x = await Promise.resolve(req.body);
  // ruleid: taint-flows
  eval(x);
  const y = `${req.body}`;
  // ruleid: taint-flows
  eval(y);
  const cb = (v) => eval(v);
  let z = req.body ? req.body : 'x';
  // ruleid: taint-flows
  eval(z);
  try {
    throw req.body;
  } catch (e) {
    // todoruleid: taint-flows
    eval(e);
  }
}

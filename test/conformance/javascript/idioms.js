// ruleid: cookie-insecure
res.cookie('a', 'b', { httpOnly: true });
// ok: cookie-insecure
res.cookie('a', 'b', { httpOnly: true, secure: true });
// ruleid: regexp-dyn
new RegExp(userInput);
// ok: regexp-dyn
new RegExp('^a+$', 'i');
// ruleid: md5
crypto.createHash('md5');
// ok: md5
crypto.createHash('sha256');
function merge(dst, src) {
  for (var key in src) {
    // ruleid: proto
    dst[key] = src[key];
  }
  for (let key in src) {
    // ruleid: proto
    dst[key] = src[key];
  }
  for (const k in src) {
    if (src.hasOwnProperty(k)) {
      // ok: proto
      dst[k] = src[k];
    }
  }
}
// ruleid: foreach
items.forEach(function (it) {
  eval(it);
});
// a function pattern does not match an arrow (only the reverse: Semgrep's arrow_is_function)
// ok: foreach
items.forEach((it) => {
  eval(it);
});
function f(el, input) {
  // ruleid: unify
  el.innerHTML = input;
  const clean = sanitize(input);
  // ok: unify
  el.innerHTML = clean;
  // ok: unify
  el.innerHTML = "<b>static</b>";
}
// ok: timeout-str
setTimeout(() => { go(); }, 10);
// ok: timeout-str
setTimeout(function () { go(); }, 10);

// ruleid: newfn
const f = new Function("a", body);
// ruleid: newfn
Function(code)();
// ok: newfn
new Function("return 1");

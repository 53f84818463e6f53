// ruleid: var-decl
var a = "x";
// ruleid: var-decl
let b = 'y';
// ruleid: var-decl
const c = "z";
// ok: var-decl
const d = 1;
// ok: var-decl
let e = f();

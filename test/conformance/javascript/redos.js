// ruleid: redos
new RegExp("(a+)+$");
// ruleid: redos
s.match(/^(\w|\d)+x$/);
// ruleid: redos
s.match(/(x*y?)*z/);
// ok: redos
new RegExp("^[a-z]+$");
// ok: redos
s.match(/(ab)+c/);
// ok: redos
s.match(/^(a|b)+$/);

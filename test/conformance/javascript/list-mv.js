// ruleid: list-mv
setTimeout("alert(1)", 100);
// ok: list-mv
setTimeout(() => go(), 100);
const code = "run()";
// ruleid: list-mv
setTimeout(code, 5);

// ruleid: callee-mv
setTimeout("x()");
// ruleid: callee-mv
window.setInterval("y()");
// ok: callee-mv
setTimeout(fn);

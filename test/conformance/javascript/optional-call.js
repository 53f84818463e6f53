// ruleid: optional-call
el?.insertAdjacentHTML('a', b);
// ruleid: optional-call
el.insertAdjacentHTML('a', b);
// ruleid: optional-call
a?.b.insertAdjacentHTML('a', b);
// ok: optional-call
el.other('a');
// ruleid: optional-call
el.insertAdjacentHTML?.('a', b);

// ruleid: pcre-inline
const q = "SELECT * FROM users";
// ruleid: pcre-inline
const r = "delete x from t";
// ok: pcre-inline
const s = "selected items";

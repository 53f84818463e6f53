// ruleid: mvp-generic
db.query("SELECT * FROM users WHERE id = " + id);
// ok: mvp-generic
db.query("hello " + id);

// ruleid: cmp-keylen
crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
// ok: cmp-keylen
crypto.generateKeyPairSync("rsa", { modulusLength: 4096 });
// ruleid: cmp-strcmp
setTimeout(f, 2000);
// ok: cmp-strcmp
setTimeout(f, 5000);
// ok: cmp-strcmp
setTimeout(f, 10);
// ruleid: cmp-re-cmp
crypto.createCipheriv('des-ede3', k, iv);
// ok: cmp-re-cmp
crypto.createCipheriv('aes-256-gcm', k, iv);
// ruleid: cmp-mvp-either
db.query("SELECT " + id);
// ruleid: cmp-mvp-either
db.query(`SELECT ${id}`);
// ok: cmp-mvp-either
db.query("SELECT 1");
copy(
  // ruleid: cmp-focus-two
  a,
  // ruleid: cmp-focus-two
  b);

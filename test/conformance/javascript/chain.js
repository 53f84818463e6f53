// ruleid: chain
db.collection("a").find(x).exec(q);
// ruleid: chain
db.exec(q);
// ok: chain
exec(q);

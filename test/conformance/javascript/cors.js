// ruleid: cors
res.set("Access-Control-Allow-Origin", "*");
// ok: cors
res.set("Access-Control-Allow-Origin", "https://a.b");

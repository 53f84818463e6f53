// ruleid: method-regex
fs.readFileSync(p);
// ruleid: method-regex
const fs2 = fs.writeFileSync(p, d);
// ok: method-regex
fs.readFile(p, cb);

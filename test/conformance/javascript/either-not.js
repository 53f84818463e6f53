// ruleid: either-not
const h = crypto.createHash("md5");
// ruleid: either-not
crypto.createHash('sha1').update(x);
function checksum(buf) {
  // ok: either-not
  return crypto.createHash("md5").update(buf).digest("hex");
}

app.get('/a', (req, res) => {
  const q = req.query.cmd;
  const cmd = `ls ${q}`;
  // ruleid: taint-basic
  child_process.exec(cmd);
  const { name } = req.body;
  // ruleid: taint-basic
  child_process.exec("cat " + name);
  const safe = shellEscape(q);
  // ok: taint-basic
  child_process.exec(safe);
  const arr = [q];
  // ruleid: taint-basic
  child_process.exec(arr.join(' '));
  const obj = { c: q };
  // ruleid: taint-basic
  child_process.exec(obj.c);
  // ok: taint-basic
  child_process.exec("ls");
});
app.post('/b', async function (req, res) {
  const v = await Promise.resolve(req.params.id);
  // ruleid: taint-basic
  child_process.exec(v);
  const s = [...req.query.list];
  // ruleid: taint-basic
  child_process.exec(s[0]);
});

async function f() {
  // ruleid: awaitp
  const r = await pool.query(sql);
  // ok: awaitp
  pool.query(sql);
}

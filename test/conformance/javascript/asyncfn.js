// ruleid: asyncfn
app.get('/a', async (req, res) => {
  await work();
});
// ok: asyncfn
app.get('/b', async (req, res) => {
  try {
    await work();
  } catch (e) {
    res.status(500);
  }
});

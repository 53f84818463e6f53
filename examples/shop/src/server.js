// vigil demo target: the security flaws in this file are DELIBERATE, planted for vigil's
// scanners to find. Do not copy this code into anything real.
import express from 'express';
import { adminRoutes } from './admin.js';
import { findOrder, findProductsByCategory } from './db.js';
import { applyDiscount, formatPrice } from './util.js';

const app = express();
app.use(express.json());
app.use(express.static('public'));

app.get('/api/products', (req, res) => {
  const products = findProductsByCategory(req.query.category);
  res.json(products.map((p) => ({ ...p, price: formatPrice(p.price) })));
});

app.get('/api/orders/:id', (req, res) => {
  const order = findOrder(req.params.id);
  if (!order) return res.status(404).json({ error: 'no such order' });
  return res.json(order);
});

app.post('/api/admin/discount', (req, res) => {
  res.json({ price: applyDiscount(req.body.rule, req.body.price) });
});

adminRoutes(app);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => {
  // eslint-disable-next-line no-console -- the startup banner is wanted
  console.log(`shop listening on http://localhost:${port}`);
});

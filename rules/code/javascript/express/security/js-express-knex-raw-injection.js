const express = require('express');
const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });

const router = express.Router();

router.get('/invoices', async (req, res) => {
  // ruleid: js-express-knex-raw-injection
  const invoices = await knex('invoices').whereRaw(`customer_id = ${req.query.customer}`).select('*');
  res.json(invoices);
});

router.get('/report', async (req, res) => {
  const column = req.query.groupBy;
  // ruleid: js-express-knex-raw-injection
  const result = await knex.raw('SELECT ' + column + ', count(*) FROM sales GROUP BY ' + column);
  res.json(result.rows);
});

router.get('/leaders', async (req, res) => {
  // ruleid: js-express-knex-raw-injection
  const rows = await knex('players').orderByRaw(req.query.sort).limit(10);
  res.json(rows);
});

router.get('/invoices/safe', async (req, res) => {
  // ok: js-express-knex-raw-injection
  const invoices = await knex('invoices').whereRaw('customer_id = ?', [req.query.customer]);
  res.json(invoices);
});

router.get('/report/safe', async (req, res) => {
  // ok: js-express-knex-raw-injection
  const result = await knex.raw('SELECT ??, count(*) FROM sales GROUP BY ??', [req.query.groupBy, req.query.groupBy]);
  res.json(result.rows);
});

router.get('/sales', async (req, res) => {
  // ok: js-express-knex-raw-injection
  const result = await knex.raw('SELECT * FROM sales WHERE region = :region', { region: req.query.region });
  res.json(result.rows);
});

module.exports = router;

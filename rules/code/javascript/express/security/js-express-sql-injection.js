const express = require('express');
const mysql = require('mysql2');
const { Pool } = require('pg');

const app = express();
app.use(express.json());
const db = mysql.createConnection({ host: 'localhost', user: 'shop', database: 'shop' });
const pool = new Pool();

app.get('/products', (req, res) => {
  const category = req.query.category;
  // ruleid: js-express-sql-injection
  db.query("SELECT * FROM products WHERE category = '" + category + "'", (err, rows) => {
    if (err) return res.status(500).end();
    res.json(rows);
  });
});

app.get('/orders/:id', async (req, res) => {
  // ruleid: js-express-sql-injection
  const { rows } = await pool.query(`SELECT * FROM orders WHERE id = ${req.params.id}`);
  res.json(rows);
});

app.post('/search', async (req, res) => {
  const sql = "SELECT id, name FROM users WHERE name LIKE '%" + req.body.term + "%'";
  // ruleid: js-express-sql-injection
  const [rows] = await db.promise().execute(sql);
  res.json(rows);
});

app.get('/users/:id', async (req, res) => {
  // ok: js-express-sql-injection
  const { rows } = await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
  res.json(rows);
});

app.get('/products-by-price', (req, res) => {
  let direction = 'ASC';
  if (req.query.dir === 'desc') direction = 'DESC';
  // ok: js-express-sql-injection
  db.query(`SELECT * FROM products ORDER BY price ${direction}`, (err, rows) => res.json(rows));
});

app.get('/by-name', (req, res) => {
  // ok: js-express-sql-injection
  db.query('SELECT * FROM users WHERE name = ' + db.escape(req.query.name), (err, rows) => res.json(rows));
});

app.get('/config-object', async (req, res) => {
  // ok: js-express-sql-injection
  const { rows } = await pool.query({ text: 'SELECT * FROM users WHERE email = $1', values: [req.query.email] });
  res.json(rows);
});

module.exports = app;

const express = require('express');
const { Sequelize, DataTypes } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL);
const Post = sequelize.define('Post', { title: DataTypes.STRING, status: DataTypes.STRING });
const app = express();

app.get('/posts', async (req, res) => {
  const posts = await Post.findAll({
    attributes: {
      // ruleid: js-express-sequelize-literal-injection
      include: [[Sequelize.literal(`(SELECT COUNT(*) FROM comments WHERE comments.author_id = ${req.query.author})`), 'authorComments']],
    },
  });
  res.json(posts);
});

app.get('/posts/by-status', async (req, res) => {
  // ruleid: js-express-sequelize-literal-injection
  const posts = await Post.findAll({ where: sequelize.literal("status = '" + req.query.status + "'") });
  res.json(posts);
});

app.get('/posts/safe', async (req, res) => {
  // ok: js-express-sequelize-literal-injection
  const posts = await Post.findAll({ where: sequelize.literal(`status = ${sequelize.escape(req.query.status)}`) });
  res.json(posts);
});

app.get('/posts/counted', async (req, res) => {
  const posts = await Post.findAll({
    where: { status: req.query.status },
    attributes: {
      // ok: js-express-sequelize-literal-injection
      include: [[Sequelize.literal('(SELECT COUNT(*) FROM comments WHERE comments.post_id = "Post"."id")'), 'commentCount']],
    },
  });
  res.json(posts);
});

module.exports = app;

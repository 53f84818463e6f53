const { Sequelize, DataTypes } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL);
const Post = sequelize.define('Post', { title: DataTypes.STRING, status: DataTypes.STRING });

function postsWithAuthorComments(authorId) {
  return Post.findAll({
    attributes: {
      // ruleid: js-sequelize-literal-string-built
      include: [[Sequelize.literal(`(SELECT COUNT(*) FROM comments WHERE comments.author_id = ${authorId})`), 'authorComments']],
    },
  });
}

function postsByStatus(status) {
  // ruleid: js-sequelize-literal-string-built
  return Post.findAll({ where: sequelize.literal("status = '" + status + "'") });
}

function postsByStatusSafely(status) {
  // ok: js-sequelize-literal-string-built
  return Post.findAll({ where: sequelize.literal(`status = ${sequelize.escape(status)}`) });
}

function postsWithCommentCount() {
  return Post.findAll({
    attributes: {
      // ok: js-sequelize-literal-string-built
      include: [[Sequelize.literal('(SELECT COUNT(*) FROM comments WHERE comments.post_id = "Post"."id")'), 'commentCount']],
    },
  });
}

module.exports = { postsWithAuthorComments, postsByStatus, postsByStatusSafely, postsWithCommentCount };

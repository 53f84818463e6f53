const ejs = require('ejs');
const Handlebars = require('handlebars');
const nunjucks = require('nunjucks');
const _ = require('lodash');

const env = new nunjucks.Environment();

function welcomeEmail(user) {
  // ruleid: js-template-source-string-built
  return ejs.render(`<p>Welcome, ${user.name}!</p><p>Your plan: <%= plan %></p>`, { plan: user.plan });
}

function badge(label) {
  // ruleid: js-template-source-string-built
  return Handlebars.compile('<span class="badge">' + label + '</span>')({});
}

function footer(company) {
  // ruleid: js-template-source-string-built
  return _.template(`<footer>${company} <%= year %></footer>`)({ year: 2024 });
}

function heading(title) {
  // ruleid: js-template-source-string-built
  return env.renderString('<h1>' + title + '</h1>', {});
}

function welcomeEmailSafely(user) {
  // ok: js-template-source-string-built
  return ejs.render('<p>Welcome, <%= name %>!</p><p>Your plan: <%= plan %></p>', { name: user.name, plan: user.plan });
}

function badgeSafely(label) {
  // ok: js-template-source-string-built
  return Handlebars.compile('<span class="badge">{{label}}</span>')({ label });
}

function headingSafely(title) {
  // ok: js-template-source-string-built
  return env.renderString('<h1>{{ title }}</h1>', { title });
}

module.exports = { welcomeEmail, badge, footer, heading, welcomeEmailSafely, badgeSafely, headingSafely };

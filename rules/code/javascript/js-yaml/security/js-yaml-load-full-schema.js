const fs = require('fs');
const yaml = require('js-yaml');

function loadPipeline(file) {
  // ruleid: js-yaml-load-full-schema
  return yaml.load(fs.readFileSync(file, 'utf8'), { schema: yaml.DEFAULT_FULL_SCHEMA });
}

function loadAllDocuments(text) {
  const docs = [];
  // ruleid: js-yaml-load-full-schema
  yaml.loadAll(text, (doc) => docs.push(doc), { filename: 'upload.yml', schema: yaml.DEFAULT_FULL_SCHEMA });
  return docs;
}

function loadConfig(text) {
  // ok: js-yaml-load-full-schema
  return yaml.load(text);
}

function loadStrict(text) {
  // ok: js-yaml-load-full-schema
  return yaml.load(text, { schema: yaml.JSON_SCHEMA, json: true });
}

module.exports = { loadPipeline, loadAllDocuments, loadConfig, loadStrict };

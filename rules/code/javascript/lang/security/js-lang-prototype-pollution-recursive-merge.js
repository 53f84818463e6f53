function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(target, source) {
  for (const key in source) {
    if (isObject(source[key])) {
      if (!isObject(target[key])) target[key] = {};
      // ruleid: js-lang-prototype-pollution-recursive-merge
      deepMerge(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
  return target;
}

const applyPatch = (doc, patch) => {
  Object.keys(patch).forEach((k) => {
    // ruleid: js-lang-prototype-pollution-recursive-merge
    doc[k] = isObject(patch[k]) ? applyPatch(doc[k] || {}, patch[k]) : patch[k];
  });
  return doc;
};

function safeMerge(target, source) {
  for (const key in source) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (isObject(source[key])) {
      if (!isObject(target[key])) target[key] = {};
      // ok: js-lang-prototype-pollution-recursive-merge
      safeMerge(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
  return target;
}

function shallowDefaults(options, defaults) {
  for (const key in defaults) {
    // ok: js-lang-prototype-pollution-recursive-merge
    if (options[key] === undefined) options[key] = clone(defaults[key]);
  }
  return options;
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

module.exports = { deepMerge, applyPatch, safeMerge, shallowDefaults, clone };

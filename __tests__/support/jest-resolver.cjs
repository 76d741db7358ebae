// kubernetes-models and its helpers publish ES modules only, exported under the "import"
// condition alone. Jest resolves CommonJS with "require"; let these packages resolve
// as imports (swc then turns them into CommonJS, see transformIgnorePatterns) and leave every
// other package alone, since many of them would pick their ESM build under "import".
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+|is-cidr|cidr-regex)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ["import", "default"] } : options,
  );

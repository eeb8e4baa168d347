// What `bindings` does in a packaged Tack, where better-sqlite3's Node build is not shipped.
module.exports = function bindings(name) {
  throw new Error(`Could not locate the bindings file (${name}): the harness, like a packaged app, has no Node build`)
}

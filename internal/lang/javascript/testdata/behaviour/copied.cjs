'use strict'

// @fastify/error's shape: a factory of Error subclasses. Its test copies
// this file alone into node_modules folders of a temporary project to fake
// two installations, where no runtime stands beside it.
function createError (code, message) {
  function FastifyError (arg) {
    if (!new.target) return new FastifyError(arg)
    this.code = code
    this.message = message.replace('%s', arg)
  }
  FastifyError.prototype = Object.create(Error.prototype)
  FastifyError.prototype.name = 'FastifyError'
  return FastifyError
}

module.exports = { createError }

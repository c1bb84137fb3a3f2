'use strict';
// The running Node's major release, for the behaviour that changed between
// releases (each use names what changed where it reads it).

module.exports = { nodeMajor: Number(process.versions.node.split('.')[0]) };

// node --import uvtls/register app.mjs: the same switch for a program
// started as an ES module.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./register.js');

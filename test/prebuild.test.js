'use strict';
// The package as `npm pack` makes it: the prebuilt binary for this machine
// is in it, and a project that has only the packed files (no build of this
// tree) loads that binary and runs TLS through it as the built-in does.
// `npm run prebuilds` (or `npm pack`, whose prepack runs it) makes the
// binaries; without one for this machine the specs are skipped.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const root = path.join(__dirname, '..');
const tuple = `${process.platform}-${process.arch}`;
const binary = path.posix.join('prebuilds', tuple, 'node.napi.glibc.node');

function npm(args, cwd = root) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 120000 });
  assert.ifError(r.error);
  assert.strictEqual(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('prebuilt binary in the package', function () {
  this.timeout(120000);
  let project;

  before(function () {
    if (!fs.existsSync(path.join(root, binary))) {
      console.log(`      (skipped: no ${binary} in this tree; \`npm run prebuilds\` ` +
                  'or `npm pack` makes it)');
      this.skip();
    }
    // A user's project: the packed files in node_modules/uvtls, beside the
    // dependency npm installs with it.
    const work = h.tmpDir('uvtls-prebuild-');
    const [packed] = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work]);
    project = path.join(work, 'project');
    fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    const untar = spawnSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
    assert.strictEqual(untar.status, 0, String(untar.stderr));
    fs.renameSync(path.join(work, 'package'), path.join(project, 'node_modules', 'uvtls'));
    fs.symlinkSync(path.dirname(require.resolve('node-gyp-build/package.json')),
                   path.join(project, 'node_modules', 'node-gyp-build'));
  });

  it('npm pack lists every prebuilt binary of the tree, and the source to build from', function () {
    const [{ files }] = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    const listed = files.map((f) => f.path);
    const made = fs.readdirSync(path.join(root, 'prebuilds'))
      .flatMap((dir) => fs.readdirSync(path.join(root, 'prebuilds', dir))
        .map((f) => path.posix.join('prebuilds', dir, f)));
    assert.ok(made.includes(binary), `${made}`);
    for (const f of [...made, 'binding.gyp', 'src/addon.c', 'scripts/build.js']) {
      assert.ok(listed.includes(f), `${f} is not in the package`);
    }
    for (const f of files.filter((e) => e.path.startsWith('prebuilds/'))) {
      assert.ok(f.size < 2 * 1024 * 1024, `${f.path}: ${f.size} bytes`);
    }
    assert.ok(!listed.some((f) => f.startsWith('build/')), 'the tree\'s build is not packed');
  });

  it('the packed binary loads and works on this Node: TLS and https as with the built-in', function () {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'prebuild-check.js'),
                                           '--round-trip', h.fixturePath('')], {
      cwd: project, encoding: 'utf8', timeout: 60000,
    });
    assert.strictEqual(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.strictEqual(result.binary, path.join('node_modules', 'uvtls', binary));
    assert.strictEqual(result.node, process.version);
    assert.ok(result.addonOpenSSL.includes(process.versions.openssl), result.addonOpenSSL);
  });

  it('where no binary fits, loading fails saying what to do', function () {
    // node-gyp-build reads the C library from LIBC: a musl system has no
    // prebuilt binary here.
    const r = spawnSync(process.execPath, ['-e', `
      try { require('uvtls'); } catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }
    `], { cwd: project, encoding: 'utf8', env: { ...process.env, LIBC: 'musl' }, timeout: 30000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const err = JSON.parse(r.stdout);
    assert.strictEqual(err.code, 'ERR_UVTLS_NO_ADDON');
    assert.match(err.message, /no native addon fits this system/);
    assert.match(err.message, /npm rebuild uvtls --build-from-source/);
  });
});

'use strict';
// Random host/certificate pairs for checkServerIdentity, from a seed.
// Certificates are the objects getPeerCertificate() gives: `subject` (its
// CN a string or an array) and `subjectaltname`, the string Node's C++
// writes: entries joined by ", ", a name that holds a comma, a quote, a
// backslash, an apostrophe, a control character or (in DNS, URI and email
// entries) a non-ASCII byte written as a JSON string literal
// (`DNS:"a\u002cb.example"`), each such byte as \u00XX. Hosts are names in
// every case, with IDNs, odd Unicode (KELVIN SIGN, dotless i, long s,
// full-width letters, ideographic full stops), wildcards, empty labels,
// trailing dots, and IP addresses in canonical and other spellings.

const { domainToASCII, domainToUnicode } = require('url');
const { random } = require('./fidelity-compare');

const WORDS = ['a', 'b', 'www', 'api', 'mail', 'example', 'test', 'localhost', 'k8s',
               'foo-bar', 'x1', 'sub', 'com', 'org', 'net', 'co', 'uk', 'io', 'local'];
const UNICODE_LABELS = ['b\u00fccher', '\u4f8b\u3048', 'espa\u00f1a', 'ma\u00f1ana', '\u0440\u0444',
                        'xn--bcher-kva', 'xn--r8jz45g', 'xn--', 'xn--espaa-rta', 'stra\u00dfe',
                        '\u212aelvin', 'k\u212a', '\u0130stanbul', 'i\u0307', '\u017fub', '\u00df',
                        '\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45', 'caf\u00e9', 'cafe\u0301',
                        'a\u200db', '\ud83d\ude00', 'A\u030a', '\u00c5'];
const ODD = ['*', '**', 'a*', '*a', 'a*b', '*-x', 'x--', '-a', 'a-', '', ' ', 'a b', 'a,b',
             'a"b', 'a\\b', "a'b", 'a\u0000b', 'a\tb', '\u007f', 'A', 'WWW', 'Example',
             'a'.repeat(64), '0', '1', '255', '0x7f', '127', '09'];
const IPV4 = ['127.0.0.1', '10.0.0.1', '192.168.1.1', '0.0.0.0', '255.255.255.255', '1.2.3.4'];
const IPV4_ODD = ['127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '127.000.000.001', '1234',
                  '127.0.0.1.', '127.0.0.01', '256.0.0.1', '1.2.3', '1.2.3.4.5', '\uff11.2.3.4'];
const IPV6 = ['::1', '::', 'fe80::1', '2001:db8::1', '2001:db8:0:0:0:0:0:1', '2001:DB8::1',
              '::ffff:1.2.3.4', '::ffff:102:304', '::1.2.3.4', '1:2:3:4:5:6:7:8', '1::8',
              '2001:db8::1%eth0', 'fe80::1%1', '0:0:0:0:0:0:0:1', '::0:1', '1:0:0:1::1',
              ':::1', '1:2:3:4:5:6:7:8:9', '[::1]', '::g', '1:2:3:4:5:6:1.2.3.4'];
const SAFE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._*:@/';

// The bytes of a name as a certificate holds it: UTF-8 (Latin-1 for the
// first 256 code points when asked).
function bytesOf(rng, s) {
  return rng.chance(0.2) && /^[\u0000-\u00ff]*$/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

function isSafe(bytes, utf8) {
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c || c === 0x2c || c === 0x27) return false;
    if (c < 0x20 || c === 0x7f) return false;
    if (!utf8 && c > 0x7e) return false;
  }
  return true;
}

// One alt name as Node writes it: `PREFIX:value`, or `PREFIX:"escaped"`
// when the value is not safe to write as it is. `inside` puts the prefix
// inside the quotes (how Node writes othername and a few others).
function writeAltName(prefix, bytes, { utf8 = false, inside = false } = {}) {
  if (isSafe(bytes, utf8)) return `${prefix}:${bytes.toString('latin1')}`;
  let out = '"';
  if (inside) out += `${prefix}:`;
  for (const c of bytes) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if ((c >= 0x20 && c !== 0x2c && c <= 0x7e) || (utf8 && c & 0x80)) out += String.fromCharCode(c);
    else out += `\\u00${c.toString(16).padStart(2, '0')}`;
  }
  out += '"';
  return inside ? out : `${prefix}:${out}`;
}

function randomLabel(rng) {
  const r = rng.next();
  if (r < 0.55) return rng.pick(WORDS);
  if (r < 0.75) return rng.pick(UNICODE_LABELS);
  if (r < 0.9) return rng.pick(ODD);
  let s = '';
  const n = 1 + rng.int(8);
  for (let i = 0; i < n; i++) s += SAFE_CHARS[rng.int(SAFE_CHARS.length)];
  return s;
}

function randomName(rng) {
  const n = 1 + rng.int(5);
  const labels = [];
  for (let i = 0; i < n; i++) labels.push(randomLabel(rng));
  let name = labels.join(rng.chance(0.03) ? '\u3002' : '.');
  if (rng.chance(0.1)) name += '.';
  if (rng.chance(0.02)) name += '.';
  return name;
}

function randomIP(rng) {
  const r = rng.next();
  if (r < 0.4) return rng.pick(IPV4);
  if (r < 0.55) return rng.pick(IPV4_ODD);
  if (r < 0.95) return rng.pick(IPV6);
  return `${rng.int(256)}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`;
}

function flipCase(rng, s) {
  return [...s].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}

// A name near the host: itself, another spelling of it, a wildcard over
// its first label, or something else.
function nameFor(rng, host) {
  const r = rng.next();
  const labels = host.split('.');
  if (r < 0.25) return host;
  if (r < 0.35) return flipCase(rng, host);
  if (r < 0.45) return domainToASCII(host) || host;
  if (r < 0.5) return domainToUnicode(host) || host;
  if (r < 0.65 && labels.length > 1) {
    const first = labels[0];
    const cut = rng.int(first.length + 1);
    const pattern = rng.pick(['*', `${first.slice(0, cut)}*`, `*${first.slice(cut)}`,
                              `${first.slice(0, cut)}*${first.slice(cut + 1)}`, '**', 'xn--*']);
    return [pattern, ...labels.slice(1)].join('.');
  }
  if (r < 0.7) return host.replace(/\.$/, '');
  if (r < 0.75) return `${host}.`;
  if (r < 0.8) return `*.${host}`;
  return randomName(rng);
}

function ipFor(rng, host) {
  const r = rng.next();
  if (r < 0.4) return host;
  if (r < 0.5) return host.toUpperCase();
  return randomIP(rng);
}

function randomSubjectAltName(rng, host) {
  const n = rng.int(6);
  const entries = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.55) {
      entries.push(writeAltName('DNS', bytesOf(rng, nameFor(rng, host))));
    } else if (r < 0.75) {
      entries.push(`IP Address:${ipFor(rng, host)}`);
    } else if (r < 0.8) {
      entries.push(writeAltName('email', bytesOf(rng, `x@${nameFor(rng, host)}`)));
    } else if (r < 0.85) {
      entries.push(writeAltName('URI', bytesOf(rng, `https://${nameFor(rng, host)}/`)));
    } else if (r < 0.88) {
      entries.push(writeAltName('othername', bytesOf(rng, `1.2.3.4::${nameFor(rng, host)}`),
                                { utf8: true, inside: true }));
    } else if (r < 0.9) {
      entries.push('othername:<unsupported>');
    } else if (r < 0.93) {
      entries.push(writeAltName('DirName', bytesOf(rng, `CN=${nameFor(rng, host)}`), { utf8: true }));
    } else if (r < 0.96) {
      // A name as written by hand (or by an older Node): unescaped.
      entries.push(`DNS:${nameFor(rng, host)}`);
    } else {
      // Malformed quoting: an unterminated literal, a bad escape.
      entries.push(rng.pick(['DNS:"a.example', 'DNS:"a\\x.example"', 'DNS:"\\u12"',
                             'DNS:"a"b', '"DNS:a', 'DNS:a"', 'DNS:""']));
    }
  }
  const sep = rng.chance(0.02) ? ',' : ', ';
  return entries.join(sep);
}

function randomHost(rng) {
  const r = rng.next();
  if (r < 0.65) return randomName(rng);
  if (r < 0.95) return randomIP(rng);
  if (r < 0.97) return flipCase(rng, randomName(rng));
  return rng.pick(['', '.', '..', '*', '*.example.com', 'localhost', 'LOCALHOST.', '[::1]']);
}

// The n inputs of a seed: [{ host, cert }].
function* identityInputs(seed, n) {
  const rng = random(seed);
  for (let i = 0; i < n; i++) {
    const host = randomHost(rng);
    const cert = {};
    const s = rng.next();
    if (s < 0.7) cert.subject = {};
    else if (s < 0.8) cert.subject = { CN: nameFor(rng, host) };
    else if (s < 0.85) cert.subject = { CN: [nameFor(rng, host), nameFor(rng, host)] };
    else if (s < 0.9) cert.subject = { O: 'x', CN: '' };
    if (rng.chance(0.85)) cert.subjectaltname = randomSubjectAltName(rng, host);
    else if (rng.chance(0.1)) cert.subjectaltname = '';
    yield { host, cert };
  }
}

module.exports = { identityInputs, writeAltName };

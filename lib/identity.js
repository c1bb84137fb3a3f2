'use strict';
// tls.checkServerIdentity(hostname, cert), with the behaviour of the running
// Node's built-in: returns undefined when the certificate is valid for `hostname`,
// returns (does not throw) an ERR_TLS_CERT_ALTNAME_INVALID error when it is
// not, and throws ERR_TLS_CERT_ALTNAME_FORMAT for a malformed quoted
// subjectaltname string.
//
// Matching rules (RFC 6125 with Node's particular choices):
//  - One trailing dot is dropped from the host (that is the `host` reported
//    in the error) and one more when it is split into labels, so `a.com..`
//    matches `a.com`; one trailing dot is dropped from each name. Comparison
//    is case-insensitive for A-Z only.
//  - An IP host (net.isIP) is compared with the `IP Address:` entries only,
//    after both sides are put in canonical textual form.
//  - Otherwise the `DNS:` entries are used; the subject CN (a string or an
//    array of strings) is consulted only when there is no `DNS:` entry at all.
//    `URI:`, `email:` and other entries are ignored.
//  - A name may hold one `*`, only in its left-most label, only when it has
//    at least three labels and that label is not an A-label (`xn--`); the `*`
//    stands for zero or more characters of exactly one host label.
//  - Node 20 does no IDNA conversion on either side. Later releases (22.23,
//    24.22, 26) match the host's ASCII form (url.domainToASCII: U-labels
//    to A-labels, lower case, numeric IPv4 spellings such as `1234` or
//    `0x7f.1` to dotted quads) and refuse a host whose ASCII form is an IP
//    address while the host itself is not ("Host is a non-canonical IP
//    address"). Which of the two the running Node does is read off its own
//    checkServerIdentity once (see asciiHosts below).

const { isIP } = require('net');
const { domainToASCII } = require('url');
const { codes } = require('./errors');

const { ERR_TLS_CERT_ALTNAME_INVALID, ERR_TLS_CERT_ALTNAME_FORMAT } = codes;

// ---------------------------------------------------------------------------
// Canonical IP text. The built-in parses with inet_pton (first as IPv4, then
// as IPv6) and prints with inet_ntop; a string that does not parse has no
// canonical form (undefined). The string is seen as a C string, so it ends
// at the first NUL character.

const DEC = /^[0-9]$/;
const HEX = /^[0-9a-fA-F]$/;

// Strict dotted quad: four decimal parts, each 0..255, no leading zeros.
// Returns an array of 4 bytes or null.
function parseIPv4(s) {
  const bytes = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (DEC.test(c)) {
      if (digits > 0 && value === 0) return null;  // leading zero
      value = value * 10 + (c.charCodeAt(0) - 48);
      if (value > 255) return null;
      digits++;
    } else if (c === '.' && digits > 0) {
      if (bytes.length === 3) return null;
      bytes.push(value);
      value = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (digits === 0 || bytes.length !== 3) return null;
  bytes.push(value);
  return bytes;
}

// IPv6 text: up to eight groups of 1..4 hex digits, one optional `::`, an
// optional dotted quad in place of the last two groups, and an optional zone
// (`%...`) that is ignored. Returns an array of 8 16-bit words or null.
function parseIPv6(s) {
  const pct = s.indexOf('%');
  if (pct !== -1) {
    // The part before the zone is copied to a 46-byte buffer first.
    if (Buffer.byteLength(s.slice(0, pct)) > 45) return null;
    s = s.slice(0, pct);
  }

  let i = 0;
  if (s[0] === ':') {
    if (s[1] !== ':') return null;
    i = 1;  // the second colon is read as the `::` below
  }

  const head = [];  // words before `::` (or all of them when there is none)
  let tail = null;  // words after `::`
  let cur = head;
  let group = 0;
  let digits = 0;
  let groupStart = i;
  const count = () => head.length + (tail ? tail.length : 0);

  for (; i < s.length; i++) {
    const c = s[i];
    if (HEX.test(c)) {
      if (++digits > 4) return null;
      group = group * 16 + parseInt(c, 16);
      continue;
    }
    if (c === ':') {
      groupStart = i + 1;
      if (digits === 0) {
        if (tail !== null) return null;  // a second `::`, or `:::`
        tail = [];
        cur = tail;
        continue;
      }
      if (i + 1 === s.length) return null;  // trailing single colon
      if (count() >= 8) return null;
      cur.push(group);
      group = 0;
      digits = 0;
      continue;
    }
    if (c === '.' && count() <= 6) {
      // The rest of the string, from the start of this group, must be an
      // IPv4 address.
      const v4 = parseIPv4(s.slice(groupStart));
      if (v4 === null) return null;
      cur.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      digits = 0;
      i = s.length;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (count() >= 8) return null;
    cur.push(group);
  }

  if (tail === null) return head.length === 8 ? head : null;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 1) return null;  // `::` must stand for at least one group
  return [...head, ...new Array(zeros).fill(0), ...tail];
}

function formatIPv6(words) {
  // Longest run (first one on ties) of two or more zero words becomes `::`.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;

  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses
  // print their last 32 bits as a dotted quad.
  const dottedTail = bestStart === 0 &&
    (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff));

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestStart !== -1 && i >= bestStart && i < bestStart + bestLen) {
      if (i === bestStart) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && dottedTail) {
      out += `${words[6] >> 8}.${words[6] & 0xff}.${words[7] >> 8}.${words[7] & 0xff}`;
      return out;
    }
    out += words[i].toString(16);
  }
  if (bestStart !== -1 && bestStart + bestLen === 8) out += ':';
  return out;
}

function canonicalIP(text) {
  let s = `${text}`;
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  const v4 = parseIPv4(s);
  if (v4 !== null) return v4.join('.');
  const v6 = parseIPv6(s);
  if (v6 !== null) return formatIPv6(v6);
  return undefined;
}

// ---------------------------------------------------------------------------
// subjectaltname parsing. Entries are separated by ", ". Node's
// X509Certificate writes an entry value as a JSON string literal when it
// holds characters that would make the list ambiguous, e.g.
// `DNS:"a, b.example"`; such literals are decoded in place.

const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

function splitQuotedAltNames(text) {
  const entries = [];
  let entry = '';
  let pos = 0;
  while (pos < text.length) {
    const sep = text.indexOf(', ', pos);
    const quote = text.indexOf('"', pos);
    if (quote !== -1 && (sep === -1 || quote < sep)) {
      entry += text.slice(pos, quote);
      const m = JSON_STRING.exec(text.slice(quote));
      if (m === null) throw new ERR_TLS_CERT_ALTNAME_FORMAT();
      entry += JSON.parse(m[0]);
      pos = quote + m[0].length;
    } else if (sep !== -1) {
      entry += text.slice(pos, sep);
      entries.push(entry);
      entry = '';
      pos = sep + 2;
    } else {
      entry += text.slice(pos);
      pos = text.length;
    }
  }
  entries.push(entry);
  return entries;
}

// ---------------------------------------------------------------------------
// Name matching.

// `host` is expected to be a string; like the built-in, anything else that
// has no `replace` method is a TypeError ("host.replace is not a function").
function dropTrailingDot(host) {
  return host.replace(/\.$/, '');
}

// Only A-Z are lowered, as Node does: String#toLowerCase would also turn
// some non-ASCII letters into ASCII ones (KELVIN SIGN into `k`).
function labelsOf(host) {
  return dropTrailingDot(host).replace(/[A-Z]/g, (c) => c.toLowerCase()).split('.');
}

// Printable ASCII (and DEL) only; anything else makes a name unusable.
const BAD_NAME_CHAR = /[^\u0021-\u007f]/u;

function nameMatches(hostLabels, name) {
  if (!name) return false;
  const labels = labelsOf(name);
  if (labels.length !== hostLabels.length) return false;
  for (const label of labels) {
    if (label === '' || BAD_NAME_CHAR.test(label)) return false;
  }
  for (let i = labels.length - 1; i >= 1; i--) {
    if (labels[i] !== hostLabels[i]) return false;
  }

  const first = labels[0];
  const hostFirst = hostLabels[0];
  const star = first.indexOf('*');
  if (star === -1 || first.includes('xn--')) return first === hostFirst;
  if (first.indexOf('*', star + 1) !== -1) return false;  // two wildcards
  if (labels.length < 3) return false;  // `*.com`, `*`
  const prefix = first.slice(0, star);
  const suffix = first.slice(star + 1);
  return prefix.length + suffix.length <= hostFirst.length &&
    hostFirst.startsWith(prefix) && hostFirst.endsWith(suffix);
}

// ---------------------------------------------------------------------------

// Whether the running Node matches hosts by their ASCII form: its own
// checkServerIdentity accepts a U-label host for the A-label name.
let asciiHosts;
function matchesASCIIHost() {
  if (asciiHosts === undefined) {
    asciiHosts = require('./builtin').checkServerIdentity(
      'b\u00fccher.example', { subject: {}, subjectaltname: 'DNS:xn--bcher-kva.example' }) === undefined;
  }
  return asciiHosts;
}

function altNameError(reason, hostname, cert) {
  const err = new ERR_TLS_CERT_ALTNAME_INVALID(reason);
  err.reason = reason;
  err.host = hostname;
  err.cert = cert;
  return err;
}

function checkServerIdentity(hostname, cert) {
  const subject = cert.subject;
  const altNames = cert.subjectaltname;
  const dnsNames = [];
  const ips = [];

  hostname = '' + hostname;

  if (altNames) {
    const entries = altNames.includes('"') ?
      splitQuotedAltNames(altNames) : altNames.split(', ');
    for (const entry of entries) {
      if (entry.startsWith('DNS:')) {
        dnsNames.push(entry.slice(4));
      } else if (entry.startsWith('IP Address:')) {
        ips.push(canonicalIP(entry.slice(11)));
      }
    }
  }

  let matchedHost;
  if (matchesASCIIHost()) {
    const ascii = domainToASCII(hostname);
    hostname = dropTrailingDot(hostname);
    matchedHost = dropTrailingDot(ascii);
    if (!isIP(hostname) && isIP(matchedHost)) {
      return altNameError('Host is a non-canonical IP address', hostname, cert);
    }
  } else {
    hostname = dropTrailingDot(hostname);
    matchedHost = hostname;
  }

  let reason;

  if (isIP(hostname)) {
    if (ips.includes(canonicalIP(hostname))) return undefined;
    reason = `IP: ${hostname} is not in the cert's list: ${ips.join(', ')}`;
  } else if (dnsNames.length > 0 || (subject != null && subject.CN)) {
    const hostLabels = labelsOf(matchedHost);
    const matches = (name) => nameMatches(hostLabels, name);
    if (dnsNames.length > 0) {
      if (dnsNames.some(matches)) return undefined;
      reason = `Host: ${hostname}. is not in the cert's altnames: ${altNames}`;
    } else {
      // The CN counts only when the certificate has no DNS name at all.
      const cn = subject.CN;
      if (Array.isArray(cn) ? cn.some(matches) : matches(cn)) return undefined;
      reason = `Host: ${hostname}. is not cert's CN: ${cn}`;
    }
  } else {
    reason = 'Cert does not contain a DNS name';
  }

  return altNameError(reason, hostname, cert);
}

module.exports = { checkServerIdentity };

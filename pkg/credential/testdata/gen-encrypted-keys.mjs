// gen-encrypted-keys.mjs writes encrypted-keys.json: the rules for an
// encryptedPrivateKey, decided once against Node. Each case is a blob, what
// the TypeScript SDK's unwrapping path does with it in Node (fromBase64 =
// Buffer.from(pad(s), 'base64'), JSON.parse, fromBase64 of key and iv,
// crypto.subtle.unwrapKey('pkcs8', …, AES-GCM, P-256) with the right
// password), and whether pkg/credential accepts it (CheckEncryptedPrivateKey).
//
// node is "ok" (unwrapped), or the name of the error thrown: OperationError
// (AES-GCM refused: an IV length Node's WebCrypto does not take, a
// ciphertext shorter than the tag, or a failed authentication), DataError
// (decrypted, but not a PKCS #8 P-256 key), SyntaxError or TypeError (the
// base64 or JSON layer). accept is our decision; where Node unwraps a blob
// we refuse, why says why (Node's Buffer skips what it does not understand;
// we take the canonical text only, since the blob's exact string is hashed
// into the RecoveryKey credId and no SDK writes anything else).
//
// The Go tests only read encrypted-keys.json. Regenerate with
//
//	node gen-encrypted-keys.mjs > encrypted-keys.json
//
// (Node 20 or later). The inputs are fixed: the RFC 6979 A.2.5 P-256 key,
// a fixed password, user name and IVs.
import { webcrypto as wc, createECDH, createPrivateKey, createCipheriv } from 'node:crypto'

const subtle = wc.subtle
const b64 = (buf) => Buffer.from(buf).toString('base64')
const utf8 = (s) => new TextEncoder().encode(s)

const password = 'correct horse battery staple'
const userName = 'jane.doe@example.com'

const p256D = Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex')
const ecdh = createECDH('prime256v1')
ecdh.setPrivateKey(p256D)
const pub = ecdh.getPublicKey()
const b64url = (buf) => b64(buf).replace(/=/g, '').replace(/\+/g, '-').replace(/\//g, '_')
const pkcs8 = createPrivateKey({
  key: { kty: 'EC', crv: 'P-256', d: b64url(p256D), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) },
  format: 'jwk',
}).export({ type: 'pkcs8', format: 'der' })

// The wrapping key of keys/password.ts, as raw bytes (for createCipheriv,
// which takes IV lengths WebCrypto does not).
const salt = new Uint8Array(await subtle.digest('SHA-256', utf8(userName.toLowerCase().trim())))
const material = await subtle.importKey('raw', utf8(password), { name: 'PBKDF2' }, false, ['deriveBits'])
const aesKey = Buffer.from(await subtle.deriveBits({ name: 'PBKDF2', salt, iterations: 100000, hash: 'SHA-256' }, material, 256))

// seal is AES-256-GCM over plain with an IV of ivLen bytes (0xa0, 0xa1, …):
// the key and iv members, standard base64.
const seal = (plain, ivLen) => {
  const iv = Buffer.from(Array.from({ length: ivLen }, (_, i) => (0xa0 + i) & 0xff))
  const c = createCipheriv('aes-256-gcm', aesKey, iv)
  const ct = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()])
  return { key: b64(ct), iv: b64(iv) }
}
const blob = (obj) => b64(JSON.stringify(obj))
const raw = (text) => b64(text)

// The SDK's unwrapping path (packages/sdk/utils/base64.ts, keys/password.ts).
const pad = (s) => { const n = 4 - (s.length % 4); return n < 4 ? s + '='.repeat(n) : s }
const fromBase64 = (s) => Buffer.from(pad(s), 'base64')
const sdkUnwrap = async (encrypted) => {
  try {
    const unpacked = JSON.parse(fromBase64(encrypted).toString('utf8'))
    const wrapped = fromBase64(unpacked.key)
    const iv = fromBase64(unpacked.iv)
    const wk = await subtle.importKey('raw', aesKey, { name: 'AES-GCM' }, false, ['unwrapKey'])
    await subtle.unwrapKey('pkcs8', wrapped, wk, { name: 'AES-GCM', iv }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])
    return 'ok'
  } catch (e) {
    return e.name
  }
}

const good = seal(pkcs8, 16)
const canonical = blob(good)
if (!/[+/]/.test(good.key)) throw new Error('the key member holds no + or /: pick another IV')
// A blob whose length is not a multiple of 3 bytes, so that its last
// base64 character carries unused bits.
let padded = canonical
for (let n = 12; n <= 128 && !padded.endsWith('='); n++) padded = blob(seal(pkcs8, n))
// A blob without padding (its JSON a multiple of 3 bytes long), for the
// dangling-character case.
let unpadded = canonical
for (let n = 12; n <= 128 && unpadded.endsWith('='); n++) unpadded = blob(seal(pkcs8, n))
const lastBitsSet = (s) => {
  const body = s.replace(/=+$/, '')
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const last = alphabet.indexOf(body[body.length - 1])
  return body.slice(0, -1) + alphabet[last | (s.endsWith('==') ? 0x0f : 0x03)] + s.slice(body.length)
}
const insert = (s, at, what) => s.slice(0, at) + what + s.slice(at)

const cases = [
  ['canonical: the SDK\'s wrapKey output, 16-byte IV', canonical, true],
  ['outer base64 without padding', canonical.replace(/=+$/, ''), true],
  ['inner key and iv without padding', blob({ key: good.key.replace(/=+$/, ''), iv: good.iv.replace(/=+$/, '') }), true],
  ['iv and key in the other order', blob({ iv: good.iv, key: good.key }), true],
  ['an extra member', blob({ key: good.key, iv: good.iv, v: 1 }), true],
  ['a duplicate key member, the last one valid', raw(`{"key":"AAAA","iv":"${good.iv}","key":"${good.key}"}`), true],
  ['a duplicate key member, the last one invalid', raw(`{"key":"${good.key}","iv":"${good.iv}","key":"AAAA"}`), false],
  ['JSON escapes in the members', raw(JSON.stringify({ key: good.key, iv: good.iv }).replace(/"key":"A/, '"key":"\\u0041').replace(/"key":"[^"]*\//, (m) => m.replace(/\/$/, '\\/'))), true],
  ['unused bits set in the last base64 character', lastBitsSet(padded), true],
  ['iv of 12 bytes', blob(seal(pkcs8, 12)), true],
  ['iv of 64 bytes', blob(seal(pkcs8, 64)), true],
  ['iv of 65 bytes', blob(seal(pkcs8, 65)), true],
  ['iv of 128 bytes', blob(seal(pkcs8, 128)), true],
  ['iv of 11 bytes', blob(seal(pkcs8, 11)), false],
  ['iv of 1 byte', blob(seal(pkcs8, 1)), false],
  // createCipheriv takes at most 128 bytes of IV too: the 129-byte IV is
  // put beside a ciphertext made with another IV.
  ['iv of 129 bytes', blob({ key: good.key, iv: b64(Buffer.alloc(129, 0xa0)) }), false],
  ['empty iv', blob({ key: good.key, iv: '' }), false],
  ['ciphertext of 16 bytes: the tag alone, over an empty key', blob(seal(Buffer.alloc(0), 16)), true],
  ['ciphertext of 15 bytes: shorter than the tag', blob({ key: b64(Buffer.from(good.key, 'base64').subarray(0, 15)), iv: good.iv }), false],
  ['ciphertext of 0 bytes', blob({ key: '', iv: good.iv }), false],
  ['a flipped ciphertext bit (authentication fails)', blob({ key: b64(Buffer.from(good.key, 'base64').map((b, i) => i === 3 ? b ^ 1 : b)), iv: good.iv }), true],
  ['CR LF inside the outer base64', insert(canonical, 76, '\r\n'), false, 'line breaks: the canonical text only'],
  ['LF inside the key member', blob({ key: insert(good.key, 8, '\n'), iv: good.iv }), false, 'line breaks: the canonical text only'],
  ['a space inside the outer base64', insert(canonical, 8, ' '), false, 'white space: the canonical text only'],
  ['a trailing newline', canonical + '\n', false, 'white space: the canonical text only (UnwrapKey trims its input; the wire value must be exact)'],
  ['a leading space', ' ' + canonical, false, 'white space: the canonical text only (UnwrapKey trims its input; the wire value must be exact)'],
  ['base64url alphabet in the key member', blob({ key: good.key.replace(/\+/g, '-').replace(/\//g, '_'), iv: good.iv }), false, 'standard base64 only: Buffer takes either alphabet'],
  ['a dangling last character (4n+1 characters)', unpadded + 'A', false, 'a character that carries no whole byte: Buffer drops it'],
  ['a character outside the alphabet', insert(canonical, 8, '!'), false, 'characters outside the alphabet: Buffer skips them'],
  ['padding before the end', canonical.replace(/=+$/, '') + '==AAAA', false, 'data after padding: Buffer stops at the first ='],
  ['trailing data after the JSON object', raw(JSON.stringify(good) + ' x'), false],
  ['a byte order mark before the JSON', raw('\ufeff' + JSON.stringify(good)), false],
  ['not JSON', raw('key iv'), false],
  ['JSON null', raw('null'), false],
  ['a JSON array', raw(JSON.stringify([good.key, good.iv])), false],
  ['no iv member', blob({ key: good.key }), false],
  ['no key member', blob({ iv: good.iv }), false],
  ['key a number', raw(`{"key":1,"iv":"${good.iv}"}`), false],
  ['key not base64', blob({ key: '%%%%', iv: good.iv }), false],
  ['empty string', '', false],
]

const out = []
for (const [name, encryptedPrivateKey, accept, why] of cases) {
  const c = { name, encryptedPrivateKey, node: await sdkUnwrap(encryptedPrivateKey), accept }
  if (why) c.why = why
  out.push(c)
}
process.stdout.write(JSON.stringify({ generator: 'gen-encrypted-keys.mjs', node: process.version, password, userName, cases: out }, null, 2) + '\n')

// gen-vectors.mjs writes vectors.json: cross-implementation test vectors for
// pkg/credential, computed with Node's WebCrypto the way the official
// TypeScript SDK (@dfns/sdk-browser) computes them: the PEM of
// exportPublicKeyInPemFormatBrowser, JSON.stringify for every JSON text,
// wrapKey('pkcs8') with AES-GCM for encryptedPrivateKey, and
// toLowerCase().trim() for the salt.
//
// The Go tests only read vectors.json; they never run Node. Regenerate with
//
//	node gen-vectors.mjs > vectors.json
//
// (Node 20 or later). Its inputs are fixed: the RFC 6979 A.2.5 P-256 key, the
// RFC 8032 test 1 Ed25519 seed and rsa3072-test-key.pem.
import { webcrypto as wc, createECDH, createPrivateKey, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

const subtle = wc.subtle
const b64 = (buf) => Buffer.from(buf).toString('base64')
const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/=/g, '').replace(/\+/g, '-').replace(/\//g, '_')
const hex = (buf) => Buffer.from(buf).toString('hex')
const utf8 = (s) => new TextEncoder().encode(s)

// The SDK's PEM: 64-character lines, no trailing newline.
const pem = (spki) => `-----BEGIN PUBLIC KEY-----\n${b64(spki).match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----`

const p256D = Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex')
const ed25519Seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')

const p256Pkcs8 = () => {
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(p256D)
  const pub = ecdh.getPublicKey()
  const jwk = { kty: 'EC', crv: 'P-256', d: b64url(p256D), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) }
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'der' })
}
const ed25519Pkcs8 = () => Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), ed25519Seed])
const rsaPkcs8 = () => createPrivateKey(readFileSync(new URL('./rsa3072-test-key.pem', import.meta.url))).export({ type: 'pkcs8', format: 'der' })

const keys = {
  ES256: { pkcs8: p256Pkcs8(), alg: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { pkcs8: ed25519Pkcs8(), alg: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  RS256: { pkcs8: rsaPkcs8(), alg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
}

// rawToDer turns WebCrypto's r||s into the DER the SDK sends.
const rawToDer = (raw) => {
  const int = (b) => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    b = b.subarray(i)
    return b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b
  }
  const r = int(Buffer.from(raw.subarray(0, 32)))
  const s = int(Buffer.from(raw.subarray(32)))
  return Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 0x02, r.length]), r, Buffer.from([0x02, s.length]), s])
}

const challenges = [
  'Y2gtMWE2N2ItNGY5aWYtOHJwN2dwNjVpMmxuNGp2dg',
  'not base64url: <tag> & "quotes" \\ / \u0007 \u007f é 😀',
]
const credId = b64url(Buffer.alloc(32, 7))

const attestations = []
for (const [name, k] of Object.entries(keys)) {
  const priv = await subtle.importKey('pkcs8', k.pkcs8, k.alg, true, ['sign'])
  const jwk = await subtle.exportKey('jwk', priv)
  delete jwk.d; delete jwk.p; delete jwk.q; delete jwk.dp; delete jwk.dq; delete jwk.qi
  jwk.key_ops = ['verify']
  const pub = await subtle.importKey('jwk', jwk, k.alg, true, ['verify'])
  const publicKeyPem = pem(await subtle.exportKey('spki', pub))
  for (const challenge of challenges) {
    const clientData = JSON.stringify({ type: 'key.create', challenge })
    const clientDataHash = hex(await subtle.digest('SHA-256', utf8(clientData)))
    const fingerprint = JSON.stringify({ clientDataHash, publicKey: publicKeyPem })
    let sig = new Uint8Array(await subtle.sign(k.sign, priv, utf8(fingerprint)))
    if (name === 'ES256') sig = rawToDer(sig)
    const attestationData = JSON.stringify({ publicKey: publicKeyPem, signature: hex(sig) })
    attestations.push({
      algorithm: name,
      challenge,
      publicKeyPem,
      clientData,
      clientDataHash,
      fingerprint,
      signature: hex(sig),
      deterministic: name !== 'ES256',
      credentialInfo: { credId, clientData: b64url(utf8(clientData)), attestationData: b64url(utf8(attestationData)) },
    })
  }
}

// keys/password.ts and worker/isolatedKey.ts: PBKDF2 → AES-GCM wrapKey('pkcs8').
const salt = async (userName) => new Uint8Array(await subtle.digest('SHA-256', utf8(userName.toLowerCase().trim())))
const wrap = async (password, userName, iv) => {
  const material = await subtle.importKey('raw', utf8(password), { name: 'PBKDF2' }, false, ['deriveKey'])
  const wrappingKey = await subtle.deriveKey(
    { name: 'PBKDF2', salt: await salt(userName), iterations: 100000, hash: 'SHA-256' },
    material, { name: 'AES-GCM', length: 256 }, true, ['wrapKey', 'unwrapKey'])
  const priv = await subtle.importKey('pkcs8', keys.ES256.pkcs8, keys.ES256.alg, true, ['sign'])
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', priv))
  const wrapped = await subtle.wrapKey('pkcs8', priv, wrappingKey, { name: 'AES-GCM', iv })
  const encryptedPrivateKey = b64(JSON.stringify({ key: b64(wrapped), iv: b64(iv) }))
  const credIdOfBlob = b64url(await subtle.digest('SHA-256', utf8(encryptedPrivateKey)))
  return { password, userName, iv: hex(iv), pkcs8: hex(pkcs8), encryptedPrivateKey, recoveryCredId: credIdOfBlob }
}
const ivA = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex')
const wraps = [
  await wrap('correct horse battery staple', '  Jane.Doe@Example.COM ', ivA),
  await wrap('D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789', 'jane.doe@example.com', ivA),
]

const userNames = [
  'jane.doe@example.com', '  Jane.Doe@Example.COM\t\n', 'ΟΔΥΣΣΕΥΣ', 'Σ', 'AΣ', 'AΣB', 'AΣ.', 'A.Σ', 'AΣ\'B', 'AΣ\u0301',
  'ΑΣ ΣΑ', '\u0130stanbul', 'DŽ ǅ', '\ufeffbob\ufeff', '\u0085bob\u0085', '\u00a0bob\u3000', '\u2028bob\u2029', 'Ǆ', 'ẞ', 'K',
]
const salts = []
for (const userName of userNames) {
  salts.push({ userName, normalized: userName.toLowerCase().trim(), salt: hex(await salt(userName)) })
}

process.stdout.write(JSON.stringify({ generator: 'gen-vectors.mjs', node: process.version, attestations, wraps, salts }, null, 2) + '\n')

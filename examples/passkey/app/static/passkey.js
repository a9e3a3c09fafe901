// The browser half of a passkey registration with a Dfns one-time code:
// options from the server → navigator.credentials.create → the credential
// back to the server. It uses PublicKeyCredential.parseCreationOptionsFromJSON
// and PublicKeyCredential.toJSON (WebAuthn Level 3) where the browser has
// them, and does their work by hand where it does not.

const b64uToBytes = (s) => {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

const bytesToB64u = (buf) => {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

// creationOptions turns the JSON options into what navigator.credentials.create takes.
export function creationOptions(json, { fallback = false } = {}) {
  if (!fallback && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: b64uToBytes(json.challenge),
    user: { ...json.user, id: b64uToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: b64uToBytes(c.id) })),
  };
}

// credentialJSON is PublicKeyCredential.toJSON() of a registration.
export function credentialJSON(cred, { fallback = false } = {}) {
  if (!fallback && typeof cred.toJSON === 'function') {
    return cred.toJSON();
  }
  const r = cred.response;
  return {
    id: cred.id,
    rawId: bytesToB64u(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: {
      clientDataJSON: bytesToB64u(r.clientDataJSON),
      attestationObject: bytesToB64u(r.attestationObject),
      transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
    },
  };
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) {
    const err = new Error(answer.error || `${res.status} ${res.statusText}`);
    err.status = res.status;
    err.answer = answer;
    throw err;
  }
  return answer;
}

// registerPasskey runs the whole registration and returns the credential
// Dfns registered. tweakOptions and tweakResponse see (and may change) the
// JSON on its way, for experiments and the browser test; fallback skips
// the WebAuthn Level 3 JSON helpers.
export async function registerPasskey({ code = '', name = 'My passkey', tweakOptions, tweakResponse, fallback = false } = {}) {
  const start = await post('/register/options', { code });
  const json = tweakOptions ? tweakOptions(start.publicKey) : start.publicKey;
  const cred = await navigator.credentials.create({ publicKey: creationOptions(json, { fallback }) });
  let answer = credentialJSON(cred, { fallback });
  if (tweakResponse) answer = tweakResponse(answer);
  return post('/register/finish', { registrationId: start.registrationId, name, credential: answer });
}

window.passkeyExample = { registerPasskey, creationOptions, credentialJSON, b64uToBytes, bytesToB64u };

export { b64uToBytes, bytesToB64u };

const form = document.getElementById('register');
const status = document.getElementById('status');
const show = (cls, text) => { status.className = cls; status.textContent = text; };

form?.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!window.PublicKeyCredential) {
    show('error', 'This browser has no WebAuthn (PublicKeyCredential): use a recent Chrome, Edge, Firefox or Safari.');
    return;
  }
  show('', 'Follow your browser: touch your security key, or use your fingerprint, face or PIN…');
  try {
    const cred = await registerPasskey({
      code: document.getElementById('code').value.trim(),
      name: document.getElementById('name').value.trim(),
    });
    show('ok', `Registered "${cred.name}" (${cred.credentialUuid}) for ${cred.relyingPartyId}, created on ${cred.origin}.`);
  } catch (err) {
    const details = err.answer && err.answer.details ? `\n${JSON.stringify(err.answer.details)}` : '';
    show('error', `${err.name === 'NotAllowedError' ? 'Cancelled or timed out. ' : ''}${err.message}${details}`);
  }
});

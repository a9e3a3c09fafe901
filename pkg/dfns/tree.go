package dfns

// Building a challenge from a tree that validateStrictValue accepted: every
// required field is there with its type, so the lookups below cannot fail;
// they still use the two-value forms, so a caller that skipped validation
// gets zero values rather than a panic.

// challengeFromTree builds the variant for a validated body.
func challengeFromTree(m map[string]any) Challenge {
	h := challengeHeader{
		kind:                CredentialKind(treeString(m, "kind")),
		challengeIdentifier: treeString(m, "challengeIdentifier"),
		user:                userFromTree(treeObject(m, "user")),
		tempToken:           treeString(m, "temporaryAuthenticationToken"),
	}
	if rp := treeObject(m, "rp"); rp != nil {
		h.rp = &RelyingParty{ID: treeString(rp, "id"), Name: treeString(rp, "name")}
	}
	challenge := treeString(m, "challenge")
	attestation := AttestationConveyance(treeString(m, "attestation"))
	params := paramsFromTree(m["pubKeyCredParams"])
	switch h.kind {
	case CredentialKindPassword:
		return &PasswordChallenge{challengeHeader: h}
	case CredentialKindTotp:
		return &TotpChallenge{challengeHeader: h, OtpURL: treeString(m, "otpUrl")}
	case CredentialKindFido2:
		return &Fido2Challenge{
			challengeHeader:        h,
			Challenge:              challenge,
			AuthenticatorSelection: selectionFromTree(treeObject(m, "authenticatorSelection")),
			Attestation:            attestation,
			PubKeyCredParams:       params,
			ExcludeCredentials:     descriptorsFromTree(m["excludeCredentials"]),
		}
	case CredentialKindKey:
		return &KeyChallenge{challengeHeader: h, Challenge: challenge, Attestation: attestation, PubKeyCredParams: params}
	case CredentialKindPasswordProtectedKey:
		return &PasswordProtectedKeyChallenge{challengeHeader: h, Challenge: challenge, Attestation: attestation, PubKeyCredParams: params}
	default: // CredentialKindRecoveryKey, the only kind left after validation
		return &RecoveryKeyChallenge{challengeHeader: h, Challenge: challenge, Attestation: attestation, PubKeyCredParams: params}
	}
}

func treeString(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func treeObject(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func userFromTree(m map[string]any) User {
	return User{ID: treeString(m, "id"), DisplayName: treeString(m, "displayName"), Name: treeString(m, "name")}
}

func selectionFromTree(m map[string]any) AuthenticatorSelection {
	s := AuthenticatorSelection{
		ResidentKey:      ResidentKeyRequirement(treeString(m, "residentKey")),
		UserVerification: UserVerificationRequirement(treeString(m, "userVerification")),
	}
	s.RequireResidentKey, _ = m["requireResidentKey"].(bool)
	if a, ok := m["authenticatorAttachment"].(string); ok {
		att := AuthenticatorAttachment(a)
		s.AuthenticatorAttachment = &att
	}
	return s
}

func paramsFromTree(v any) []PubKeyCredParam {
	items, _ := v.([]any)
	out := make([]PubKeyCredParam, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		alg, _ := m["alg"].(float64)
		out = append(out, PubKeyCredParam{Type: PublicKeyCredentialType(treeString(m, "type")), Alg: alg})
	}
	return out
}

func descriptorsFromTree(v any) []CredentialDescriptor {
	items, _ := v.([]any)
	out := make([]CredentialDescriptor, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, CredentialDescriptor{ID: treeString(m, "id"), Type: PublicKeyCredentialType(treeString(m, "type"))})
	}
	return out
}
